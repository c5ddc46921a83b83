"""`servicesim report DIR`: figures (PNG + SVG) and a Markdown report of a results directory.

What is shown follows the experiment: arms get bar charts, paired differences (with profit beside
satisfaction), the satisfaction gap decomposed by channel and time series; a 2 x 2 factorial of
arms gets main effects, interaction and an interaction plot; a 2-D grid gets a heatmap and lines
with intervals (and where each line peaks); a 1-D grid crossed with arms gets the arms' curves and
their paired gaps; a transition gets dip, delay and payback; per-team tables get the
engagement-satisfaction scatter and correlations; a sensitivity analysis gets Morris and Sobol
charts.

Computing and rendering are apart: the ``compute_*`` functions return data structures (pandas
tables, :mod:`servicesim.experiments.stats` estimates) and nothing else; the ``_render_*``
functions turn them into Markdown and figures, and never read numbers back from text. Figures are
:class:`matplotlib.figure.Figure` objects saved on an Agg canvas; the global matplotlib backend is
left alone.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from servicesim.model.metrics import METRICS, Metric

from . import stats
from .design import ExperimentError, parse_experiment
from .store import Results, load

TS_METRICS = ("csat", "profit", "engagement", "first_contact_resolution", "stress")
#: Shown right after satisfaction wherever satisfaction is, when the results have it.
PROFIT = "profit"
#: Money and supervision columns added at the end of the tables when the results have them.
EXTRA_KEYS = ("revenue", "cost", "concessions", "approval_utilisation", "contacts_per_customer_year")
#: Labels for summary columns the model's metric list may not name yet (it takes precedence when it does).
EXTRA_METRICS = {m.name: m for m in (
    Metric("profit", "Profit", "salary-days per day", True),
    Metric("revenue", "Revenue", "salary-days per day", True),
    Metric("cost", "Cost", "salary-days per day", False),
    Metric("concessions", "Concessions and gestures", "salary-days per day", False),
    Metric("approval_utilisation", "Approval capacity used", "share", None),
    Metric("contacts_per_customer_year", "Contacts per customer", "per year", None),
)}


def _meta(name: str) -> Metric | None:
    return METRICS.get(name) or EXTRA_METRICS.get(name)


# --- numbers and labels ---------------------------------------------------------------------------------
def _num(name: str, v: float, *, diff: bool = False) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "n/a"
    m = _meta(name)
    if m is not None and m.unit in ("share", "share per year"):
        digits = 1 if abs(100 * v) >= 1 or v == 0 else 2 if abs(100 * v) >= 0.1 else 3
        return f"{'+' if diff and v > 0 else ''}{100 * v:.{digits}f}{' pp' if diff else ' %'}"
    if abs(v) >= 100:
        return f"{'+' if diff and v > 0 else ''}{v:,.0f}"
    return f"{'+' if diff and v > 0 else ''}{v:.3g}" if abs(v) < 1 else f"{'+' if diff and v > 0 else ''}{v:.3f}"


def _ci(name: str, lo: float, hi: float, *, diff: bool = False) -> str:
    if lo is None or math.isnan(lo):
        return ""
    return f"[{_num(name, lo, diff=diff)}, {_num(name, hi, diff=diff)}]"


def _p(p: float) -> str:
    if p is None or math.isnan(p):
        return "n/a"
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def _dz(d: float) -> str:
    return "n/a" if d is None or math.isnan(d) else f"{d:+.2f}"


def _label(name: str) -> str:
    m = _meta(name)
    return f"{m.label} ({m.unit})" if m else name


def _short_label(name: str) -> str:
    m = _meta(name)
    return m.label if m else name.replace("_", " ")


def _unit(name: str) -> str:
    m = _meta(name)
    return m.unit if m else ""


def _points(mean: float, low: float, high: float) -> str:
    """A contribution to a satisfaction gap, in points on the 1-5 scale, to 3 decimals (-0.000 shown as 0.000)."""
    def f(v):
        return "n/a" if math.isnan(v) else f"{v + 0.0:+.3f}".replace("-0.000", "+0.000").replace("+0.000", "0.000")

    return f(mean) + ("" if math.isnan(low) else f" [{f(low)}, {f(high)}]")


def _md_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def _arm(name) -> str:
    return str(name).replace("_", " ")


# --- computing: statistics as data structures -------------------------------------------------------------
def report_metrics(exp: dict, summary: pd.DataFrame) -> list[str]:
    """The metrics the report shows: the experiment's (or its ``[report] metrics``), profit right after
    satisfaction, and the money and supervision columns at the end, each only if the results hold it."""
    wanted = list(exp.get("report", {}).get("metrics") or exp["metrics"])
    if PROFIT not in wanted:
        wanted.insert(wanted.index("csat") + 1 if "csat" in wanted else 0, PROFIT)
    wanted += [k for k in EXTRA_KEYS if k not in wanted]
    return [m for m in wanted if m in summary and summary[m].notna().any()]


def report_pairs(exp: dict) -> list[tuple[str, str]]:
    arms = [a["name"] for a in exp["arms"]]
    pairs = exp.get("report", {}).get("pairs") or [[a, exp["baseline"]] for a in arms if a != exp["baseline"]]
    return [(a, b) for a, b in pairs]


@dataclass
class ArmsStats:
    arms: list[str]
    pairs: list[tuple[str, str]]
    key_metrics: list[str]               # satisfaction, and profit when present
    means: pd.DataFrame                  # stats.group_means by arm
    paired: pd.DataFrame                 # stats.paired_table rows of every pair (columns arm, baseline, ...)
    decompositions: dict = field(default_factory=dict)   # (a, b) -> stats.decompose table
    decomposition_missing: list[str] = field(default_factory=list)
    bands: dict = field(default_factory=dict)            # metric -> stats.daily_bands


def compute_arms(exp: dict, summary: pd.DataFrame, daily: pd.DataFrame, metrics: list[str]) -> ArmsStats:
    arms = [a["name"] for a in exp["arms"]]
    pairs = report_pairs(exp)
    paired = [stats.paired_table(summary[summary["arm"].isin([a, b])], metrics, baseline=b) for a, b in pairs]
    paired = pd.concat([t for t in paired if len(t)], ignore_index=True) if any(len(t) for t in paired) \
        else pd.DataFrame(columns=["arm", "baseline", "metric", "mean", "low", "high", "p_value", "d_z", "n"])
    key = [m for m in ("csat", PROFIT) if m in metrics] or metrics[:1]
    out = ArmsStats(arms, pairs, key, stats.group_means(summary, "arm", metrics), paired)
    out.decomposition_missing = stats.missing_decomposition_keys(summary) if "csat" in summary else ["csat"]
    if not out.decomposition_missing:
        for a, b in pairs:
            out.decompositions[(a, b)] = stats.decompose(summary, a, b)
    for m in [m for m in TS_METRICS if m in daily]:
        out.bands[m] = stats.daily_bands(daily, m, "arm")
    return out


@dataclass
class FactorialStats:
    spec: dict                           # the normalised [report] factorial table (stats.factorial_spec)
    metrics: list[str]                   # those the results hold
    missing: list[str]                   # those they do not
    effects: pd.DataFrame                # stats.factorial_effects
    cells: pd.DataFrame                  # stats.group_means by the two factors


def compute_factorial(spec: dict, summary: pd.DataFrame) -> FactorialStats:
    a, b = spec["a"], spec["b"]
    cells = spec["cells"]
    present = [m for m in spec["metrics"] if m in summary and summary[m].notna().any()]
    frame = summary[summary["arm"].isin(list(cells))].copy()
    frame[a] = frame["arm"].map(lambda arm: cells[arm][0])
    frame[b] = frame["arm"].map(lambda arm: cells[arm][1])
    effects = stats.factorial_effects(frame, present, a=a, b=b, a_levels=spec["a_levels"], b_levels=spec["b_levels"])
    return FactorialStats(spec, present, [m for m in spec["metrics"] if m not in present], effects,
                          stats.group_means(frame, [a, b], present))


@dataclass
class PeakRow:
    hue: float
    peak_x: float
    peak: pd.Series                       # mean, low, high at the peak
    to_lowest: stats.PairedDifference | None   # None: the peak is at that end
    to_highest: stats.PairedDifference | None
    position: str                         # "interior", "highest", "lowest"
    stability: float                      # share of bootstrap resamples with the same peak


def compute_peaks(summary: pd.DataFrame, means: pd.DataFrame, metric: str, x: str, hue: str) -> list[PeakRow]:
    """For each ``hue`` level: where ``metric`` peaks along ``x``, and the peak against the curve's ends (paired)."""
    rows = []
    for h, sub in means.groupby(hue):
        sub = sub.sort_values(x).reset_index(drop=True)
        i = int(sub["mean"].idxmax())
        peak = sub.loc[i]
        cell = summary[summary[hue] == h]
        ends = []
        for j in (0, len(sub) - 1):
            if j == i:
                ends.append(None)
                continue
            pa = cell[cell[x] == peak[x]].sort_values("replicate")[metric].to_numpy()
            pb = cell[cell[x] == sub.loc[j, x]].sort_values("replicate")[metric].to_numpy()
            ends.append(stats.paired_difference(pa, pb))
        position = "interior" if 0 < i < len(sub) - 1 else ("highest" if i == len(sub) - 1 else "lowest")
        mat = cell.pivot_table(index="replicate", columns=x, values=metric).reindex(columns=sub[x]).to_numpy()
        share = stats.peak_stability(mat)[i] if np.isfinite(mat).any(axis=0).all() else math.nan
        rows.append(PeakRow(h, peak[x], peak, ends[0], ends[1], position, share))
    return rows


