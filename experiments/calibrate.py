"""`servicesim calibrate`: fit an organisation's free parameters to sourced target ranges.

Pattern-oriented calibration (Grimm et al. 2005): a *targets file* names, for one organisation,
the patterns real organisations of its kind show (each a metric with an accepted range and a
source, see docs/CALIBRATION.md) and the *free* parameters that may move (demand, capacities,
customer sensitivity, error rates — never the management style). The search is optuna's seeded
TPE sampler driven by ask-and-tell; every trial's replicate runs go through the sweep machinery
(:func:`servicesim.experiments.runner.make_executor` and :func:`run_specs`: a process pool or Dask).
Trials live in ``DIR/study.db`` (optuna's SQLite storage), so the same command resumes.

Targets file (TOML)::

    description = "Generic service organisation"
    days = 250            # optional defaults for --days, --warmup, --replicates, --budget, --seed
    warmup = 50
    [params]              # fixed organisation parameters on top of SCENARIO (never style ones)
    teams = 10
    [free]                # the parameters searched, with their search range
    request_rate = [0.004, 0.03]
    [[targets]]
    metric = "csat"       # a summary key, or a derived one (contacts_per_customer_year, abandon_share)
    low = 3.6
    high = 4.2
    source = "acsi-national"   # a key into docs/CALIBRATION.md (and [sources] if given)
    weight = 1.0          # optional
    miss = "why"          # optional: the model is known not to reach this range yet, and why (a test
                          # then holds the pattern outside it, so a fix is noticed and the note removed)
    [sources]             # optional: key = "full citation"

Distance of a pattern: 0 inside its range, otherwise the gap to the nearest bound divided by the
range's width; the trial's distance is the weighted sum. Patterns are computed from the daily series
after the warm-up (the first ``warmup`` days are simulated but not counted), so the start-up
transient does not count.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from servicesim.model import params as P
from servicesim.model.errors import ServicesimError
from servicesim.model.metrics import METRICS
from servicesim.model.tomlfiles import read_toml

DAYS_PER_YEAR = 250
#: Patterns calibrate computes itself from the daily series (so that the warm-up can be left out);
#: same definitions as the model's own summary keys of the same name (model/model.py).
DERIVED = {
    "contacts_per_customer_year": "requests arrived per mean active customer per year (250 working days)",
    "abandon_share": "share of closed requests that were abandoned: abandoned / (resolved + abandoned)",
}
#: Metrics a target may name.
TARGET_METRICS: tuple[str, ...] = tuple(sorted(set(METRICS) | set(DERIVED)))
#: Management practices: calibration fits the organisation, never the style (DESIGN §6).
MANAGEMENT = ("delegation", "micromanagement", "procedure_adherence", "training", "coaching", "recognition",
              "values_emphasis", "consistency", "situational", "style_spread")
FORBIDDEN = tuple(dict.fromkeys(MANAGEMENT + tuple(P.STYLE_PARAMS)))
TOP_KEYS = {"description", "organisation", "days", "warmup", "replicates", "budget", "seed", "params", "free",
            "targets", "sources"}
TARGET_KEYS = {"metric", "low", "high", "source", "weight", "note", "miss"}
#: Trials asked at once (fixed, so that results do not depend on the number of workers).
BATCH = 4
#: Random trials before TPE models the history (optuna's default).
STARTUP = 10
#: Distance given to a pattern the run could not measure (NaN: nothing closed after the warm-up).
NAN_DISTANCE = 10.0
#: Daily columns the patterns are computed from.
DAILY_COLUMNS = tuple(dict.fromkeys((
                 "csat", "nps", "first_contact_resolution", "resolution_time_days", "escalation_rate",
                 "handoffs_per_request", "error_rate", "engagement", "stress", "turnover_rate",
                 "culture_alignment", "skill", "quality_standard", "requests_arrived", "requests_resolved",
                 "requests_abandoned", "requests_open", "backlog", "arrival_rate", "weakest_team_csat",
                 "customers", "churn_rate", "cost", "revenue", "employees", *METRICS)))


class CalibrationError(ServicesimError):
    """A targets file, a calibration directory or a calibrate option is not usable."""


# --- targets file -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    metric: str
    low: float
    high: float
    source: str
    weight: float = 1.0
    note: str = ""
    miss: str = ""  # known not to be reached by the model yet, and why

    def distance(self, value: float) -> float:
        if value is None or not math.isfinite(value):
            return NAN_DISTANCE
        if self.low <= value <= self.high:
            return 0.0
        scale = self.high - self.low
        if scale <= 0:
            scale = max(abs(self.low), 1.0) * 0.01
        gap = self.low - value if value < self.low else value - self.high
        return gap / scale


@dataclass(frozen=True)
class FreeParam:
    name: str
    low: float
    high: float
    kind: str  # "float" or "int"
    log: bool = False


@dataclass
class TargetsFile:
    path: Path
    description: str
    organisation: str
    params: dict
    free: list[FreeParam]
    targets: list[Target]
    sources: dict
    defaults: dict = field(default_factory=dict)  # days, warmup, replicates, budget, seed


def _err(src: str, fld: str, value: Any, allowed: str) -> CalibrationError:
    return CalibrationError(f"targets file '{src}': {fld} = {value!r}; allowed: {allowed}")


def _number(src, fld, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(float(value)):
        raise _err(src, fld, value, "a finite number")
    return float(value)


def load_targets(path: str | Path) -> TargetsFile:
    """Read and validate a targets file; every problem is one line naming the field and value."""
    path = Path(path)
    src = str(path)
    data = read_toml(path, "targets file", CalibrationError)
    extra = sorted(set(data) - TOP_KEYS)
    if extra:
        raise _err(src, "key", extra[0], ", ".join(sorted(TOP_KEYS)))
    defaults = _run_defaults(src, data)
    for key in ("description", "organisation"):
        if key in data and not isinstance(data[key], str):
            raise _err(src, key, data[key], "a string")
    params = _fixed_params(src, data.get("params", {}))
    free = _free_params(src, data.get("free"), params)
    sources = data.get("sources", {})
    if not isinstance(sources, dict) or not all(isinstance(v, str) for v in sources.values()):
        raise _err(src, "sources", sources, "a table of key = \"citation\"")
    targets = _targets(src, data.get("targets"), sources)
    return TargetsFile(path, str(data.get("description", "")), str(data.get("organisation", path.stem)),
                       params, free, targets, dict(sources), defaults)


def _run_defaults(src: str, data: dict) -> dict[str, int]:
    """The file's defaults for the run options (days, warmup, replicates, budget, seed), each an
    integer in its range."""
    defaults = {}
    for key, low, high in (("days", 1, 100_000), ("warmup", 0, 100_000), ("replicates", 1, 10_000),
                           ("budget", 1, 1_000_000), ("seed", 0, 2**63 - 1)):
        if key in data:
            v = data[key]
            if isinstance(v, bool) or not isinstance(v, int) or not low <= v <= high:
                raise _err(src, key, v, f"an integer in [{low}, {high}]")
            defaults[key] = v
    return defaults


def _fixed_params(src: str, fixed: Any) -> dict[str, Any]:
    """The [params] table, validated: organisation parameters only, never the management style."""
    if not isinstance(fixed, dict):
        raise _err(src, "params", fixed, "a table of name = value ([params])")
    for name in fixed:
        if name in FORBIDDEN:
            raise _err(src, f"params.{name}", fixed[name],
                       "organisation parameters only; the management style comes from SCENARIO "
                       "(calibration never sets " + name + ")")
    try:
        return {k: v for k, v in P.validate(fixed, source=f"targets file '{src}' [params]").items() if k in fixed}
    except P.ParamError as exc:
        raise CalibrationError(str(exc)) from None


def _free_params(src: str, raw_free: Any, params: dict[str, Any]) -> list[FreeParam]:
    """The [free] table: at least one parameter, each with a valid search range."""
    if not isinstance(raw_free, dict) or not raw_free:
        raise _err(src, "free", raw_free, "a table of name = [low, high] with at least one parameter ([free])")
    return [_free_param(src, name, rng, params) for name, rng in raw_free.items()]


def _free_param(src: str, name: str, rng: Any, params: dict[str, Any]) -> FreeParam:
    """One free parameter: a numeric organisation parameter not fixed in [params], searched over
    [low, high] (optionally on a log scale) inside its allowed range."""
    fld = f"free.{name}"
    if name not in P.SCHEMA:
        close = P.unknown_param_error(name).allowed
        hint = f" (did you mean '{close}'?)" if close else ""
        raise _err(src, fld, rng, f"a parameter of `servicesim params`{hint}")
    if name in FORBIDDEN:
        raise _err(src, fld, rng, "a parameter outside the management style; calibration fits the "
                                  f"organisation, never the style ({name} is a management parameter)")
    if name in params:
        raise _err(src, fld, rng, f"a parameter not also fixed in [params] ({name} is fixed there)")
    spec = P.SCHEMA[name]
    if spec.kind not in ("float", "int"):
        raise _err(src, fld, rng, f"a numeric parameter ({name} is a {spec.kind}; fix it in [params] instead)")
    log = False
    if isinstance(rng, list) and len(rng) == 3 and rng[2] == "log":
        rng, log = rng[:2], True
    if not isinstance(rng, list) or len(rng) != 2:
        raise _err(src, fld, rng, "[low, high] or [low, high, \"log\"]")
    lo, hi = (_number(src, fld, v) for v in rng)
    if not lo < hi:
        raise _err(src, fld, rng, "low < high")
    if lo < spec.low or hi > spec.high:
        raise _err(src, fld, rng, f"a range inside the parameter's allowed range [{spec.low}, {spec.high}]")
    if spec.kind == "int" and (lo != int(lo) or hi != int(hi)):
        raise _err(src, fld, rng, "integer bounds (the parameter is an integer)")
    if log and lo <= 0:
        raise _err(src, fld, rng, "low > 0 on a log scale")
    return FreeParam(name, lo, hi, spec.kind, log)


def _targets(src: str, raw: Any, sources: dict) -> list[Target]:
    """The [[targets]]: at least one, each metric at most once."""
    if not isinstance(raw, list) or not raw or not all(isinstance(t, dict) for t in raw):
        raise _err(src, "targets", raw, "an array of tables ([[targets]]) with at least one target")
    seen: set[str] = set()
    return [_target(src, f"targets[{i}]", t, sources, seen) for i, t in enumerate(raw)]


def _target(src: str, where: str, t: dict, sources: dict, seen: set[str]) -> Target:
    """One [[targets]] entry: a known metric not already in ``seen`` (added to it), low <= high,
    a source named in [sources] (when there is one), a weight >= 0 and an optional note."""
    extra = sorted(set(t) - TARGET_KEYS)
    if extra:
        raise _err(src, f"{where}.{extra[0]}", t[extra[0]], "keys " + ", ".join(sorted(TARGET_KEYS)))
    for key in ("metric", "low", "high", "source"):
        if key not in t:
            raise _err(src, f"{where}.{key}", None, f"a {key} is required in every [[targets]]")
    metric = t["metric"]
    if metric not in TARGET_METRICS:
        import difflib

        close = difflib.get_close_matches(str(metric), TARGET_METRICS, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise _err(src, f"{where}.metric", metric, f"one of {', '.join(TARGET_METRICS)}{hint}")
    if metric in seen:
        raise _err(src, f"{where}.metric", metric, "each metric once")
    seen.add(metric)
    low = _number(src, f"{where}.low", t["low"])
    high = _number(src, f"{where}.high", t["high"])
    if low > high:
        raise _err(src, f"{where}.high", t["high"], f"a number >= low ({t['low']!r})")
    source = t["source"]
    if not isinstance(source, str) or not source.strip():
        raise _err(src, f"{where}.source", source, "a non-empty key naming the source in docs/CALIBRATION.md")
    if sources and source not in sources:
        raise _err(src, f"{where}.source", source, "a key of [sources]: " + ", ".join(sources))
    weight = _number(src, f"{where}.weight", t.get("weight", 1.0))
    if weight < 0:
        raise _err(src, f"{where}.weight", t["weight"], "a number >= 0")
    note = t.get("note", "")
    if not isinstance(note, str):
        raise _err(src, f"{where}.note", note, "a string")
    miss = t.get("miss", "")
    if not isinstance(miss, str):
        raise _err(src, f"{where}.miss", miss, "a string saying why the model cannot reach this range yet")
    return Target(metric, low, high, source, weight, note, miss)


# --- patterns from a run ------------------------------------------------------------------------
def patterns_from_daily(daily, warmup: int, summary: Mapping[str, Any] | None = None) -> dict[str, float]:
    """Every target metric computed over the days after the first ``warmup`` of a run's daily series.

    Ratios are pooled with the day's denominators (closed requests for satisfaction, NPS and
    escalations; resolved for first-contact resolution, errors, hand-offs and resolution time);
    annualised daily rates (turnover, churn) and states (engagement, ...) are averaged over days.
    """
    d = daily[daily["day"] >= warmup] if "day" in daily.columns else daily  # days are numbered from 0
    out: dict[str, float] = {}
    if len(d) == 0:
        return {m: math.nan for m in TARGET_METRICS}
    resolved = d["requests_resolved"].to_numpy(float)
    abandoned = d["requests_abandoned"].to_numpy(float)
    closed = resolved + abandoned

    def pooled(col, w):
        if col not in d.columns:
            return math.nan
        x = d[col].to_numpy(float)
        ok = np.isfinite(x) & (w > 0)
        return float(np.sum(x[ok] * w[ok]) / np.sum(w[ok])) if ok.any() else math.nan

    def mean(col):
        if col not in d.columns:
            return math.nan
        x = d[col].to_numpy(float)
        return float(np.nanmean(x)) if np.isfinite(x).any() else math.nan

    for m in ("csat", "nps", "escalation_rate", "referral_rate"):
        out[m] = pooled(m, closed)
    for m in ("first_contact_resolution", "resolved_first_time", "error_rate", "handoffs_per_request",
              "resolution_time_days"):
        out[m] = pooled(m, resolved)
    for m in ("engagement", "stress", "turnover_rate", "culture_alignment", "skill", "quality_standard",
              "weakest_team_csat", "churn_rate", "cost", "revenue", "arrival_rate"):
        out[m] = mean(m)
    out["backlog_mean"] = mean("backlog")
    for m in ("requests_arrived", "requests_resolved", "requests_abandoned"):
        out[m] = float(d[m].sum())
    for m in ("requests_open", "customers", "employees"):
        out[m] = float(d[m].iloc[-1]) if m in d.columns else math.nan
    n_days = len(d)
    customers = float(np.mean(d["customers"].to_numpy(float)))
    out["contacts_per_customer_year"] = (float(d["requests_arrived"].sum()) / customers / n_days * DAYS_PER_YEAR
                                         if customers > 0 else math.nan)
    total = float(resolved.sum() + abandoned.sum())
    out["abandon_share"] = float(abandoned.sum()) / total if total > 0 else math.nan
    for m in TARGET_METRICS:  # any other daily series (profit, concessions, ...): its mean over the days
        if m not in out and m in d.columns and m != "day":
            out[m] = mean(m)
    for m in TARGET_METRICS:  # anything else the model reports: its run summary (no warm-up)
        if m not in out or (not math.isfinite(out[m]) and summary is not None and m in summary):
            out[m] = float(summary[m]) if summary is not None and m in summary else math.nan
    return out


def patterns_from_summary(summary: Mapping[str, Any]) -> dict[str, float]:
    """The same patterns from a run summary alone (no warm-up; used when no daily series is kept)."""
    out = {m: float(summary[m]) for m in TARGET_METRICS if m in summary and summary[m] is not None}
    days = float(summary.get("days", 0) or 0)
    customers = float(summary.get("customers", 0) or 0)
    if "contacts_per_customer_year" not in out and days > 0 and customers > 0:
        out["contacts_per_customer_year"] = summary["requests_arrived"] / customers / days * DAYS_PER_YEAR
    if "abandon_share" not in out:
        total = summary.get("requests_resolved", 0) + summary.get("requests_abandoned", 0)
        out["abandon_share"] = summary["requests_abandoned"] / total if total else math.nan
    return out


# --- the search ---------------------------------------------------------------------------------
@dataclass
class Calibration:
    scenario_ref: str
    scenario: Any  # servicesim.model.scenario.Scenario, with the targets file's [params] applied
    style: str | None
    targets: TargetsFile
    out: Path
    days: int
    warmup: int
    replicates: int
    budget: int
    seed: int

    def fingerprint(self) -> str:
        ident = {
            "params": dict(self.scenario.params),
            "interventions": [[iv.day, iv.kind, dict(iv.options)] for iv in self.scenario.interventions],
            "free": [[f.name, f.low, f.high, f.log] for f in self.targets.free],
            "targets": [[t.metric, t.low, t.high, t.weight] for t in self.targets.targets],
            "days": self.days, "warmup": self.warmup, "replicates": self.replicates, "seed": self.seed,
        }
        return hashlib.sha256(json.dumps(ident, sort_keys=True, default=str).encode()).hexdigest()[:16]

    def seeds(self) -> list[int]:
        from .design import replicate_seeds

        return replicate_seeds(self.seed, self.replicates)

    def distance(self, values: Mapping[str, float]) -> tuple[float, dict[str, float]]:
        per = {t.metric: t.distance(values.get(t.metric, math.nan)) for t in self.targets.targets}
        return float(sum(t.weight * per[t.metric] for t in self.targets.targets)), per

    def off_centre(self, values: Mapping[str, float]) -> float:
        """Weighted mean of |value - centre| / half-width: 0 when every pattern sits mid-range. Breaks
        ties between trials at the same distance (typically several at 0) in favour of the one with the
        most margin for replicate noise."""
        total = weights = 0.0
        for t in self.targets.targets:
            v = values.get(t.metric, math.nan)
            half = (t.high - t.low) / 2 or max(abs(t.low), 1.0) * 0.01
            total += t.weight * (abs(v - (t.low + t.high) / 2) / half if math.isfinite(v) else NAN_DISTANCE)
            weights += t.weight
        return total / weights if weights else 0.0


class _Collect:
    """A sink for :func:`run_specs`: keeps each run's patterns, keyed by run id."""

    def __init__(self, warmup: int):
        self.warmup = warmup
        self.patterns: dict[str, dict[str, float]] = {}

    def write(self, output) -> None:
        if output.daily is not None and len(output.daily):
            self.patterns[output.run_id] = patterns_from_daily(output.daily, self.warmup, output.summary)
        else:
            self.patterns[output.run_id] = patterns_from_summary(output.summary)


