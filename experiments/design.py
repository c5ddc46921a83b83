"""Experiment definitions: read a TOML file, validate it, expand it into the list of runs.

An experiment is *arms* (scenarios, styles, interventions) crossed with a *design* over
parameters (a grid, a list of points, a Latin hypercube, or a sensitivity analysis), each
point run ``replicates`` times. Replicate ``r`` of every point uses the same seed, derived
from the experiment's base seed with :class:`numpy.random.SeedSequence`, so that differences
between arms are paired (common random numbers). See docs/EXPERIMENTS.md for the format.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from servicesim.model import params as P
from servicesim.model.errors import ServicesimError
from servicesim.model.interventions import Intervention
from servicesim.model.metrics import HEADLINE, METRICS
from servicesim.model.scenario import Scenario, load_scenario, make_intervention, style_names, with_style

from . import sensitivity
from .fields import ExperimentError, check_bounds, check_int, check_table, field_error, typed_rows, unknown_param

EXPERIMENT_DIR = Path(__file__).resolve().parent
DESIGN_KINDS = ("grid", "points", "lhs", "sensitivity")
TOP_KEYS = {"name", "description", "scenario", "days", "warmup", "replicates", "seed", "metrics", "baseline",
            "params", "arms", "report", "output", *DESIGN_KINDS}
ARM_KEYS = {"name", "scenario", "style", "structure", "practices", "params", "interventions"}
SENSITIVITY_KEYS = {"method", "metric", "params", "exclude", "spread", "bounds", "trajectories", "levels",
                    "n", "top", "replicates"}
REPORT_KEYS = {"x", "hue", "transition", "teams", "metrics", "pairs", "factorial", "discovery"}
OUTPUT_KEYS = {"daily", "teams"}
#: Factor names that are not parameters but may appear in a grid.
SPECIAL_FACTORS = ("style",)
MAX_RUNS = 2_000_000
#: Run ids are <stage letter><point>-r<replicate>, so they sort in design order.
STAGE_PREFIX = {"main": "p", "morris": "m", "sobol": "s"}


# --- data ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Arm:
    name: str
    scenario: Scenario


@dataclass(frozen=True)
class Point:
    """One parameter point of the design: an arm, plus the factor values varied on top of it."""

    index: int
    stage: str
    arm: str
    factors: Mapping[str, Any]
    scenario: Scenario


@dataclass(frozen=True)
class RunSpec:
    """Everything a worker needs for one run (small: pickled to the worker)."""

    run_id: str
    stage: str
    arm: str
    point: int
    replicate: int
    seed: int
    days: int
    factors: Mapping[str, Any]
    scenario: Scenario
    metrics: tuple[str, ...]
    keep_daily: bool = True
    keep_teams: bool = True
    warmup: int = 0           # days simulated first and not counted


@dataclass
class Experiment:
    name: str
    description: str
    source: str
    days: int
    replicates: int
    seed: int
    metrics: tuple[str, ...]
    baseline: str | None
    arms: list[Arm]
    design_kind: str  # "arms", "grid", "points", "lhs", "sensitivity"
    design: dict
    report: dict
    keep_daily: bool
    keep_teams: bool
    definition: dict = field(default_factory=dict)  # the raw (normalised) TOML tables
    warmup: int = 0           # days simulated before the counted ``days`` (steady-state comparisons)

    # --- seeds: replicate r -> the same seed for every arm and point ----------------------------
    def seeds(self, replicates: int | None = None) -> list[int]:
        return replicate_seeds(self.seed, self.replicates if replicates is None else replicates)

    # --- expansion --------------------------------------------------------------------------------
    def points(self) -> list[Point]:
        """Every parameter point of the first stage (all of them unless the design is a sensitivity)."""
        if self.design_kind == "sensitivity":
            stage, rows = sensitivity.first_stage(self)
            return factor_points(self, rows, stage=stage)
        return factor_points(self, self.factor_rows(), stage="main")

    def second_stage_points(self, selected: list[str], start: int) -> list[Point]:
        """A Morris-then-Sobol design's Sobol points over the ``selected`` parameters, numbered from ``start``."""
        return factor_points(self, sensitivity.second_stage_rows(self, selected), stage="sobol", start=start)

    def factor_rows(self) -> list[dict]:
        kind, d = self.design_kind, self.design
        if kind == "arms":
            return [{}]
        if kind == "grid":
            names = list(d)
            return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*(d[n] for n in names))]
        if kind == "points":
            return [dict(p) for p in d["rows"]]
        if kind == "lhs":
            from scipy.stats import qmc

            names = list(d["bounds"])
            sampler = qmc.LatinHypercube(d=len(names), rng=np.random.default_rng(self.seed))
            unit = sampler.random(d["n"])
            lows = [d["bounds"][n][0] for n in names]
            highs = [d["bounds"][n][1] for n in names]
            return typed_rows(names, qmc.scale(unit, lows, highs))
        raise AssertionError(kind)

    def runs(self, points: list[Point], replicates: int | None = None) -> list[RunSpec]:
        seeds = self.seeds(replicates)
        return [RunSpec(run_id=f"{STAGE_PREFIX[p.stage]}{p.index:05d}-r{r:04d}", stage=p.stage, arm=p.arm,
                        point=p.index, replicate=r, seed=s, days=self.days, factors=dict(p.factors),
                        scenario=p.scenario, metrics=self.metrics, keep_daily=self.keep_daily,
                        keep_teams=self.keep_teams, warmup=self.warmup)
                for p in points for r, s in enumerate(seeds)]

    # --- identity ---------------------------------------------------------------------------------
    def fingerprint(self) -> str:
        """A hash of everything that decides the runs' results except the number of replicates."""
        ident = {
            "days": self.days, "seed": self.seed, "metrics": list(self.metrics),
            **({"warmup": self.warmup} if self.warmup else {}),   # older results (no warm-up) keep their hash
            "arms": [{"name": a.name, "params": dict(a.scenario.params),
                      "interventions": [[iv.day, iv.kind, dict(iv.options)] for iv in a.scenario.interventions]}
                     for a in self.arms],
            "design_kind": self.design_kind, "design": self.design,
            "output": [self.keep_daily, self.keep_teams],
        }
        text = json.dumps(ident, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def describe(self) -> dict:
        """The definition as written to the manifest."""
        return {"name": self.name, "description": self.description, "source": self.source,
                "days": self.days, "warmup": self.warmup, "replicates": self.replicates, "seed": self.seed,
                "metrics": list(self.metrics), "baseline": self.baseline,
                "arms": [{"name": a.name, "scenario": a.scenario.name,
                          "params": dict(a.scenario.params),
                          "interventions": [{"day": iv.day, "kind": iv.kind, **dict(iv.options)}
                                            for iv in a.scenario.interventions]} for a in self.arms],
                "design_kind": self.design_kind, "design": self.design, "report": self.report,
                "output": {"daily": self.keep_daily, "teams": self.keep_teams},
                "fingerprint": self.fingerprint()}


def replicate_seeds(base_seed: int, replicates: int) -> list[int]:
    """Seed of replicate r: the r-th child of SeedSequence(base_seed), as a 63-bit integer.

    Children are independent of how many are asked for, so adding replicates keeps the others.
    """
    children = np.random.SeedSequence(base_seed).spawn(replicates)
    return [int(c.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1)) for c in children]


