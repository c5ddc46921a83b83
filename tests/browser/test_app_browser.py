"""The browser app in a real browser (Debian's Chromium via Playwright), served offline."""

from __future__ import annotations

import re
import time

import pytest

from .conftest import screenshot

pytestmark = pytest.mark.browser

expect = pytest.importorskip("playwright.sync_api").expect


def day(page, cls: str = ".ss-day") -> int:
    text = page.locator(cls).first.inner_text()
    return int(re.search(r"(\d+)", text).group(1))


def test_explore_step_play_pause_reset(new_page):
    page = new_page("/?lang=en")
    expect(page.get_by_text("Explore one organisation")).to_be_visible()
    expect(page.locator(".ss-day")).to_have_text("Day 0")
    expect(page.locator(".ss-org-size")).to_contain_text("10 front-office teams")
    assert page.locator(".ss-net svg").count() == 1
    # step advances the day, and the curves appear
    page.locator(".ss-step").click()
    expect(page.locator(".ss-day")).to_have_text("Day 1")
    page.locator(".ss-step").click()
    expect(page.locator(".ss-day")).to_have_text("Day 2")
    # play runs on its own; pause stops it
    page.locator(".ss-play").click()
    expect(page.locator(".ss-day")).not_to_have_text(re.compile(r"Day [0-4]$"), timeout=30_000)
    page.locator(".ss-pause").click()
    expect(page.locator(".ss-play")).to_be_visible()
    time.sleep(0.5)
    stopped = day(page)
    time.sleep(1.5)
    assert day(page) == stopped, "the model kept running after Pause"
    screenshot(page, "explore")
    # a structural parameter waits for Reset, then Reset rebuilds with it
    teams = page.locator(".ss-input-teams input")
    page.locator(".ss-group-organisation").click()
    teams.fill("4")
    teams.press("Enter")
    expect(page.locator(".ss-pending")).to_contain_text("1 change waits for Reset")
    expect(page.locator(".ss-org-size")).to_contain_text("10 front-office teams")
    page.locator(".ss-reset").click()
    expect(page.locator(".ss-day")).to_have_text("Day 0")
    expect(page.locator(".ss-org-size")).to_contain_text("4 front-office teams")
    expect(page.locator(".ss-pending")).to_have_count(0)


def test_intervention_marked_on_chart(new_page):
    page = new_page("/?lang=en")
    for n in (1, 2, 3):
        page.locator(".ss-step").click()
        expect(page.locator(".ss-day")).to_have_text(f"Day {n}")
    assert page.locator(".ss-explore-chart g[id^='marker-']").count() == 0
    page.locator(".ss-iv-training_programme").click()
    expect(page.locator(".ss-iv-log")).to_contain_text("Day 3 — Training programme")
    expect(page.locator(".ss-explore-chart g[id^='marker-label-3-']")).to_have_count(1)
    expect(page.locator(".ss-explore-chart g[id^='marker-label-3-']")).to_contain_text("Training programme")
    # a change of style, live, with its own mark
    page.locator(".ss-step").click()
    expect(page.locator(".ss-day")).to_have_text("Day 4")
    page.locator(".ss-iv-style_change").click()
    expect(page.locator(".ss-iv-log")).to_contain_text("Day 4 — Change of style")
    expect(page.locator(".ss-explore-chart g[id^='marker-label-4-']")).to_have_count(1)


def test_compare_steps_both_models(new_page):
    page = new_page("/compare?lang=en")
    expect(page.get_by_text("Compare two management styles")).to_be_visible()
    expect(page.locator(".ss-compare-days")).to_have_text("A: Day 0 · B: Day 0")
    page.locator(".ss-cmp-step").click()
    expect(page.locator(".ss-compare-days")).to_have_text("A: Day 1 · B: Day 1")
    page.locator(".ss-cmp-step").click()
    expect(page.locator(".ss-compare-days")).to_have_text("A: Day 2 · B: Day 2")
    chart = page.locator(".ss-compare-chart")
    expect(chart).to_contain_text("hierarchical")
    expect(chart).to_contain_text("bersin")
    expect(page.locator(".ss-diff tr.ss-diff-csat td")).to_have_count(6)     # measure, unit, A, B, B − A, better
    expect(page.locator(".ss-gap-chart line.zero")).to_have_count(4)    # B − A day by day, around zero
    expect(page.locator(".ss-gap-chart polyline.series-0")).to_have_count(4)
    screenshot(page, "compare")
    # the other pages load directly by their address too
    journey = new_page("/journey?lang=en")
    expect(journey.locator(".ss-journey-empty")).to_contain_text("Nothing has happened yet")
    info = new_page("/info?lang=fr")
    expect(info.get_by_text("À essayer").first).to_be_visible()


def test_journey_and_language_switch(new_page):
    page = new_page("/?lang=en")
    for n in range(1, 6):
        page.locator(".ss-step").click()
        expect(page.locator(".ss-day")).to_have_text(f"Day {n}")
    page.locator(".ss-nav-journey").click()           # in-app navigation keeps the session's model
    expect(page.get_by_text("Follow one request")).to_be_visible()
    page.locator(".ss-latest-unhappy").click()
    events = page.locator(".ss-journey-events tr")
    expect(events.first).to_be_visible()
    assert events.count() >= 3                         # header, arrival, ..., resolution
    expect(page.locator(".ss-journey-events")).to_contain_text("Arrives, for team")
    expect(page.locator(".ss-journey-why")).to_contain_text(re.compile(r"out of 5"))
    screenshot(page, "journey")
    # switching language changes the visible texts (and numbers take a decimal comma)
    page.locator(".ss-lang-fr").click()
    expect(page.get_by_text("Suivre une demande")).to_be_visible()
    expect(page.locator(".ss-nav-explore")).to_have_text("Explorer")
    page.locator(".ss-latest-unhappy").click()
    expect(page.locator(".ss-journey-events")).to_contain_text("Arrive pour l'équipe")
    expect(page.locator(".ss-journey-why")).to_contain_text(re.compile(r"sur 5"))
    assert "lang=fr" in page.url
    page.locator(".ss-nav-info").click()
    expect(page.get_by_text("D'où viennent ces idées")).to_be_visible()
    expect(page.locator(".ss-info")).to_contain_text("Bersin")
    screenshot(page, "info-fr")
    page.locator(".ss-lang-en").click()
    expect(page.get_by_text("Where the ideas come from")).to_be_visible()


def test_french_url_and_two_sessions_are_independent(new_page):
    one = new_page("/?lang=fr")
    expect(one.get_by_text("Explorer une organisation")).to_be_visible()
    expect(one.locator(".ss-day")).to_have_text("Jour 0")
    two = new_page("/?lang=en")
    expect(two.locator(".ss-day")).to_have_text("Day 0")
    for n in (1, 2, 3):
        one.locator(".ss-step").click()
        expect(one.locator(".ss-day")).to_have_text(f"Jour {n}")
    time.sleep(0.5)
    expect(two.locator(".ss-day")).to_have_text("Day 0")
    two.locator(".ss-step").click()
    expect(two.locator(".ss-day")).to_have_text("Day 1")
    expect(one.locator(".ss-day")).to_have_text("Jour 3")
    # French number formatting on the page (the parameter values)
    expect(one.locator(".ss-input-delegation input")).to_have_value(re.compile(r"^0,\d+$"))
    # the meaning, not the code name
    expect(one.locator(".ss-param-delegation")).to_contain_text("Autonomie accordée")
    screenshot(one, "explore-fr")
