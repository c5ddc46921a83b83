"""Statistics over replicates: means with confidence intervals, paired differences, effect sizes.

Replicate r of every arm shares its seed (common random numbers), so arms are compared through
*paired* differences: the t-interval of the per-replicate differences (``scipy.stats.ttest_rel``)
and the paired effect size Cohen's d_z = mean(d) / sd(d). Everything here takes plain arrays or
the tidy tables of :mod:`servicesim.experiments.store`; formulas come from ``scipy.stats``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy import stats

LEVEL = 0.95


@dataclass(frozen=True)
class Estimate:
    mean: float
    low: float
    high: float
    n: int


@dataclass(frozen=True)
class PairedDifference:
    mean: float       # mean of (a - b)
    low: float
    high: float
    p_value: float    # two-sided paired t-test
    d_z: float        # Cohen's d_z: mean difference / sd of differences
    n: int


def _clean(x) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    return x[~np.isnan(x)]


def mean_ci(x, level: float = LEVEL) -> Estimate:
    """Mean and its t-interval (``scipy.stats.t.interval``); NaNs dropped; no interval below 2 values."""
    x = _clean(x)
    n = len(x)
    if n == 0:
        return Estimate(math.nan, math.nan, math.nan, 0)
    m = float(np.mean(x))
    if n < 2:
        return Estimate(m, math.nan, math.nan, n)
    sem = stats.sem(x)
    if sem == 0:
        return Estimate(m, m, m, n)
    low, high = stats.t.interval(level, df=n - 1, loc=m, scale=sem)
    return Estimate(m, float(low), float(high), n)


def bootstrap_ci(x, statistic=np.mean, level: float = LEVEL, seed: int = 0, n_resamples: int = 9999) -> Estimate:
    """A statistic and its BCa bootstrap interval (``scipy.stats.bootstrap``): for skewed or non-mean statistics."""
    x = _clean(x)
    n = len(x)
    if n < 3 or np.ptp(x) == 0:
        est = float(statistic(x)) if n else math.nan
        return Estimate(est, est if n and np.ptp(x) == 0 else math.nan, est if n and np.ptp(x) == 0 else math.nan, n)
    res = stats.bootstrap((x,), statistic, confidence_level=level, method="BCa", n_resamples=n_resamples,
                          rng=np.random.default_rng(seed))
    return Estimate(float(statistic(x)), float(res.confidence_interval.low), float(res.confidence_interval.high), n)


def paired_difference(a, b, level: float = LEVEL) -> PairedDifference:
    """Mean of a - b over pairs with its t-interval, the paired t-test's p-value and d_z."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"paired samples differ in length: {a.shape} vs {b.shape}")
    keep = ~(np.isnan(a) | np.isnan(b))
    a, b = a[keep], b[keep]
    n = len(a)
    d = a - b
    if n == 0:
        return PairedDifference(math.nan, math.nan, math.nan, math.nan, math.nan, 0)
    m = float(d.mean())
    if n < 2:
        return PairedDifference(m, math.nan, math.nan, math.nan, math.nan, n)
    sd = float(np.std(d, ddof=1))
    if sd <= 1e-12 * max(1.0, float(np.max(np.abs(a))), float(np.max(np.abs(b)))):  # identical up to rounding
        sd = 0.0
    if sd == 0:
        p = 1.0 if m == 0 else 0.0
        return PairedDifference(m, m, m, p, math.nan if m == 0 else math.copysign(math.inf, m), n)
    res = stats.ttest_rel(a, b)
    ci = res.confidence_interval(level)
    return PairedDifference(m, float(ci.low), float(ci.high), float(res.pvalue), m / sd, n)


def holm(pvalues) -> np.ndarray:
    """Holm-adjusted p-values (family-wise error over several comparisons)."""
    p = np.asarray(pvalues, dtype=float)
    out = np.full_like(p, np.nan)
    ok = ~np.isnan(p)
    if ok.any():
        out[ok] = _holm(p[ok])
    return out


def _holm(p: np.ndarray) -> np.ndarray:
    order = np.argsort(p)
    m = len(p)
    adj = np.maximum.accumulate((m - np.arange(m)) * p[order])
    out = np.empty(m)
    out[order] = np.minimum(adj, 1.0)
    return out


