"""The questionnaires of one's own organisation (claim C9): answers -> ranges -> a scenario file that the
command line runs; bad answers refused in one line, in English and French; the simulation repeatable for a
seed; the mapping moving the organisation the way docs/QUESTIONNAIRE.md says."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from servicesim.model import params as P
from servicesim.model.metrics import METRICS
from servicesim.model.scenario import load_scenario
from servicesim.workshop import questionnaire as Q

ROOT = Path(__file__).resolve().parent.parent
TINY = {"samples_n": 2, "replicates": 1, "days": 8, "warmup": 2, "size": {"teams": 2, "team_size": 4}}


def everyone(answer) -> dict:
    return {it.id: answer for it in Q.items()}


# --- the items ---------------------------------------------------------------------------------------------
def test_two_questionnaires_of_six_to_eight_items_in_both_languages():
    for name in Q.QUESTIONNAIRES:
        its = Q.load().of(name)
        assert 6 <= len(its) <= 8
        for it in its:
            assert it.text["en"] != it.text["fr"] and it.name["en"] and it.name["fr"]


def test_items_move_only_what_describes_an_organisation_never_an_outcome():
    moved = {mv.param for it in Q.items() for mv in it.moves}
    assert moved, "no item moves anything"
    assert not moved & set(METRICS)
    for name in moved:
        assert P.SCHEMA[name].group in ("structure", "practices", "organisation", "supervision") or name == "handoffs"


# --- bad answers -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("value", [0, 6, 7, -1, 2.5, "abc", "3.5", True, [3]])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_bad_answer_is_refused_in_one_line_naming_item_value_and_range(value, lang):
    with pytest.raises(Q.QuestionnaireError) as info:
        Q.validate({"O3": 4, "L2": value}, lang)
    text = str(info.value)
    assert "\n" not in text
    assert "L2" in text and str(value).strip("'") in text and "1" in text and "5" in text
    assert ("réponse" in text) == (lang == "fr")
    assert info.value.item == "L2"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_an_unknown_question_is_refused_and_the_known_ones_listed(lang):
    with pytest.raises(Q.QuestionnaireError) as info:
        Q.validate({"Q99": 3}, lang)
    assert "Q99" in str(info.value) and "O1" in str(info.value) and "\n" not in str(info.value)


def test_answers_as_a_form_sends_them_are_accepted():
    checked = Q.validate({"O1": "4", "O2": " 2 ", "O3": "", "O4": None, "L1": 5.0})
    assert checked["O1"] == 4 and checked["O2"] == 2 and checked["L1"] == 5
    assert checked["O3"] is None and checked["O4"] is None and checked["L8"] is None   # don't know


# --- answers -> ranges -------------------------------------------------------------------------------------------
def test_all_fives_describe_a_more_empowering_customer_oriented_organisation_than_all_ones():
    """The directions docs/QUESTIONNAIRE.md states, item by item."""
    low, high = Q.point(Q.ranges(everyone(1))), Q.point(Q.ranges(everyone(5)))
    more = ("values_emphasis", "consistency", "recognition", "training", "coaching", "situational", "delegation",
            "manager_knowledge", "cross_team_links", "peer_links")
    less = ("micromanagement", "procedure_adherence", "handoffs")
    for name in more:
        assert high[name] > low[name], name
    for name in less:
        assert high[name] < low[name], name
    assert set(low) == set(more) | set(less)


def test_one_answer_moves_its_parameters_and_nothing_else():
    base = Q.point(Q.ranges(everyone(3)))
    moved = Q.point(Q.ranges({**everyone(3), "L1": 5}))
    assert moved["delegation"] > base["delegation"]
    assert {k for k in base if base[k] != moved[k]} == {"delegation"}


def test_dont_know_widens_a_range_and_disagreement_covers_both_answers():
    answered = Q.ranges(everyone(3))
    unknown = Q.ranges({**everyone(3), "L1": None})
    width = lambda r: r[1] - r[0]  # noqa: E731
    assert width(unknown["delegation"]) > 2 * width(answered["delegation"])
    split = Q.ranges({**everyone(3), "O1": 1, "L6": 5})["values_emphasis"]     # two items, opposite answers
    assert split[0] <= Q.ranges({**everyone(3), "O1": 1, "L6": 1})["values_emphasis"][1]
    assert split[1] >= Q.ranges({**everyone(3), "O1": 5, "L6": 5})["values_emphasis"][0]


def test_ranges_stay_inside_what_the_model_allows():
    for answers in (everyone(1), everyone(5), {}):
        for name, (lo, hi) in Q.ranges(answers).items():
            assert P.SCHEMA[name].low <= lo <= hi <= P.SCHEMA[name].high


# --- the scenario file -------------------------------------------------------------------------------------------
def test_the_scenario_file_runs_on_the_command_line(tmp_path):
    answers = {**everyone(4), "O3": 2, "L5": None}
    path = tmp_path / "mine.toml"
    path.write_text(Q.scenario_toml(answers), encoding="utf-8")
    loaded = load_scenario(path)
    for name, value in Q.point(Q.ranges(answers)).items():
        assert loaded.params[name] == pytest.approx(value), name
    out = subprocess.run([sys.executable, "-m", "servicesim", "run", str(path), "--days", "5", "--json"],
                         capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    summary = json.loads(out.stdout)
    assert 1.0 <= summary["csat"] <= 5.0


def test_a_title_with_quotes_and_backslashes_still_makes_a_valid_file(tmp_path):
    path = tmp_path / "quoted.toml"
    path.write_text(Q.scenario_toml(everyone(3), title='Le "bon" service \\ à C:\\ 100 %\n'), encoding="utf-8")
    assert load_scenario(path).description == 'Le "bon" service \\ à C:\\ 100 %'


def test_the_scenario_file_can_extend_a_sector(tmp_path):
    path = tmp_path / "airline.toml"
    path.write_text(Q.scenario_toml(everyone(2), sector="airline_desk"), encoding="utf-8")
    loaded = load_scenario(path)
    assert loaded.params["novelty"] == load_scenario("airline_desk").params["novelty"]
    assert loaded.params["delegation"] == Q.point(Q.ranges(everyone(2)))["delegation"]
    with pytest.raises(Q.QuestionnaireError, match="sector"):
        Q.scenario_toml(everyone(2), sector="moon_base")


# --- the simulation ----------------------------------------------------------------------------------------------
def test_the_simulation_is_the_same_for_the_same_seed_and_differs_for_another():
    answers = {**everyone(2), "L1": 4}
    first = Q.simulate(answers, seed=5, **TINY)
    again = Q.simulate(answers, seed=5, **TINY)
    other = Q.simulate(answers, seed=6, **TINY)
    assert first == again
    assert first["bands"] != other["bands"]
    for arm in ("as_is", "culture_first", "command_control"):
        band = first["bands"]["csat"][arm]
        assert band["low"] <= band["median"] <= band["high"]
        assert first["csat"][arm] == band["median"] and first["profit"][arm] == first["bands"]["profit"][arm]["median"]
    assert first["runs"] == 2 * 1 * 3
    gap = first["gaps"]["culture_first"]["csat"]
    assert first["csat_gap"] == [gap["median"], gap["low"], gap["high"]]     # what a room's board reads
    json.dumps(first)                                                        # a room stores it as it is


def test_progress_is_reported_run_by_run():
    seen = []
    Q.simulate(everyone(3), on_progress=lambda done, total: seen.append((done, total)), **TINY)
    assert seen == [(i, 6) for i in range(1, 7)]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_what_one_visitor_may_ask_of_the_server_is_bounded(lang):
    with pytest.raises(Q.QuestionnaireError) as info:
        Q.simulate(everyone(3), samples_n=32, replicates=10, days=500, warmup=300, lang=lang)
    assert str(Q.MAX_WORK) in str(info.value) and "\n" not in str(info.value)
    with pytest.raises(Q.QuestionnaireError, match="samples"):
        Q.simulate(everyone(3), samples_n=0, lang=lang)


# --- the documentation -------------------------------------------------------------------------------------------
def test_the_documented_mapping_is_the_one_in_use():
    doc = (ROOT / "docs" / "QUESTIONNAIRE.md").read_text(encoding="utf-8")
    assert Q.mapping_table() in doc


# --- the panel a workshop room embeds ----------------------------------------------------------------------------
def test_the_panel_hands_its_result_to_the_room():
    """QuestionnairePanel(lang, on_done): pressing Simulate runs the organisation and gives the room the result
    (csat and profit for the three managements, and csat_gap as [median, low, high] for the class board)."""
    import threading

    import ipyvuetify as v
    import solara

    from servicesim.viz.questionnaire_page import QuestionnairePanel

    got, done = [], threading.Event()

    def on_done(result):
        got.append(result)
        done.set()

    tiny = {"samples": 1, "replicates": 1, "days": 3, "warmup": 0, "seed": 3}
    _box, rc = solara.render(QuestionnairePanel(lang="fr", on_done=on_done, settings=tiny), handle_error=False)
    assert len(rc.find(v.BtnToggle)) == len(Q.items())
    run = [b for b in rc.find(v.Btn).widgets if b.class_ == "ss-q-run"]
    assert len(run) == 1
    run[0].click()
    assert done.wait(120), "the simulation did not finish"
    result = got[0]
    assert set(result["csat"]) == set(result["profit"]) == {"as_is", "culture_first", "command_control"}
    assert len(result["csat_gap"]) == 3 and result["runs"] == 3

    def verdict():
        return [w for w in rc.find(v.Html).widgets if "ss-q-verdict" in (w.class_ or "")]

    for _ in range(300):
        if verdict():
            break
        threading.Event().wait(0.1)
    assert "Menée par la culture d'abord" in verdict()[0].children[0]
    rc.close()


def test_one_questionnaire_simulation_at_a_time_the_next_visitor_is_told_to_wait():
    """The server runs one questionnaire simulation at a time: while another holds the slot, a visitor's
    request waits (and says so), then runs when the slot frees."""
    import threading

    import ipyvuetify as v
    import solara

    from servicesim.viz import questionnaire_page as page

    done = threading.Event()
    tiny = {"samples": 1, "replicates": 1, "days": 2, "warmup": 0, "seed": 4}
    _box, rc = solara.render(page.QuestionnairePanel(lang="en", on_done=lambda _r: done.set(), settings=tiny),
                             handle_error=False)

    def shown(cls: str) -> bool:
        return any(cls in (w.class_ or "") for w in rc.find(v.Alert).widgets)

    assert page._TURN.acquire(timeout=60)            # another visitor's simulation is running
    try:
        next(b for b in rc.find(v.Btn).widgets if b.class_ == "ss-q-run").click()
        for _ in range(100):
            if shown("ss-q-waiting"):
                break
            threading.Event().wait(0.05)
        assert shown("ss-q-waiting")
        assert not done.wait(1.0), "ran while another simulation held the server's slot"
    finally:
        page._TURN.release()
    assert done.wait(120)
    rc.close()
