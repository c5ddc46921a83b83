"""The two diagnostic questionnaires (claim C9): describe an organisation, get it as a scenario, simulate it.

After Jocelyn Pinet and André Coupet (seed 003), who diagnose an organisation's customer orientation and
how service-oriented its leadership is with two questionnaires; the items in ``questionnaire.toml`` are
servicesim's own. Each item is answered 1-5 (or left as "don't know") and moves a range of one or more
model parameters (docs/QUESTIONNAIRE.md gives the reasoning item by item):

* :func:`validate` — answers checked; a bad one refused with one line in English or French naming the
  item, the value and what is allowed (:class:`QuestionnaireError`);
* :func:`ranges` — answers -> a (low, high) range per parameter;
* :func:`scenario_toml` — answers -> a scenario file (the middle of every range, the ranges in comments),
  loadable wherever a scenario is (``servicesim run FILE``);
* :func:`simulate` — the organisation sampled within its ranges (a Latin hypercube from the seed) and run
  with paired seeds as it is, under culture first (the ``bersin`` style) and under command and control
  (``hierarchical``), with percentile bands on satisfaction and profit. Runs go through the experiments'
  machinery (:func:`servicesim.experiments.runner.run_specs`), in this process, with bounded work.
"""

from __future__ import annotations

import json
import math
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from servicesim.model import params as P
from servicesim.model.errors import ServicesimError

DATA_FILE = Path(__file__).resolve().parent / "questionnaire.toml"
LANGS = ("en", "fr")
QUESTIONNAIRES = ("orientation", "leadership")
LOWEST, HIGHEST = 1, 5
#: What an item may move: the management style's two blocks, the organisation's shape and its supervision
#: (capacities that belong to the organisation), and the hand-offs of the service chain. Never an outcome.
MAPPABLE_GROUPS = ("structure", "practices", "organisation", "supervision")
MAPPABLE_EXTRA = ("handoffs",)
#: The arms of a simulation: the organisation as described, and the same organisation under two styles.
ARMS = {"as_is": None, "culture_first": "bersin", "command_control": "hierarchical"}
#: Percentiles of the bands shown around each median.
BAND = (10.0, 90.0)
#: Size of the simulated organisation: not asked by the questionnaire, kept small so that an answer comes
#: back in seconds; written into the scenario file, so ``servicesim run FILE`` reproduces it.
DEFAULT_SIZE = {"teams": 4, "team_size": 8}
DEFAULTS = {"samples": 6, "replicates": 1, "days": 100, "warmup": 40, "seed": 20260107}
#: What one call may ask of the server (a browser visitor, a room participant): employee-days over all
#: runs, at ~30,000 a second on one core about 20 s.
MAX_WORK = 600_000
LIMITS = {"samples": (1, 32), "replicates": (1, 10), "days": (1, 500), "warmup": (0, 300)}


class QuestionnaireError(ServicesimError, ValueError):
    """A bad answer (or bad simulation settings): one line in the language asked for; ``text(lang)``
    gives it in the other language too."""

    def __init__(self, texts: Mapping[str, str], lang: str = "en", *, item: str | None = None, value: Any = None):
        self.texts = dict(texts)
        self.item, self.value = item, value
        super().__init__(self.text(lang))

    def text(self, lang: str) -> str:
        return self.texts.get(lang) or self.texts["en"]


# --- the items -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Move:
    """How one item moves one parameter: its value for an answer of 1 and of 5 (linear in between), and
    the half-width of the range around it."""

    param: str
    at_1: float
    at_5: float
    spread: float

    def centre(self, answer: int) -> float:
        return self.at_1 + (answer - LOWEST) / (HIGHEST - LOWEST) * (self.at_5 - self.at_1)

    def range(self, answer: int | None) -> tuple[float, float]:
        """The range an answer stands for; "don't know" (None) stands for every answer."""
        if answer is None:
            return min(self.at_1, self.at_5), max(self.at_1, self.at_5)
        c = self.centre(answer)
        return c - self.spread, c + self.spread


@dataclass(frozen=True)
class Item:
    id: str
    questionnaire: str
    name: Mapping[str, str]
    text: Mapping[str, str]
    moves: tuple[Move, ...]

    def label(self, lang: str) -> str:
        return f"{self.id} ({self.name[lang]})"


