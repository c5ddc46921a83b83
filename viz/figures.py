"""Figures a manager can put on a slide: intervals always shown, units always named.

Shared by the reports (experiments/report.py) and the browser app. Every function takes tidy
pandas tables (as produced by :mod:`servicesim.experiments.stats`) and returns a
:class:`matplotlib.figure.Figure` built without pyplot, so it is safe in threads and servers
and needs no display (the Agg canvas). :func:`save` writes PNG and SVG.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from servicesim.model.metrics import METRICS

SLIDE = (10, 5.6)  # inches, 16:9
PALETTE = ["#1f5fa8", "#d1495b", "#2a9d8f", "#e9a03b", "#6c4f9c", "#7a7a7a", "#8ab17d", "#c06c84", "#355070",
           "#b56576"]
STYLE_COLOURS = {"hierarchical": "#7a7a7a", "bersin": "#1f5fa8", "laissez_faire": "#e9a03b",
                 "situational": "#2a9d8f"}
PERCENT_UNITS = ("share", "share per year")


def metric_label(name: str, *, difference: bool = False) -> str:
    """'Customer satisfaction (1-5)'; shares are shown in percent (points for differences)."""
    m = METRICS.get(name)
    if m is None:
        return name.replace("_", " ")
    if m.unit in PERCENT_UNITS:
        unit = "percentage points" if difference else "%"
        unit = f"{unit}{' per year' if m.unit == 'share per year' else ''}"
    else:
        unit = m.unit
    prefix = "Difference in " + m.label[0].lower() + m.label[1:] if difference else m.label
    return f"{prefix} ({unit})"


def scale(name: str) -> float:
    """Factor to display a metric: shares as percent."""
    m = METRICS.get(name)
    return 100.0 if m is not None and m.unit in PERCENT_UNITS else 1.0


def better(name: str) -> str:
    m = METRICS.get(name)
    if m is None or m.higher_is_better is None:
        return ""
    return "higher is better" if m.higher_is_better else "lower is better"


def colour(key: str, i: int) -> str:
    return STYLE_COLOURS.get(str(key), PALETTE[i % len(PALETTE)])


def _figure(size=SLIDE, nrows: int = 1, ncols: int = 1, **kw):
    fig = Figure(figsize=size, dpi=100, layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, **kw)
    for ax in axes.flat:
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(axis="y", alpha=0.3)
        ax.tick_params(labelsize=11)
    return fig, axes


def _title(fig: Figure, title: str, subtitle: str = "") -> None:
    fig.suptitle(title, fontsize=15, fontweight="bold", x=0.01, ha="left")
    if subtitle and fig.axes:
        fig.axes[0].set_title(subtitle, loc="left", fontsize=10, color="#555555")


def _err(mean, low, high):
    mean, low, high = (np.asarray(v, dtype=float) for v in (mean, low, high))
    lo = np.where(np.isnan(low), 0, mean - low)
    hi = np.where(np.isnan(high), 0, high - mean)
    return np.vstack([lo, hi])


def bar_chart(means: pd.DataFrame, metric: str, *, group: str = "arm", title: str | None = None,
              subtitle: str = "") -> Figure:
    """Each group's mean with its 95 % interval (columns: group, mean, low, high)."""
    k = scale(metric)
    fig, axes = _figure((max(6.0, 1.4 * len(means) + 3), 5.0))
    ax = axes[0, 0]
    x = np.arange(len(means))
    cols = [colour(g, i) for i, g in enumerate(means[group])]
    ax.bar(x, means["mean"] * k, color=cols, alpha=0.85, width=0.65)
    ax.errorbar(x, means["mean"] * k, yerr=_err(means["mean"] * k, means["low"] * k, means["high"] * k), fmt="none",
                ecolor="black", capsize=6, lw=1.5)
    for xi, v in zip(x, means["mean"] * k, strict=True):
        ax.annotate(f"{v:.2f}", (xi, v), xytext=(8, 4), textcoords="offset points", fontsize=10)
    ax.set_xticks(x, [str(g).replace("_", " ") for g in means[group]], fontsize=11)
    ax.set_ylabel(metric_label(metric), fontsize=12)
    lo = np.nanmin(means["low"].fillna(means["mean"]) * k)
    hi = np.nanmax(means["high"].fillna(means["mean"]) * k)
    if np.isfinite(lo) and np.isfinite(hi) and hi > lo and lo > 0:
        pad = (hi - lo) * 0.6 + 1e-9
        ax.set_ylim(max(0.0, lo - pad), hi + pad)  # zoomed: the axis does not start at 0 (said in the subtitle)
        subtitle = (subtitle + "  " if subtitle else "") + "Axis does not start at zero."
    _title(fig, title or f"{METRICS[metric].label if metric in METRICS else metric} by arm (mean, 95 % CI)", subtitle)
    return fig


