"""Workshop rooms through their public face (servicesim.workshop.rooms.Rooms): opening, joining,
pushing, phases, predictions and their lock, the run, the class board and the debrief export.
Every refusal a participant can meet is checked in English and French, and nothing is lost."""

from __future__ import annotations

import csv
import io
import sqlite3
import threading

import pytest
from workshop_fixtures import TINY

from servicesim.workshop import board as B
from servicesim.workshop import export, runs
from servicesim.workshop.rooms import CODE_LETTERS, Rooms
from servicesim.workshop.texts import EN, WorkshopError, catalogue

TINY_SWEEP = """
id = "tiny_sweep"
kind = "sweep"
minutes = 5
[title]
en = "Tiny sweep"
fr = "Petit balayage"
[brief]
en = "A tiny sweep."
fr = "Un petit balayage."
[run]
days = 10
replicates = 2
seed = 5
[run.sweep]
scenario = "situational"
param = "team_size"
values = [3, 5]
metric = "csat"
[[predict]]
field = "peak"
ask = { en = "Where?", fr = "Où ?" }
[debrief]
questions = { en = ["Why?"], fr = ["Pourquoi ?"] }
"""

#: A questionnaire exercise: each participant simulates their own organisation.
OWN = (TINY.replace('id = "tiny"', 'id = "own"').replace('kind = "compare"', 'kind = "questionnaire"')
       .replace("days = 15", "days = 3").split("[run.a]")[0]
       + '[[predict]]\nfield = "csat_gap"\nask = { en = "Gap?", fr = "Écart ?" }\n'
       '[debrief]\nquestions = { en = ["Why?"], fr = ["Pourquoi ?"] }\n')


@pytest.fixture
def rooms(tmp_path, monkeypatch):
    monkeypatch.setenv(runs.ENV_WORKERS, "0")        # simulations in this process: quick and deterministic
    (tmp_path / "exercises").mkdir()
    (tmp_path / "exercises" / "tiny.toml").write_text(TINY, encoding="utf-8")
    (tmp_path / "exercises" / "tiny_sweep.toml").write_text(TINY_SWEEP.replace("team_size", "teams"),
                                                            encoding="utf-8")
    return Rooms(tmp_path)


def refused(fn, *args, **kwargs) -> WorkshopError:
    with pytest.raises(WorkshopError) as info:
        fn(*args, **kwargs)
    return info.value


def predicting(rooms, exercise="tiny", names=("Ann", "Bob", "Chloé")):
    room = rooms.open_room("en")
    people = [rooms.join(room.code, n, "fr" if i == 1 else "en") for i, n in enumerate(names)]
    rooms.push(room.code, room.token, exercise)
    rooms.set_phase(room.code, room.token, "predict")
    return room, people


# --- opening and joining -----------------------------------------------------------------------------------
def test_a_room_has_a_short_unambiguous_code_and_a_secret_token(rooms):
    room = rooms.open_room("fr")
    assert len(room.code) == 4 and set(room.code) <= set(CODE_LETTERS)
    assert not set("01OIBSZL5") & set(CODE_LETTERS)
    assert len(room.token) >= 32
    with sqlite3.connect(rooms.store.path) as con:
        stored = con.execute("SELECT token_hash FROM rooms WHERE code = ?", (room.code,)).fetchone()[0]
    assert room.token not in stored                   # only a hash is kept
    assert rooms.state(room.code).lang == "fr"


def test_joining_takes_the_code_as_typed_and_keeps_names_unique_whatever_their_case(rooms):
    room = rooms.open_room()
    ann = rooms.join(f" {room.code.lower()} ", "  Ann   Lee ", "en")
    assert ann.name == "Ann Lee" and ann.code == room.code
    err = refused(rooms.join, room.code, "ANN LEE", "fr")
    assert err.key == "err.name_taken"
    assert "ANN LEE" in err.text("fr") and "déjà pris" in err.text("fr")
    assert [p["name"] for p in rooms.state(room.code).participants] == ["Ann Lee"]   # nothing half-written


@pytest.mark.parametrize(("code", "key"), [("", "err.code_empty"), ("   ", "err.code_empty"),
                                           ("ZZZZ", "err.code_unknown")])