@dataclass
class Grid2Stats:
    x: str
    hue: str
    means: dict                           # metric -> group_means by x and hue
    peaks: dict                           # metric -> [PeakRow] (satisfaction and profit)


def compute_grid2(summary: pd.DataFrame, metrics: list[str], x: str, hue: str) -> Grid2Stats:
    shown = [m for m in ("csat", PROFIT, "first_contact_resolution", "engagement") if m in metrics]
    means = {m: stats.group_means(summary, [x, hue], [m]) for m in shown}
    peaks = {m: compute_peaks(summary, means[m], m, x, hue) for m in shown if m in ("csat", PROFIT)}
    return Grid2Stats(x, hue, means, peaks)


@dataclass
class Grid1Stats:
    x: str
    base: str
    metrics: list[str]                    # satisfaction (or the first metric), and profit when present
    lines: dict                           # metric -> group_means by arm and x
    gaps: dict                            # metric -> paired_table within x
    slopes: dict                          # metric -> {arm: scipy linregress result of the gap on x}
    decompositions: dict = field(default_factory=dict)   # arm -> stats.decompose within x (vs base)
    decomposition_missing: list[str] = field(default_factory=list)


def compute_grid1(exp: dict, summary: pd.DataFrame, metrics: list[str], x: str) -> Grid1Stats:
    from scipy import stats as st

    base = exp["baseline"]
    shown = [m for m in ("csat", "first_contact_resolution", "escalation_rate", PROFIT) if m in metrics]
    gap_metrics = [m for m in ("csat", PROFIT) if m in metrics] or metrics[:1]
    lines = {m: stats.group_means(summary, ["arm", x], [m]) for m in shown}
    gaps, slopes = {}, {}
    for m in gap_metrics:
        gaps[m] = stats.paired_table(summary, [m], baseline=base, within=[x])
        slopes[m] = {}
        for arm in gaps[m]["arm"].drop_duplicates() if len(gaps[m]) else []:
            rows = summary[summary["arm"] == arm].merge(summary[summary["arm"] == base], on=[x, "replicate"],
                                                        suffixes=("", "_b"))
            slopes[m][arm] = st.linregress(rows[x], rows[m] - rows[f"{m}_b"])
    out = Grid1Stats(x, base, gap_metrics, lines, gaps, slopes)
    out.decomposition_missing = stats.missing_decomposition_keys(summary) if "csat" in summary else ["csat"]
    if not out.decomposition_missing:
        for arm in [a["name"] for a in exp["arms"] if a["name"] != base]:
            out.decompositions[arm] = stats.decompose(summary, arm, base, within=[x])
    return out


@dataclass
class TeamsStats:
    pooled: dict
    per_arm: dict                         # arm -> stats.correlation
    within: stats.Estimate                # mean within-run r


def compute_teams(teams: pd.DataFrame) -> TeamsStats | None:
    if not {"engagement", "csat"} <= set(teams.columns):
        return None
    per_arm = {arm: stats.correlation(sub["engagement"], sub["csat"]) for arm, sub in teams.groupby("arm", sort=False)}
    return TeamsStats(stats.correlation(teams["engagement"], teams["csat"]), per_arm,
                      stats.mean_ci(stats.within_run_correlations(teams)["r"]))