def factor_points(exp: Experiment, rows: list[dict], stage: str, start: int = 0) -> list[Point]:
    points = []
    for arm in exp.arms:
        for row in rows:
            scenario = apply_factors(arm.scenario, row, exp.source)
            points.append(Point(start + len(points), stage, arm.name, row, scenario))
    return points


def apply_factors(scenario: Scenario, factors: Mapping[str, Any], source: str) -> Scenario:
    values = dict(factors)
    style = values.pop("style", None)
    if style is not None:
        scenario = with_style(scenario, style)
    return scenario.with_params(values, source=source) if values else scenario


# --- reading a file -------------------------------------------------------------------------------
def shipped() -> dict[str, Path]:
    """The experiments that ship with servicesim, by name."""
    return {p.stem: p for p in sorted(EXPERIMENT_DIR.glob("*.toml"))}


def resolve_path(ref: str) -> Path:
    """A shipped experiment's name, or the path of a TOML file."""
    from servicesim.model.tomlfiles import resolve_ref

    return resolve_ref(ref, shipped(), "experiment", ExperimentError, named_as="shipped experiment")


def load_experiment(ref: str | Path, *, replicates: int | None = None, days: int | None = None,
                    seed: int | None = None, warmup: int | None = None) -> Experiment:
    """Read and validate an experiment (a shipped name or a TOML path); options override the file."""
    from servicesim.model.tomlfiles import read_toml

    path = ref if isinstance(ref, Path) else resolve_path(str(ref))
    data = read_toml(path, "experiment file", ExperimentError)
    return parse_experiment(data, source=str(path), base_dir=Path(path).parent, name=Path(path).stem,
                            replicates=replicates, days=days, seed=seed, warmup=warmup)


