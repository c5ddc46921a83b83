"""Exercise files: read, check and list them (the format: /work/wt/EXERCISE_FORMAT.md, docs/APP.md).

Shipped exercises are ``workshop/exercises/*.toml``; a facilitator adds one by dropping a file into
``<data dir>/exercises/``. A file that is not right is refused with one line naming the file, the
field, the value and what is allowed (in the reader's language, :class:`WorkshopError`); the other
files still load. What an exercise runs is built and checked here with the experiments' own
machinery (:func:`experiment_data` -> :func:`servicesim.experiments.design.parse_experiment`), and its
size is capped so that one room cannot occupy a shared server.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from servicesim.model.metrics import METRICS

from .texts import LANGS, Later, Msg, WorkshopError, plain

SHIPPED_DIR = Path(__file__).resolve().parent / "exercises"
KINDS = ("compare", "sweep", "questionnaire")
TOP_KEYS = {"id", "kind", "claims", "credit", "minutes", "order", "title", "brief", "run", "predict", "debrief"}
RUN_KEYS = {"days", "warmup", "replicates", "seed", "organisation", "a", "b", "sweep"}
ARM_KEYS = {"scenario", "set", "label", "interventions", "structure", "practices"}
SWEEP_KEYS = {"scenario", "param", "values", "metric"}
PREDICT_KEYS = {"field", "ask", "low", "high"}
#: The fields a participant may be asked for, by kind, with their default range (None: a choice).
FIELDS: dict[str, dict[str, tuple[float, float] | None]] = {
    "compare": {"direction": None, "csat_gap": (-2.0, 2.0), "profit_gap": (-100.0, 100.0)},
    "sweep": {"peak": None},            # the range is the sweep's values
    "questionnaire": {"csat_gap": (-2.0, 2.0)},
}
CHOICES = {"direction": ("a", "b", "same")}
#: What one exercise may ask of the server.
MAX_REPLICATES, MIN_REPLICATES = 20, 2
MAX_DAYS, MAX_WARMUP, MAX_VALUES = 500, 300, 8
MAX_WORK = 4_000_000          # employee-days over all runs (~2 minutes on one core at ~30,000 a second)
MAX_FILE_BYTES = 64 * 1024
#: The measures the verdict counts ("ahead on 10 of 12 measures"): every run measure that is better high
#: or low and describes service or staff (profit is said separately).
VERDICT_METRICS = ("csat", "nps", "first_contact_resolution", "resolution_time_days", "escalation_rate",
                   "error_rate", "engagement", "stress", "turnover_rate", "culture_alignment", "skill",
                   "weakest_team_csat")
MONEY_METRICS = ("profit", "revenue", "cost")


@dataclass(frozen=True)
class Ask:
    """One thing a participant predicts."""

    field: str
    ask: Mapping[str, str]
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()

    @property
    def numeric(self) -> bool:
        return not self.choices


@dataclass(frozen=True)
class Exercise:
    id: str
    kind: str
    claims: tuple[str, ...]
    credit: Mapping[str, str]        # lang -> whose ideas
    minutes: int
    order: int
    title: Mapping[str, str]
    brief: Mapping[str, str]
    run: Mapping[str, Any]
    predict: tuple[Ask, ...]
    questions: Mapping[str, tuple[str, ...]]
    notice: Mapping[str, str]
    source: str = ""
    shipped: bool = True
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)   # arm -> lang -> label

    def text(self, part: str, lang: str) -> str:
        return getattr(self, part).get(lang) or getattr(self, part).get("en", "")

    def label(self, arm: str, lang: str) -> str:
        texts = self.labels.get(arm, {})
        return texts.get(lang) or texts.get("en") or arm.upper()

    def ask(self, name: str) -> Ask | None:
        return next((a for a in self.predict if a.field == name), None)


# --- checks ---------------------------------------------------------------------------------------------
class _Check:
    """Checks of one file; every refusal names the file."""

    def __init__(self, file: str):
        self.file = file

    def bad(self, fld: str, value: Any, allowed: Any) -> WorkshopError:
        shown = plain(value)
        if len(shown) > 80:
            shown = shown[:77] + "..."
        return WorkshopError("err.ex_field", file=self.file, field=fld, value=shown, allowed=allowed)

    def missing(self, fld: str, allowed: Any) -> WorkshopError:
        return WorkshopError("err.ex_missing", file=self.file, field=fld, allowed=allowed)

    def keys(self, fld: str, table: Any, keys: set) -> dict:
        if not isinstance(table, dict):
            raise self.bad(fld, table, Msg("allowed.table"))
        extra = sorted(set(table) - keys)
        if extra:
            raise self.bad(f"{fld}.{extra[0]}" if fld else extra[0], table[extra[0]], ", ".join(sorted(keys)))
        return table

    def integer(self, fld: str, value: Any, low: int, high: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.bad(fld, value, Msg("allowed.int", low=low, high=high))
        return value

    def number(self, fld: str, value: Any, low: float = -math.inf, high: float = math.inf) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
                or not low <= value <= high:
            raise self.bad(fld, value, Msg("allowed.number", low=float(low), high=float(high)))
        return float(value)

    def texts(self, fld: str, value: Any, max_len: int = 2000) -> dict[str, str]:
        if not isinstance(value, dict) or set(value) != set(LANGS) or not all(
                isinstance(v, str) and v.strip() and len(v) <= max_len for v in value.values()):
            raise self.bad(fld, value, Msg("allowed.text"))
        return {k: v.strip() for k, v in value.items()}

    def text_lists(self, fld: str, value: Any) -> dict[str, tuple[str, ...]]:
        ok = isinstance(value, dict) and set(value) == set(LANGS) and all(
            isinstance(v, list) and 1 <= len(v) <= 6 and all(isinstance(x, str) and x.strip() for x in v)
            for v in value.values())
        if not ok:
            raise self.bad(fld, value, Msg("allowed.texts"))
        return {k: tuple(x.strip() for x in v) for k, v in value.items()}


def parse_exercise(data: Mapping[str, Any], *, file: str, stem: str, shipped: bool = True) -> Exercise:
    """Check an exercise's tables (as read from TOML) and build it; raise :class:`WorkshopError`."""
    c = _Check(file)
    c.keys("", data, TOP_KEYS)
    for key in ("id", "kind", "title", "brief", "run", "predict", "debrief"):
        if key not in data:
            raise c.missing(key, ", ".join(sorted(TOP_KEYS)))
    ex_id = data["id"]
    if not isinstance(ex_id, str) or not re.fullmatch(r"[a-z0-9_]+", ex_id) or ex_id != stem:
        raise c.bad("id", ex_id, Msg("allowed.id"))
    kind = data["kind"]
    if kind not in KINDS:
        raise c.bad("kind", kind, ", ".join(KINDS))
    claims = data.get("claims", [])
    if not isinstance(claims, list) or not all(isinstance(x, str) and re.fullmatch(r"C\d{1,2}", x) for x in claims):
        raise c.bad("claims", claims, "C1 ... C12")
    # one text for both languages (names and titles), or a text per language
    raw_credit = data.get("credit", "")
    credit = ({lang: raw_credit.strip() for lang in LANGS} if isinstance(raw_credit, str)
              else c.texts("credit", raw_credit, 400))
    minutes = c.integer("minutes", data.get("minutes", 15), 1, 120)
    order = c.integer("order", data.get("order", 100), 0, 10_000)
    title = c.texts("title", data["title"], 200)
    brief = c.texts("brief", data["brief"])
    run, labels = _run(c, kind, data["run"])
    predict = _predict(c, kind, data["predict"], run)
    debrief = c.keys("debrief", data["debrief"], {"questions", "notice"})
    if "questions" not in debrief:
        raise c.missing("debrief.questions", Msg("allowed.texts"))
    questions = c.text_lists("debrief.questions", debrief["questions"])
    notice = c.texts("debrief.notice", debrief["notice"]) if "notice" in debrief else {"en": "", "fr": ""}
    ex = Exercise(id=ex_id, kind=kind, claims=tuple(claims), credit=credit, minutes=minutes, order=order,
                  title=title, brief=brief, run=run, predict=predict, questions=questions, notice=notice,
                  source=file, shipped=shipped, labels=labels)
    if kind != "questionnaire":
        check_runnable(ex)
    return ex