def difference_chart(diffs: pd.DataFrame, metric: str, *, label: str = "label", title: str | None = None,
                     subtitle: str = "") -> Figure:
    """Paired differences with 95 % intervals around a zero line (columns: label, mean, low, high)."""
    k = scale(metric)
    fig, axes = _figure((9.0, max(3.0, 0.7 * len(diffs) + 1.8)))
    ax = axes[0, 0]
    ax.grid(axis="y", alpha=0)
    ax.grid(axis="x", alpha=0.3)
    y = np.arange(len(diffs))[::-1]
    m = diffs["mean"].to_numpy(float) * k
    hib = METRICS[metric].higher_is_better if metric in METRICS else None
    cols = ["#7a7a7a" if (lo <= 0 <= hi) or np.isnan(lo) else
            ("#2a9d8f" if (mm > 0) == bool(hib) or hib is None else "#d1495b")
            for mm, lo, hi in zip(m, diffs["low"] * k, diffs["high"] * k, strict=True)]
    err = _err(m, diffs["low"] * k, diffs["high"] * k)
    for i, c in enumerate(cols):
        ax.errorbar(m[i], y[i], xerr=err[:, i:i + 1], fmt="none", ecolor=c, elinewidth=3, capsize=5)
    ax.scatter(m, y, color=cols, s=60, zorder=3)
    ax.axvline(0, color="black", lw=1)
    for yi, mm in zip(y, m, strict=True):
        ax.annotate(f"{mm:+.3g}", (mm, yi), xytext=(0, 8), textcoords="offset points", ha="center", fontsize=10)
    ax.set_yticks(y, [str(s).replace("_", " ") for s in diffs[label]], fontsize=11)
    ax.set_xlabel(metric_label(metric, difference=True) + (f" - {better(metric)}" if better(metric) else ""),
                  fontsize=12)
    _title(fig, title or f"Paired differences in {METRICS[metric].label.lower()} (95 % CI)",
           subtitle or "Grey: the interval includes zero (no detectable difference).")
    return fig


def time_series(bands: pd.DataFrame, metric: str, *, group: str = "arm", title: str | None = None,
                events: Sequence[tuple[float, str]] = (), subtitle: str = "", smooth: int = 1) -> Figure:
    """Mean daily series per group with 95 % confidence bands (columns: group, day, mean, low, high)."""
    k = scale(metric)
    fig, axes = _figure()
    ax = axes[0, 0]
    for i, (g, sub) in enumerate(bands.groupby(group, sort=False)):
        sub = sub.sort_values("day")
        roll = (lambda s: s.rolling(smooth, min_periods=1, center=True).mean()) if smooth > 1 else (lambda s: s)
        c = colour(g, i)
        ax.plot(sub["day"], roll(sub["mean"]) * k, color=c, lw=2, label=str(g).replace("_", " "))
        ax.fill_between(sub["day"], roll(sub["low"]) * k, roll(sub["high"]) * k, color=c, alpha=0.2, lw=0)
    for day, text in events:
        ax.axvline(day, color="black", ls="--", lw=1)
        ax.annotate(text, (day, 1), xycoords=("data", "axes fraction"), xytext=(4, -14), textcoords="offset points",
                    fontsize=10)
    ax.set_xlabel("Working day", fontsize=12)
    ax.set_ylabel(metric_label(metric), fontsize=12)
    ax.legend(frameon=False, fontsize=11, loc="upper left", bbox_to_anchor=(1.01, 1))
    sm = f" {smooth}-day moving average." if smooth > 1 else ""
    _title(fig, title or f"{METRICS[metric].label} over time (mean, 95 % band)",
           subtitle or f"Bands: 95 % confidence interval of the mean over replicates.{sm}")
    return fig


