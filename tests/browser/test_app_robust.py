"""The app on a shared classroom server (issue 12): bad input never reaches a traceback, one session
cannot build an organisation that takes the server down, uploaded files are data, one click is one
action, Reset leaves no stale message, and pages work on a phone."""

from __future__ import annotations

import random
import re
import time

import pytest

from .conftest import screenshot

pytestmark = pytest.mark.browser

expect = pytest.importorskip("playwright.sync_api").expect

#: Text that only a Python traceback or a leaked server path would put on a page.
LEAKS = re.compile(r"Traceback|File \"/|/tmp/|site-packages|Error:\s*$|\.py\", line", re.M)


def assert_no_leak(page):
    body = page.locator("body").inner_text()
    assert not LEAKS.search(body), LEAKS.search(body).group(0) + " on the page:\n" + body[:2000]


def day(page, cls: str = ".ss-day") -> int:
    return int(re.search(r"(\d+)", page.locator(cls).first.inner_text()).group(1))


def step_and_check(page, cls=".ss-step", day_cls=".ss-day"):
    """The page is alive: Step still advances the day."""
    before = day(page, day_cls)
    page.locator(cls).click()
    expect(page.locator(day_cls).first).to_contain_text(str(before + 1))


def open_group(page, group: str):
    button = page.locator(f".ss-group-{group}").first
    expect(button).to_be_visible(timeout=30_000)
    for _ in range(3):             # a click landing while the panel redraws can be lost: try again
        if button.inner_text().strip().startswith("▾"):
            return
        button.click()
        try:
            expect(button).to_contain_text("▾", timeout=5_000)
            return
        except AssertionError:
            continue
    expect(button).to_contain_text("▾")


def type_into(page, selector: str, value: str, enter: bool = True):
    box = page.locator(selector).first
    box.fill(value)
    if enter:
        box.press("Enter")


# --- 1. no traceback: seeds, request numbers -----------------------------------------------------------
@pytest.mark.parametrize("value, says", [
    ("-1", "−1 is out of range"),
    ("99999999999999999999", "is out of range"),
    ("abc", "“abc” is not a whole number"),
    ("", "the box is empty"),
])
def test_explore_bad_seed_says_so_and_the_page_lives(new_page, value, says):
    page = new_page("/?lang=en")
    step_and_check(page)
    type_into(page, ".ss-seed input", value)
    expect(page.locator(".ss-seed-error")).to_contain_text(says)
    expect(page.locator(".ss-seed-error")).to_contain_text("Seed")
    expect(page.locator(".ss-seed-error")).to_contain_text("a whole number from 0 to 4,294,967,295")
    page.locator(".ss-reset").click()                     # Reset refuses, says why, and keeps the model
    expect(page.locator(".ss-error")).to_contain_text("Seed")
    expect(page.locator(".ss-day")).to_have_text("Day 1")
    assert page.locator(".ss-seed input").input_value() == value     # what was typed stays visible
    assert_no_leak(page)
    step_and_check(page)
    type_into(page, ".ss-seed input", "7")                # a good seed clears the message, Reset works
    expect(page.locator(".ss-seed-error")).to_have_count(0)
    page.locator(".ss-reset").click()
    expect(page.locator(".ss-day")).to_have_text("Day 0")
    expect(page.locator(".ss-error")).to_have_count(0)


@pytest.mark.parametrize("value, says", [
    ("-1", "−1 est hors limites"),
    ("99999999999999999999", "est hors limites"),
    ("abc", "« abc » n'est pas un nombre entier"),
])
def test_compare_bad_seed_in_french(new_page, value, says):
    page = new_page("/compare?lang=fr")
    step_and_check(page, ".ss-cmp-step", ".ss-compare-days")
    type_into(page, ".ss-compare-seed input", value)
    expect(page.locator(".ss-compare-seed-error")).to_contain_text(says)
    expect(page.locator(".ss-compare-seed-error")).to_contain_text("Numéro de tirage")
    expect(page.locator(".ss-compare-seed-error")).to_contain_text(
        "un nombre entier de 0 à 4\u202f294\u202f967\u202f295")
    page.locator(".ss-cmp-reset").click()
    expect(page.locator(".ss-error")).to_contain_text("Numéro de tirage")
    expect(page.locator(".ss-compare-days")).to_have_text("A : jour 1 · B : jour 1")
    assert_no_leak(page)
    step_and_check(page, ".ss-cmp-step", ".ss-compare-days")