@dataclass
class SensitivityStats:
    design: dict
    replicates: int
    selected: list[str]
    morris: pd.DataFrame | None = None
    morris_error: str | None = None
    sobol: pd.DataFrame | None = None
    sobol_error: str | None = None


def _experiment(manifest: dict):
    exp = manifest["experiment"]
    source = exp.get("source", "experiment")
    return parse_experiment(manifest["definition"], source=source, base_dir=Path(source).parent,
                            name=exp["name"], replicates=exp["replicates"], days=exp["days"], seed=exp["seed"])


def compute_sensitivity(manifest: dict, summary: pd.DataFrame) -> SensitivityStats:
    """Morris and Sobol tables through :mod:`servicesim.experiments.sensitivity`'s public analyses."""
    from . import sensitivity as S

    exp = _experiment(manifest)
    selected = manifest.get("stages", {}).get("sobol", {}).get("params", [])
    out = SensitivityStats(exp.design, exp.replicates, selected)
    if (summary["stage"] == "morris").any():
        try:
            out.morris = S.analyse_morris(exp, summary)
        except ValueError as exc:
            out.morris_error = str(exc)
    if (summary["stage"] == "sobol").any():
        try:
            out.sobol = S.analyse_sobol(exp, summary, selected or list(exp.design["bounds"]))
        except ValueError as exc:
            out.sobol_error = str(exc)
    return out


# --- rendering ---------------------------------------------------------------------------------------------
class _Report:
    def __init__(self, res: Results, formats):
        self.res = res
        self.out = res.root / "report"
        self.figdir = self.out / "figures"
        self.formats = formats
        self.lines: list[str] = []
        self.files: list[Path] = []
        self.exp = res.manifest["experiment"]
        self.metrics = report_metrics(self.exp, res.summary)

    def add(self, *text: str) -> None:
        self.lines.extend(text)

    def figure(self, fig, name: str, caption: str) -> None:
        from servicesim.viz.figures import save

        paths = save(fig, self.figdir / name, self.formats)
        self.files += paths
        shown = next((p for p in paths if p.suffix == ".png"), paths[0])
        self.add(f"![{caption}](figures/{shown.name})", f"*{caption}*", "")


def _verdict(t) -> str:
    if math.isnan(t["low"]) or t["low"] <= 0 <= t["high"]:
        return "no detectable difference"
    return "higher" if t["mean"] > 0 else "lower"


def _main_channels(table: pd.DataFrame, top: int = 2) -> str:
    """'mostly fit of the answer +0.172 and waiting and abandonment +0.162': the largest channels of a gap."""
    parts = table[~table["channel"].isin(["total", "residual"])].dropna(subset=["mean"])
    parts = parts.reindex(parts["mean"].abs().sort_values(ascending=False).index).head(top)
    named = [f"{str(t['label']).split(' (')[0].lower()} {_points(t['mean'], math.nan, math.nan)}"
             for _, t in parts.iterrows()]
    return "largest channels: " + ", ".join(named)


def _render_key_results(r: _Report, s: ArmsStats) -> None:
    if not s.key_metrics:
        return
    key = s.key_metrics[0]
    bullets = []
    for arm, base in s.pairs:
        rows = s.paired[(s.paired["arm"] == arm) & (s.paired["baseline"] == base)].set_index("metric")
        if key not in rows.index:
            continue
        t = rows.loc[key]
        text = (f"- **{_arm(arm)} vs {_arm(base)}**: {_short_label(key).lower()} "
                f"{_num(key, t['mean'], diff=True)} {_ci(key, t['low'], t['high'], diff=True)} "
                f"({_unit(key)}; p {_p(t['p_value'])}, d_z {t['d_z']:+.2f}, {int(t['n'])} pairs): {_verdict(t)}")
        for m in s.key_metrics[1:]:
            if m in rows.index:
                u = rows.loc[m]
                text += (f"; {_short_label(m).lower()} {_num(m, u['mean'], diff=True)} "
                         f"{_ci(m, u['low'], u['high'], diff=True)} ({_unit(m)}): {_verdict(u)}")
        if (arm, base) in s.decompositions:
            text += f"; {_main_channels(s.decompositions[(arm, base)])}"
        bullets.append(text + ".")
    if bullets:
        beside = " and " + " and ".join(_short_label(m).lower() for m in s.key_metrics[1:]) if len(s.key_metrics) > 1 \
            else ""
        r.add("## Key results", "", f"Paired difference (95 % CI) in {_short_label(key).lower()}{beside} over the "
              "whole run:", "", *bullets, "")
        if PROFIT not in s.key_metrics:
            r.add("*Profit is not in these results (they predate the model's money accounts).*", "")