def heatmap(grid: pd.DataFrame, metric: str, *, x: str, y: str, title: str | None = None, subtitle: str = "") -> Figure:
    """A 2-D sweep: mean of ``metric`` over (x, y) (columns: x, y, mean), cells annotated."""
    k = scale(metric)
    table = grid.pivot_table(index=y, columns=x, values="mean").sort_index(ascending=False) * k
    fig, axes = _figure((9.0, 5.6))
    ax = axes[0, 0]
    ax.grid(False)
    im = ax.imshow(table.to_numpy(), aspect="auto", cmap="viridis")
    ax.set_xticks(range(table.shape[1]), [f"{v:g}" for v in table.columns])
    ax.set_yticks(range(table.shape[0]), [f"{v:g}" for v in table.index])
    ax.set_xlabel(_param_label(x), fontsize=12)
    ax.set_ylabel(_param_label(y), fontsize=12)
    vals = table.to_numpy()
    mid = np.nanmean(vals)
    for i in range(vals.shape[0]):
        for j in range(vals.shape[1]):
            if np.isfinite(vals[i, j]):
                ax.text(j, i, f"{vals[i, j]:.2f}", ha="center", va="center", fontsize=9,
                        color="white" if vals[i, j] < mid else "black")
        best = int(np.nanargmax(vals[i])) if np.isfinite(vals[i]).any() else None
        if best is not None:
            ax.add_patch(_rect(best, i))
    fig.colorbar(im, ax=ax, label=metric_label(metric))
    _title(fig, title or f"{METRICS[metric].label}: {_param_name(x)} x {_param_name(y)}",
           subtitle or "Mean over replicates; outlined: the best cell of each row.")
    return fig


def _rect(j, i):
    from matplotlib.patches import Rectangle

    return Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, ec="red", lw=2)


def _param_name(name: str) -> str:
    return name.replace("_", " ")


def _param_label(name: str) -> str:
    try:
        from servicesim.model.params import SCHEMA

        p = SCHEMA[name]
        return f"{_param_name(name).capitalize()} ({p.unit})"
    except KeyError:
        return _param_name(name).capitalize()


def lines_with_ci(frame: pd.DataFrame, metric: str, *, x: str, hue: str, title: str | None = None,
                  subtitle: str = "", mark_peak: bool = True, ylabel: str | None = None,
                  zero_line: bool = False) -> Figure:
    """``metric`` against ``x``, one line per ``hue`` value, with 95 % interval bands; peaks marked."""
    k = scale(metric)
    fig, axes = _figure()
    ax = axes[0, 0]
    for i, (h, sub) in enumerate(frame.groupby(hue, sort=True)):
        sub = sub.sort_values(x)
        c = colour(h, i)
        lab = f"{_param_name(hue)} = {h:g}" if isinstance(h, (int, float, np.number)) else str(h).replace("_", " ")
        ax.plot(sub[x], sub["mean"] * k, "-o", color=c, lw=2, label=lab)
        ax.fill_between(sub[x], sub["low"] * k, sub["high"] * k, color=c, alpha=0.18, lw=0)
        if mark_peak and sub["mean"].notna().any():
            top = sub.loc[sub["mean"].idxmax()]
            ax.scatter([top[x]], [top["mean"] * k], s=180, facecolors="none", edgecolors=c, lw=2, zorder=4)
    if zero_line:
        ax.axhline(0, color="black", lw=1)
    ax.set_xlabel(_param_label(x), fontsize=12)
    ax.set_ylabel(ylabel or metric_label(metric), fontsize=12)
    ax.legend(frameon=False, fontsize=10, loc="upper left", bbox_to_anchor=(1.01, 1))
    _title(fig, title or f"{METRICS[metric].label} against {_param_name(x)}",
           subtitle or ("Mean over replicates with 95 % band; circles: each line's peak." if mark_peak else
                        "Mean over replicates with 95 % band."))
    return fig