def _run(c: _Check, kind: str, raw: Any) -> tuple[dict, dict]:
    c.keys("run", raw, RUN_KEYS)
    run = {"days": c.integer("run.days", raw.get("days", 250), 1, MAX_DAYS),
           "warmup": c.integer("run.warmup", raw.get("warmup", 0), 0, MAX_WARMUP),
           "replicates": c.integer("run.replicates", raw.get("replicates", 6), MIN_REPLICATES, MAX_REPLICATES),
           "seed": c.integer("run.seed", raw.get("seed", 1), 0, 2**63 - 1)}
    org = raw.get("organisation", "")
    if not isinstance(org, str):
        raise c.bad("run.organisation", org, "the name of a sector preset (servicesim scenarios) or \"\"")
    run["organisation"] = org
    labels: dict[str, dict[str, str]] = {}
    if kind == "compare":
        for arm in ("a", "b"):
            if arm not in raw:
                raise c.missing(f"run.{arm}", ", ".join(sorted(ARM_KEYS)))
            table = c.keys(f"run.{arm}", raw[arm], ARM_KEYS)
            if not any(k in table for k in ("scenario", "structure", "practices")) and not org:
                raise c.missing(f"run.{arm}.scenario", "a scenario preset name (servicesim scenarios)")
            if not isinstance(table.get("set", {}), dict):
                raise c.bad(f"run.{arm}.set", table["set"], Msg("allowed.table"))
            if "label" in table:
                labels[arm] = c.texts(f"run.{arm}.label", table["label"], 60)
            run[arm] = {k: v for k, v in table.items() if k != "label"}
    elif "a" in raw or "b" in raw:
        raise c.bad("run.a" if "a" in raw else "run.b", raw.get("a", raw.get("b")), "only with kind = \"compare\"")
    if kind == "sweep":
        if "sweep" not in raw:
            raise c.missing("run.sweep", ", ".join(sorted(SWEEP_KEYS)))
        sw = c.keys("run.sweep", raw["sweep"], SWEEP_KEYS)
        for key in ("param", "values", "metric"):
            if key not in sw:
                raise c.missing(f"run.sweep.{key}", ", ".join(sorted(SWEEP_KEYS)))
        values = sw["values"]
        if not isinstance(values, list) or not 2 <= len(values) <= MAX_VALUES or not all(
                isinstance(v, (int, float)) and not isinstance(v, bool) for v in values) or values != sorted(
                set(values)):
            raise c.bad("run.sweep.values", values, Msg("allowed.values", max=MAX_VALUES))
        metric = sw["metric"]
        if metric not in METRICS or METRICS[metric].higher_is_better is None:
            raise c.bad("run.sweep.metric", metric, ", ".join(m for m, d in METRICS.items()
                                                               if d.higher_is_better is not None))
        run["sweep"] = dict(sw)
    elif "sweep" in raw:
        raise c.bad("run.sweep", raw["sweep"], "only with kind = \"sweep\"")
    return run, labels