def _render_arms(r: _Report, s: ArmsStats) -> None:
    from servicesim.viz import figures as F

    _render_key_results(r, s)
    r.add("## Results by arm", "", "Mean over replicates with its 95 % confidence interval (t distribution).", "")
    rows = []
    for m in r.metrics:
        row = [_label(m)]
        for a in s.arms:
            e = s.means[(s.means["arm"] == a) & (s.means["metric"] == m)]
            row.append("n/a" if e.empty else
                       f"{_num(m, e['mean'].iloc[0])} {_ci(m, e['low'].iloc[0], e['high'].iloc[0])}")
        rows.append(row)
    r.add(_md_table(["Metric"] + [_arm(a) for a in s.arms], rows), "")
    present = [a for a in s.arms if a in set(s.means["arm"])]
    for m in [m for m in ("csat", PROFIT, "engagement", "first_contact_resolution") if m in r.metrics]:
        sub = s.means[s.means["metric"] == m].set_index("arm").loc[present].reset_index()
        r.figure(F.bar_chart(sub, m, title=f"{_short_label(m)} by arm",
                             subtitle="" if m in METRICS else f"{_label(m)}; mean and 95 % CI."),
                 f"bars_{m}", f"{_short_label(m)}: mean and 95 % interval per arm")

    if len(s.paired):
        rows = [[f"{_arm(t['arm'])} - {_arm(t['baseline'])}", _label(t["metric"]),
                 f"{_num(t['metric'], t['mean'], diff=True)} {_ci(t['metric'], t['low'], t['high'], diff=True)}",
                 _p(t["p_value"]), _dz(t["d_z"]), str(int(t["n"]))] for _, t in s.paired.iterrows()]
        tests = int(s.paired["p_value"].notna().sum())
        r.add("## Paired differences", "",
              "Replicate r of every arm ran with the same seed (common random numbers), so the arms are compared "
              "replicate by replicate: mean difference with its 95 % t-interval, two-sided paired t-test p-value "
              f"(unadjusted; there are {tests} tests in this table, so expect about one in twenty of "
              "the true-null ones below 0.05), and Cohen's d_z (mean difference / sd of differences).", "",
              _md_table(["Comparison", "Metric", "Difference [95 % CI]", "p", "d_z", "pairs"], rows), "")
    for m in s.key_metrics:
        chart = s.paired[s.paired["metric"] == m]
        if len(chart) and m in METRICS:
            chart = chart.assign(label=chart["arm"] + " - " + chart["baseline"])
            r.figure(F.difference_chart(chart, m), f"differences_{m}",
                     f"{_short_label(m)}: paired differences with 95 % intervals")
        elif len(chart):
            chart = chart.assign(label=chart["arm"] + " - " + chart["baseline"])
            r.figure(F.difference_chart(chart, m, title=f"Paired differences in {_short_label(m).lower()} (95 % CI)"),
                     f"differences_{m}", f"{_short_label(m)}: paired differences with 95 % intervals")
    _render_decompositions(r, s)
    tr = r.exp.get("report", {}).get("transition")
    for m, bands in s.bands.items():
        smooth = 5 if r.exp["days"] >= 60 else 1
        events = [(tr["day"], "switch")] if tr else []
        title = None if m in METRICS else f"{_short_label(m)} over time (mean, 95 % band)"
        r.figure(F.time_series(bands, m, events=events, smooth=smooth, title=title), f"timeseries_{m}",
                 f"{_short_label(m)} over time, mean and 95 % band per arm")


def decomposition_figure(table: pd.DataFrame) -> Figure:
    """Horizontal bars: each channel's contribution to the gap a - b with its 95 % interval; the gap on top."""
    a, b = table["a"].iloc[0], table["b"].iloc[0]
    total = table[table["channel"] == "total"].iloc[0]
    parts = table[table["channel"] != "total"]
    rows = pd.concat([total.to_frame().T, parts], ignore_index=True)
    fig = Figure(figsize=(10, 0.55 * len(rows) + 2.2), dpi=100, layout="constrained")
    ax = fig.subplots()
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="x", alpha=0.3)
    y = np.arange(len(rows))[::-1].astype(float)
    y[1:] -= 0.4                                        # a gap between the total and the channels
    mean = rows["mean"].to_numpy(float)
    low = rows["low"].to_numpy(float)
    high = rows["high"].to_numpy(float)
    unclear = np.isnan(low) | ((low <= 0) & (high >= 0))
    cols = np.where(unclear, "#b0b0b0", np.where(mean > 0, "#2a9d8f", "#d1495b"))
    cols[0] = "#1f5fa8" if not unclear[0] else "#7a7a7a"
    ax.barh(y, mean, color=cols, height=0.62)
    err = np.vstack([np.where(np.isnan(low), 0, mean - low), np.where(np.isnan(high), 0, high - mean)])
    ax.errorbar(mean, y, xerr=err, fmt="none", ecolor="black", capsize=4, lw=1.2)
    ax.axvline(0, color="black", lw=1)
    span = np.nanmax(np.abs(np.concatenate([low, high, mean]))) or 1.0
    for yi, m, hi_, lo_ in zip(y, mean, high, low, strict=True):
        edge = (hi_ if m >= 0 else lo_) if not np.isnan(hi_) else m
        ax.annotate(_points(m, math.nan, math.nan), (edge, yi), xytext=(6 if m >= 0 else -6, 0),
                    textcoords="offset points",
                    ha="left" if m >= 0 else "right", va="center", fontsize=10)
    ax.set_xlim(-1.3 * span, 1.3 * span)
    labels = ["Whole gap"] + list(parts["label"])
    ax.set_yticks(y, labels, fontsize=11)
    ax.set_xlabel(f"Contribution to the gap in customer satisfaction (1-5 points), {_arm(a)} - {_arm(b)}",
                  fontsize=11)
    ahead = "ahead of" if total["mean"] > 0 else "behind"
    fig.suptitle(f"Why {_arm(a)} is {ahead} {_arm(b)}", fontsize=15, fontweight="bold", x=0.01, ha="left")
    ax.set_title(f"Mean over {int(total['n'])} seed-paired replicates, 95 % intervals; channels add up to the "
                 f"whole gap.\nGreen: helps {_arm(a)}; red: helps {_arm(b)}; grey: the interval includes zero.",
                 loc="left", fontsize=10, color="#555555")
    return fig


def _render_decompositions(r: _Report, s: ArmsStats) -> None:
    if "csat" not in r.metrics:
        return
    r.add("## Why one arm is ahead: the satisfaction gap by channel", "")
    if s.decomposition_missing:
        r.add(f"Not available: these results lack the decomposition's inputs ({', '.join(s.decomposition_missing)}); "
              "rerun the sweep with a model that records them.", "")
        return
    r.add("A customer's score comes from their judgement of the service against their expectation; an abandoned "
          "request scores 1. So satisfaction = (1 - abandoned share) x (served score - 1) + 1, and each seed-paired "
          "gap splits exactly into the change in abandonment and the change in the served score; the latter splits "
          "along the terms of the judgement (the slope of the judgement curve times each term's change). "
          "The residual is what the curve's non-linearity leaves. *Customer expectations adapt*: customers who are "
          "served better come to expect more, so this channel is the model's own feedback, not an input. "
          "Each channel: mean over pairs with its 95 % t-interval; the channels add up to the gap.", "")
    for (a, b), table in s.decompositions.items():
        total = table[table["channel"] == "total"].iloc[0]
        rows = [[str(t["label"]) if t["channel"] != "total" else "**Whole gap**",
                 _points(t["mean"], t["low"], t["high"]),
                 "" if t["channel"] == "total" or math.isnan(t["share"]) else f"{100 * t['share']:.0f} %"]
                for _, t in table.iterrows()]
        r.add(f"### {_arm(a)} - {_arm(b)}", "",
              _md_table(["Channel", "Contribution to the gap in satisfaction (1-5) [95 % CI]", "share of the gap"],
                        rows), "")
        if int(total["n"]) == 0:
            continue
        r.figure(decomposition_figure(table), f"decomposition_{a}_vs_{b}",
                 f"Why {_arm(a)} is {'ahead of' if total['mean'] > 0 else 'behind'} {_arm(b)}: the satisfaction "
                 "gap by channel")