# --- tables ---------------------------------------------------------------------------------------------
def group_means(summary: pd.DataFrame, by: list[str] | str, metrics, level: float = LEVEL) -> pd.DataFrame:
    """One row per (group, metric): n, mean and its confidence interval."""
    by = [by] if isinstance(by, str) else list(by)
    rows = []
    for key, sub in summary.groupby(by, sort=False, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        for m in metrics:
            if m not in sub:
                continue
            e = mean_ci(sub[m], level)
            rows.append({**dict(zip(by, key, strict=True)), "metric": m, "n": e.n, "mean": e.mean, "low": e.low,
                         "high": e.high})
    return pd.DataFrame(rows)


def paired_table(summary: pd.DataFrame, metrics, *, baseline: str, by: str = "arm", within: list[str] | None = None,
                 pair_on: str = "replicate", level: float = LEVEL) -> pd.DataFrame:
    """Each group's paired difference to ``baseline`` (same ``within`` values, same replicate seed)."""
    within = list(within or [])
    rows = []
    base = summary[summary[by] == baseline]
    for group in summary[by].drop_duplicates():
        if group == baseline:
            continue
        sub = summary[summary[by] == group]
        merged = sub.merge(base, on=within + [pair_on], suffixes=("", "__base"))
        cells = merged.groupby(within, sort=False) if within else [((), merged)]
        for key, cell in cells:
            key = key if isinstance(key, tuple) else (key,)
            for m in metrics:
                if m not in cell:
                    continue
                d = paired_difference(cell[m], cell[f"{m}__base"], level)
                rows.append({by: group, **dict(zip(within, key, strict=True)), "metric": m, "baseline": baseline,
                             **asdict(d)})
    table = pd.DataFrame(rows)
    if len(table):
        table["p_holm"] = np.nan
        for idx in table.groupby("metric").groups.values():
            table.loc[idx, "p_holm"] = holm(table.loc[idx, "p_value"].to_numpy())
    return table


def daily_bands(daily: pd.DataFrame, metric: str, by: list[str] | str = "arm", level: float = LEVEL) -> pd.DataFrame:
    """Per group and day: mean over replicates and its t-interval (a confidence band)."""
    by = [by] if isinstance(by, str) else list(by)
    g = daily.groupby(by + ["day"], sort=True)[metric]
    out = g.agg(mean="mean", sd="std", n="count").reset_index()
    sem = out["sd"] / np.sqrt(out["n"])
    half = stats.t.ppf(0.5 + level / 2, np.maximum(out["n"] - 1, 1)) * sem
    half = half.where(out["n"] > 1)
    out["low"], out["high"] = out["mean"] - half, out["mean"] + half
    return out


def peak_stability(matrix, n_resamples: int = 2000, seed: int = 0) -> np.ndarray:
    """How often each column is the argmax of the column means when replicates (rows) are resampled.

    ``matrix`` is replicates x levels, rows paired by seed; returns one share per column (sums to 1).
    A peak found in, say, 55 % of resamples is not well located; one in 99 % is.
    """
    m = np.asarray(matrix, dtype=float)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, m.shape[0], size=(n_resamples, m.shape[0]))
    means = np.nanmean(m[idx], axis=1)                     # resamples x levels
    counts = np.bincount(np.nanargmax(means, axis=1), minlength=m.shape[1])
    return counts / n_resamples


# --- the transition (a style change mid-run) --------------------------------------------------------------
def first_day_staying_nonnegative(days: np.ndarray, values: np.ndarray) -> float:
    """First day from which ``values`` is >= 0 up to the end of the series (NaN if never)."""
    ok = values >= 0
    if len(ok) == 0 or not ok[-1]:
        return math.nan
    bad = np.flatnonzero(~ok)
    start = 0 if len(bad) == 0 else bad[-1] + 1
    return float(days[start])