def _predict(c: _Check, kind: str, raw: Any, run: dict) -> tuple[Ask, ...]:
    allowed = Msg("allowed.predict", fields=", ".join(FIELDS[kind]))
    if not isinstance(raw, list) or not 1 <= len(raw) <= 4 or not all(isinstance(x, dict) for x in raw):
        raise c.bad("predict", raw, allowed)
    out, seen = [], set()
    for i, item in enumerate(raw):
        fld = f"predict[{i}]"
        c.keys(fld, item, PREDICT_KEYS)
        name = item.get("field")
        if name not in FIELDS[kind] or name in seen:
            raise c.bad(f"{fld}.field", name, ", ".join(f for f in FIELDS[kind] if f not in seen))
        seen.add(name)
        if "ask" not in item:
            raise c.missing(f"{fld}.ask", Msg("allowed.text"))
        ask = c.texts(f"{fld}.ask", item["ask"], 300)
        if name in CHOICES:
            if "low" in item or "high" in item:
                raise c.bad(f"{fld}.low", item.get("low", item.get("high")), "no range for a choice")
            out.append(Ask(name, ask, choices=CHOICES[name]))
            continue
        if name == "peak":
            values = run["sweep"]["values"]
            low, high = float(min(values)), float(max(values))
        else:
            low, high = FIELDS[kind][name]
        low = c.number(f"{fld}.low", item.get("low", low))
        high = c.number(f"{fld}.high", item.get("high", high))
        if not low < high:
            raise c.bad(f"{fld}.high", high, Msg("allowed.low_high"))
        out.append(Ask(name, ask, low, high))
    return tuple(out)


# --- what the server runs --------------------------------------------------------------------------------
def experiment_data(ex: Exercise) -> dict:
    """The exercise's run as an experiment's tables (docs/EXPERIMENTS.md), for ``parse_experiment``."""
    run = ex.run
    org = run.get("organisation") or ""
    data: dict[str, Any] = {"name": ex.id, "days": run["days"], "warmup": run["warmup"],
                            "replicates": run["replicates"], "seed": run["seed"],
                            "output": {"daily": False, "teams": False}}
    if ex.kind == "compare":
        data["metrics"] = list(dict.fromkeys(VERDICT_METRICS + MONEY_METRICS))
        arms = []
        for name in ("a", "b"):
            arm = run[name]
            table: dict[str, Any] = {"name": name}
            if org:
                data["scenario"] = org
                if "scenario" in arm:
                    table["style"] = arm["scenario"]
            elif "scenario" in arm:
                table["scenario"] = arm["scenario"]
            for key in ("structure", "practices", "interventions"):
                if key in arm:
                    table[key] = arm[key]
            if arm.get("set"):
                table["params"] = dict(arm["set"])
            arms.append(table)
        data["arms"] = arms
    elif ex.kind == "sweep":
        sw = run["sweep"]
        data["metrics"] = [sw["metric"]]
        if org:
            data["scenario"] = org
            data["arms"] = [{"name": "sweep", "style": sw["scenario"]}]
        else:
            data["scenario"] = sw["scenario"]
        data["grid"] = {sw["param"]: list(sw["values"])}
    return data


