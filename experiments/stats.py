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
            rows.append({**dict(zip(by, key)), "metric": m, "n": e.n, "mean": e.mean, "low": e.low, "high": e.high})
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
                rows.append({by: group, **dict(zip(within, key)), "metric": m, "baseline": baseline, **asdict(d)})
    table = pd.DataFrame(rows)
    if len(table):
        table["p_holm"] = np.nan
        for m, idx in table.groupby("metric").groups.items():
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


__all__ = ["Estimate", "PairedDifference", "mean_ci", "bootstrap_ci", "paired_difference", "holm", "group_means",
           "paired_table", "daily_bands", "peak_stability", "transition", "correlation", "within_run_correlations",
           "first_day_staying_nonnegative"]
