"""The shipped workshop exercises: each file follows the exercise format (the contract between the exercise
files and the rooms' loader), names only scenarios, parameters and interventions the model has, and its
runs build and run (at a tiny size, long enough for every scheduled intervention to fire)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest

from servicesim.model import params as P
from servicesim.model.errors import ServicesimError
from servicesim.model.interventions import KINDS
from servicesim.model.metrics import METRICS
from servicesim.model.model import ServiceModel
from servicesim.model.scenario import list_scenarios, load_scenario, make_intervention, names_of

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = ROOT / "workshop" / "exercises"
PLANS_DIR = ROOT / "docs" / "workshop"
MINE = ("laissez_faire", "right_dose", "weakest_link", "fewer_handoffs", "transition", "your_organisation")
CLAIMS = {f"C{i}" for i in range(1, 12)}
FIELDS = {"compare": {"direction", "csat_gap", "profit_gap"}, "sweep": {"peak"}, "questionnaire": {"csat_gap"}}
TINY = {"teams": 2, "team_size": 4, "customers_per_front": 40}


def files() -> list[Path]:
    return sorted(EXERCISES.glob("*.toml"))


def read(path: Path) -> dict:
    with path.open("rb") as fh:
        return tomllib.load(fh)


def texts(value, what: str) -> dict:
    assert isinstance(value, dict) and set(value) == {"en", "fr"}, f"{what}: needs en and fr"
    assert all(isinstance(v, str) and v.strip() for v in value.values()), f"{what}: empty text"
    return value


def words(text: str) -> int:
    return len(re.findall(r"\w+(?:['’-]\w+)*", text))


def check_format(path: Path, data: dict) -> None:
    """The exercise format (EXERCISE_FORMAT.md), checked field by field."""
    assert set(data) <= {"id", "kind", "claims", "credit", "minutes", "order", "title", "brief", "run", "predict",
                         "debrief"}, sorted(data)
    assert data["id"] == path.stem and re.fullmatch(r"[a-z0-9_]+", data["id"])
    kind = data["kind"]
    assert kind in FIELDS
    assert data["claims"] and set(data["claims"]) <= CLAIMS
    credit = data["credit"]             # names and titles as one string, or a text in each language
    assert (isinstance(credit, str) and len(credit) > 10) or texts(credit, "credit")
    assert isinstance(data["minutes"], int) and 5 <= data["minutes"] <= 60
    assert isinstance(data["order"], int)
    texts(data["title"], "title")
    for lang, text in texts(data["brief"], "brief").items():
        assert 60 <= words(text) <= 120, f"brief.{lang}: {words(text)} words; allowed 60-120"
    run = data["run"]
    assert 2 <= run["replicates"] <= 20 and run["days"] > 0 and run["warmup"] >= 0 and isinstance(run["seed"], int)
    if kind == "questionnaire":
        assert set(run) <= {"days", "warmup", "replicates", "seed"}
    else:
        org = run.get("organisation", "")
        assert org == "" or org in names_of("sector")
    if kind == "compare":
        assert set(run) <= {"days", "warmup", "replicates", "seed", "organisation", "a", "b"}
        for arm in ("a", "b"):
            table = run[arm]
            assert set(table) <= {"scenario", "set", "label", "interventions", "structure", "practices"}
            assert table["scenario"] in {name for name, _c, _d in list_scenarios()}
            P.validate(table.get("set", {}), source=f"{path.name} run.{arm}.set")
            texts(table["label"], f"run.{arm}.label")
            for iv in table.get("interventions", []):
                assert iv["kind"] in KINDS
                options = {k: v for k, v in iv.items() if k not in ("kind", "day")}
                make_intervention(iv["kind"], iv["day"], source=path.name, **options)
                # an intervention during the warm-up would not be counted
                assert iv["day"] >= run["warmup"], f"run.{arm}: intervention on day {iv['day']} is in the warm-up"
    if kind == "sweep":
        sw = run["sweep"]
        assert set(sw) == {"scenario", "param", "values", "metric"}
        assert sw["scenario"] in {name for name, _c, _d in list_scenarios()}
        assert sw["values"] == sorted(set(sw["values"])) and len(sw["values"]) >= 2
        for v in sw["values"]:
            P.SCHEMA[sw["param"]].coerce(v, f"{path.name} run.sweep.values")
        assert METRICS[sw["metric"]].higher_is_better is not None
    assert 1 <= len(data["predict"]) <= 4
    seen = set()
    for item in data["predict"]:
        assert set(item) <= {"field", "ask", "low", "high"}
        assert item["field"] in FIELDS[kind] and item["field"] not in seen
        seen.add(item["field"])
        texts(item["ask"], "predict.ask")
        if "low" in item or "high" in item:
            assert item["low"] < item["high"]
    questions, notice = data["debrief"]["questions"], data["debrief"]["notice"]
    texts(notice, "debrief.notice")
    assert "NOTICE" not in notice["en"] + notice["fr"], "the notice is still a placeholder"
    assert set(questions) == {"en", "fr"} and 3 <= len(questions["en"]) == len(questions["fr"]) <= 5


def arms(data: dict) -> list[tuple[str, object]]:
    """Each arm's scenario as the room builds it (a preset plus overrides plus interventions), by name."""
    run, out = data["run"], []
    if data["kind"] == "compare":
        for name in ("a", "b"):
            table = run[name]
            sc = load_scenario(table["scenario"]).with_params(table.get("set", {}))
            ivs = tuple(make_intervention(iv["kind"], iv["day"], **{k: v for k, v in iv.items()
                                                                   if k not in ("kind", "day")})
                        for iv in table.get("interventions", []))
            out.append((name, replace(sc, interventions=sc.interventions + ivs)))
    elif data["kind"] == "sweep":
        sw = run["sweep"]
        for v in sw["values"]:
            out.append((f"{sw['param']}={v}", load_scenario(sw["scenario"]).with_params({sw["param"]: v})))
    return out