def build_experiment(ex: Exercise):
    from servicesim.experiments.design import parse_experiment

    return parse_experiment(experiment_data(ex), source=ex.id, base_dir=SHIPPED_DIR)


def check_runnable(ex: Exercise, limits=None) -> int:
    """Build the exercise's experiment (every scenario, parameter and intervention checked) and check its
    size; return the number of simulations it runs."""
    from servicesim.model.errors import ServicesimError
    from servicesim.viz.fields import FieldError, Limits, employees, field_message
    from servicesim.viz.i18n import error_text

    try:
        exp = build_experiment(ex)
        specs = exp.runs(exp.points())
    except ServicesimError as exc:
        def detail(lang: str, exc=exc) -> str:
            text = error_text(exc, lang)
            text = text.split(": ", 1)[1] if text.startswith("experiment '") else text
            # the experiment's names of the exercise's tables
            return text.replace(f"{ex.id} arms[0]", "run.a").replace(f"{ex.id} arms[1]", "run.b")

        raise WorkshopError("err.ex_run", file=ex.source, field="run", detail=Later(detail)) from None
    limits = limits or Limits.from_env()
    work = 0
    for spec in specs:
        try:
            limits.check(spec.scenario.params)
        except FieldError as exc:
            raise WorkshopError("err.ex_limit", file=ex.source,
                                detail=Later(lambda lang, exc=exc: field_message(exc, lang).rstrip("."))) from None
        work += (spec.days + spec.warmup) * employees(spec.scenario.params)
    if work > MAX_WORK:
        raise WorkshopError("err.ex_size", file=ex.source, work=work, max=MAX_WORK)
    return len(specs)


# --- files -------------------------------------------------------------------------------------------------
_CACHE: dict[tuple, Exercise | WorkshopError] = {}


def load_file(path: Path, *, shipped: bool = False) -> Exercise:
    """One exercise file, checked (a file unchanged since it was last read is not read again)."""
    try:
        st = path.stat()
        key = (str(path), st.st_mtime_ns, st.st_size, shipped)
    except OSError:
        key = None
    if key is not None and key in _CACHE:
        cached = _CACHE[key]
        if isinstance(cached, WorkshopError):
            raise cached
        return cached
    try:
        ex = _load_file(path, shipped=shipped)
    except WorkshopError as exc:
        if key is not None:
            _CACHE[key] = exc
        raise
    if key is not None:
        _CACHE[key] = ex
    return ex


def _load_file(path: Path, *, shipped: bool = False) -> Exercise:
    file = path.name
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise WorkshopError("err.ex_toml", file=file, detail=f"larger than {MAX_FILE_BYTES // 1024} kB")
        data = tomllib.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, OSError) as exc:
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise WorkshopError("err.ex_toml", file=file, detail=detail) from None
    return parse_exercise(data, file=file, stem=path.stem, shipped=shipped)


@dataclass
class Catalogue:
    """The exercises a server offers, and the files it refused (each with its one-line reason)."""

    exercises: dict[str, Exercise]
    problems: list[WorkshopError]

    def get(self, ex_id: str) -> Exercise:
        if ex_id not in self.exercises:
            raise WorkshopError("err.exercise_unknown", value=plain(ex_id), allowed=", ".join(self.exercises) or "—")
        return self.exercises[ex_id]

    def ordered(self) -> list[Exercise]:
        return sorted(self.exercises.values(), key=lambda e: (e.order, e.id))


def load_all(data_dir: Path | None = None) -> Catalogue:
    """The shipped exercises plus those dropped into ``<data_dir>/exercises/`` (a dropped file with the id
    of a shipped one replaces it). A malformed file is left out and reported; the others load."""
    exercises: dict[str, Exercise] = {}
    problems: list[WorkshopError] = []
    dirs = [(SHIPPED_DIR, True)] + ([(Path(data_dir) / "exercises", False)] if data_dir else [])
    for folder, shipped in dirs:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            try:
                ex = load_file(path, shipped=shipped)
            except WorkshopError as exc:
                problems.append(exc)
                continue
            exercises[ex.id] = ex
    return Catalogue(exercises, problems)


__all__ = ["Exercise", "Ask", "Catalogue", "load_all", "load_file", "parse_exercise", "build_experiment",
           "experiment_data", "check_runnable", "FIELDS", "KINDS", "VERDICT_METRICS"]