def _specs(cal: Calibration, trial_number: int, values: Mapping[str, Any]):
    from .design import RunSpec

    scenario = cal.scenario.with_params(values, source=f"trial {trial_number}")
    return [RunSpec(run_id=f"t{trial_number:05d}-r{r:04d}", stage="calibrate", arm=cal.scenario.name,
                    point=trial_number, replicate=r, seed=s, days=cal.days, factors=dict(values),
                    scenario=scenario, metrics=DAILY_COLUMNS, keep_daily=True, keep_teams=False)
            for r, s in enumerate(cal.seeds())]


def _suggest(trial, f: FreeParam):
    if f.kind == "int":
        return trial.suggest_int(f.name, int(f.low), int(f.high), log=f.log)
    return trial.suggest_float(f.name, f.low, f.high, log=f.log)


def _sampler(cal: Calibration, completed: int):
    """A TPE sampler seeded by the base seed and the number of finished trials: what it proposes
    depends only on the seed and the stored history, so an interrupted and resumed search asks for
    exactly the trials an uninterrupted one would."""
    import optuna

    seed = int(np.random.SeedSequence([cal.seed, completed]).generate_state(1)[0])
    # the number of random start-up trials never depends on the budget, so that raising the budget
    # continues the very search a larger budget would have run from the start
    return optuna.samplers.TPESampler(seed=seed, n_startup_trials=STARTUP, multivariate=True,
                                      constant_liar=True)