def transition_chart(result: dict, *, title: str | None = None) -> Figure:
    """Daily paired difference (switch - stay) and its running total, with the payback day."""
    metric = result["metric"]
    fig, axes = _figure((10, 7.2), nrows=2, sharex=True)
    top, bottom = axes[0, 0], axes[1, 0]
    d, c = result["daily"], result["cumulative"]
    top.plot(d["day"], d["mean"], color="#1f5fa8", lw=1.8)
    top.fill_between(d["day"], d["low"], d["high"], color="#1f5fa8", alpha=0.2, lw=0)
    top.axhline(0, color="black", lw=1)
    top.set_ylabel(f"Daily difference\n({METRICS[metric].unit})", fontsize=11)
    bottom.plot(c["day"], c["mean"], color="#d1495b", lw=2)
    bottom.fill_between(c["day"], c["low"], c["high"], color="#d1495b", alpha=0.2, lw=0)
    bottom.axhline(0, color="black", lw=1)
    bottom.set_ylabel(f"Cumulative difference\n({METRICS[metric].unit} x days)", fontsize=11)
    bottom.set_xlabel("Working day", fontsize=12)
    for ax in (top, bottom):
        ax.axvline(result["day"], color="black", ls="--", lw=1)
    top.annotate("switch", (result["day"], 1), xycoords=("data", "axes fraction"), xytext=(4, -14),
                 textcoords="offset points", fontsize=10)
    if result.get("dip_day") is not None and result["dip"] is not None and result["dip"].mean < 0:
        top.annotate(f"dip {result['dip'].mean:+.2f}", (result["dip_day"], result["dip"].mean), xytext=(10, -18),
                     textcoords="offset points", fontsize=10, arrowprops={"arrowstyle": "->"})
    pb = result["payback_day"]
    if pb is not None and not math.isnan(pb):
        bottom.axvline(pb, color="#2a9d8f", lw=2)
        bottom.annotate(f"payback: day {pb:.0f}\n({pb - result['day']:.0f} days after the switch)", (pb, 0),
                        xytext=(8, 20), textcoords="offset points", fontsize=10, color="#2a9d8f")
        text = f"pays back on day {pb:.0f}"
    else:
        text = "does not pay back within the run"
    _title(fig, title or f"{result['switch'].replace('_', ' ').capitalize()} vs {result['stay'].replace('_', ' ')}: "
           f"{METRICS[metric].label.lower()} {text}",
           f"{result['switch'].replace('_', ' ')} minus {result['stay'].replace('_', ' ')}, paired by seed; "
           f"mean and 95 % band over {result['replicates']} replicates.")
    return fig


def scatter(frame: pd.DataFrame, *, x: str, y: str, hue: str = "arm", title: str | None = None,
            subtitle: str = "", fit: bool = True) -> Figure:
    """One point per row (e.g. per team), coloured by ``hue``, with a least-squares line."""
    fig, axes = _figure((8.5, 6.0))
    ax = axes[0, 0]
    ax.grid(axis="x", alpha=0.3)
    for i, (h, sub) in enumerate(frame.groupby(hue, sort=False)):
        ax.scatter(sub[x] * scale(x), sub[y] * scale(y), s=14, alpha=0.45, color=colour(h, i),
                   label=str(h).replace("_", " "), lw=0)
    if fit:
        ok = frame[[x, y]].dropna()
        if len(ok) > 2 and ok[x].nunique() > 1:
            slope, icpt = np.polyfit(ok[x] * scale(x), ok[y] * scale(y), 1)
            xs = np.linspace(ok[x].min() * scale(x), ok[x].max() * scale(x), 50)
            ax.plot(xs, icpt + slope * xs, color="black", lw=1.5, label="least-squares line")
    ax.set_xlabel(metric_label(x), fontsize=12)
    ax.set_ylabel(metric_label(y), fontsize=12)
    ax.legend(frameon=False, fontsize=10, markerscale=2, loc="upper left", bbox_to_anchor=(1.01, 1))
    _title(fig, title or f"{METRICS[y].label} against {METRICS[x].label.lower()}", subtitle)
    return fig


