"""Workshop rooms in Chromium: one facilitator and three participants, each in their own browser context
(their own session), through open -> join -> push -> predict -> reveal; a participant cannot drive the
room; a server restarted mid-session keeps the room and its predictions; the participant's view on a
phone (390x844); the whole flow once in French. The exercise is a tiny one dropped into the server's
data directory (2 teams of 4, 15 days, 2 replicates), so the run takes a few seconds."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from workshop_fixtures import TINY

from .conftest import Watch, _free_port, screenshot, start_server

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

NAMES = ("Ann", "Bob", "Chloé")
GUESSES = (("b", "0.3"), ("a", "-0,1"), ("same", "0.05"))


def drop_tiny(data_dir: Path) -> None:
    (data_dir / "exercises").mkdir(parents=True, exist_ok=True)
    (data_dir / "exercises" / "tiny.toml").write_text(TINY, encoding="utf-8")


@pytest.fixture(scope="module")
def room_url(app_env, app_url):
    """The session's app server, with the tiny exercise in its (default, per-user) data directory."""
    drop_tiny(Path(app_env["XDG_DATA_HOME"]) / "servicesim")
    return app_url


@pytest.fixture
def people(chromium):
    """Factory: a page in a fresh browser context (one person), watched for errors."""
    made = []

    def make(base: str, path: str, width: int = 1280, height: int = 900, watch: bool = True):
        context = chromium.new_context(viewport={"width": width, "height": height}, locale="en-GB")
        page = context.new_page()
        page.set_default_timeout(30_000)
        made.append((context, Watch(page, base) if watch else None))
        page.goto(base + path)
        return page

    yield make
    for context, _watch in made:
        context.close()
    for _context, watch in made:
        if watch:
            watch.check()


def open_room(page) -> str:
    page.locator(".ss-open").click()
    expect(page.locator(".ss-fac-code")).to_be_visible()
    return re.search(r"code=([A-Z]+)", page.url).group(1)


def join(page, code: str, name: str) -> None:
    page.locator(".ss-join-code input").fill(code.lower())
    page.locator(".ss-join-name input").fill(name)
    page.locator(".ss-join").click()
    expect(page.locator(".ss-part-name")).to_contain_text(name)


def push_tiny(fac) -> None:
    fac.locator(".ss-fac-exercise").click()
    fac.get_by_role("option", name="tiny", exact=True).click()
    fac.locator(".ss-fac-push").click()
    expect(fac.locator(".ss-fac-phase-predict")).to_be_visible()
    fac.locator(".ss-fac-phase-predict").click()
    expect(fac.locator(".ss-phase-predict")).to_be_visible()


def predict(page, direction: str, gap: str, saved: str = "saved") -> None:
    page.locator(f".ss-part-direction-{direction}").click()
    page.locator(".ss-part-csat_gap input").fill(gap)
    page.locator(".ss-part-submit").click()
    expect(page.locator(".ss-part-saved")).to_contain_text(saved)


def settle(page) -> None:
    """Let the page finish loading (its fonts) before leaving it: an aborted download is not an error."""
    page.wait_for_load_state("networkidle")
    page.evaluate("() => document.fonts.ready.then(() => true)")


def no_horizontal_scroll(page, width: int) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width + 1