def test_journey_request_abc_says_so_instead_of_showing_the_previous_one(new_page):
    page = new_page("/?lang=en")
    for n in range(1, 5):
        page.locator(".ss-step").click()
        expect(page.locator(".ss-day")).to_have_text(f"Day {n}")
    page.locator(".ss-nav-journey").click()
    page.locator(".ss-recent").first.click()
    expect(page.locator(".ss-journey-events")).to_be_visible()
    type_into(page, ".ss-request-id input", "abc", enter=False)
    page.locator(".ss-show-request").click()
    expect(page.locator(".ss-journey-note")).to_contain_text("Request number: “abc” is not a whole number")
    expect(page.locator(".ss-journey-events")).to_have_count(0)      # nothing stale
    type_into(page, ".ss-request-id input", "-5", enter=False)
    page.locator(".ss-show-request").click()
    expect(page.locator(".ss-journey-note")).to_contain_text("−5 is out of range")
    assert_no_leak(page)


def test_journey_latest_unhappy_includes_customers_who_gave_up(new_page):
    """Under command and control, customers who give up waiting are the main failure: the button
    finds them (the served-only search used to skip them)."""
    page = new_page("/?lang=en")
    open_group(page, "demand")
    type_into(page, ".ss-input-request_rate input", "0.4")      # more demand than the desks can take
    page.locator(".ss-speed button").last.click()
    page.locator(".ss-play").click()
    expect(page.locator(".ss-day")).to_have_text(re.compile(r"Day (1[2-9]|[2-9]\d|\d{3})"), timeout=60_000)
    page.locator(".ss-pause").click()
    page.locator(".ss-nav-journey").click()
    page.locator(".ss-latest-unhappy").click()
    expect(page.locator(".ss-journey-why")).to_contain_text(re.compile(r"out of 5"))
    text = page.locator(".ss-journey-why").inner_text()
    assert "gave up" in text or "out of 5 (dissatisfied)" in text


# --- 2. bounded resources ------------------------------------------------------------------------------
def test_organisation_too_large_is_refused_with_the_limit(new_page):
    page = new_page("/?lang=en")
    open_group(page, "organisation")
    type_into(page, ".ss-input-teams input", "2000")
    error = page.locator(".ss-param-teams .ss-param-error")
    expect(error).to_contain_text("Teams × team size = 2,000 × 10")
    expect(error).to_contain_text("at most 1,000")
    expect(error).to_contain_text("--max-employees")
    page.locator(".ss-reset").click()                                 # nothing pending: the same organisation
    expect(page.locator(".ss-org-size")).to_contain_text("10 front-office teams")
    type_into(page, ".ss-input-team_size input", "12")             # 10 teams x 12 x 5,000 > 500,000 customers
    open_group(page, "demand")
    type_into(page, ".ss-input-customers_per_front input", "5000")
    expect(page.locator(".ss-param-customers_per_front .ss-param-error")).to_contain_text("600,000 customers")
    expect(page.locator(".ss-param-teams .ss-param-error")).to_have_count(0)   # one error at a time
    assert_no_leak(page)
    step_and_check(page)


def test_large_allowed_organisation_is_drawn_by_group(new_page):
    page = new_page("/?lang=en")
    open_group(page, "demand")
    type_into(page, ".ss-input-customers_per_front input", "100")
    open_group(page, "organisation")
    type_into(page, ".ss-input-teams input", "40")
    type_into(page, ".ss-input-team_size input", "9")
    expect(page.locator(".ss-pending")).to_contain_text("3 changes wait for Reset")
    page.locator(".ss-reset").click()
    expect(page.locator(".ss-org-size")).to_contain_text("40 front-office teams of 9")
    expect(page.locator(".ss-net .grouped-note")).to_contain_text("one mark each")
    assert page.locator(".ss-net svg .node").count() < 120
    step_and_check(page)