def interaction_figure(f: FactorialStats) -> Figure:
    """One panel per metric: the cell means (95 % CI) against factor A's levels, one line per level of B."""
    a, b = f.spec["a"], f.spec["b"]
    fig = Figure(figsize=(5.2 * max(1, len(f.metrics)) + 1.5, 5.0), dpi=100, layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, max(1, len(f.metrics))))
    x = np.arange(2)
    for ax, m in zip(axes, f.metrics, strict=False):
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(axis="y", alpha=0.3)
        cells = f.cells[f.cells["metric"] == m]
        for i, (lev, colour) in enumerate(zip(f.spec["b_levels"], ("#d1495b", "#1f5fa8"), strict=True)):
            sub = cells[cells[b] == lev].set_index(a).reindex(f.spec["a_levels"])
            mean, low, high = (sub[c].to_numpy(float) for c in ("mean", "low", "high"))
            err = np.vstack([np.nan_to_num(mean - low), np.nan_to_num(high - mean)])
            ax.errorbar(x + (i - 0.5) * 0.04, mean, yerr=err, fmt="-o", color=colour, lw=2, capsize=5,
                        label=f"{b}: {_arm(lev)}")
        ax.set_xticks(x, [_arm(v) for v in f.spec["a_levels"]], fontsize=11)
        ax.set_xlim(-0.3, 1.3)
        ax.set_xlabel(a.replace("_", " "), fontsize=12)
        ax.set_ylabel(_label(m), fontsize=11)
        ax.set_title(_short_label(m), loc="left", fontsize=12)
    axes[-1].legend(frameon=False, fontsize=10, loc="upper left", bbox_to_anchor=(1.01, 1))
    fig.suptitle(f"{a.capitalize()} x {b}: parallel lines mean no interaction\n"
                 "Cell means with 95 % intervals across replicates (the effects table pairs by seed: sharper)",
                 fontsize=13, fontweight="bold", x=0.01, ha="left")
    return fig


def _render_factorial(r: _Report, f: FactorialStats) -> None:
    a, b = f.spec["a"], f.spec["b"]
    (a0, a1), (b0, b1) = f.spec["a_levels"], f.spec["b_levels"]
    r.add(f"## {a.capitalize()} x {b}: main effects and interaction", "",
          f"A 2 x 2 factorial: {a} ({_arm(a0)} or {_arm(a1)}) crossed with {b} ({_arm(b0)} or {_arm(b1)}), "
          "replicate r of the four cells on the same seed. Per replicate: the main effect of a factor is its effect "
          "averaged over the other factor's two levels; the interaction is "
          f"({_arm(a1)} - {_arm(a0)} with {_arm(b1)}) - ({_arm(a1)} - {_arm(a0)} with {_arm(b0)}), i.e. how much "
          f"more (or less) {a} matters when {b} is {_arm(b1)}. Mean over replicates with its 95 % t-interval, "
          "one-sample t-test p-value and d_z.", "")
    if f.missing:
        r.add(f"*Not in these results: {', '.join(f.missing)}.*", "")
    if f.effects.empty:
        r.add("No replicate has all four cells yet.", "")
        return
    rows = [[_short_label(t["metric"]), str(t["label"]).replace("_", " "),
             f"{_num(t['metric'], t['mean'], diff=True)} {_ci(t['metric'], t['low'], t['high'], diff=True)}",
             _p(t["p_value"]), _dz(t["d_z"]), str(int(t["n"]))] for _, t in f.effects.iterrows()]
    r.add(_md_table(["Metric", "Effect", "Estimate [95 % CI]", "p", "d_z", "replicates"], rows), "")
    r.figure(interaction_figure(f), "interaction", f"{a.capitalize()} x {b}: interaction plot")


def compute_discovery(exp: dict, summary: pd.DataFrame, spec: dict) -> list:
    """For each metric of ``[report] discovery``: who wins in how many sampled worlds, and PRIM's boxes."""
    from .discovery import discover

    factors = [f for f in exp["design"]["bounds"] if f in summary]
    return [discover(summary, spec["a"], spec["b"], m, factors, threshold=spec.get("threshold", 0.8))
            for m in spec["metrics"] if m in summary]


def boxes_figure(d) -> Figure:
    """'Where the usual loser wins': each box's range of each restricted parameter, over its sampled range."""
    boxes = d.boxes_b or d.boxes_a
    winner = d.b if d.boxes_b else d.a
    rows = [(i, t) for i, box in enumerate(boxes) for t in box.limits.itertuples(index=False)]
    fig = Figure(figsize=(10, 1.2 + 0.55 * max(1, len(rows))), dpi=100, layout="constrained")
    ax = fig.subplots()
    colours = ("#d1495b", "#1f5fa8", "#2a9d8f")
    for y, (i, t) in enumerate(rows):
        span = max(t.sampled_high - t.sampled_low, 1e-12)
        lo, hi = (t.low - t.sampled_low) / span, (t.high - t.sampled_low) / span
        ax.barh(y, 1.0, left=0.0, color="#e6e6e6", height=0.6)
        ax.barh(y, hi - lo, left=lo, color=colours[i % 3], height=0.6)
        ax.text(1.02, y, f"{_fmt_range(t.low, t.high)}  (sampled {_fmt_range(t.sampled_low, t.sampled_high)})",
                va="center", fontsize=9)
    ax.set_yticks(range(len(rows)), [f"box {i + 1}: {t.param.replace('_', ' ')}" for i, t in rows], fontsize=10)
    ax.invert_yaxis()
    ax.set_xlim(0, 1.0)
    ax.set_xticks([0, 0.5, 1], ["lowest sampled", "middle", "highest sampled"])
    ax.spines[["top", "right"]].set_visible(False)
    stats_line = "; ".join(f"box {i + 1}: coverage {b.coverage:.0%}, density {b.density:.0%}, "
                           f"{b.n} worlds" for i, b in enumerate(boxes))
    fig.suptitle(f"{_arm(winner).capitalize()} wins on {_short_label(d.metric).lower()} when …\n{stats_line}",
                 fontsize=12, fontweight="bold", x=0.01, ha="left")
    return fig