def open_study(cal: Calibration, create: bool = True):
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    storage = f"sqlite:///{(cal.out / 'study.db').resolve()}"
    return optuna.create_study(study_name="calibration", storage=storage, direction="minimize",
                               load_if_exists=True, sampler=_sampler(cal, 0))


def check_directory(cal: Calibration) -> dict:
    """Refuse a directory that holds something else; return its manifest (new or existing)."""
    out = cal.out
    manifest_path = out / "calibration.json"
    if out.exists() and not out.is_dir():
        raise CalibrationError(f"--out: '{out}' is a file; allowed: a new or empty directory, or one to resume")
    if manifest_path.exists():
        try:
            manifest = json.loads(manifest_path.read_text())
        except (OSError, ValueError) as exc:
            raise CalibrationError(f"--out: '{manifest_path}' is unreadable ({exc}); allowed: a directory "
                                   f"written by servicesim calibrate") from None
        if manifest.get("fingerprint") != cal.fingerprint():
            raise CalibrationError(
                f"--out: '{out}' holds a calibration of another scenario, targets, days, warm-up, replicates "
                f"or seed (fingerprint {manifest.get('fingerprint')}, this one {cal.fingerprint()}); allowed: a new "
                f"or empty directory, or the same command to resume")
        return manifest
    if out.is_dir() and any(out.iterdir()):
        raise CalibrationError(f"--out: '{out}' is not empty and holds no calibration; allowed: a new or empty "
                               f"directory, or one to resume")
    return {}