@dataclass(frozen=True)
class Questionnaires:
    items: tuple[Item, ...]
    scale: Mapping[str, tuple[str, ...]]
    dont_know: Mapping[str, str]
    titles: Mapping[str, Mapping[str, str]]      # questionnaire -> lang -> text
    intros: Mapping[str, Mapping[str, str]]

    def by_id(self) -> dict[str, Item]:
        return {it.id: it for it in self.items}

    def of(self, questionnaire: str) -> tuple[Item, ...]:
        return tuple(it for it in self.items if it.questionnaire == questionnaire)


def mappable(name: str) -> bool:
    return name in P.SCHEMA and (P.SCHEMA[name].group in MAPPABLE_GROUPS or name in MAPPABLE_EXTRA) \
        and P.SCHEMA[name].kind != "choice"


def _texts(raw: Any, where: str) -> dict[str, str]:
    if not isinstance(raw, dict) or set(raw) != set(LANGS) or not all(isinstance(v, str) and v.strip()
                                                                      for v in raw.values()):
        raise ServicesimError(f"{DATA_FILE.name}: {where}: {raw!r}; allowed: a table with non-empty en and fr texts")
    return {k: v.strip() for k, v in raw.items()}


def _move(raw: Any, where: str) -> Move:
    if not isinstance(raw, dict) or set(raw) != {"param", "at_1", "at_5", "spread"}:
        raise ServicesimError(f"{DATA_FILE.name}: {where}: {raw!r}; allowed: {{param, at_1, at_5, spread}}")
    name = raw["param"]
    if not mappable(name):
        raise ServicesimError(f"{DATA_FILE.name}: {where}.param: {name!r} may not be mapped; allowed: a numeric "
                              f"parameter of the groups {', '.join(MAPPABLE_GROUPS)}, or {', '.join(MAPPABLE_EXTRA)}")
    p = P.SCHEMA[name]
    for key in ("at_1", "at_5"):
        p.coerce(raw[key], f"{DATA_FILE.name}: {where}.{key}")
    spread = raw["spread"]
    if isinstance(spread, bool) or not isinstance(spread, (int, float)) or not 0 <= spread <= (p.high - p.low) / 2:
        raise ServicesimError(f"{DATA_FILE.name}: {where}.spread: {spread!r}; allowed: a number in "
                              f"[0, {(p.high - p.low) / 2}]")
    return Move(name, float(raw["at_1"]), float(raw["at_5"]), float(spread))


@cache
def load() -> Questionnaires:
    """The questionnaires of ``questionnaire.toml``, checked (a defect in the file raises at once)."""
    with DATA_FILE.open("rb") as fh:
        data = tomllib.load(fh)
    items = []
    for i, raw in enumerate(data["item"]):
        where = f"item[{i}]"
        if raw.get("questionnaire") not in QUESTIONNAIRES:
            raise ServicesimError(f"{DATA_FILE.name}: {where}.questionnaire: {raw.get('questionnaire')!r}; "
                                  f"allowed: {', '.join(QUESTIONNAIRES)}")
        moves = tuple(_move(m, f"{where}.maps[{j}]") for j, m in enumerate(raw["maps"]))
        items.append(Item(str(raw["id"]), raw["questionnaire"], _texts(raw["name"], f"{where}.name"),
                          _texts(raw["text"], f"{where}.text"), moves))
    ids = [it.id for it in items]
    if len(set(ids)) != len(ids):
        raise ServicesimError(f"{DATA_FILE.name}: item ids must be unique; found {ids}")
    scale = {lang: tuple(data["scale"][lang]) for lang in LANGS}
    if any(len(v) != HIGHEST - LOWEST + 1 for v in scale.values()):
        raise ServicesimError(f"{DATA_FILE.name}: scale: allowed: {HIGHEST - LOWEST + 1} labels per language")
    q = data["questionnaire"]
    return Questionnaires(tuple(items), scale, _texts(data["scale"]["dont_know"], "scale.dont_know"),
                          {k: _texts(q[k]["title"], f"{k}.title") for k in QUESTIONNAIRES},
                          {k: _texts(q[k]["intro"], f"{k}.intro") for k in QUESTIONNAIRES})


def items() -> tuple[Item, ...]:
    return load().items


# --- answers ---------------------------------------------------------------------------------------------------
def _answer_error(item: Item | None, key: Any, value: Any, lang: str) -> QuestionnaireError:
    shown = repr(value) if isinstance(value, str) else str(value)
    if item is None:
        allowed = ", ".join(it.id for it in items())
        texts = {"en": f"question {key!r} is unknown; allowed: {allowed}",
                 "fr": f"question « {key} » inconnue ; questions permises : {allowed}"}
    else:
        texts = {"en": f"question {item.label('en')}: {shown} is not an answer; allowed: a whole number from "
                       f"{LOWEST} to {HIGHEST}, or blank for 'don't know'",
                 "fr": f"question {item.label('fr')} : {shown} n'est pas une réponse possible ; réponses permises : "
                       f"un nombre entier de {LOWEST} à {HIGHEST}, ou rien pour « je ne sais pas »"}
    return QuestionnaireError(texts, lang, item=item.id if item else str(key), value=value)