def transition(daily: pd.DataFrame, *, switch: str, stay: str, day: int, metric: str = "csat",
               level: float = LEVEL) -> dict:
    """Dip, delay and payback of switching arm ``switch`` (vs ``stay``) at ``day``; paired by replicate.

    * daily difference d_t = switch - stay per replicate and day, its mean and t-band;
    * cumulative difference C_t = sum of d over days ``day``..t (missing days count 0);
    * payback: first day after the switch from which the mean C_t is >= 0 to the end of the run;
      per replicate too (how many paid back, the median);
    * dip: the lowest mean d_t after the switch (with its interval); delay: first day from which the
      daily difference's lower bound stays above 0 (the gain is established).
    """
    wide = daily[daily["arm"].isin([switch, stay])].pivot_table(index=["replicate", "day"], columns="arm",
                                                                 values=metric, aggfunc="first", dropna=False)
    diff = (wide[switch] - wide[stay]).rename("diff").reset_index()
    after = diff[diff["day"] >= day].copy()
    after["diff0"] = after["diff"].fillna(0.0)
    after["cum"] = after.groupby("replicate")["diff0"].cumsum()
    per_day = daily_bands(after.assign(arm="d"), "diff", by="arm", level=level).drop(columns="arm")
    cum = daily_bands(after.assign(arm="c"), "cum", by="arm", level=level).drop(columns="arm")
    days = cum["day"].to_numpy()
    payback = first_day_staying_nonnegative(days, cum["mean"].to_numpy())
    per_rep = []
    for _, sub in after.groupby("replicate"):
        per_rep.append(first_day_staying_nonnegative(sub["day"].to_numpy(), sub["cum"].to_numpy()))
    per_rep = np.array(per_rep, dtype=float)
    paid = per_rep[~np.isnan(per_rep)]
    trough = per_day.loc[per_day["mean"].idxmin()] if len(per_day) else None
    gain_days = per_day["day"].to_numpy()
    delay = first_day_staying_nonnegative(gain_days, per_day["low"].fillna(-np.inf).to_numpy())
    before = diff[diff["day"] < day]["diff"]
    return {
        "switch": switch, "stay": stay, "day": day, "metric": metric,
        "replicates": int(after["replicate"].nunique()),
        "pre_switch_difference": mean_ci(before.groupby(diff["replicate"]).mean() if len(before) else [], level),
        "dip": None if trough is None else Estimate(float(trough["mean"]), float(trough["low"]),
                                                     float(trough["high"]), int(trough["n"])),
        "dip_day": None if trough is None else int(trough["day"]),
        "delay_day": delay,
        "payback_day": payback,
        "payback_days_after_switch": payback - day if not math.isnan(payback) else math.nan,
        "replicates_paid_back": int(len(paid)),
        "median_replicate_payback_day": float(np.median(paid)) if len(paid) else math.nan,
        "final_cumulative": Estimate(*(float(cum["mean"].iloc[-1]), float(cum["low"].iloc[-1]),
                                       float(cum["high"].iloc[-1]), int(cum["n"].iloc[-1]))) if len(cum) else None,
        "daily": per_day, "cumulative": cum,
    }


# --- service-profit chain: engagement vs satisfaction across teams -----------------------------------------
def correlation(x, y, level: float = LEVEL) -> dict:
    """Pearson r with its confidence interval, Spearman rho, both p-values, and r squared."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    keep = ~(np.isnan(x) | np.isnan(y))
    x, y = x[keep], y[keep]
    if len(x) < 4 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return {"n": int(len(x)), "r": math.nan, "low": math.nan, "high": math.nan, "p": math.nan,
                "rho": math.nan, "rho_p": math.nan, "r2": math.nan}
    pr = stats.pearsonr(x, y)
    ci = pr.confidence_interval(level)
    sr = stats.spearmanr(x, y)
    return {"n": int(len(x)), "r": float(pr.statistic), "low": float(ci.low), "high": float(ci.high),
            "p": float(pr.pvalue), "rho": float(sr.statistic), "rho_p": float(sr.pvalue),
            "r2": float(pr.statistic) ** 2}


def within_run_correlations(teams: pd.DataFrame, x: str = "engagement", y: str = "csat") -> pd.DataFrame:
    """Pearson r between teams inside each run (what one organisation would see)."""
    rows = []
    for (arm, run_id), sub in teams.groupby(["arm", "run_id"], sort=True):
        c = correlation(sub[x], sub[y])
        rows.append({"arm": arm, "run_id": run_id, "r": c["r"], "n_teams": c["n"]})
    return pd.DataFrame(rows)


# --- why A is ahead of B: the CSAT gap decomposed by channel ----------------------------------------------
#: Summary columns the decomposition needs (the model's judgement of served requests, and abandonment).
DECOMPOSITION_KEYS = ("abandon_share", "csat_served", "perf_fit", "perf_wait", "perf_people", "perf_errors",
                      "perf_mood", "perf_concession", "expectation_served", "judge_slope")
#: Performance terms: summary column -> (channel, sign with which it enters performance).
PERF_TERMS = {"perf_fit": ("fit", 1.0), "perf_wait": ("waiting", -1.0), "perf_people": ("people", -1.0),
              "perf_errors": ("errors", -1.0), "perf_mood": ("mood", 1.0), "perf_concession": ("concessions", 1.0),
              "expectation_served": ("expectations", -1.0)}
#: Reported channels, in order, with a reader's label; they and ``residual`` sum to the CSAT gap.
CHANNELS = {"waiting_abandonment": "Waiting and abandonment", "fit": "Fit of the answer",
            "people": "People dealt with", "errors": "Errors", "mood": "Employee mood",
            "concessions": "Concessions and gestures", "expectations": "Customer expectations (adapt endogenously)",
            "residual": "Residual (non-linearity)"}


def missing_decomposition_keys(summary: pd.DataFrame) -> list[str]:
    """The decomposition's inputs absent from ``summary`` (or entirely empty); [] when it can be computed."""
    return [k for k in DECOMPOSITION_KEYS if k not in summary or summary[k].isna().all()]