def run_calibration(cal: Calibration, *, workers: int = 1, scheduler: str | None = None,
                    progress: bool = True) -> dict:
    """Run (or resume) the search into ``cal.out``; write the outputs; return a short account."""
    import optuna

    from .runner import make_executor

    _start_session(cal, optuna.__version__)
    study = open_study(cal)
    start = time.perf_counter()
    ran = 0
    say = (lambda text: print(text, file=sys.stderr)) if progress else (lambda text: None)
    with make_executor(workers, scheduler) as (executor, slots):
        # trials asked but never told (an interrupted session): run them with their stored values
        stale = [t for t in study.get_trials(deepcopy=False) if t.state == optuna.trial.TrialState.RUNNING]
        if stale:
            say(f"resuming {len(stale)} unfinished trial(s)")
            ran += _evaluate(cal, study, [_Frozen(study, t) for t in stale], executor, slots)
        while True:
            done = [t for t in study.get_trials(deepcopy=False) if t.state == optuna.trial.TrialState.COMPLETE]
            if len(done) >= cal.budget:
                break
            batch = _ask_batch(cal, study, len(done))
            ran += _evaluate(cal, study, batch, executor, slots)
            best, _ = best_trial(study)
            say(f"trials {len(done) + len(batch)}/{cal.budget}: best distance {best.value:.4g} (trial {best.number})")
    seconds = time.perf_counter() - start
    manifest = json.loads((cal.out / "calibration.json").read_text())
    manifest["sessions"][-1].update({"ran": ran, "seconds": round(seconds, 2), "finished": True})
    (cal.out / "calibration.json").write_text(json.dumps(manifest, indent=2))
    account = write_outputs(cal, study)
    account.update({"runs": ran, "seconds": seconds})
    return account