@pytest.mark.parametrize("name", MINE)
def test_my_exercises_are_shipped(name):
    assert (EXERCISES / f"{name}.toml").is_file()


@pytest.mark.parametrize("path", files(), ids=lambda p: p.stem)
def test_exercise_follows_the_format(path):
    check_format(path, read(path))


def texts_in(data, lang: str) -> list[str]:
    """Every text in ``lang`` of an exercise's tables (``en`` or ``fr`` keys, at any depth)."""
    out = []
    if isinstance(data, dict):
        for key, value in data.items():
            if key == lang:
                out += value if isinstance(value, list) else [value]
            else:
                out += texts_in(value, lang)
    elif isinstance(data, list):
        for value in data:
            out += texts_in(value, lang)
    return out


@pytest.mark.parametrize("name", (*MINE, "headline"))
def test_texts_follow_the_apps_typography(name):
    """As the app's French catalogue: a narrow no-break space before : ; ? !, no-break spaces inside « »,
    and a true minus sign in numbers; in both languages, no word broken across a line ("customer- oriented")."""
    data = read(EXERCISES / f"{name}.toml")
    texts_fr = texts_in(data, "fr")
    assert texts_fr
    for text in texts_fr:
        assert not re.search(r" [:;?!]", text) and "« " not in text and " »" not in text, text
        assert not re.search(r"(?<![\w])-\d", text), text
    for text in texts_fr + texts_in(data, "en"):
        assert not re.search(r"[a-zé]- [a-zé]", text), text


def test_every_profit_prediction_allows_the_same_range():
    """Profit gaps are thousands of salary-days a day apart in size between organisations and hundreds between
    styles (headline: about +400): every exercise asks them on one scale, wide enough for the answer and a
    participant's overshoot."""
    ranges = {p.stem: (a.get("low"), a.get("high")) for p in files() for a in read(p).get("predict", [])
              if a["field"] == "profit_gap"}
    assert "headline" in ranges and len(ranges) >= 3
    assert set(ranges.values()) == {(-1000.0, 1000.0)}, ranges


#: The French words the app's catalogue (viz/locale/fr) uses, and the variants that must not creep back in.
FRENCH_TERMS = {"jours-salaire": re.compile(r"jours? de\s+salaire", re.I),
                "commandement et contrôle": re.compile(r"commander\s+et\s+contrôler", re.I)}


def test_french_words_are_the_apps_own_everywhere_a_participant_reads():
    app = (ROOT / "viz" / "locale" / "fr" / "LC_MESSAGES" / "servicesim.po").read_text(encoding="utf-8")
    places = [*files(), ROOT / "workshop" / "locale" / "fr" / "LC_MESSAGES" / "workshop.po",
              *(PLANS_DIR.glob("*.fr.md")), ROOT / "workshop" / "questionnaire.toml"]
    for term, variant in FRENCH_TERMS.items():
        assert term in app.lower() and not variant.search(app), term
        for path in places:
            found = variant.search(path.read_text(encoding="utf-8"))
            assert not found, f"{path.name}: {found[0]!r}, the app says {term!r}"