def _one(item: Item, value: Any, lang: str) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number = value
    if isinstance(value, str):
        text = value.strip()
        if not text.lstrip("+-").isdigit():
            raise _answer_error(item, item.id, value, lang)
        number = int(text)
    if isinstance(number, bool) or not isinstance(number, (int, float)) or isinstance(number, float) and (
            not math.isfinite(number) or number != int(number)):
        raise _answer_error(item, item.id, value, lang)
    number = int(number)
    if not LOWEST <= number <= HIGHEST:
        raise _answer_error(item, item.id, value, lang)
    return number


def validate(answers: Mapping[str, Any], lang: str = "en") -> dict[str, int | None]:
    """Every item's answer (1-5, or None for "don't know"; a missing item is "don't know"), or a
    :class:`QuestionnaireError` in ``lang`` naming the first bad item, its value and what is allowed."""
    lang = lang if lang in LANGS else "en"
    if not isinstance(answers, Mapping):
        raise QuestionnaireError({"en": f"answers: {answers!r}; allowed: a table of question = answer",
                                  "fr": f"réponses : {answers!r} ; permis : une table question = réponse"}, lang)
    known = load().by_id()
    for key in answers:
        if key not in known:
            raise _answer_error(None, key, answers[key], lang)
    return {it.id: _one(it, answers.get(it.id), lang) for it in items()}


# --- answers -> parameter ranges -> a scenario ---------------------------------------------------------------------
def ranges(answers: Mapping[str, Any], lang: str = "en") -> dict[str, tuple[float, float]]:
    """Each mapped parameter's range. The answered items that move a parameter each give a range around
    the value their answer stands for; the parameter's range covers them all (two answers that disagree
    widen it). Items left as "don't know" count only when no item moving that parameter was answered:
    then the range covers every answer. Clipped to the parameter's allowed range."""
    checked = validate(answers, lang)
    answered: dict[str, list[tuple[float, float]]] = {}
    unknown: dict[str, list[tuple[float, float]]] = {}
    for it in items():
        for mv in it.moves:
            target = answered if checked[it.id] is not None else unknown
            target.setdefault(mv.param, []).append(mv.range(checked[it.id]))
    out = {}
    for name in dict.fromkeys([*answered, *unknown]):
        spans = answered.get(name) or unknown[name]
        p = P.SCHEMA[name]
        low = max(float(p.low), min(s[0] for s in spans))
        high = min(float(p.high), max(s[1] for s in spans))
        out[name] = (low, high)
    return out


def _value(name: str, x: float) -> float | int:
    p = P.SCHEMA[name]
    if p.kind == "int":
        return int(min(p.high, max(p.low, round(x))))
    return round(float(x), 3)


def point(rng: Mapping[str, tuple[float, float]]) -> dict[str, float | int]:
    """The middle of every range (integers rounded): the organisation the scenario file describes."""
    return {name: _value(name, (lo + hi) / 2) for name, (lo, hi) in rng.items()}