def _start_session(cal: Calibration, optuna_version: str) -> None:
    """Check ``cal.out``, then write its manifest with the settings and a new, unfinished session."""
    manifest = check_directory(cal)
    cal.out.mkdir(parents=True, exist_ok=True)
    manifest.update({
        "fingerprint": cal.fingerprint(), "scenario": cal.scenario_ref, "style": cal.style,
        "targets": str(cal.targets.path), "days": cal.days, "warmup": cal.warmup,
        "replicates": cal.replicates, "seed": cal.seed, "budget": cal.budget, "batch": BATCH,
        "sampler": "optuna TPESampler(multivariate, constant_liar), seeded per batch", "optuna": optuna_version,
    })
    manifest.setdefault("sessions", []).append({"started": time.strftime("%Y-%m-%dT%H:%M:%S"), "ran": 0})
    (cal.out / "calibration.json").write_text(json.dumps(manifest, indent=2))


def _ask_batch(cal: Calibration, study, completed: int) -> list:
    """Up to BATCH new trials (never beyond the budget), their free parameters suggested by a
    sampler seeded for this batch."""
    study.sampler = _sampler(cal, completed)
    batch = []
    for _ in range(min(BATCH, cal.budget - completed)):
        trial = study.ask()
        for f in cal.targets.free:
            _suggest(trial, f)
        batch.append(trial)
    return batch