def _pair_frame(summary: pd.DataFrame, a: str, b: str, columns, by: str, pair_on: str,
                within: list[str]) -> pd.DataFrame:
    """One row per pair (same ``within`` values and ``pair_on``): columns ``<c>_a`` and ``<c>_b``."""
    keys = within + [pair_on]
    cols = keys + [c for c in dict.fromkeys(columns) if c not in keys]
    left = summary.loc[summary[by] == a, cols]
    right = summary.loc[summary[by] == b, cols]
    return left.merge(right, on=keys, suffixes=("_a", "_b")).sort_values(keys).reset_index(drop=True)


def decompose_pairs(summary: pd.DataFrame, a: str, b: str, *, metric: str = "csat", by: str = "arm",
                    pair_on: str = "replicate", within: list[str] | None = None) -> pd.DataFrame:
    """The CSAT gap ``a - b`` of every replicate pair, split by channel (one row per pair).

    With s the abandoned share of closed requests and c the mean score of served ones (abandoned
    requests score 1), CSAT = (1 - s)(c - 1) + 1 and, exactly, with midpoint averages over the pair,
    dCSAT = avg(1 - s) dc - ds avg(c - 1). The served score's change is split along the customer's
    judgement, dc ~ avg(slope) (dfit - dwait - dpeople - derrors + dmood + dconcession - dexpectation),
    so with k = avg(1 - s) avg(slope) each channel is k times its term's change; waiting and
    abandonment also takes -ds avg(c - 1). ``residual`` is the rest of the gap (the judgement curve's
    non-linearity, plus ``accounting_gap``: how far ``metric`` departs from the identity, 0 when the
    model's CSAT is the identity's). The channel columns and ``residual`` sum to ``gap`` exactly.
    Columns: ``within`` keys, ``pair_on``, ``gap``, every channel of :data:`CHANNELS`, and the
    parts ``abandonment`` (-ds avg(c - 1)), ``waiting`` (the wait term), ``nonlinearity`` and
    ``accounting_gap``.
    """
    missing = missing_decomposition_keys(summary)
    if missing or metric not in summary:
        raise ValueError(f"cannot decompose: summary lacks {', '.join(missing or [metric])}")
    within = list(within or [])
    w = _pair_frame(summary, a, b, [metric, *DECOMPOSITION_KEYS], by, pair_on, within)
    w = w.dropna(subset=[f"{k}_{x}" for k in (metric, *DECOMPOSITION_KEYS) for x in "ab"])

    def mid(col):
        return (w[f"{col}_a"] + w[f"{col}_b"]) / 2

    def delta(col):
        return w[f"{col}_a"] - w[f"{col}_b"]

    served = 1 - mid("abandon_share")                       # avg(1 - s)
    k = served * mid("judge_slope")
    gap = delta(metric)
    identity = served * delta("csat_served") - delta("abandon_share") * (mid("csat_served") - 1)
    out = w[within + [pair_on]].copy()
    out["gap"] = gap
    terms = {}
    for col, (channel, sign) in PERF_TERMS.items():
        terms[channel] = k * sign * delta(col)
    out["abandonment"] = -delta("abandon_share") * (mid("csat_served") - 1)
    out["waiting"] = terms.pop("waiting")
    out["waiting_abandonment"] = out["abandonment"] + out["waiting"]
    for channel, value in terms.items():
        out[channel] = value
    explained = sum(terms.values()) + out["waiting"]
    out["nonlinearity"] = served * delta("csat_served") - explained
    out["accounting_gap"] = gap - identity
    out["residual"] = out["nonlinearity"] + out["accounting_gap"]
    return out.reset_index(drop=True)