# --- 3. uploads are data ---------------------------------------------------------------------------------
def upload(page, selector: str, name: str, text: str):
    page.locator(f"{selector} .ss-file-input").set_input_files(
        files=[{"name": name, "mimeType": "text/plain", "buffer": text.encode()}])


@pytest.mark.parametrize("lang, content, says", [
    ("en", 'extends = "/etc/passwd"\n', "is not a preset"),
    ("en", 'extends = "../scenarios/bersin.toml"\n', "cannot point to another file"),
    ("en", "[params\nteams = 3\n", "not valid TOML (error at line 1"),
    ("fr", 'extends = "/etc/passwd"\n', "n'est pas un scénario prédéfini"),
    ("fr", "[params\nteams = 3\n", "le TOML n'est pas valide (erreur à la ligne 1"),
    ("fr", 'extends = "bersin"\n[params]\nteams = "x"\n', "« x » n'est pas un nombre"),
    ("fr", 'foo = 1\n', "la clé « foo » est inconnue"),
])
def test_upload_errors_are_one_line_without_server_paths(new_page, lang, content, says):
    page = new_page(f"/?lang={lang}")
    upload(page, ".ss-upload", "evil.toml", content)
    expect(page.locator(".ss-error")).to_contain_text(says)
    assert "\n" not in page.locator(".ss-error").inner_text().strip()
    assert_no_leak(page)
    # the drop zone and the scenario box agree: nothing was loaded
    expect(page.locator(".ss-upload .ss-drop-label")).not_to_contain_text("evil.toml")
    expect(page.locator(".ss-preset")).to_contain_text("hierarchical" if lang == "en" else "commandement et contrôle")
    expect(page.locator(".ss-loaded-file")).to_have_count(0)


def test_upload_by_click_and_good_file_loads(new_page):
    page = new_page("/?lang=en")
    with page.expect_file_chooser() as chooser:
        page.locator(".ss-upload .ss-drop-label").click()             # click (or tap) to choose
    chooser.value.set_files(files=[{"name": "mine.toml", "mimeType": "text/plain",
                                     "buffer": b'extends = "bersin"\n[params]\nteams = 4\n'}])
    expect(page.locator(".ss-loaded-file")).to_contain_text("mine.toml")
    expect(page.locator(".ss-org-size")).to_contain_text("4 front-office teams")
    with page.expect_file_chooser():
        page.locator(".ss-upload .ss-file-button").click()           # and a visible button
    # a later failed upload leaves the loaded scenario in place and says so
    upload(page, ".ss-upload", "bad.toml", "[x")
    expect(page.locator(".ss-error")).to_contain_text("bad.toml")
    expect(page.locator(".ss-org-size")).to_contain_text("4 front-office teams")


# --- 4. one click, one action; Reset clears stale state ---------------------------------------------------
def test_fifteen_quick_clicks_launch_one_surge(new_page):
    page = new_page("/?lang=en")
    step_and_check(page)
    button = page.locator(".ss-iv-demand_surge")
    for _ in range(15):
        button.click(delay=0, no_wait_after=True)
    button.dblclick()
    time.sleep(1.0)
    expect(page.locator(".ss-iv-log")).to_contain_text("Day 1 — Demand surge")
    assert page.locator(".ss-iv-log").inner_text().count("Demand surge") == 1
    assert page.locator(".ss-explore-chart g[id^='marker-label-1-']").count() == 1
    step_and_check(page)
    button.click()                                                   # the next day, a new one is fine
    expect(page.locator(".ss-iv-log")).to_contain_text("Day 2 — Demand surge")