def test_a_facilitator_and_three_participants_go_through_an_exercise(room_url, people):
    fac = people(room_url, "/room?lang=en")
    code = open_room(fac)
    parts = [people(room_url, "/room?lang=en", 390, 844) for _ in NAMES]
    for page, name in zip(parts, NAMES, strict=True):
        join(page, code, name)
        expect(page.locator(".ss-part-wait")).to_be_visible()
    expect(fac.locator(".ss-fac-participants")).to_contain_text("Ann, Bob, Chloé")
    push_tiny(fac)
    for page, (direction, gap) in zip(parts, GUESSES, strict=True):
        expect(page.locator(".ss-room-brief")).to_contain_text("A tiny test exercise.")
        predict(page, direction, gap)
    expect(fac.locator(".ss-fac-answered")).to_have_text("Answered: 3 of 3")
    screenshot(parts[0], "rooms-participant-predict-390x844")
    no_horizontal_scroll(parts[0], 390)

    fac.locator(".ss-fac-phase-reveal").click()
    expect(fac.locator(".ss-room-verdict")).to_be_visible(timeout=120_000)
    board = fac.locator(".ss-board")
    for name in NAMES:
        expect(board).to_contain_text(name)
    expect(board.locator(".ss-outcome")).to_contain_text("Outcome")
    expect(board.locator(".ss-outcome")).to_contain_text("95 % interval")
    expect(fac.locator(".ss-board-line").first).to_contain_text("of 3 predicted the right direction")
    for page in parts:                                    # every participant sees the same board
        expect(page.locator(".ss-board .ss-outcome")).to_be_visible(timeout=30_000)
        expect(page.locator(".ss-board")).to_contain_text("Chloé")
        no_horizontal_scroll(page, 390)
    expect(parts[1].locator(".ss-board .ss-me")).to_contain_text("Bob")
    screenshot(parts[1], "rooms-participant-board-390x844")
    screenshot(fac, "rooms-facilitator-reveal")

    # predictions are locked: the form is gone
    expect(parts[0].locator(".ss-part-submit")).to_have_count(0)

    # the projector at 1280x720: the verdict in words, the board, no controls
    screen = people(room_url, f"/room?code={code}&view=screen&lang=en", 1280, 720)
    expect(screen.locator(".ss-room-verdict")).to_contain_text("satisfaction")
    expect(screen.locator(".ss-board")).to_contain_text("Ann")
    expect(screen.locator(".ss-topbar")).to_be_hidden()
    assert screen.locator("button:visible").count() == 0
    size = screen.evaluate("() => parseFloat(getComputedStyle(document.querySelector('.ss-room-verdict')).fontSize)")
    assert size >= 28
    screenshot(screen, "rooms-projector-1280x720")

    fac.locator(".ss-fac-next").click()                    # debrief: the questions for the room
    expect(parts[2].locator(".ss-room-questions")).to_contain_text("Why did the room disagree?")
    expect(fac.locator(".ss-room-questions")).to_be_visible()           # the console has redrawn too
    with fac.expect_download() as info:
        fac.get_by_text("Predictions and outcomes (CSV)").click()
    text = Path(info.value.path()).read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("exercise,participant,field,prediction,outcome")
    assert sum(1 for line in text.splitlines() if line.startswith("tiny,")) == 6


def test_a_participant_cannot_drive_the_room(room_url, people):
    fac = people(room_url, "/room?lang=en")
    code = open_room(fac)
    ann = people(room_url, "/room?lang=en")
    join(ann, code, "Ann")
    assert ann.locator(".ss-fac-push, .ss-fac-phase, .ss-fac-next, .ss-fac-close").count() == 0
    key = re.search(r"key=([^&]+)", ann.url).group(1)
    for token in ("forged", key):                          # a made-up token, or her own key as a token
        settle(ann)
        ann.goto(f"{room_url}/room?code={code}&token={token}&lang=en")
        expect(ann.locator(".ss-not-facilitator")).to_contain_text("Only the facilitator")
        assert ann.locator(".ss-fac-push").count() == 0
    settle(ann)
    ann.goto(f"{room_url}/room?code={code}&key={key}&lang=en")     # her own link still works
    expect(ann.locator(".ss-part-name")).to_contain_text("Ann")
    expect(fac.locator(".ss-phase-lobby")).to_be_visible()          # the room did not move
    ann.locator(".ss-lang-fr").click()                                 # switching language keeps her in the room
    expect(ann.locator(".ss-part-name")).to_have_text("Bienvenue, Ann.")
    assert f"key={key}" in ann.url


def test_bad_input_is_refused_in_the_participants_language(room_url, people):
    fac = people(room_url, "/room?lang=fr")
    code = open_room(fac)
    bea = people(room_url, "/room?lang=fr", 390, 844)
    join(bea, code, "Béa")
    other = people(room_url, "/room?lang=fr", 390, 844)
    other.locator(".ss-join-code input").fill("QQQQ")
    other.locator(".ss-join-name input").fill("Béa")
    other.locator(".ss-join").click()
    expect(other.locator(".ss-join-error")).to_contain_text("aucun salon n'a le code QQQQ")
    other.locator(".ss-join-code input").fill(code)
    other.locator(".ss-join-name input").fill("   ")
    other.locator(".ss-join").click()
    expect(other.locator(".ss-join-error")).to_contain_text("Votre nom : il est vide")
    other.locator(".ss-join-name input").fill("BÉA")
    other.locator(".ss-join").click()
    expect(other.locator(".ss-join-error")).to_contain_text("déjà pris")
    expect(other.locator(".ss-join-code input")).to_have_value(code)          # what was typed stays
    push_tiny(fac)
    bea.locator(".ss-part-direction-b").click()
    bea.locator(".ss-part-csat_gap input").fill("5")
    bea.locator(".ss-part-submit").click()
    expect(bea.locator(".ss-part-error")).to_have_text(
        "Écart de satisfaction : 5 est hors limites ; attendu : un nombre de −2 à 2.")
    expect(bea.locator(".ss-part-csat_gap input")).to_have_value("5")
    expect(fac.locator(".ss-fac-answered")).to_contain_text("0 sur 1")