def _fmt_range(lo: float, hi: float) -> str:
    return f"{lo:.3g}–{hi:.3g}"


def _share_text(s) -> str:
    return f"{s.k} of {s.n} ({100 * s.share:.0f} % [{100 * s.low:.0f} %, {100 * s.high:.0f} %])"


def _render_discovery(r: _Report, found: list) -> None:
    r.add("## Where each style wins", "",
          "Each sampled world is one point of the Latin hypercube (organisational parameters and mechanism "
          "coefficients over their plausible ranges), run under both styles on the same seeds; the winner is "
          "the style with the higher replicate mean. Shares with exact 95 % intervals (Clopper-Pearson); boxes "
          "found by PRIM (EMA Workbench; Bryant & Lempert 2010): *coverage* is the share of all the winner's "
          "worlds a box holds, *density* the share of worlds in the box where it wins.", "")
    for d in found:
        diff = d.worlds["diff"]
        q = {k: _num(d.metric, float(diff.quantile(k)), diff=True) for k in (0.25, 0.5, 0.75)}
        r.add(f"### {_short_label(d.metric)}", "",
              f"- **{_arm(d.a)}** wins in {_share_text(d.a_wins)} sampled worlds; "
              f"**{_arm(d.b)}** in {_share_text(d.b_wins)}.",
              f"- Median difference {_arm(d.a)} − {_arm(d.b)}: {q[0.5]} (quartiles {q[0.25]}, {q[0.75]}) "
              f"over {d.a_wins.n} worlds.", "")
        boxes = d.boxes_b or d.boxes_a
        winner = d.b if d.boxes_b else d.a
        if d.note:
            r.add(f"{d.note}.", "")
        if not boxes:
            r.add(f"PRIM found no box where the less frequent winner wins ({d.note or 'too few or no such worlds'}).",
                  "")
            continue
        if max(b.density for b in boxes) < 0.5:
            best = max(boxes, key=lambda b: b.density)
            r.add(f"**No region of the sampled space where {_arm(winner)} wins in most worlds**: its wins are rare "
                  f"and scattered. The densest box PRIM finds holds {best.coverage:.0%} of them, but "
                  f"{_arm(winner)} wins in only {best.density:.0%} of the {best.n} worlds inside it (it restricts "
                  f"{', '.join(p.replace('_', ' ') for p in best.limits['param'])}).", "")
            continue
        rows = []
        for i, box in enumerate(boxes):
            for t in box.limits.itertuples(index=False):
                rows.append([f"box {i + 1}", t.param.replace("_", " "), _fmt_range(t.low, t.high),
                             _fmt_range(t.sampled_low, t.sampled_high),
                             "n/a" if math.isnan(t.qp) else _p(t.qp),
                             f"{box.coverage:.0%}", f"{box.density:.0%}", str(box.n)])
        r.add(f"Where **{_arm(winner)}** wins on {_short_label(d.metric).lower()}:", "",
              _md_table(["box", "parameter", "range in the box", "sampled range", "quasi-p", "coverage", "density",
                         "worlds"], rows), "")
        r.figure(boxes_figure(d), f"where_{winner}_wins_{d.metric}",
                 f"Where {_arm(winner)} wins on {_short_label(d.metric).lower()}")


def _render_grid2(r: _Report, g: Grid2Stats) -> None:
    from servicesim.viz import figures as F

    x, hue = g.x, g.hue
    r.add(f"## {x.replace('_', ' ').capitalize()} x {hue.replace('_', ' ')}", "")
    shape = {"interior": "interior peak (rises then falls)", "highest": "peak at the highest value",
             "lowest": "peak at the lowest value"}
    for m, means in g.means.items():
        named = m in METRICS
        r.figure(F.heatmap(means, m, x=x, y=hue, title=None if named else f"{_short_label(m)}: {x} x {hue}"),
                 f"heatmap_{m}", f"{_short_label(m)} over {x} and {hue}")
        r.figure(F.lines_with_ci(means, m, x=x, hue=hue, title=None if named else f"{_short_label(m)} against {x}"),
                 f"lines_{m}", f"{_short_label(m)} against {x}, one line per {hue} (95 % bands, peaks circled)")
        if m not in g.peaks:
            continue

        def end(d, m=m):
            return "(peak)" if d is None else f"{_num(m, d.mean, diff=True)} {_ci(m, d.low, d.high, diff=True)}"

        rows = [[f"{p.hue:g}", f"{p.peak_x:g}", f"{_num(m, p.peak['mean'])} {_ci(m, p.peak['low'], p.peak['high'])}",
                 end(p.to_lowest), end(p.to_highest), shape[p.position],
                 "n/a" if math.isnan(p.stability) else f"{100 * p.stability:.0f} %"] for p in g.peaks[m]]
        r.add(f"Where {_short_label(m).lower()} peaks along {x}, for each {hue} (peak minus the curve's ends, "
              "paired by seed, 95 % CI):", "",
              _md_table([hue, f"peak {x}", "peak value", f"peak - at lowest {x}", f"peak - at highest {x}", "shape",
                         "same peak in bootstrap"], rows), "",
              "*Same peak in bootstrap*: the share of 2,000 resamples of the replicates in which this level is "
              "still the best one (how well located the peak is).", "")