def test_an_unknown_or_empty_code_is_refused_in_the_participants_language(rooms, code, key):
    rooms.open_room()
    err = refused(rooms.join, code, "Ann", "fr")
    assert err.key == key
    assert "Code du salon" in err.text("fr") and "Room code" in err.text("en")


def test_a_closed_room_refuses_newcomers_and_predictions_but_keeps_what_it_holds(rooms):
    room, (ann, *_rest) = predicting(rooms)
    rooms.predict(room.code, ann.key, {"direction": "b", "csat_gap": 0.2})
    rooms.close(room.code, room.token)
    err = refused(rooms.join, room.code, "Dan", "fr")
    assert err.key == "err.code_closed" and "fermé" in err.text("fr")
    assert refused(rooms.predict, room.code, ann.key, {"direction": "a", "csat_gap": 0.0}).key == "err.code_closed"
    assert rooms.state(room.code).predictions[ann.participant] == {"direction": "b", "csat_gap": 0.2}


@pytest.mark.parametrize("name", ["", "   ", "\t"])
def test_an_empty_name_is_refused(rooms, name):
    room = rooms.open_room()
    err = refused(rooms.join, room.code, name, "fr")
    assert err.key == "err.name_empty" and "Votre nom" in err.text("fr")


def test_a_name_too_long_is_refused_naming_the_limit(rooms):
    room = rooms.open_room()
    err = refused(rooms.join, room.code, "x" * 31, "en")
    assert err.key == "err.name_long" and "1 to 30" in err.text("en")


# --- the facilitator's token ---------------------------------------------------------------------------------
def test_only_the_token_holder_drives_the_room(rooms):
    room = rooms.open_room()
    ann = rooms.join(room.code, "Ann")
    other = rooms.open_room()
    for token in ("", "nope", ann.key, other.token):
        for action in (lambda tk: rooms.push(room.code, tk, "tiny"),
                       lambda tk: rooms.set_phase(room.code, tk, "reveal"),
                       lambda tk: rooms.set_timer(room.code, tk, 3),
                       lambda tk: rooms.close(room.code, tk)):
            assert refused(action, token).key == "err.not_facilitator"
    state = rooms.state(room.code)
    assert state.exercise is None and state.phase == "lobby" and not state.closed and state.deadline is None


def test_rooms_do_not_see_each_other(rooms):
    r1, (ann, *_a) = predicting(rooms)
    r2, (bea, *_b) = predicting(rooms, names=("Bea",))
    rooms.predict(r1.code, ann.key, {"direction": "a", "csat_gap": -0.5})
    assert refused(rooms.predict, r2.code, ann.key, {"direction": "a", "csat_gap": 0}).key == "err.not_participant"
    assert rooms.state(r2.code).predictions == {}
    assert [p["name"] for p in rooms.state(r2.code).participants] == ["Bea"]


# --- phases, timer, predictions ----------------------------------------------------------------------------------
def test_phases_move_in_order_and_predictions_open_after_the_brief(rooms):
    room = rooms.open_room()
    ann = rooms.join(room.code, "Ann")
    assert refused(rooms.predict, room.code, ann.key, {}).key == "err.no_exercise"
    rooms.push(room.code, room.token, "tiny")
    assert rooms.state(room.code).phase == "brief"
    assert refused(rooms.predict, room.code, ann.key, {"direction": "a", "csat_gap": 0}).key == "err.not_predicting"
    assert rooms.next_phase(room.code, room.token) == "predict"
    rooms.predict(room.code, ann.key, {"direction": "a", "csat_gap": "0,25"})     # a French decimal comma
    assert rooms.state(room.code).predictions[ann.participant]["csat_gap"] == 0.25
    err = refused(rooms.set_phase, room.code, room.token, "party")
    assert err.key == "err.phase_unknown" and "brief, predict, run, reveal, debrief" in err.text("en")