def decompose(summary: pd.DataFrame, a: str, b: str, *, metric: str = "csat", by: str = "arm",
              pair_on: str = "replicate", within: list[str] | None = None, level: float = LEVEL) -> pd.DataFrame:
    """Why ``a`` is ahead of (or behind) ``b``: mean and t-interval across pairs of each channel's share of the gap.

    One row per channel of :data:`CHANNELS` (``channel``, ``label``) after a first row ``total``
    (the gap itself); columns ``a``, ``b``, ``mean``, ``low``, ``high``, ``n`` (pairs), ``share``
    (the channel's mean over the mean gap) and, per ``within`` group, its keys. The channel means
    sum to the total's mean. Raises ValueError when the summary lacks the inputs
    (:func:`missing_decomposition_keys`).
    """
    within = list(within or [])
    pairs = decompose_pairs(summary, a, b, metric=metric, by=by, pair_on=pair_on, within=within)
    rows = []
    groups = pairs.groupby(within, sort=False) if within else [((), pairs)]
    for key, sub in groups:
        key = key if isinstance(key, tuple) else (key,)
        total = float(sub["gap"].mean()) if len(sub) else math.nan
        for channel, label in {"total": f"Gap in {metric}", **CHANNELS}.items():
            col = "gap" if channel == "total" else channel
            e = mean_ci(sub[col], level)
            rows.append({**dict(zip(within, key, strict=True)), "a": a, "b": b, "channel": channel, "label": label,
                         "mean": e.mean, "low": e.low, "high": e.high, "n": e.n,
                         "share": e.mean / total if total and not math.isnan(total) else math.nan})
    return pd.DataFrame(rows)


# --- 2 x 2 factorial: main effects and interaction, paired by replicate ---------------------------------
def factorial_effects(summary: pd.DataFrame, metrics, *, a: str, b: str, a_levels=None, b_levels=None,
                      pair_on: str = "replicate", level: float = LEVEL) -> pd.DataFrame:
    """Main effects of factors ``a`` and ``b`` and their interaction, per replicate, with t-intervals.

    ``summary`` holds one row per run with columns ``a`` and ``b`` (the run's level of each factor)
    and ``pair_on``; ``a_levels``/``b_levels`` give (reference, other) (default: order of appearance).
    For replicate r with cell means y[i, j] (i: level of a, j: level of b):
    main effect of a = ((y10 - y00) + (y11 - y01)) / 2, of b = ((y01 - y00) + (y11 - y10)) / 2,
    interaction = (y11 - y10) - (y01 - y00); also the four simple effects (a at each b, b at each a).
    Returns one row per (metric, effect): ``metric``, ``effect``, ``label``, ``mean``, ``low``,
    ``high``, ``p_value`` (one-sample t-test of the per-replicate values), ``d_z``, ``n``.
    Replicates lacking a cell are dropped.
    """
    a_levels = list(a_levels) if a_levels is not None else list(dict.fromkeys(summary[a]))
    b_levels = list(b_levels) if b_levels is not None else list(dict.fromkeys(summary[b]))
    if len(a_levels) != 2 or len(b_levels) != 2:
        raise ValueError(f"a 2 x 2 design needs two levels of each factor; got {a}: {a_levels}, {b}: {b_levels}")
    (a0, a1), (b0, b1) = a_levels, b_levels
    rows = []
    for m in metrics:
        if m not in summary:
            continue
        wide = summary.pivot_table(index=pair_on, columns=[a, b], values=m, aggfunc="mean")
        cells = [(a0, b0), (a0, b1), (a1, b0), (a1, b1)]
        if not all(c in wide.columns for c in cells):
            continue
        wide = wide[cells].dropna()
        y00, y01, y10, y11 = (wide[c].to_numpy(float) for c in cells)
        effects = {
            "main_a": (f"{a}: {a1} - {a0} (main effect)", ((y10 - y00) + (y11 - y01)) / 2),
            "main_b": (f"{b}: {b1} - {b0} (main effect)", ((y01 - y00) + (y11 - y10)) / 2),
            "interaction": (f"interaction: ({a1} - {a0}) with {b1} minus with {b0}", (y11 - y01) - (y10 - y00)),
            "a_at_b0": (f"{a}: {a1} - {a0}, with {b0}", y10 - y00),
            "a_at_b1": (f"{a}: {a1} - {a0}, with {b1}", y11 - y01),
            "b_at_a0": (f"{b}: {b1} - {b0}, with {a0}", y01 - y00),
            "b_at_a1": (f"{b}: {b1} - {b0}, with {a1}", y11 - y10),
        }
        for effect, (label, values) in effects.items():
            d = paired_difference(values, np.zeros_like(values), level)
            rows.append({"metric": m, "effect": effect, "label": label, **asdict(d)})
    return pd.DataFrame(rows)


