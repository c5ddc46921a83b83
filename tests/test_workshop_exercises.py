"""Exercise files (servicesim.workshop.exercises): every shipped file loads; a malformed dropped file is
refused in one line naming the file, the field, the value and what is allowed, in the reader's language,
and the other files still load."""

from __future__ import annotations

import pytest

from servicesim.workshop.exercises import SHIPPED_DIR, experiment_data, load_all
from servicesim.workshop.texts import WorkshopError

HEADLINE = (SHIPPED_DIR / "headline.toml").read_text(encoding="utf-8")


def test_every_shipped_exercise_loads_with_both_languages():
    cat = load_all()
    assert not cat.problems, [p.text("en") for p in cat.problems]
    assert "headline" in cat.exercises
    for ex in cat.exercises.values():
        for part in ("title", "brief"):
            assert ex.text(part, "en") and ex.text(part, "fr") and ex.text(part, "en") != ex.text(part, "fr")
        assert ex.questions["en"] and len(ex.questions["en"]) == len(ex.questions["fr"])
        assert ex.predict


def test_the_headline_runs_hierarchical_against_bersin_with_the_same_seeds():
    ex = load_all().get("headline")
    data = experiment_data(ex)
    assert [a.get("scenario") for a in data["arms"]] == ["hierarchical", "bersin"]
    assert data["replicates"] >= 2 and data["seed"] == ex.run["seed"]
    words = ex.text("brief", "en").split()
    assert 60 <= len(words) <= 120
    assert "paired" not in ex.text("brief", "en") and "replicate" not in ex.text("brief", "en")


def drop(tmp_path, text: str, name: str = "mine.toml"):
    folder = tmp_path / "exercises"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return load_all(tmp_path)


def mine(**swap: str) -> str:
    text = HEADLINE.replace('id = "headline"', 'id = "mine"')
    for old, new in swap.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


CASES = [
    # (replacement in the headline's text, field named, words of "allowed")
    ({'id = "mine"': 'id = "other"'}, "id", "without .toml"),
    ({'kind = "compare"': 'kind = "quiz"'}, "kind", "compare, sweep, questionnaire"),
    ({'minutes = 20': 'minutes = 20\ncolour = "red"'}, "colour", "brief"),
    ({'replicates = 6 ': 'replicates = 1 '}, "run.replicates", "from 2 to 20"),
    ({'replicates = 6 ': 'replicates = 500 '}, "run.replicates", "from 2 to 20"),
    ({'days = 250 ': 'days = "a year" '}, "run.days", "from 1 to 500"),
    ({'scenario = "bersin"': 'scenario = "berzin"'}, "run", "scenario names"),
    ({'set = {}\nlabel = { en = "Culture first"': 'set = { autonomy = 0.5 }\nlabel = { en = "Culture first"'},
     "run", "parameters"),
    ({'field = "csat_gap"': 'field = "nps_gap"'}, "predict[1].field", "csat_gap"),
    ({'low = -2.0': 'low = 3.0'}, "predict[1].high", "low < high"),
    ({'fr = "Commandement et contrôle, ou la culture d\'abord\u202f?"': ''}, "title", "English and French"),
]


@pytest.mark.parametrize(("swap", "field", "allowed"), CASES)
def test_a_malformed_exercise_file_is_refused_in_one_line_and_the_others_still_load(tmp_path, swap, field, allowed):
    text = HEADLINE.replace('id = "headline"', 'id = "mine"')
    for old, new in swap.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    cat = drop(tmp_path, text)
    assert "mine" not in cat.exercises and "headline" in cat.exercises
    (problem,) = cat.problems
    en, fr = problem.text("en"), problem.text("fr")
    assert en.count("\n") == 0 and "mine.toml" in en and f"'{field}'" in en and allowed in en
    assert fr.startswith("Fichier d'exercice mine.toml") and f"« {field} »" in fr


def test_a_file_that_is_not_toml_names_the_file_and_the_line(tmp_path):
    cat = drop(tmp_path, 'id = "mine"\nkind = compare\n')
    (problem,) = cat.problems
    assert problem.key == "err.ex_toml" and "mine.toml" in problem.text("en") and "line 2" in problem.text("en")
    (tmp_path / "exercises" / "mine.toml").write_bytes(b"id = \"mine\"\xff\n")
    (problem,) = load_all(tmp_path).problems
    assert problem.key == "err.ex_toml" and "UTF-8" in problem.text("en")


def test_an_exercise_asking_too_much_of_the_server_is_refused(tmp_path):
    too_big = mine(**{"days = 250 ": "days = 500 ", "replicates = 6 ": "replicates = 20 ",
                      'set = {}\nlabel = { en = "Command': 'set = { teams = 15 }\nlabel = { en = "Command',
                      'set = {}\nlabel = { en = "Culture': 'set = { teams = 15 }\nlabel = { en = "Culture'})
    (problem,) = drop(tmp_path, too_big).problems
    assert problem.key == "err.ex_size" and "at most 4,000,000" in problem.text("en")
    assert "au plus 4 000 000" in problem.text("fr").replace("\u202f", " ")
    huge = mine(**{'set = {}\nlabel = { en = "Command': 'set = { teams = 2000 }\nlabel = { en = "Command'})
    (problem,) = drop(tmp_path, huge).problems
    assert problem.key == "err.ex_limit" and "1,000" in problem.text("en")
    assert "1 000" in problem.text("fr").replace("\u202f", " ")


def test_a_dropped_file_may_replace_a_shipped_exercise(tmp_path):
    text = HEADLINE.replace("replicates = 6 ", "replicates = 3 ")
    cat = drop(tmp_path, text, name="headline.toml")
    assert not cat.problems
    assert cat.get("headline").run["replicates"] == 3 and not cat.get("headline").shipped


def test_an_unknown_exercise_is_refused_naming_those_on_offer():
    with pytest.raises(WorkshopError) as info:
        load_all().get("nope")
    assert "headline" in info.value.text("en") and "inconnu" in info.value.text("fr")


def test_a_sweep_needs_increasing_values_and_a_measure_with_a_better_side(tmp_path):
    sweep = ("id = \"mine\"\nkind = \"sweep\"\n[title]\nen = \"S\"\nfr = \"B\"\n[brief]\nen = \"x\"\nfr = \"y\"\n"
             "[run]\nreplicates = 2\ndays = 5\n[run.sweep]\nscenario = \"situational\"\nparam = \"delegation\"\n"
             "values = VALUES\nmetric = \"METRIC\"\n[[predict]]\nfield = \"peak\"\nask = { en = \"?\", fr = \"?\" }\n"
             "[debrief]\nquestions = { en = [\"q\"], fr = [\"q\"] }\n")
    ok = drop(tmp_path, sweep.replace("VALUES", "[0.2, 0.5, 0.8]").replace("METRIC", "csat"))
    assert not ok.problems and ok.get("mine").ask("peak").low == 0.2
    (problem,) = drop(tmp_path, sweep.replace("VALUES", "[0.8, 0.2]").replace("METRIC", "csat")).problems
    assert "'run.sweep.values'" in problem.text("en") and "increasing" in problem.text("en")
    (problem,) = drop(tmp_path, sweep.replace("VALUES", "[0.2, 0.8]").replace("METRIC", "customers_x")).problems
    assert "'run.sweep.metric'" in problem.text("en") and "csat" in problem.text("en")