def test_timer_is_set_by_the_facilitator_and_bad_values_are_refused(rooms):
    room = rooms.open_room()
    deadline = rooms.set_timer(room.code, room.token, "3")
    state = rooms.state(room.code)
    assert state.deadline == deadline and 170 < state.seconds_left() <= 180
    for bad in ("-1", "61", "abc", "2.5", float("nan")):
        err = refused(rooms.set_timer, room.code, room.token, bad)
        assert err.key == "err.timer" and "0 à 60" in err.text("fr")
    assert rooms.state(room.code).deadline == deadline                        # unchanged
    rooms.set_timer(room.code, room.token, 0)
    assert rooms.state(room.code).deadline is None


@pytest.mark.parametrize(("values", "key", "fr_words"), [
    ({"direction": "b", "csat_gap": 2.5}, "err.pred_range", "hors limites"),
    ({"direction": "b", "csat_gap": "-3"}, "err.pred_range", "hors limites"),
    ({"direction": "b", "csat_gap": "beaucoup"}, "err.pred_number", "n'est pas un nombre"),
    ({"direction": "b", "csat_gap": "inf"}, "err.pred_number", "n'est pas un nombre"),
    ({"direction": "b"}, "err.pred_missing", "pas de réponse"),
    ({"direction": "up", "csat_gap": 0}, "err.pred_choice", "options"),
    ({"csat_gap": 0}, "err.pred_missing", "pas de réponse"),
])
def test_a_bad_prediction_is_refused_in_french_naming_field_value_and_range(rooms, values, key, fr_words):
    room, (ann, bob, _c) = predicting(rooms)
    rooms.predict(room.code, bob.key, {"direction": "a", "csat_gap": 0.1})
    err = refused(rooms.predict, room.code, bob.key, values)
    assert err.key == key
    text = err.text("fr")
    assert fr_words in text and text.count("\n") == 0
    if key == "err.pred_range":
        assert "Écart de satisfaction" in text and "de −2 à 2" in text
    assert rooms.state(room.code).predictions[bob.participant] == {"direction": "a", "csat_gap": 0.1}   # kept


def test_predictions_lock_at_the_reveal(rooms):
    room, (ann, bob, chloe) = predicting(rooms)
    rooms.predict(room.code, ann.key, {"direction": "b", "csat_gap": 0.4})
    rooms.predict(room.code, ann.key, {"direction": "b", "csat_gap": 0.5})    # changed before the lock
    rooms.set_phase(room.code, room.token, "reveal")
    err = refused(rooms.predict, room.code, ann.key, {"direction": "a", "csat_gap": -1})
    assert err.key == "err.locked" and "verrouillés" in err.text("fr")
    assert refused(rooms.predict, room.code, chloe.key, {"direction": "a", "csat_gap": 0}).key == "err.locked"
    rooms.set_phase(room.code, room.token, "predict")                        # going back does not unlock
    assert refused(rooms.predict, room.code, chloe.key, {"direction": "a", "csat_gap": 0}).key == "err.locked"
    assert rooms.state(room.code).predictions == {ann.participant: {"direction": "b", "csat_gap": 0.5}}


def test_no_prediction_slips_in_after_the_lock_under_concurrency(rooms):
    room, people = predicting(rooms, names=tuple(f"P{i}" for i in range(12)))
    accepted, start = [], threading.Barrier(13)

    def send(p):
        start.wait()
        try:
            rooms.predict(room.code, p.key, {"direction": "a", "csat_gap": 0})
            accepted.append(p.participant)
        except WorkshopError:
            pass

    threads = [threading.Thread(target=send, args=(p,)) for p in people]
    for th in threads:
        th.start()
    start.wait()
    rooms.set_phase(room.code, room.token, "reveal")
    for th in threads:
        th.join()
    runs.wait_idle(60)
    assert sorted(rooms.state(room.code).predictions) == sorted(accepted)