# --- checking its parts (each failure: one line naming the field, the value and what is allowed) ---------
def _scenario(ref: Any, base_dir: Path, src: str, fld: str) -> Scenario:
    """A preset name or a scenario file; a relative file name is looked for next to the experiment first."""
    if not isinstance(ref, str):
        raise field_error(src, fld, ref, "a preset name or a scenario file path")
    beside = base_dir / ref
    try:
        return load_scenario(beside if ref.endswith(".toml") and beside.exists() else ref)
    except ServicesimError as exc:
        raise ExperimentError(f"experiment '{src}': field '{fld}': {exc}") from None


def _blocks(sc: Scenario, raw: Mapping[str, Any], src: str, fld: str) -> Scenario:
    """The arm's scenario with its named structure and people-practices blocks (``with_blocks``)."""
    blocks = {k: raw[k] for k in ("structure", "practices") if k in raw}
    for k, v in blocks.items():
        if not isinstance(v, str):
            raise field_error(src, f"{fld}.{k}", v, f"the name of a {k} block preset (scenarios/)")
    try:
        from servicesim.model.scenario import with_blocks
    except ImportError:
        raise ExperimentError(f"experiment '{src}': field '{fld}.{next(iter(blocks))}' needs style blocks, which "
                              "this model lacks (servicesim.model.scenario.with_blocks); allowed: 'style'") from None
    try:
        return with_blocks(sc, **blocks)
    except ServicesimError as exc:
        raise ExperimentError(f"experiment '{src}': field '{fld}': {exc}") from None


def _interventions(raw, src: str, fld: str) -> tuple[Intervention, ...]:
    if not isinstance(raw, list) or not all(isinstance(x, dict) for x in raw):
        raise field_error(src, fld, raw, "an array of tables with 'day' and 'kind'")
    out = []
    for i, item in enumerate(raw):
        item = dict(item)
        if "kind" not in item or "day" not in item:
            raise ExperimentError(f"experiment '{src}': field '{fld}[{i}]' needs 'day' and 'kind'")
        out.append(make_intervention(str(item.pop("kind")), item.pop("day"), source=f"{src} {fld}[{i}]", **item))
    return tuple(out)


def _metrics(src: str, raw) -> tuple[str, ...]:
    if not isinstance(raw, list) or not raw:
        raise field_error(src, "metrics", raw, "a non-empty array of metric names (see model.metrics.METRICS)")
    for m in raw:
        if m not in METRICS:
            raise field_error(src, "metrics", m, ", ".join(METRICS))
    return tuple(dict.fromkeys(raw))


def _style(src: str, fld: str, value: Any) -> str:
    if value not in style_names():
        raise field_error(src, fld, value, ", ".join(style_names()))
    return value