def _toml_value(x: float | int) -> str:
    if isinstance(x, int):
        return str(x)
    text = f"{x:.3f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def scenario_toml(answers: Mapping[str, Any], *, lang: str = "en", sector: str = "",
                  size: Mapping[str, int] | None = None, title: str = "") -> str:
    """A scenario file of the organisation the answers describe (each parameter at the middle of its
    range; the range and the items behind it in a comment). ``sector``: a sector preset it extends."""
    checked = validate(answers, lang)
    rng = ranges(checked, lang)
    mid = point(rng)
    size = {name: P.SCHEMA[name].coerce(value, "size")
            for name, value in (DEFAULT_SIZE if size is None else size).items()}
    movers: dict[str, list[str]] = {}
    for it in items():
        for mv in it.moves:
            movers.setdefault(mv.param, []).append(f"{it.id}={checked[it.id] if checked[it.id] is not None else '?'}")
    name = " ".join(title.split()) or "My organisation (questionnaire)"
    given = sum(v is not None for v in checked.values())
    lines = [
        "# An organisation described with servicesim's questionnaires (customer orientation and service",
        "# leadership, after Pinet & Coupet; items in workshop/questionnaire.toml, mapping in docs/QUESTIONNAIRE.md).",
        f"# Answers ({given} of {len(checked)} given; ? = don't know): "
        + " ".join(f"{k}={v if v is not None else '?'}" for k, v in checked.items()),
        "# Each parameter below sits in the middle of the range the answers allow (shown after it).",
        "# Run it: servicesim run THIS_FILE   (or drop it on the browser app's Explore page)",
        f"description = {json.dumps(name, ensure_ascii=False)}",      # a TOML basic string
        'category = "custom"',
    ]
    if sector:
        from servicesim.model.scenario import names_of

        if sector not in names_of("sector"):
            raise QuestionnaireError({"en": f"sector {sector!r} is unknown; allowed: {', '.join(names_of('sector'))}",
                                      "fr": f"secteur « {sector} » inconnu ; permis : {', '.join(names_of('sector'))}"},
                                     lang)
        lines.append(f'extends = "{sector}"')
    lines += ["", "[params]",
              "# size: not asked by the questionnaire; kept small so that it runs in seconds (change it freely)"]
    lines += [f"{k} = {v}" for k, v in size.items()]
    for k in sorted(mid, key=lambda n: (P.SCHEMA[n].group, n)):
        lo, hi = rng[k]
        lines.append(f"{k} = {_toml_value(mid[k])}    # range {_toml_value(_value(k, lo))} to "
                     f"{_toml_value(_value(k, hi))}; from {', '.join(movers[k])}")
    return "\n".join(lines) + "\n"


# --- simulation ----------------------------------------------------------------------------------------------------
def samples(rng: Mapping[str, tuple[float, float]], n: int, seed: int) -> list[dict[str, float | int]]:
    """``n`` parameter sets spread over the ranges: a Latin hypercube (``scipy.stats.qmc``) from ``seed``."""
    from scipy.stats import qmc

    names = list(rng)
    unit = qmc.LatinHypercube(d=len(names), rng=np.random.default_rng(seed)).random(n)
    lows = np.array([rng[k][0] for k in names])
    highs = np.array([rng[k][1] for k in names])
    values = lows + unit * (highs - lows)
    return [{k: _value(k, row[j]) for j, k in enumerate(names)} for row in values]


def _setting(name: str, value: Any, lang: str) -> int:
    low, high = LIMITS[name]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise QuestionnaireError({"en": f"{name}: {value!r}; allowed: an integer in [{low}, {high}]",
                                  "fr": f"{name} : {value!r} ; permis : un entier dans [{low}, {high}]"}, lang)
    return value


def _band(x: np.ndarray) -> dict[str, float]:
    x = x[~np.isnan(x)]
    if not len(x):
        return {"median": math.nan, "low": math.nan, "high": math.nan}
    lo, mid, hi = np.percentile(x, [BAND[0], 50.0, BAND[1]])
    return {"median": float(mid), "low": float(lo), "high": float(hi)}


class _ProgressSink:
    """Collects run summaries (as the experiments' ``MemorySink``) and reports progress."""

    def __init__(self, total: int, on_progress: Callable[[int, int], None] | None):
        from servicesim.experiments.store import MemorySink

        self.inner, self.total, self.on_progress, self.done = MemorySink(), total, on_progress, 0

    def write(self, output) -> None:
        self.inner.write(output)
        self.done += 1
        if self.on_progress is not None:
            self.on_progress(self.done, self.total)


