"""The questionnaire page in a real browser: answer, simulate, see the three managements with their bands,
download the scenario file (and it loads); once in French on a phone-sized screen (390 x 844)."""

from __future__ import annotations

import pytest

from servicesim.model.scenario import load_scenario

from .conftest import Watch, screenshot

pytestmark = pytest.mark.browser

expect = pytest.importorskip("playwright.sync_api").expect

#: A simulation runs in the server's one questionnaire slot: allow for a busy machine.
SIMULATION_TIMEOUT = 240_000


def answer(page, item: str, value) -> None:
    button = page.locator(f".ss-q-{item}-{value}")
    button.scroll_into_view_if_needed()
    button.click()


def download(page, tmp_path, expected_name: str):
    with page.expect_download() as info:
        page.locator(".ss-q-download").click()
    dl = info.value
    assert dl.suggested_filename == expected_name
    path = tmp_path / expected_name
    dl.save_as(str(path))
    return path


def test_answer_simulate_and_download(new_page, tmp_path):
    page = new_page("/questionnaire?lang=en")
    expect(page.get_by_text("Describe your organisation")).to_be_visible()
    expect(page.locator(".ss-q-item")).to_have_count(16)
    expect(page.locator(".ss-q-answered")).to_contain_text("0 of 16 statements rated")
    for item, value in (("O1", 2), ("O3", 1), ("L1", 2), ("L2", 1), ("L4", 2)):
        answer(page, item, value)
    expect(page.locator(".ss-q-answered")).to_contain_text("5 of 16 statements rated")
    page.locator(".ss-q-sector").click()
    page.get_by_role("option", name="retail store", exact=True).click()
    page.locator(".ss-q-run").click()
    expect(page.locator(".ss-q-verdict")).to_contain_text("Run culture first", timeout=SIMULATION_TIMEOUT)
    for arm in ("as_is", "culture_first", "command_control"):
        expect(page.locator(f".ss-q-row-{arm}")).to_have_count(1)
    expect(page.locator(".ss-q-row-as_is")).to_contain_text("As you describe it")
    assert page.locator(".ss-q-band-csat svg circle").count() == 3
    assert page.locator(".ss-q-band-profit svg circle").count() == 3
    screenshot(page, "questionnaire")
    path = download(page, tmp_path, "my_organisation.toml")
    text = path.read_text(encoding="utf-8")
    assert "O3=1" in text and "L2=1" in text and 'extends = "retail_store"' in text
    loaded = load_scenario(path)
    assert loaded.params["novelty"] == load_scenario("retail_store").params["novelty"]
    assert loaded.params["handoffs"] >= 3          # O3 = 1: customers passed from one department to the next
    # a changed answer marks the result as out of date
    answer(page, "L1", 5)
    expect(page.locator(".ss-q-stale")).to_be_visible()


def test_in_french_on_a_phone(chromium, app_url, tmp_path):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR", is_mobile=True,
                                   has_touch=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    watch = Watch(page, app_url)
    try:
        page.goto(app_url + "/questionnaire?lang=fr")
        expect(page.get_by_text("Décrivez votre organisation")).to_be_visible()
        expect(page.locator(".ss-q-item-O1")).to_contain_text("Quand la direction fixe les priorités")
        for item in ("O1", "O2", "L1", "L6"):
            answer(page, item, 4)
        answer(page, "O5", "dk")
        page.locator(".ss-q-run").click()
        expect(page.locator(".ss-q-verdict")).to_contain_text("Menée par la culture d'abord",
                                                              timeout=SIMULATION_TIMEOUT)
        expect(page.locator(".ss-q-row-command_control")).to_contain_text("Commandement et contrôle")
        # French numbers (decimal comma) and nothing wider than the phone
        expect(page.locator(".ss-q-row-as_is")).to_contain_text(",")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390 + 1, f"the page is {width} px wide on a 390 px screen"
        screenshot(page, "questionnaire-fr-phone")
        path = download(page, tmp_path, "mon_organisation.toml")
        assert load_scenario(path).params["values_emphasis"] > 0.5
    finally:
        context.close()
    watch.check()