def _param_values(src: str, fld: str, name: str, values) -> list:
    if name in SPECIAL_FACTORS:
        if not isinstance(values, list) or not values:
            raise field_error(src, fld, values, f"a non-empty array of style names ({', '.join(style_names())})")
        return [_style(src, fld, v) for v in values]
    if name not in P.SCHEMA:
        raise unknown_param(src, name, fld)
    if not isinstance(values, list) or not values:
        raise field_error(src, fld, values, f"a non-empty array of values, each {P.SCHEMA[name].allowed()}")
    return [P.SCHEMA[name].coerce(v, f"{src} {fld}") for v in values]


def _arm(src: str, i: int, raw: dict, base: Scenario, common: dict, base_dir: Path) -> Arm:
    """One ``[[arms]]`` table: a scenario (the experiment's by default), a style, parameters, interventions."""
    fld = f"arms[{i}]"
    check_table(src, fld, raw, ARM_KEYS)
    if "name" not in raw or not isinstance(raw["name"], str) or not raw["name"]:
        raise field_error(src, f"{fld}.name", raw.get("name"), "a non-empty string naming the arm")
    sc = base
    if "scenario" in raw:
        sc = _scenario(raw["scenario"], base_dir, src, f"{fld}.scenario")
        if common:
            sc = sc.with_params(common, source=f"{src} [params]")
    if "style" in raw:
        sc = with_style(sc, _style(src, f"{fld}.style", raw["style"]))
    if "structure" in raw or "practices" in raw:
        sc = _blocks(sc, raw, src, fld)
    over = check_table(src, f"{fld}.params", raw.get("params", {}))
    if over:
        sc = sc.with_params(over, source=f"{src} {fld}.params")
    if "interventions" in raw:
        ivs = _interventions(raw["interventions"], src, f"{fld}.interventions")
        sc = replace(sc, interventions=tuple(sorted(sc.interventions + ivs, key=lambda iv: iv.day)))
    return Arm(raw["name"], replace(sc, name=raw["name"]))


def _arms(src: str, data: Mapping[str, Any], base_dir: Path) -> list[Arm]:
    """The experiment's arms; without ``[[arms]]``, one arm: the experiment's scenario."""
    base = _scenario(data.get("scenario", "bersin"), base_dir, src, "scenario")
    common = check_table(src, "params", data.get("params", {}))
    base = base.with_params(common, source=f"{src} [params]") if common else base
    raw_arms = data.get("arms")
    if raw_arms is None:
        return [Arm(base.name, base)]
    if not isinstance(raw_arms, list) or not raw_arms or not all(isinstance(a, dict) for a in raw_arms):
        raise field_error(src, "arms", raw_arms, "a non-empty array of tables ([[arms]])")
    arms = [_arm(src, i, raw, base, common, base_dir) for i, raw in enumerate(raw_arms)]
    names = [a.name for a in arms]
    dup = next((n for n in names if names.count(n) > 1), None)
    if dup:
        raise field_error(src, "arms.name", dup, "names that are unique within the experiment")
    return arms