@pytest.mark.parametrize("path", files(), ids=lambda p: p.stem)
def test_exercise_runs_build_and_run(path):
    """Every arm runs (tiny organisation) past its last intervention; a questionnaire exercise simulates a
    set of answers with its own [run] settings, cut down."""
    data = read(path)
    if data["kind"] == "questionnaire":
        from servicesim.workshop import questionnaire as Q

        result = Q.simulate({"L1": 4}, samples_n=1, replicates=data["run"]["replicates"], days=10, warmup=0,
                            seed=data["run"]["seed"], size={"teams": 2, "team_size": 4})
        assert set(result["csat"]) == {"as_is", "culture_first", "command_control"}
        return
    for _name, sc in arms(data):
        last = max([iv.day for iv in sc.interventions], default=0)
        model = ServiceModel({**sc.params, **TINY}, interventions=sc.interventions, seed=data["run"]["seed"])
        model.run(last + 3)
        assert [iv.kind for iv in model.intervention_log] == [iv.kind for iv in sc.interventions]


@pytest.mark.parametrize("path", files(), ids=lambda p: p.stem)
def test_exercise_loads_in_the_rooms_loader(path):
    """Once the rooms' loader exists, it accepts every shipped file (it checks runs and sizes itself)."""
    loader = pytest.importorskip("servicesim.workshop.exercises")
    if not hasattr(loader, "load_file"):
        pytest.skip("the rooms' loader has no load_file yet")
    ex = loader.load_file(path, shipped=True)
    assert ex.id == path.stem


def test_a_wrong_exercise_is_caught_by_these_checks(tmp_path):
    """The checks above can fail: an unknown scenario, an unknown intervention option, a missing French text."""
    data = read(EXERCISES / "weakest_link.toml")
    broken = tmp_path / "weakest_link.toml"
    data["run"]["a"]["scenario"] = "no_such_style"
    with pytest.raises(AssertionError):
        check_format(broken, data)
    data = read(EXERCISES / "weakest_link.toml")
    data["run"]["b"]["interventions"][0]["severity_typo"] = 0.5
    with pytest.raises(ServicesimError):
        check_format(broken, data)
    data = read(EXERCISES / "weakest_link.toml")
    del data["title"]["fr"]
    with pytest.raises(AssertionError):
        check_format(broken, data)


# --- the session plans (docs/workshop/) -----------------------------------------------------------------------
PLANS = PLANS_DIR


def plan_blocks(text: str) -> list[tuple[int, int, str]]:
    """(start minute, length in minutes, exercise id or '') of each timed section: '## 0:05 ... (20 min)'."""
    blocks = []
    for line in text.splitlines():
        m = re.match(r"## (\d+):(\d\d) .*\((\d+) min\)\s*$", line)
        if m:
            ex = re.search(r"`([a-z0-9_]+)`", line)
            blocks.append((60 * int(m[1]) + int(m[2]), int(m[3]), ex[1] if ex else ""))
    return blocks


@pytest.mark.parametrize("minutes", [60, 90, 120])
def test_each_plan_adds_up_and_both_languages_run_the_same_exercises(minutes):
    plans = {lang: (PLANS / f"plan-{minutes}.{lang}.md").read_text(encoding="utf-8") for lang in ("en", "fr")}
    blocks = {lang: plan_blocks(text) for lang, text in plans.items()}
    assert blocks["en"] == blocks["fr"]
    start = 0
    for begin, length, _ex in blocks["en"]:
        assert begin == start, f"plan-{minutes}: a section starts at minute {begin}, expected {start}"
        start += length
    assert start == minutes
    shipped = {p.stem for p in files()} | {"headline"}     # headline.toml is the rooms' exercise
    used = [ex for _b, _l, ex in blocks["en"] if ex]
    assert used and set(used) <= shipped


def test_plans_render_as_printable_html(tmp_path):
    import runpy

    render = runpy.run_path(str(PLANS / "render.py"))
    assert render["main"]([str(tmp_path)]) == 0
    html = (tmp_path / "plan-90.fr.html").read_text(encoding="utf-8")
    assert "<table>" in html and "@media print" in html and "lang='fr'" in html