def _evaluate(cal: Calibration, study, trials: list, executor, slots) -> int:
    """Run every replicate of ``trials``, store each trial's patterns and distances, tell the study
    its score; return the number of runs."""
    from .runner import run_specs

    specs = []
    for t in trials:
        specs += _specs(cal, t.number, t.params)
    sink = _Collect(cal.warmup)
    run_specs(specs, sink, executor, slots, progress=False)
    for t in trials:
        runs = [sink.patterns[f"t{t.number:05d}-r{r:04d}"] for r in range(cal.replicates)]
        values = {m: float(np.nanmean([r[m] for r in runs])) if any(math.isfinite(r[m]) for r in runs)
                  else math.nan for m in TARGET_METRICS}
        total, per = cal.distance(values)
        study._storage.set_trial_user_attr(t._trial_id, "patterns", {
            m: [None if not math.isfinite(r[m]) else r[m] for r in runs]
            for m in [tg.metric for tg in cal.targets.targets]})
        study._storage.set_trial_user_attr(t._trial_id, "distances", per)
        study._storage.set_trial_user_attr(t._trial_id, "off_centre", cal.off_centre(values))
        study.tell(t.number, total)
    return len(specs)


class _Frozen:
    """A stored running trial seen through the few attributes ``evaluate`` reads."""

    def __init__(self, study, frozen):
        self.number, self.params, self._trial_id = frozen.number, dict(frozen.params), frozen._trial_id


# --- outputs ------------------------------------------------------------------------------------
def best_trial(study):
    import optuna

    done = [t for t in study.get_trials(deepcopy=False) if t.state == optuna.trial.TrialState.COMPLETE]
    return min(done, key=lambda t: (t.value, t.user_attrs.get("off_centre", math.inf), t.number)), len(done)


def pattern_table(cal: Calibration, trial):
    import pandas as pd

    stored = trial.user_attrs.get("patterns", {})
    rows = []
    for t in cal.targets.targets:
        reps = [v for v in stored.get(t.metric, []) if v is not None]
        value = float(np.mean(reps)) if reps else math.nan
        rows.append({"metric": t.metric, "value": value,
                     "replicate_min": float(np.min(reps)) if reps else math.nan,
                     "replicate_max": float(np.max(reps)) if reps else math.nan,
                     "low": t.low, "high": t.high, "inside": bool(t.low <= value <= t.high),
                     "distance": t.distance(value), "weight": t.weight, "source": t.source, "note": t.note})
    return pd.DataFrame(rows)


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v)
    return json.dumps(str(v))