def test_reset_clears_intervention_message_and_parameter_error(new_page):
    page = new_page("/?lang=en")
    step_and_check(page)
    page.locator(".ss-iv-training_programme").click()
    expect(page.locator(".ss-iv-message")).to_contain_text("Training programme: launched on day 1")
    open_group(page, "structure")
    type_into(page, ".ss-input-delegation input", "5")
    expect(page.locator(".ss-param-delegation .ss-param-error")).to_contain_text("5 is out of range")
    type_into(page, ".ss-input-coaching input", "abc")
    expect(page.locator(".ss-param-coaching .ss-param-error")).to_contain_text("“abc” is not a number")
    expect(page.locator(".ss-param-error")).to_have_count(1)        # the old error went
    page.locator(".ss-reset").click()
    expect(page.locator(".ss-day")).to_have_text("Day 0")
    expect(page.locator(".ss-iv-message")).to_have_count(0)
    expect(page.locator(".ss-param-error")).to_have_count(0)
    expect(page.locator(".ss-iv-log-empty")).to_be_visible()


# --- 6. readability ----------------------------------------------------------------------------------------
def test_compare_marks_edited_scenario_and_better_only_beyond_noise(new_page):
    page = new_page("/?lang=en")
    open_group(page, "structure")
    type_into(page, ".ss-input-delegation input", "0.9")
    expect(page.locator(".ss-input-delegation input")).to_have_value("0.9")
    page.locator(".ss-nav-compare").click()
    page.locator(".ss-side-a").click()
    page.get_by_role("option", name="The scenario edited on the Explore page").click()
    expect(page.locator(".ss-side-a-current")).to_contain_text("hierarchical — command and control (edited)")
    expect(page.locator(".ss-compare-chart")).to_contain_text("(edited)")
    page.locator(".ss-cmp-step").click()
    expect(page.locator(".ss-compare-days")).to_contain_text("Day 1")
    # before enough days, nobody is "better"; the units are in the table
    expect(page.locator(".ss-diff tr.ss-diff-csat .ss-who")).to_have_text("—")
    expect(page.locator(".ss-diff tr.ss-diff-resolution_time_days .ss-unit")).to_have_text("days")
    expect(page.locator(".ss-diff tr.ss-diff-turnover_rate .ss-unit")).to_have_text("share per year")
    expect(page.locator(".ss-compare-chart")).to_contain_text("Customer satisfaction (1–5)")


# --- 1. the fuzz test ------------------------------------------------------------------------------------
HOSTILE = ["-1", "0", "1e309", "nan", "inf", "-inf", "99999999999999999999", "abc", "", " ", "1,5", "0.5.5",
           "<script>alert(1)</script>", "'; DROP TABLE x;--", "../../etc/passwd", "%s%s%n", "{0}", "１２", "٣",
           "0x10", "1_000", "−3", "1e-400", "\u202e123", "9" * 400]