def _design(src: str, data: Mapping[str, Any], arms: list[Arm], metrics: tuple[str, ...]) -> tuple[str, dict]:
    """The design's kind (``arms`` when none is given) and its checked table."""
    kinds = [k for k in DESIGN_KINDS if k in data]
    if len(kinds) > 1:
        raise ExperimentError(f"experiment '{src}': tables '{kinds[0]}' and '{kinds[1]}' both given; allowed: "
                              f"at most one of {', '.join(DESIGN_KINDS)}")
    kind = kinds[0] if kinds else "arms"
    if kind == "grid":
        grid = check_table(src, "grid", data["grid"])
        if not grid:
            raise field_error(src, "grid", grid, "at least one factor = [values...] (an empty grid has no runs)")
        return kind, {n: _param_values(src, f"grid.{n}", n, v) for n, v in grid.items()}
    if kind == "points":
        rows = data["points"]
        if not isinstance(rows, list) or not rows or not all(isinstance(r, dict) for r in rows):
            raise field_error(src, "points", rows, "a non-empty array of tables ([[points]]) of parameter values")
        parsed = []
        for i, row in enumerate(rows):
            if not row:
                raise field_error(src, f"points[{i}]", row, "a table of at least one parameter value")
            parsed.append({n: _param_values(src, f"points[{i}].{n}", n, [v])[0] for n, v in row.items()})
        return kind, {"rows": parsed}
    if kind == "lhs":
        lhs = check_table(src, "lhs", data["lhs"])
        n = check_int(src, "lhs.n", lhs.get("n"), 1, 1_000_000)
        bounds = {k: check_bounds(src, "lhs", k, v) for k, v in lhs.items() if k not in ("n", "groups")}
        groups = lhs.get("groups", [])
        if not isinstance(groups, list) or any(g not in P.GROUPS for g in groups):
            raise field_error(src, "lhs.groups", groups, f"an array of parameter groups ({', '.join(P.GROUPS)})")
        for g in groups:   # every number of these groups over its allowed range, unless given above
            for name, par in P.SCHEMA.items():
                if par.group == g and par.kind != "choice" and not par.reset_only and name not in bounds:
                    bounds[name] = (float(par.low), float(par.high))
        if not bounds:
            raise field_error(src, "lhs", lhs, "n = ... and at least one parameter = [low, high]")
        return kind, {"n": n, "bounds": bounds}
    if kind == "sensitivity":
        if len(arms) != 1:
            raise field_error(src, "arms", [a.name for a in arms], "a single arm (or none) with a [sensitivity] design")
        table = check_table(src, "sensitivity", data["sensitivity"], SENSITIVITY_KEYS)
        return kind, sensitivity.parse(src, table, arms[0].scenario.params, metrics)
    return kind, {}


def _report(src: str, raw: Any, arms: list[Arm], kind: str, design: dict, metrics: tuple[str, ...],
            days: int, raw_arms: list | None) -> dict:
    """The ``[report]`` table: what the report draws; every name in it must exist in the experiment."""
    report = dict(check_table(src, "report", raw, REPORT_KEYS))
    arm_names = [a.name for a in arms]
    if "metrics" in report:
        report["metrics"] = list(_metrics(src, report["metrics"]))
    for key in ("x", "hue"):
        if key in report and report[key] not in design and kind == "grid":
            raise field_error(src, f"report.{key}", report[key], ", ".join(design))
    if "pairs" in report:
        pairs = report["pairs"]
        if not isinstance(pairs, list) or not all(isinstance(x, list) and len(x) == 2 for x in pairs):
            raise field_error(src, "report.pairs", pairs, "an array of [arm, baseline arm] pairs")
        for a in (a for pair in pairs for a in pair):
            if a not in arm_names:
                raise field_error(src, "report.pairs", a, ", ".join(arm_names))
    if "transition" in report:
        tr = check_table(src, "report.transition", report["transition"], {"switch", "stay", "day", "metric"})
        for k in ("switch", "stay"):
            if tr.get(k) not in arm_names:
                raise field_error(src, f"report.transition.{k}", tr.get(k), ", ".join(arm_names))
        check_int(src, "report.transition.day", tr.get("day"), 0, days - 1)
        if tr.get("metric", "csat") not in metrics:
            raise field_error(src, "report.transition.metric", tr.get("metric"), ", ".join(metrics))
    if "discovery" in report:
        disc = check_table(src, "report.discovery", report["discovery"], {"a", "b", "metrics", "threshold"})
        for k in ("a", "b"):
            if disc.get(k) not in arm_names:
                raise field_error(src, f"report.discovery.{k}", disc.get(k), ", ".join(arm_names))
        disc["metrics"] = list(_metrics(src, disc.get("metrics", ["csat"])))
        threshold = disc.get("threshold", 0.8)
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0 < threshold <= 1:
            raise field_error(src, "report.discovery.threshold", threshold, "a number in (0, 1]")
        if kind != "lhs":
            raise field_error(src, "report.discovery", disc, "an experiment with an [lhs] design (sampled worlds)")
        report["discovery"] = disc
    if "factorial" in report:
        from .stats import factorial_spec  # scipy: only for experiments that ask for a factorial

        try:
            report["factorial"] = factorial_spec(check_table(src, "report.factorial", report["factorial"]),
                                                 raw_arms or [])
        except ValueError as exc:
            raise ExperimentError(f"experiment '{src}': field 'report.factorial': {exc}") from None
    return report