def write_fitted(cal: Calibration, trial, n_done: int) -> Path:
    """DIR/fitted.toml: a scenario file extending SCENARIO with the fixed and fitted parameters."""
    from servicesim.model.scenario import preset_paths

    ref = cal.scenario_ref
    if ref not in preset_paths():
        ref = os.path.relpath(Path(ref).resolve(), cal.out.resolve())
    lines = [
        f"description = {json.dumps(f'{cal.scenario.name} calibrated to {cal.targets.path.name} '
                                    f'(distance {trial.value:.4g}, best of {n_done} trials)')}",
        f"extends = {json.dumps(ref)}",
        "",
        f"# Written by `servicesim calibrate` from {cal.targets.path} ({cal.days} days, warm-up {cal.warmup},",
        f"# {cal.replicates} replicates, seed {cal.seed}, trial {trial.number}).",
    ]
    if cal.style:
        lines.append(f"# Fitted under --style {cal.style}: "
                     f"`servicesim run fitted.toml --style {cal.style}` reproduces it.")
    lines += ["", "[params]", "# fixed by the targets file"]
    lines += [f"{k} = {_toml_value(v)}" for k, v in cal.targets.params.items()]
    lines.append("# fitted")
    lines += [f"{k} = {_toml_value(trial.params[k])}" for k in (f.name for f in cal.targets.free)]
    path = cal.out / "fitted.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def write_figure(cal: Calibration, table, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = len(table)
    fig, axes = plt.subplots(n, 1, figsize=(7.5, 0.95 * n + 0.9), squeeze=False)
    for ax, row in zip(axes[:, 0], table.itertuples(), strict=True):
        lo, hi, v = row.low, row.high, row.value
        pts = [x for x in (lo, hi, v, row.replicate_min, row.replicate_max) if math.isfinite(x)]
        span = max(max(pts) - min(pts), abs(hi) * 0.1, 1e-6)
        ax.set_xlim(min(pts) - 0.25 * span, max(pts) + 0.25 * span)
        ax.axvspan(lo, hi, color="#9ecae1", alpha=0.6, label="target range")
        colour = "#238b45" if row.inside else "#cb181d"
        if math.isfinite(v):
            ax.errorbar([v], [0], xerr=[[v - row.replicate_min], [row.replicate_max - v]], fmt="o", color=colour,
                        capsize=4, label="model (replicate range)")
        ax.set_yticks([])
        ax.set_ylim(-1, 1)
        ax.set_ylabel(row.metric, rotation=0, ha="right", va="center", fontsize=9)
        ax.tick_params(axis="x", labelsize=8)
        ax.text(1.01, 0.5, "inside" if row.inside else f"d={row.distance:.2f}", transform=ax.transAxes,
                fontsize=8, va="center", color=colour)
    axes[0, 0].set_title(f"{cal.targets.organisation}: each pattern against its sourced range", fontsize=10)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=2, fontsize=8, frameon=False)
    fig.tight_layout(rect=(0, 0.05, 0.95, 1))
    fig.savefig(path, dpi=120)
    plt.close(fig)


def write_outputs(cal: Calibration, study) -> dict:
    trial, n_done = best_trial(study)
    table = pattern_table(cal, trial)
    table.to_csv(cal.out / "patterns.csv", index=False)
    fitted = write_fitted(cal, trial, n_done)
    write_figure(cal, table, cal.out / "patterns.png")
    trials = study.trials_dataframe(attrs=("number", "value", "params", "state"))
    trials.to_csv(cal.out / "trials.csv", index=False)

    def num(x):
        return "n/a" if not math.isfinite(x) else f"{x:.4g}"

    inside = int(table["inside"].sum())
    md = [f"# Calibration of {cal.targets.organisation}", "",
          f"Scenario `{cal.scenario_ref}`{f' under style `{cal.style}`' if cal.style else ''}, targets "
          f"`{cal.targets.path}`; {cal.days} days with the first {cal.warmup} discarded, {cal.replicates} "
          f"replicates per trial, seed {cal.seed}. Best of {n_done} trials (optuna TPE): trial {trial.number}, "
          f"distance {trial.value:.4g}; {inside} of {len(table)} patterns inside their range.", "",
          "| pattern | model | replicate range | target | inside | distance | weight | source |",
          "|---|---|---|---|---|---|---|---|"]
    for r in table.itertuples():
        md.append(f"| {r.metric} | {num(r.value)} | {num(r.replicate_min)} – {num(r.replicate_max)} | "
                  f"{num(r.low)} – {num(r.high)} | {'yes' if r.inside else '**no**'} | {r.distance:.3g} | "
                  f"{r.weight:g} | {r.source} |")
    md += ["", "Fitted parameters (written to `fitted.toml`):", ""]
    md += [f"- `{f.name}` = {trial.params[f.name]:.6g} (searched in [{f.low:g}, {f.high:g}])"
           for f in cal.targets.free]
    md += ["", "![each pattern against its range](patterns.png)", ""]
    (cal.out / "patterns.md").write_text("\n".join(md))
    return {"best_trial": trial.number, "distance": float(trial.value), "trials": n_done, "inside": inside,
            "patterns": len(table), "fitted": fitted, "table": table}


# --- command line -------------------------------------------------------------------------------
def _default_workers() -> str:
    n = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return str(max(1, n))