#: Arm keys that can name a factor of a 2 x 2 report (``[report] factorial = { a = "structure", ... }``).
FACTOR_ARM_KEYS = ("structure", "practices", "style", "scenario")
FACTORIAL_KEYS = {"a", "b", "a_levels", "b_levels", "metrics"}


def factorial_spec(spec: dict, arms: list[dict]) -> dict:
    """Check a ``[report] factorial`` table against the raw ``[[arms]]`` and resolve each arm's cell.

    ``a`` and ``b`` name arm keys (:data:`FACTOR_ARM_KEYS`); each must take exactly two values over
    the arms (``a_levels``/``b_levels`` fix their order, reference first; default: order of
    appearance), and each of the four cells must hold exactly one arm. ``metrics`` (default
    ``["csat", "profit"]``) are summary columns. Returns the table normalised, with
    ``cells = {arm: [level of a, level of b]}``; raises ValueError naming what is wrong.
    """
    extra = sorted(set(spec) - FACTORIAL_KEYS)
    if extra:
        raise ValueError(f"key '{extra[0]}' is unknown; allowed: {', '.join(sorted(FACTORIAL_KEYS))}")
    out = {"metrics": ["csat", "profit"], **spec}
    for k in ("a", "b"):
        if out.get(k) not in FACTOR_ARM_KEYS:
            raise ValueError(f"'{k}' = {out.get(k)!r}; allowed: one of {', '.join(FACTOR_ARM_KEYS)} (an arm key)")
    if out["a"] == out["b"]:
        raise ValueError(f"'a' and 'b' are both {out['a']!r}; allowed: two different arm keys")
    metrics = out["metrics"]
    if not isinstance(metrics, list) or not metrics or not all(isinstance(m, str) for m in metrics):
        raise ValueError(f"'metrics' = {metrics!r}; allowed: a non-empty array of summary column names")
    cells = {}
    for arm in arms:
        missing = [k for k in (out["a"], out["b"]) if not isinstance(arm.get(k), str)]
        if missing:
            raise ValueError(f"arm {arm.get('name')!r} sets no '{missing[0]}'; allowed: every arm names both factors")
        cells[arm["name"]] = [arm[out["a"]], arm[out["b"]]]
    for i, k in enumerate(("a", "b")):
        seen = list(dict.fromkeys(c[i] for c in cells.values()))
        levels = out.get(f"{k}_levels", seen)
        if not isinstance(levels, list) or len(levels) != 2 or sorted(map(str, levels)) != sorted(seen):
            raise ValueError(f"'{out[k]}' takes the values {seen} over the arms; allowed: exactly two, "
                             f"and '{k}_levels' (if given) listing them, reference first")
        out[f"{k}_levels"] = list(levels)
    taken = {}
    for arm, cell in cells.items():
        if tuple(cell) in taken:
            raise ValueError(f"arms {taken[tuple(cell)]!r} and {arm!r} are both {out['a']} = {cell[0]!r}, "
                             f"{out['b']} = {cell[1]!r}; allowed: one arm per cell")
        taken[tuple(cell)] = arm
    if len(taken) != 4:
        raise ValueError(f"{len(taken)} of the 4 cells have an arm; allowed: one arm in each of the 4 cells")
    out["cells"] = cells
    return out


__all__ = ["Estimate", "PairedDifference", "mean_ci", "bootstrap_ci", "paired_difference", "holm", "group_means",
           "paired_table", "daily_bands", "peak_stability", "transition", "correlation", "within_run_correlations",
           "first_day_staying_nonnegative", "DECOMPOSITION_KEYS", "CHANNELS",
           "missing_decomposition_keys", "decompose_pairs", "decompose", "factorial_effects",
           "factorial_spec"]