# --- a restart loses nothing ---------------------------------------------------------------------------------
def test_a_new_server_on_the_same_data_directory_finds_everything(rooms, tmp_path):
    room, (ann, bob, _c) = predicting(rooms)
    rooms.predict(room.code, ann.key, {"direction": "b", "csat_gap": 0.3})
    rooms.set_timer(room.code, room.token, 5)
    again = Rooms(tmp_path)
    state = again.state(room.code)
    assert state.phase == "predict" and state.exercise.id == "tiny" and state.deadline is not None
    assert state.predictions == {ann.participant: {"direction": "b", "csat_gap": 0.3}}
    assert again.participant(room.code, bob.key)["name"] == "Bob"
    assert again.is_facilitator(room.code, room.token)
    with sqlite3.connect(again.store.path) as con:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_run_left_unfinished_by_a_stopped_server_is_taken_up_again(rooms, tmp_path):
    room, _people = predicting(rooms)
    exp_total = 4
    assert rooms.store.queue_run(room.code, "tiny", exp_total)        # queued, then the server "stopped"
    fresh = Rooms(tmp_path)
    assert runs.resume(fresh) == 1
    assert runs.wait_idle(120)
    assert fresh.state(room.code).run["status"] == "done"


# --- the run, the board, the export ------------------------------------------------------------------------------
def test_the_reveal_runs_the_exercise_once_and_the_board_sets_predictions_against_it(rooms):
    room, (ann, bob, chloe) = predicting(rooms)
    rooms.predict(room.code, ann.key, {"direction": "b", "csat_gap": 0.3})
    rooms.predict(room.code, bob.key, {"direction": "a", "csat_gap": -0.1})
    rooms.predict(room.code, chloe.key, {"direction": "same", "csat_gap": 0.0})
    rooms.set_phase(room.code, room.token, "run")
    assert runs.wait_idle(120)
    first = rooms.state(room.code).run
    assert first["status"] == "done" and first["done"] == first["total"] == 4      # 2 arms x 2 replicates
    rooms.set_phase(room.code, room.token, "reveal")                              # no second run
    assert runs.wait_idle(60)
    state = rooms.state(room.code)
    assert state.run["finished"] == first["finished"]

    # the result is what the experiments machinery gives for the same arms, seed and days
    from servicesim.experiments.compare import compare_summaries
    from servicesim.experiments.runner import run_in_memory
    from servicesim.workshop.exercises import build_experiment

    exp = build_experiment(state.exercise)
    summary = run_in_memory(exp.runs(exp.points()), progress=False)
    csat = compare_summaries(summary, "a", "b", ["csat"])[0].difference
    assert state.run["result"]["metrics"]["csat"]["diff"] == pytest.approx([csat.mean, csat.low, csat.high])

    board = B.build(state.exercise, state.participants, state.predictions, state.run["result"])
    direction = board.outcome["direction"]
    gap = board.outcome["csat_gap"]
    expected_dir = "same" if gap[1] <= 0 <= gap[2] else ("b" if gap[0] > 0 else "a")
    assert direction == expected_dir
    assert [r.name for r in board.rows] == ["Ann", "Bob", "Chloé"]
    right = {r.name: r.right for r in board.rows}
    assert right == {"Ann": direction == "b", "Bob": direction == "a", "Chloé": direction == "same"}
    assert board.right == sum(right.values()) and board.judged == 3
    errors = {r.name: abs(r.values["csat_gap"] - gap[0]) for r in board.rows}
    assert board.closest["csat_gap"][0] == [min(errors, key=errors.get)]
    inside = {r.name: gap[1] <= r.values["csat_gap"] <= gap[2] for r in board.rows}
    assert {r.name: r.inside["csat_gap"] for r in board.rows} == inside

    verdict_en = B.verdict(state.exercise, state.run["result"], "en")
    verdict_fr = B.verdict(state.exercise, state.run["result"], "fr")
    a = state.run["result"]["metrics"]["csat"]["a"][0]
    assert f"{a:.2f}" in verdict_en and f"{a:.2f}".replace(".", ",") in verdict_fr
    assert "of 12 measures" in verdict_en and "mesures sur 12" in verdict_fr

    text = export.csv_text(rooms, room.code, "en")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 6                                               # 3 people x 2 fields
    ann_gap = next(r for r in rows if r["participant"] == "Ann" and r["field"] == "csat_gap")
    assert float(ann_gap["prediction"]) == 0.3
    assert float(ann_gap["outcome"]) == pytest.approx(gap[0], abs=1e-4)
    assert float(ann_gap["interval_low"]) == pytest.approx(gap[1], abs=1e-4)
    fr = export.csv_text(rooms, room.code, "fr")
    assert fr.splitlines()[0].startswith("exercice;participant;champ;pronostic") and "0,3;" in fr

    page = export.html_page(rooms, room.code, "fr")
    assert "@media print" in page and "<svg" in page and "Pourquoi le groupe" in page and "Tableau de la classe" in page
    for name in ("Ann", "Bob", "Chloé"):
        assert name in page
    assert verdict_fr.split(" :")[0] in page