def positive_int(field: str, low: int = 1, high: int = 100_000):
    """An option parser: an integer in [low, high], or a one-line error naming the option."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise CalibrationError(f"{field}: {text!r} is not an integer; "
                                   f"allowed: an integer in [{low}, {high}]") from None
        if not low <= value <= high:
            raise CalibrationError(f"{field}: {value} is out of range; allowed: an integer in [{low}, {high}]")
        return value
    return parse


def cmd_calibrate(args) -> int:
    from servicesim.model.scenario import load_scenario, style_names, with_style

    targets = load_targets(args.targets)
    d = targets.defaults
    days = positive_int("--days", 1, 100_000)(args.days) if args.days else d.get("days", 250)
    warmup = positive_int("--warmup", 0, 100_000)(args.warmup) if args.warmup else d.get("warmup", 0)
    replicates = (positive_int("--replicates", 1, 10_000)(args.replicates) if args.replicates
                  else d.get("replicates", 2))
    budget = positive_int("--budget", 1, 1_000_000)(args.budget) if args.budget else d.get("budget", 40)
    seed = positive_int("--seed", 0, 2**63 - 1)(args.seed) if args.seed else d.get("seed", 1)
    workers = positive_int("--workers", 1, 4096)(args.workers)
    if warmup >= days:
        raise CalibrationError(f"--warmup: {warmup} leaves no day to measure in {days} days; allowed: an integer "
                               f"in [0, {days - 1}]")
    scenario = load_scenario(args.scenario)
    if args.style is not None:
        if args.style not in style_names():
            raise CalibrationError(f"--style: {args.style!r} is unknown; allowed: {', '.join(style_names())}")
        scenario = with_style(scenario, args.style)
    scenario = scenario.with_params(targets.params, source=f"targets file '{targets.path}' [params]")
    cal = Calibration(args.scenario, scenario, args.style, targets, Path(args.out), days, warmup, replicates,
                      budget, seed)
    check_directory(cal)  # say nothing before refusing a directory
    if not args.quiet:
        print(f"Calibrating {cal.scenario_ref} to {targets.path} ({len(targets.targets)} patterns, "
              f"{len(targets.free)} free parameters): budget {budget} trials x {replicates} replicates, "
              f"{days} days (warm-up {warmup})", file=sys.stderr)
    try:
        account = run_calibration(cal, workers=workers, scheduler=args.scheduler, progress=not args.quiet)
    except KeyboardInterrupt:
        print(f"servicesim: calibration stopped; finished trials are saved in {cal.out}; run the same command "
              f"again to resume", file=sys.stderr)
        raise
    print(f"{account['trials']} trials in {cal.out} ({account['runs']} runs now, {account['seconds']:.1f} s): "
          f"best trial {account['best_trial']}, distance {account['distance']:.4g}, {account['inside']} of "
          f"{account['patterns']} patterns inside their range.")
    for r in account["table"].itertuples():
        mark = "ok " if r.inside else "OUT"
        print(f"  {mark} {r.metric:<28} {r.value:>10.4g}   target [{r.low:g}, {r.high:g}]")
    print(f"Fitted scenario: {account['fitted']}; table: {cal.out / 'patterns.md'}; figure: {cal.out / 'patterns.png'}")
    return 0


def register(sub) -> None:
    p = sub.add_parser("calibrate", help="fit an organisation's free parameters to sourced target ranges (resumable)",
                       description="Search the [free] parameters of a targets file so that SCENARIO lands inside "
                                   "every target range (optuna TPE over runs on the sweep machinery). Running the "
                                   "same command again resumes: finished trials are kept. See docs/CALIBRATION.md.")
    p.add_argument("scenario", metavar="SCENARIO",
                   help="a preset name or scenario file (the management it is run under)")
    p.add_argument("--targets", metavar="FILE", required=True,
                   help="targets file (TOML), e.g. calibration/default.toml")
    p.add_argument("--out", metavar="DIR", required=True, help="results directory (created, or resumed)")
    p.add_argument("--budget", help="trials in all (default: the file's, else 40); a larger budget continues a search")
    p.add_argument("--replicates", help="runs per trial, paired across trials (default: the file's, else 2)")
    p.add_argument("--days", help="working days per run (default: the file's, else 250)")
    p.add_argument("--warmup", help="first days not counted in the patterns (default: the file's, else 0)")
    p.add_argument("--seed", help="base seed of the replicates and the sampler (default: the file's, else 1)")
    p.add_argument("--style", default=None, help="run SCENARIO under this style preset (e.g. situational)")
    p.add_argument("--workers", default=_default_workers(),
                   help="parallel worker processes (default: the CPUs available)")
    p.add_argument("--scheduler", metavar="ADDRESS", default=None, help="Dask scheduler address or 'local'")
    p.add_argument("--quiet", action="store_true", help="no progress lines")
    p.set_defaults(handler=cmd_calibrate)


__all__ = ["register", "load_targets", "patterns_from_daily", "patterns_from_summary", "run_calibration",
           "CalibrationError", "TARGET_METRICS", "FORBIDDEN"]