def morris_chart(table: pd.DataFrame, *, metric: str, top: int = 20, selected: Iterable[str] = ()) -> Figure:
    """Morris screening: mu* with its 95 % interval (left) and sigma against mu* (right)."""
    selected = set(selected)
    t = table.head(top).iloc[::-1]
    fig, axes = _figure((12, max(5.0, 0.3 * len(t) + 1.5)), ncols=2, width_ratios=[1.4, 1])
    ax, ax2 = axes[0, 0], axes[0, 1]
    ax.grid(axis="y", alpha=0)
    ax.grid(axis="x", alpha=0.3)
    cols = ["#d1495b" if p in selected else "#1f5fa8" for p in t["param"]]
    ax.barh(range(len(t)), t["mu_star"], xerr=t["mu_star_conf"], color=cols, alpha=0.85, capsize=3)
    ax.set_yticks(range(len(t)), [_param_name(p) for p in t["param"]], fontsize=10)
    ax.set_xlabel(f"mu*: mean |elementary effect| on {METRICS[metric].label.lower()}\n"
                  f"({METRICS[metric].unit} per the parameter's whole range)", fontsize=11)
    ax2.scatter(table["mu_star"], table["sigma"], color="#7a7a7a", s=18)
    for _, row in table.head(8).iterrows():
        ax2.annotate(_param_name(row["param"]), (row["mu_star"], row["sigma"]), fontsize=8, xytext=(3, 3),
                     textcoords="offset points")
    ax2.set_xlabel("mu* (importance)", fontsize=11)
    ax2.set_ylabel("sigma (interactions / non-linearity)", fontsize=11)
    _title(fig, f"Which parameters move {METRICS[metric].label.lower()}? Morris screening",
           f"Top {len(t)} of {len(table)} parameters, 95 % bootstrap intervals; red: carried to the Sobol analysis.")
    return fig


def sobol_chart(table: pd.DataFrame, *, metric: str) -> Figure:
    """Sobol first-order (S1) and total (ST) indices with 95 % intervals."""
    t = table.iloc[::-1]
    fig, axes = _figure((10, max(4.0, 0.6 * len(t) + 1.8)))
    ax = axes[0, 0]
    ax.grid(axis="y", alpha=0)
    ax.grid(axis="x", alpha=0.3)
    y = np.arange(len(t))
    ax.barh(y + 0.2, t["ST"], height=0.38, xerr=t["ST_conf"], color="#1f5fa8", label="total (ST)", capsize=3)
    ax.barh(y - 0.2, t["S1"], height=0.38, xerr=t["S1_conf"], color="#2a9d8f", label="first order (S1)", capsize=3)
    ax.axvline(0, color="black", lw=1)
    ax.set_yticks(y, [_param_name(p) for p in t["param"]], fontsize=11)
    ax.set_xlabel(f"Share of the variance of {METRICS[metric].label.lower()}", fontsize=12)
    ax.legend(frameon=False, fontsize=11, loc="upper left", bbox_to_anchor=(1.01, 1))
    _title(fig, f"Sobol indices for {METRICS[metric].label.lower()}",
           "95 % bootstrap intervals. ST - S1: the part due to interactions with other parameters.")
    return fig


def save(fig: Figure, stem: str | Path, formats: Sequence[str] = ("png", "svg")) -> list[Path]:
    """Write ``stem.png`` / ``stem.svg`` (Agg canvas; no display needed)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    out = []
    for fmt in formats:
        path = stem.with_suffix(f".{fmt}")
        fig.savefig(path, dpi=150 if fmt == "png" else None)
        out.append(path)
    return out


__all__ = ["metric_label", "bar_chart", "difference_chart", "time_series", "heatmap", "lines_with_ci",
           "transition_chart", "scatter", "morris_chart", "sobol_chart", "save"]