def test_a_sweep_board_compares_predicted_and_found_peaks(rooms):
    room, (ann, bob, _c) = predicting(rooms, exercise="tiny_sweep")
    err = refused(rooms.predict, room.code, ann.key, {"peak": 9})
    assert err.key == "err.pred_range" and "de 3 à 5" in err.text("fr")
    rooms.predict(room.code, ann.key, {"peak": 3})
    rooms.predict(room.code, bob.key, {"peak": 5})
    rooms.set_phase(room.code, room.token, "reveal")
    assert runs.wait_idle(120)
    state = rooms.state(room.code)
    result = state.run["result"]
    means = {p["value"]: p["mean"] for p in result["points"]}
    assert result["peak"] == max(means, key=means.get)
    board = B.build(state.exercise, state.participants, state.predictions, result)
    peak = board.outcome["peak"]
    assert peak[1] <= peak[0] <= peak[2]
    assert {r.name: r.right for r in board.rows} == {"Ann": peak[1] <= 3 <= peak[2], "Bob": peak[1] <= 5 <= peak[2]}
    assert "teams" in B.verdict(state.exercise, result, "en")


def test_a_failed_run_says_so_and_can_be_started_again(rooms, monkeypatch):
    room, _people = predicting(rooms)

    def broken(*_a, **_k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(runs, "compute", broken)
    rooms.set_phase(room.code, room.token, "run")
    assert runs.wait_idle(60)
    run = rooms.state(room.code).run
    assert run["status"] == "failed" and "disk full" in run["error"]
    monkeypatch.undo()
    monkeypatch.setenv(runs.ENV_WORKERS, "0")
    rooms.start_run(room.code, room.token)
    assert runs.wait_idle(120)
    assert rooms.state(room.code).run["status"] == "done"


def test_a_questionnaire_participant_brings_their_own_outcome(rooms, tmp_path):
    (tmp_path / "exercises" / "own.toml").write_text(OWN, encoding="utf-8")
    room, (ann, bob, _c) = predicting(rooms, exercise="own")
    rooms.predict(room.code, ann.key, {"csat_gap": 0.3})
    rooms.predict(room.code, bob.key, {"csat_gap": -0.2})
    rooms.record_outcome(room.code, ann.key, {"csat_gap": [0.4, 0.2, 0.6]})
    rooms.record_outcome(room.code, bob.key, {"csat_gap": [0.1, -0.1, 0.3]})
    rooms.set_phase(room.code, room.token, "reveal")
    state = rooms.state(room.code)
    assert state.run is None                                            # nothing run by the room
    board = B.build(state.exercise, state.participants, state.predictions, None, state.outcomes)
    assert {r.name: r.right for r in board.rows} == {"Ann": True, "Bob": False}
    assert {r.name: r.inside["csat_gap"] for r in board.rows} == {"Ann": True, "Bob": False}
    assert "2 organisations" in B.verdict(state.exercise, None, "fr", state.outcomes)


@pytest.mark.parametrize(("lang", "one", "band"), [("en", "1 organisation described", "10th to 90th percentile"),
                                                   ("fr", "1 organisation décrite", "du 10e au 90e centile")])
def test_a_questionnaire_board_counts_in_the_right_plural_and_names_its_band(rooms, tmp_path, lang, one, band):
    """One organisation is "1 organisation", not "1 organisations"; a participant's own outcome is the
    questionnaire's median and 10th-90th percentile band, and the board says so (not a 95 % interval)."""
    from servicesim.workshop import render

    (tmp_path / "exercises" / "own.toml").write_text(OWN, encoding="utf-8")
    room, (ann, _b, _c) = predicting(rooms, exercise="own")
    rooms.predict(room.code, ann.key, {"csat_gap": 0.3})
    rooms.record_outcome(room.code, ann.key, {"csat_gap": [0.4, 0.2, 0.6]})
    rooms.set_phase(room.code, room.token, "reveal")
    state = rooms.state(room.code)
    said = B.verdict(state.exercise, None, lang, state.outcomes)
    assert said.startswith(one + (" ;" if lang == "fr" else ";")), said
    board = B.build(state.exercise, state.participants, state.predictions, None, state.outcomes)
    table = render.board_table(board, lang)
    assert band in table and "95" not in table



def test_a_participants_questionnaire_result_stays_on_screen_when_their_simulation_finishes(rooms, tmp_path,
                                                                                              monkeypatch):
    """Inside a room, the questionnaire panel keeps its place when the room says "done": the participant's
    answers and their result are still shown (the panel is not rebuilt empty), and the board has their outcome."""
    import ipyvuetify as v
    import solara

    from servicesim.viz import room_pages
    from servicesim.workshop import questionnaire as Q

    (tmp_path / "exercises" / "own.toml").write_text(OWN, encoding="utf-8")
    monkeypatch.setattr(room_pages, "_rooms", rooms)
    monkeypatch.setitem(Q.DEFAULTS, "samples", 1)                   # one sampled organisation: a few seconds
    room, (ann, _b, _c) = predicting(rooms, exercise="own")
    ex = rooms.state(room.code).exercise
    _box, rc = solara.render(room_pages.QuestionnaireHook(room.code, ann.key, ex, "en"), handle_error=False)

    def with_class(kind, cls):
        return [w for w in rc.find(kind).widgets if cls in (w.class_ or "").split()]

    rc.find(v.BtnToggle).widgets[0].v_model = 1                       # one answer given (the first statement)
    assert with_class(v.Html, "ss-q-answered")[0].children[0].startswith("1 of 16")
    with_class(v.Btn, "ss-q-run")[0].click()
    for _ in range(1200):
        if rooms.state(room.code).outcomes.get(ann.participant):
            break
        threading.Event().wait(0.1)
    assert "csat_gap" in rooms.state(room.code).outcomes[ann.participant], "the simulation did not finish"
    threading.Event().wait(0.5)                                       # let every redraw land
    assert with_class(v.Html, "ss-q-verdict"), "the participant's result vanished when the room said done"
    assert with_class(v.Html, "ss-q-answered")[0].children[0].startswith("1 of 16"), "their answers were lost"
    assert "10th to 90th percentiles" in with_class(v.Html, "ss-q-band-note")[0].children[0]   # what the band is
    assert any("has been simulated" in str(w.children) for w in rc.find(v.Alert).widgets)
    rc.close()

# --- texts -----------------------------------------------------------------------------------------------------
def test_every_workshop_text_has_its_french():
    fr = catalogue("fr")
    missing = [k for k in EN if not fr.get(k)]
    assert not missing, f"untranslated workshop texts: {missing}"
    same = [k for k in EN if k.startswith("err.") and fr[k] == EN[k]]
    assert not same


def test_the_data_directory_option_refuses_what_cannot_hold_rooms(tmp_path, capsys):
    from servicesim.cli import main

    a_file = tmp_path / "plain.txt"
    a_file.write_text("x")
    assert main(["ui", "--data", str(a_file), "--port", "1"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "--data" in err and "is a file" in err and "allowed: a directory" in err
    assert main(["ui", "--data", str(a_file / "below"), "--port", "1"]) == 2
    assert "cannot be created" in capsys.readouterr().err


def test_the_data_directory_defaults_to_the_users_data_home(tmp_path):
    from servicesim.viz.commands import data_dir
    from servicesim.workshop.store import default_data_dir

    assert default_data_dir({"XDG_DATA_HOME": str(tmp_path / "xdg")}) == tmp_path / "xdg" / "servicesim"
    assert default_data_dir({"HOME": str(tmp_path)}) == tmp_path / ".local" / "share" / "servicesim"
    assert data_dir(None, {"XDG_DATA_HOME": str(tmp_path / "x")}) == (tmp_path / "x" / "servicesim").resolve()
    assert (tmp_path / "x" / "servicesim").is_dir()