def hostile_values(rng: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        kind = rng.random()
        if kind < 0.5:
            out.append(rng.choice(HOSTILE))
        elif kind < 0.8:
            out.append(repr(rng.uniform(-1e6, 1e6)) if rng.random() < 0.5 else str(rng.randint(-10**12, 10**12)))
        else:
            out.append("".join(rng.choice("0123456789.,-+eE abc€") for _ in range(rng.randint(1, 12))))
    return out


@pytest.mark.slow
@pytest.mark.parametrize("path, step", [("/?lang=en", ".ss-step"), ("/?lang=fr", ".ss-step"),
                                        ("/compare?lang=fr", ".ss-cmp-step"), ("/compare?lang=en", ".ss-cmp-step")])
def test_fuzz_every_input_of_every_page(new_page, path, step):
    """Random and hostile values typed into every text input of the page (a seeded generator:
    the same run every time), then Reset/Step: never a traceback, the page still steps."""
    rng = random.Random(12 + len(path))
    page = new_page(path)
    expect(page.locator(step)).to_be_visible(timeout=30_000)
    if "compare" not in path:
        for group in ("organisation", "demand", "customers", "employees", "backoffice"):
            open_group(page, group)
        expect(page.locator(".ss-input-payroll_stress input")).to_be_visible()
    inputs = page.locator("input[type=text], input:not([type])")
    count = inputs.count()
    assert count >= (40 if "compare" not in path else 1)
    values = hostile_values(rng, count)
    for i in rng.sample(range(count), min(count, 30)):
        box = inputs.nth(i)
        if not box.is_visible() or not box.is_editable():
            continue
        box.fill(values[i])
        box.press("Enter")
    for field in (".ss-seed input", ".ss-compare-seed input", ".ss-transition input"):
        # the fields that once let a traceback through always get a hostile value
        if page.locator(field).count():
            page.locator(field).first.fill(rng.choice(HOSTILE[:8]))
    page.locator(step.replace("step", "reset")).click()
    time.sleep(1.0)
    assert_no_leak(page)
    page.locator(step).click()
    time.sleep(0.5)
    assert_no_leak(page)
    page.locator(".ss-nav-journey").click()
    expect(page.get_by_text(re.compile("Follow one request|Suivre une demande"))).to_be_visible()
    box = page.locator(".ss-request-id input")
    if box.count():
        for value in hostile_values(rng, 8):
            box.fill(value)
            page.locator(".ss-show-request").click()
        assert_no_leak(page)
    page.locator(".ss-nav-explore").click()
    step_and_check(page)


# --- 7. phones, and the screenshots ---------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_phone_layout_390(chromium, app_url, lang):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR" if lang == "fr" else "en-GB",
                                   is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto(f"{app_url}/?lang={lang}")
        expect(page.locator(".ss-day")).to_be_visible()
        # the parameters fold into a drawer; the main column takes the width; charts stack
        expect(page.locator(".ss-drawer-body")).to_be_hidden()
        expect(page.locator(".ss-drawer-toggle")).to_be_visible()
        main = page.locator(".ss-main-col").bounding_box()
        assert main["width"] > 330, main
        panels = page.locator(".ss-explore-chart .ss-panels > svg")       # charts stack: one per row
        expect(panels.first).to_be_visible()
        one, two = panels.nth(0).bounding_box(), panels.nth(1).bounding_box()
        assert two["y"] > one["y"] + one["height"] - 1 and one["width"] > 330, (one, two)
        assert page.evaluate("document.documentElement.scrollWidth") <= 400
        page.locator(".ss-step").tap()
        expect(page.locator(".ss-day")).to_contain_text("1")
        page.locator(".ss-drawer-toggle").tap()
        expect(page.locator(".ss-drawer-body")).to_be_visible()
        expect(page.locator(".ss-seed input")).to_be_visible()
        page.locator(".ss-group-employees").tap()                   # the longest group title
        expect(page.locator(".ss-group-employees")).to_contain_text("▾")
        assert page.evaluate("document.documentElement.scrollWidth") <= 400
        screenshot(page, f"phone-explore-drawer-{lang}")
        page.locator(".ss-nav-compare").tap()
        expect(page.locator(".ss-compare-chart .ss-panels > svg").first).to_be_visible()
        page.locator(".ss-cmp-step").tap()
        expect(page.locator(".ss-compare-days")).to_contain_text("1")
        assert page.evaluate("document.documentElement.scrollWidth") <= 400
        page.locator(".ss-nav-journey").tap()
        page.locator(".ss-latest-unhappy").tap() if page.locator(".ss-latest-unhappy").count() else None
        assert page.evaluate("document.documentElement.scrollWidth") <= 400
    finally:
        context.close()


SIZES = {"1600x1000": (1600, 1000), "1280x720": (1280, 720), "390x844": (390, 844)}


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_screenshots_of_every_page(chromium, app_url, lang):
    """test-artifacts/<page>-<lang>-<size>.png for every page, language and size (looked at by a person)."""
    for size, (w, h) in SIZES.items():
        context = chromium.new_context(viewport={"width": w, "height": h})
        page = context.new_page()
        page.set_default_timeout(30_000)
        try:
            page.goto(f"{app_url}/?lang={lang}")
            for _ in range(6):
                page.locator(".ss-step").click()
            expect(page.locator(".ss-day")).to_contain_text("6")
            page.screenshot(path=str(_artifact(f"explore-{lang}-{size}")), full_page=False)
            page.locator(".ss-nav-journey").click()
            page.locator(".ss-latest-unhappy").click()
            expect(page.locator(".ss-journey-why")).to_be_visible()
            page.screenshot(path=str(_artifact(f"journey-{lang}-{size}")), full_page=True)
            page.locator(".ss-nav-compare").click()
            for _ in range(6):
                page.locator(".ss-cmp-step").click()
            expect(page.locator(".ss-compare-days")).to_contain_text("6")
            page.screenshot(path=str(_artifact(f"compare-{lang}-{size}")), full_page=False)
            page.locator(".ss-nav-info").click()
            page.screenshot(path=str(_artifact(f"info-{lang}-{size}")), full_page=False)
            assert_no_leak(page)
        finally:
            context.close()


def _artifact(name: str):
    from .conftest import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / f"{name}.png"


# --- French pages show no English catalogue text ------------------------------------------------------------
def english_only_texts() -> list[str]:
    """Catalogue texts whose English differs from the French (proper names, units such as "0–1" and
    code-like strings excluded), long enough to be recognised on a page."""
    from servicesim.viz import i18n

    out = []
    for key, en in i18n.EN.items():
        fr = i18n.FR.get(key, "")
        core = re.sub(r"\{[^}]*\}", "", en).strip(" .:;,")
        if en == fr or len(core) < 12 or key.startswith(("scenario.", "unit.")):
            continue
        # the longest run of plain words (placeholders cut the sentence into pieces)
        piece = max(re.split(r"\{[^}]*\}", en), key=len).strip(" .:;,()")
        if len(piece) >= 12 and piece not in fr:
            out.append(piece)
    return out


def test_french_pages_show_no_english_catalogue_text(new_page):
    english = english_only_texts()
    assert len(english) > 200                          # the check looks at the whole catalogue
    page = new_page("/?lang=fr")
    for group in ("organisation", "demand", "customers", "employees", "backoffice"):
        open_group(page, group)
    for _ in range(5):
        page.locator(".ss-step").click()
    expect(page.locator(".ss-day")).to_have_text("Jour 5")
    page.locator(".ss-iv-training_programme").click()
    expect(page.locator(".ss-iv-message")).to_be_visible()
    texts = [page.locator("body").inner_text()]
    page.locator(".ss-nav-compare").click()
    for _ in range(3):
        page.locator(".ss-cmp-step").click()
    expect(page.locator(".ss-compare-days")).to_contain_text("jour 3")
    texts.append(page.locator("body").inner_text())
    page.locator(".ss-nav-journey").click()
    page.locator(".ss-latest-unhappy").click()
    expect(page.locator(".ss-journey-why")).to_be_visible()
    texts.append(page.locator("body").inner_text())
    page.locator(".ss-nav-info").click()
    expect(page.locator(".ss-info")).to_be_visible()
    texts.append(page.locator("body").inner_text())
    body = "\n".join(texts)
    found = sorted({e for e in english if e in body})
    assert not found, f"English on French pages: {found[:10]}"
    assert "(s)" not in body and "(e)" not in body


def test_compare_is_a_lab_each_side_has_parameters_and_interventions(new_page):
    page = new_page("/compare?lang=en")
    step_and_check(page, ".ss-cmp-step", ".ss-compare-days")
    page.locator(".ss-lab-b").click()
    lab = page.locator(".ss-lab-body-b")
    expect(lab).to_be_visible()
    lab.locator(".ss-iv-training_programme").click()
    expect(lab.locator(".ss-iv-message")).to_contain_text("Training programme: launched on day 1")
    expect(page.locator(".ss-compare-chart")).to_contain_text("B: Training programme")
    box = lab.locator(".ss-input-delegation input")
    box.fill("0.1")
    box.press("Enter")
    expect(page.locator(".ss-side-b-current")).to_contain_text("(edited)")
    expect(page.locator(".ss-side-a-current")).not_to_contain_text("(edited)")
    page.locator(".ss-cmp-reset").click()                 # Reset keeps the values edited on the side
    expect(page.locator(".ss-compare-days")).to_contain_text("Day 0")
    expect(lab.locator(".ss-input-delegation input")).to_have_value("0.1")
    expect(page.locator(".ss-side-b-current")).to_contain_text("(edited)")
    step_and_check(page, ".ss-cmp-step", ".ss-compare-days")