def _render_grid1(r: _Report, g: Grid1Stats) -> None:
    from servicesim.viz import figures as F

    x, base = g.x, g.base
    r.add(f"## Arms across {x.replace('_', ' ')}", "")
    for m, means in g.lines.items():
        r.figure(F.lines_with_ci(means, m, x=x, hue="arm", mark_peak=False,
                                 title=None if m in METRICS else f"{_short_label(m)} against {x}"),
                 f"lines_{m}", f"{_short_label(m)} against {x} per arm (95 % bands)")
    for m in g.metrics:
        tab = g.gaps[m]
        if not len(tab):
            continue
        r.figure(F.lines_with_ci(tab, m, x=x, hue="arm", mark_peak=False, zero_line=True,
                                 ylabel=F.metric_label(m, difference=True) if m in METRICS else
                                 f"Difference in {_label(m)}",
                                 title=f"Gap to {_arm(base)} in {_short_label(m).lower()} against "
                                       f"{x.replace('_', ' ')}",
                                 subtitle=f"Paired by seed; mean and 95 % band. Above zero: more than {base}."),
                 f"gap_{m}", f"Paired gap to {base} in {_short_label(m).lower()} against {x}")
        rows = []
        for arm, sub in tab.groupby("arm", sort=False):
            sub = sub.sort_values(x)
            cells = [f"{_num(m, t['mean'], diff=True)} {_ci(m, t['low'], t['high'], diff=True)}"
                     for _, t in sub.iterrows()]
            lr = g.slopes[m][arm]
            rows.append([f"{_arm(arm)} - {_arm(base)}", *cells, f"{lr.slope:+.3f} (p {_p(lr.pvalue)})"])
        xs = sorted(tab[x].unique())
        r.add(f"Paired gap in {_short_label(m).lower()} to {base}, at each {x} (95 % CI), and the slope of the gap "
              f"against {x} (least squares over all replicates):", "",
              _md_table(["Comparison", *[f"{x} = {v:g}" for v in xs], "slope of gap"], rows), "")
    if "csat" in g.metrics:
        r.add(f"### The gap in satisfaction by channel, at each {x}", "")
        if g.decomposition_missing:
            r.add(f"Not available: these results lack the decomposition's inputs "
                  f"({', '.join(g.decomposition_missing)}).", "")
        for arm, table in g.decompositions.items():
            xs = sorted(table[x].unique())
            rows = [[str(label) if ch != "total" else "**Whole gap**",
                     *[_points(*table[(table["channel"] == ch) & (table[x] == v)][["mean", "low", "high"]].iloc[0])
                       for v in xs]]
                    for ch, label in table[table[x] == xs[0]][["channel", "label"]].itertuples(index=False)]
            r.add(f"{_arm(arm)} - {_arm(base)} (satisfaction points, mean over seed-paired replicates [95 % CI]; the "
                  "channels add up to the gap, see *Why one arm is ahead* in docs/EXPERIMENTS.md):", "",
                  _md_table(["Channel", *[f"{x} = {v:g}" for v in xs]], rows), "")


def _render_transition(r: _Report, res: dict) -> None:
    from servicesim.viz import figures as F

    m, day = res["metric"], res["day"]
    r.add("## The transition", "")
    r.figure(F.transition_chart(res), "transition", "Daily and cumulative paired difference after the switch")
    dip, fin = res["dip"], res["final_cumulative"]
    pre = res["pre_switch_difference"]
    payback = res["payback_day"]
    r.add(
        f"- Before the switch (days 0-{day - 1}) the two arms are the same organisation: mean daily difference "
        f"{_num(m, pre.mean, diff=True)} {_ci(m, pre.low, pre.high, diff=True)} (a check: it should include 0).",
        f"- **Dip**: the lowest mean daily difference after the switch is {_num(m, dip.mean, diff=True)} "
        f"{_ci(m, dip.low, dip.high, diff=True)} on day {res['dip_day']} "
        + ("(a real dip: the interval is below 0)." if dip.high < 0 else
           "(no significant dip: the interval reaches 0 or above)."),
        "- **Delay**: the daily gain is established (lower 95 % bound above 0 from then on) "
        + (f"from day {res['delay_day']:.0f}, {res['delay_day'] - day:.0f} working days after the switch."
           if not math.isnan(res["delay_day"]) else "at no point before the end of the run."),
        "- **Payback**: the cumulative difference since the switch becomes and stays >= 0 "
        + (f"on day {payback:.0f}, {payback - day:.0f} working days after the switch."
           if not math.isnan(payback) else "never within the run: the switch has not paid back."),
        f"- Replicate by replicate: {res['replicates_paid_back']} of {res['replicates']} paid back"
        + (f" (median day {res['median_replicate_payback_day']:.0f})." if res["replicates_paid_back"] else "."),
        f"- Cumulative difference at the end of the run: {_num(m, fin.mean, diff=True)} "
        f"{_ci(m, fin.low, fin.high, diff=True)} ({_unit(m)} x working days).", "")


def _render_teams(r: _Report, teams: pd.DataFrame, t: TeamsStats) -> None:
    from servicesim.viz import figures as F

    pooled = t.pooled
    r.add("## Engagement and customer satisfaction across teams (service-profit chain)", "")
    r.figure(F.scatter(teams, x="engagement", y="csat", hue="arm",
                       title="Engaged teams, satisfied customers?",
                       subtitle=f"One point per team and replicate. Pearson r = {pooled['r']:.2f} "
                                f"[{pooled['low']:.2f}, {pooled['high']:.2f}], r squared = {pooled['r2']:.2f}."),
             "teams_engagement_csat", "Per-team engagement against per-team customer satisfaction")
    rows = [["all teams, all arms", str(pooled["n"]), f"{pooled['r']:.2f} [{pooled['low']:.2f}, {pooled['high']:.2f}]",
             f"{pooled['rho']:.2f}", f"{pooled['r2']:.2f}"]]
    for arm, c in t.per_arm.items():
        rows.append([f"within {_arm(arm)}", str(c["n"]),
                     f"{c['r']:.2f} [{c['low']:.2f}, {c['high']:.2f}]" if not math.isnan(c["r"]) else "n/a",
                     f"{c['rho']:.2f}" if not math.isnan(c["rho"]) else "n/a",
                     f"{c['r2']:.2f}" if not math.isnan(c["r2"]) else "n/a"])
    w = t.within
    r.add(_md_table(["Teams", "n", "Pearson r [95 % CI]", "Spearman rho", "r squared"], rows), "",
          f"Inside one organisation (one run), the correlation between its teams averages r = {w.mean:.2f} "
          f"{f'[{w.low:.2f}, {w.high:.2f}]' if not math.isnan(w.low) else ''} over {w.n} runs. Pooled across "
          "styles, part of the correlation comes from the styles moving both; r squared below 1 says how much of "
          "the teams' satisfaction engagement leaves unexplained.", "")