def _output(src: str, raw: Any) -> dict:
    output = check_table(src, "output", raw, OUTPUT_KEYS)
    for k, v in output.items():
        if not isinstance(v, bool):
            raise field_error(src, f"output.{k}", v, "true or false")
    return output


def _text(src: str, fld: str, value: Any, *, empty: bool) -> str:
    if not isinstance(value, str) or (not empty and not value):
        raise field_error(src, fld, value, "a string" if empty else "a non-empty string")
    return value


def parse_experiment(data: Mapping[str, Any], *, source: str, base_dir: Path = Path("."), name: str = "experiment",
                     replicates: int | None = None, days: int | None = None, seed: int | None = None,
                     warmup: int | None = None) -> Experiment:
    """Check an experiment's tables (as read from TOML) and build it; ``replicates``, ``days``, ``seed`` and
    ``warmup``, when given, override the file. Every point's parameters are checked before anything runs."""
    src = source
    extra = sorted(set(data) - TOP_KEYS)
    if extra:
        raise ExperimentError(f"experiment '{src}': key '{extra[0]}' is unknown; allowed: "
                              f"{', '.join(sorted(TOP_KEYS))}")
    days = days if days is not None else check_int(src, "days", data.get("days", 250), 1, 100_000)
    warmup = warmup if warmup is not None else check_int(src, "warmup", data.get("warmup", 0), 0, 100_000)
    replicates = replicates if replicates is not None else check_int(src, "replicates", data.get("replicates", 10),
                                                                     1, 100_000)
    seed = seed if seed is not None else check_int(src, "seed", data.get("seed", 1), 0, 2**63 - 1)
    metrics = _metrics(src, data.get("metrics", list(HEADLINE)))
    description = _text(src, "description", data.get("description", ""), empty=True)
    exp_name = _text(src, "name", data.get("name", name), empty=False)
    arms = _arms(src, data, base_dir)
    baseline = data.get("baseline")
    if baseline is not None and baseline not in [a.name for a in arms]:
        raise field_error(src, "baseline", baseline, ", ".join(a.name for a in arms))
    kind, design = _design(src, data, arms, metrics)
    report = _report(src, data.get("report", {}), arms, kind, design, metrics, days, data.get("arms"))
    output = _output(src, data.get("output", {}))

    exp = Experiment(name=exp_name, description=description, source=src, days=days, replicates=replicates,
                     seed=seed, metrics=metrics, baseline=baseline or arms[0].name, arms=arms, design_kind=kind,
                     design=design, report=report, keep_daily=output.get("daily", True),
                     keep_teams=output.get("teams", True), definition=dict(data), warmup=warmup)
    n_points = len(arms) * (len(exp.factor_rows()) if kind != "sensitivity" else 1)
    if n_points * replicates > MAX_RUNS:
        raise field_error(src, "replicates", replicates, f"at most {MAX_RUNS:,} runs in all ({n_points:,} points)")
    if kind != "sensitivity":
        exp.points()  # validate every point's parameters now, before anything is written
    return exp


__all__ = ["Experiment", "ExperimentError", "RunSpec", "Point", "Arm", "load_experiment", "parse_experiment",
           "shipped", "replicate_seeds", "factor_points"]