@pytest.fixture
def own_server(app_env, tmp_path):
    """A server of this test's own, on a data directory of its own (so it can be restarted)."""
    from servicesim.workshop.store import ENV_DATA

    env = dict(app_env)
    env[ENV_DATA] = str(tmp_path / "rooms")
    drop_tiny(tmp_path / "rooms")
    port = _free_port()
    box = {"proc": start_server(env, port)}

    def restart():
        stop(box["proc"])
        box["proc"] = start_server(env, port)

    yield f"http://127.0.0.1:{port}", restart
    stop(box["proc"])


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def test_a_server_restarted_mid_session_keeps_the_room_and_its_predictions(own_server, people):
    base, restart = own_server
    fac = people(base, "/room?lang=en", watch=False)     # the restart cuts their websockets: errors expected
    code = open_room(fac)
    fac_url = fac.url
    parts = [people(base, "/room?lang=en", watch=False) for _ in NAMES]
    for page, name in zip(parts, NAMES, strict=True):
        join(page, code, name)
    push_tiny(fac)
    for page, (direction, gap) in zip(parts[:2], GUESSES[:2], strict=True):
        predict(page, direction, gap)
    links = [page.url for page in parts]

    restart()

    fac.goto(fac_url)
    expect(fac.locator(".ss-fac-answered")).to_have_text("Answered: 2 of 3")
    expect(fac.locator(".ss-phase-predict")).to_be_visible()
    for page, link in zip(parts, links, strict=True):
        page.goto(link)
    expect(parts[0].locator(".ss-part-saved")).to_be_visible()              # her prediction is still hers
    expect(parts[1].locator(".ss-part-csat_gap input")).to_have_value("\u22120.1")
    predict(parts[2], *GUESSES[2])                                           # the third one after the restart
    expect(fac.locator(".ss-fac-answered")).to_have_text("Answered: 3 of 3")
    fac.locator(".ss-fac-phase-reveal").click()
    expect(fac.locator(".ss-board .ss-outcome")).to_be_visible(timeout=120_000)
    for name in NAMES:
        expect(fac.locator(".ss-board")).to_contain_text(name)


def test_the_whole_flow_in_french(room_url, people):
    fac = people(room_url, "/room?lang=fr")
    expect(fac.locator(".ss-open")).to_contain_text("Ouvrir un salon")
    code = open_room(fac)
    expect(fac.locator(".ss-fac-code")).to_have_text(f"Salon {code}")
    parts = [people(room_url, "/room?lang=fr", 390, 844) for _ in NAMES]
    for page, name in zip(parts, NAMES, strict=True):
        join(page, code, name)
        expect(page.locator(".ss-part-name")).to_contain_text(f"Bienvenue, {name}.")
    push_tiny(fac)
    expect(parts[0].locator(".ss-phase-predict")).to_have_text("Pronostic")
    expect(parts[0].locator(".ss-room-brief")).to_contain_text("Un tout petit exercice de test.")
    expect(parts[0].locator(".ss-part-direction")).to_contain_text("Commandement")
    for page, (direction, gap) in zip(parts, GUESSES, strict=True):
        predict(page, direction, gap, saved="Pronostic enregistré")
    expect(fac.locator(".ss-fac-answered")).to_have_text("Ont répondu : 3 sur 3")
    fac.locator(".ss-fac-timer input").fill("2")
    fac.locator(".ss-fac-timer-set").click()
    expect(parts[0].locator(".ss-room-timer")).to_contain_text(re.compile(r"Reste [12]:\d\d"))
    fac.locator(".ss-fac-phase-reveal").click()
    verdict = parts[0].locator(".ss-room-verdict")
    expect(verdict).to_contain_text("contre", timeout=120_000)
    expect(verdict).to_contain_text("jours-salaire par jour")
    expect(parts[0].locator(".ss-board")).to_contain_text("Résultat")
    expect(parts[0].locator(".ss-board")).to_contain_text("intervalle à 95 %")
    expect(parts[0].locator(".ss-board-line").first).to_contain_text("sur 3 ont prédit le bon sens")
    number_fr = parts[0].locator(".ss-board .ss-outcome td").last.inner_text()
    assert "," in number_fr and "." not in number_fr                 # 0,05, not 0.05
    fac.locator(".ss-fac-next").click()
    expect(parts[0].locator(".ss-room-questions")).to_contain_text("Pourquoi le groupe")
    expect(parts[0].locator(".ss-room-notice")).to_have_text("Remarquez l'attente.")
    screenshot(parts[0], "rooms-participant-debrief-fr-390x844")
    english = [w for w in ("Outcome", "Class board", "Answered", "Predict", "Reveal", "Run finished")
               if w in fac.locator("body").inner_text() + parts[0].locator("body").inner_text()]
    assert not english