def _render_sensitivity(r: _Report, s: SensitivityStats) -> None:
    from servicesim.viz import figures as F

    d = s.design
    metric = d["metric"]
    r.add(f"## Sensitivity of {_short_label(metric).lower()}", "",
          f"{len(d['bounds'])} parameters, each over [low, high] around the scenario's value (spread "
          f"{d['spread']:g}, or the bounds given); every sample point is the mean of {s.replicates} replicates "
          "with common seeds.", "")
    if s.morris_error:
        r.add(f"Morris analysis not possible yet: {s.morris_error}.", "")
    elif s.morris is not None:
        mt = s.morris
        r.figure(F.morris_chart(mt, metric=metric, selected=s.selected), "morris",
                 "Morris screening: mu* with 95 % intervals, and sigma against mu*")
        rows = [[p.replace("_", " "), f"{a:.3g} ± {b:.2g}", f"{mu:+.3g}", f"{sg:.3g}",
                 f"{d['bounds'][p][0]:g} .. {d['bounds'][p][1]:g}"]
                for p, a, b, mu, sg in mt[["param", "mu_star", "mu_star_conf", "mu", "sigma"]].head(15).itertuples(
                    index=False)]
        r.add("Top 15 by mu* (± is the 95 % bootstrap half-width):", "",
              _md_table(["parameter", "mu*", "mu", "sigma", "range"], rows), "")
    if s.sobol_error:
        r.add(f"Sobol analysis not possible yet: {s.sobol_error}.", "")
    elif s.sobol is not None:
        r.figure(F.sobol_chart(s.sobol, metric=metric), "sobol", "Sobol indices with 95 % intervals")
        rows = [[p.replace("_", " "), f"{a:.3f} ± {b:.3f}", f"{c:.3f} ± {e:.3f}"]
                for p, a, b, c, e in s.sobol[["param", "S1", "S1_conf", "ST", "ST_conf"]].itertuples(index=False)]
        r.add(f"Sobol indices (N = {d['n']}; others held at the scenario's value):", "",
              _md_table(["parameter", "first order S1", "total ST"], rows), "")


def _render_header(r: _Report, res: Results) -> None:
    exp, summary = r.exp, res.summary
    planned = res.manifest.get("runs") or len(exp["arms"]) * exp["replicates"]
    done = len(summary)
    v = res.manifest.get("versions", {})
    r.add(f"# {exp['name'].replace('_', ' ').capitalize()}", "", exp.get("description", ""), "",
          f"- Runs: {done} finished" + (f" of {planned} planned" if planned and planned != done else "")
          + f"; {exp['days']} working days each"
          + (f", counted after a warm-up of {exp['warmup']} days" if exp.get("warmup") else "")
          + f"; {summary['replicate'].nunique()} replicates per point "
          f"(paired seeds from base seed {exp['seed']}).",
          f"- Arms: {', '.join(a['name'] for a in exp['arms'])}; design: {exp['design_kind']}.",
          f"- servicesim {v.get('servicesim', '?')}, Mesa {v.get('mesa', '?')}, numpy {v.get('numpy', '?')}, "
          f"Python {v.get('python', '?')}; created {res.manifest.get('created', '?')}. Definition, seeds and "
          "versions: `manifest.json`.", "")
    if planned and done < planned:
        r.add(f"> **Incomplete**: {planned - done} runs are missing; run the sweep command again to finish. "
              "Statistics below use the finished runs only.", "")


def write_report(root: str | Path, formats=("png", "svg")) -> Path:
    """Write DIR/report/report.md and DIR/report/figures/*; return the Markdown path."""
    res = load(root)
    if res.summary.empty:
        raise ExperimentError(f"DIR '{root}' holds no finished runs yet; allowed: a directory where "
                              f"`servicesim sweep` has finished at least one run")
    r = _Report(res, formats)
    exp = r.exp
    summary, daily, teams = res.summary, res.daily, res.teams
    _render_header(r, res)
    kind = exp["design_kind"]
    factors = [c for c in (exp["design"] if kind == "grid" else []) if c in summary]
    rep = exp.get("report", {})
    if kind == "sensitivity":
        _render_sensitivity(r, compute_sensitivity(res.manifest, summary))
    elif kind == "grid" and len(exp["arms"]) == 1 and len(factors) >= 2:
        x = rep.get("x", factors[0])
        _render_grid2(r, compute_grid2(summary, r.metrics, x, rep.get("hue", next(f for f in factors if f != x))))
    elif kind == "grid" and len(factors) == 1 and len(exp["arms"]) > 1:
        _render_grid1(r, compute_grid1(exp, summary, r.metrics, rep.get("x", factors[0])))
    elif kind == "arms":
        _render_arms(r, compute_arms(exp, summary, daily, r.metrics))
        if rep.get("factorial"):
            _render_factorial(r, compute_factorial(rep["factorial"], summary))
    else:
        by = ["arm", *factors] if factors else ["arm"]
        g = stats.group_means(summary, by, r.metrics)
        r.add("## Results", "", _md_table([*by, "metric", "n", "mean", "95 % CI"],
                                          [[*[str(t[b]) for b in by], _label(t["metric"]), str(t["n"]),
                                            _num(t["metric"], t["mean"]), _ci(t["metric"], t["low"], t["high"])]
                                           for _, t in g.iterrows()]), "")
    if rep.get("discovery"):
        _render_discovery(r, compute_discovery(exp, summary, rep["discovery"]))
    if "transition" in rep and len(daily):
        tr = rep["transition"]
        _render_transition(r, stats.transition(daily, switch=tr["switch"], stay=tr["stay"], day=tr["day"],
                                               metric=tr.get("metric", "csat")))
        from . import transition as arm_by_arm

        arm_by_arm.render(r, daily, exp, tr)
    if rep.get("teams") and len(teams):
        t = compute_teams(teams)
        if t is not None:
            _render_teams(r, teams, t)
    r.add("## Files", "", "- `summary/*.parquet`: one row per run (`pd.read_parquet('summary')`); "
          "`daily/*.parquet`: one row per run and day; `teams/*.parquet`: one row per run and team.",
          "- Figures in `report/figures/` as " + " and ".join(f.upper() for f in formats) + ".", "")
    r.out.mkdir(parents=True, exist_ok=True)
    path = r.out / "report.md"
    tmp = path.with_name(f".report.md.tmp-{os.getpid()}")
    tmp.write_text("\n".join(r.lines))
    os.replace(tmp, path)
    return path


__all__ = ["write_report", "report_metrics", "report_pairs", "compute_arms", "compute_factorial", "compute_grid1",
           "compute_grid2", "compute_peaks", "compute_teams", "compute_sensitivity", "decomposition_figure",
           "interaction_figure",
           "ArmsStats", "FactorialStats", "Grid1Stats", "Grid2Stats", "TeamsStats", "SensitivityStats", "PeakRow"]