def simulate(answers: Mapping[str, Any], *, samples_n: int = DEFAULTS["samples"],
             replicates: int = DEFAULTS["replicates"], days: int = DEFAULTS["days"],
             warmup: int = DEFAULTS["warmup"], seed: int = DEFAULTS["seed"], sector: str = "",
             size: Mapping[str, int] | None = None, lang: str = "en",
             on_progress: Callable[[int, int], None] | None = None, max_work: int = MAX_WORK) -> dict:
    """Simulate the organisation the answers describe over their uncertainty, beside the same organisation
    under culture first and under command and control.

    ``samples_n`` parameter sets are drawn within the ranges; each runs ``replicates`` times, every run
    with its own seed, the same in the three arms (the same customers and staff, managed three ways), so
    the bands hold both the answers' uncertainty and chance. Returns a dict:

    * ``csat`` and ``profit``: arm -> median over all runs (arms ``as_is``, ``culture_first``,
      ``command_control``), and ``bands``: metric -> arm -> {median, low, high} (percentiles ``BAND``);
    * ``gaps``: ``culture_first`` and ``command_control`` -> metric -> the band of the paired difference
      arm - as is; ``csat_gap`` and ``profit_gap``: culture first's as ``[median, low, high]`` (what a
      participant predicts, in the shape a workshop room's class board reads);
    * ``ranges``, ``answers``, ``scenario`` (the TOML text), and the settings (``runs``, ``seed``, ...).
    """
    from servicesim.experiments.design import RunSpec, replicate_seeds
    from servicesim.experiments.runner import InProcessExecutor, run_specs
    from servicesim.model.scenario import Scenario, load_scenario, with_style

    checked = validate(answers, lang)
    samples_n = _setting("samples", samples_n, lang)
    replicates = _setting("replicates", replicates, lang)
    days = _setting("days", days, lang)
    warmup = _setting("warmup", warmup, lang)
    size = dict(DEFAULT_SIZE if size is None else size)
    text = scenario_toml(checked, lang=lang, sector=sector, size=size)
    base = load_scenario(sector) if sector else Scenario("questionnaire", "", P.defaults())
    base = base.with_params(size, source="size")
    people = int(base.params["teams"]) * int(base.params["team_size"])
    work = samples_n * replicates * len(ARMS) * (days + warmup) * people
    if work > max_work:
        raise QuestionnaireError({"en": f"simulation size: {work} employee-days; allowed: at most {max_work} "
                                        "(fewer samples, replicates, days or people)",
                                  "fr": f"taille de la simulation : {work} jours-employés ; permis : au plus "
                                        f"{max_work} (moins d'échantillons, de répétitions, de jours ou de personnes)"},
                                 lang)
    rng = ranges(checked, lang)
    seeds = replicate_seeds(seed, samples_n * replicates)
    specs = []
    for i, values in enumerate(samples(rng, samples_n, seed)):
        organisation = base.with_params(values, source="questionnaire")
        for arm, style in ARMS.items():
            sc = organisation if style is None else with_style(organisation, style)
            specs += [RunSpec(run_id=f"q{i:03d}-{arm}-r{r:02d}", stage="main", arm=arm, point=i, replicate=r,
                              seed=s, days=days, factors={}, scenario=sc, metrics=("csat", "profit"),
                              keep_daily=False, keep_teams=False, warmup=warmup)
                      for r, s in enumerate(seeds[i * replicates:(i + 1) * replicates])]
    sink = _ProgressSink(len(specs), on_progress)
    run_specs(specs, sink, InProcessExecutor(), 1, progress=False)
    frame = sink.inner.frame()
    bands: dict[str, dict[str, dict[str, float]]] = {}
    gaps: dict[str, dict[str, dict[str, float]]] = {arm: {} for arm in ARMS if arm != "as_is"}
    for metric in ("csat", "profit"):
        by_arm = {arm: frame[frame["arm"] == arm].sort_values(["point", "replicate"])[metric].to_numpy(float)
                  for arm in ARMS}
        bands[metric] = {arm: _band(v) for arm, v in by_arm.items()}
        for arm in gaps:
            gaps[arm][metric] = _band(by_arm[arm] - by_arm["as_is"])
    return {
        "csat": {arm: bands["csat"][arm]["median"] for arm in ARMS},
        "profit": {arm: bands["profit"][arm]["median"] for arm in ARMS},
        "bands": bands, "gaps": gaps,
        **{f"{m}_gap": [gaps["culture_first"][m][k] for k in ("median", "low", "high")] for m in ("csat", "profit")},
        "band_percentiles": list(BAND), "answers": checked, "ranges": {k: list(v) for k, v in rng.items()},
        "scenario": text, "samples": samples_n, "replicates": replicates, "runs": len(specs), "days": days,
        "warmup": warmup, "seed": seed, "sector": sector, "size": size,
    }


# --- the mapping as a table (docs/QUESTIONNAIRE.md shows it; a test keeps the two in step) ---------------------------
def mapping_table() -> str:
    """The mapping item by item, as a Markdown table (English)."""
    rows = ["| item | statement (short) | parameter | answer 1 | answer 5 | ± |", "|---|---|---|---|---|---|"]
    for it in items():
        for mv in it.moves:
            rows.append(f"| {it.id} | {it.name['en']} | `{mv.param}` | {_toml_value(_value(mv.param, mv.at_1))} | "
                        f"{_toml_value(_value(mv.param, mv.at_5))} | {_toml_value(mv.spread)} |")
    return "\n".join(rows)


__all__ = ["QuestionnaireError", "Item", "Move", "load", "items", "validate", "ranges", "point", "scenario_toml",
           "samples", "simulate", "mapping_table", "ARMS", "DEFAULTS", "MAX_WORK", "BAND"]
