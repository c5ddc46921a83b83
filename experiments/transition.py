"""The transition after a style change, arm by arm: dip, recovery, payback, and their spread.

For every arm that changes something mid-run (an intervention), against the arm that stays, paired
by replicate (same seed), on each reported metric (CSAT and profit):

* **dip depth** — the lowest 5-day mean of the daily difference (switch − stay) after the switch;
* **dip length** — working days from the switch until that 5-day difference is >= 0 for good;
* **recovery** — working days until the switching arm's own 5-day level is back to, and stays at or
  above, its level over the 20 days before the switch (the old level);
* **payback** — working days until the cumulative difference since the switch is >= 0 for good;

each per replicate, then summarised across replicates (mean with its 95 % interval, the range, and
how many replicates got there within the run). Nothing here decides what a good transition is:
it measures what the runs did. Called from :mod:`~servicesim.experiments.report`.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .stats import first_day_staying_nonnegative, mean_ci

SMOOTH = 5         # days in the rolling mean (one day's satisfaction of a small organisation is noisy)
BEFORE = 20        # days before the switch that define the old level
METRICS = ("csat", "profit")
#: What each measure means, for the report's table.
MEASURES = {"dip": "dip depth", "dip_days": "dip length (days)", "recovery_days": "recovery to the old level (days)",
            "payback_days": "payback (days)"}


def switching_arms(exp: dict, stay: str) -> list[str]:
    """The arms that change something mid-run (they carry interventions), in the experiment's order."""
    return [a["name"] for a in exp["arms"] if a["name"] != stay and a.get("interventions")]


def per_replicate(daily: pd.DataFrame, *, switch: str, stay: str, day: int, metric: str) -> pd.DataFrame:
    """One row per replicate: dip depth and length, recovery and payback of ``switch`` against ``stay``."""
    wide = daily[daily["arm"].isin([switch, stay])].pivot_table(index=["replicate", "day"], columns="arm",
                                                                 values=metric, aggfunc="first")
    rows = []
    for rep, sub in wide.groupby(level="replicate"):
        sub = sub.droplevel("replicate").sort_index()
        level = sub[switch].rolling(SMOOTH, min_periods=1).mean()
        diff = (sub[switch] - sub[stay]).rolling(SMOOTH, min_periods=1).mean()
        after = diff.index >= day
        days = diff.index[after].to_numpy()
        d = diff[after].fillna(0.0).to_numpy()
        old = sub[switch][(sub.index < day) & (sub.index >= day - BEFORE)].mean()
        cum = np.cumsum((sub[switch] - sub[stay])[after].fillna(0.0).to_numpy())

        def since(first: float) -> float:
            return first - day if not math.isnan(first) else math.nan

        rows.append({
            "replicate": rep,
            "dip": float(np.min(d)) if len(d) else math.nan,
            "dip_days": since(first_day_staying_nonnegative(days, d)),
            "recovery_days": since(first_day_staying_nonnegative(days, level[after].to_numpy() - old)),
            "payback_days": since(first_day_staying_nonnegative(days, cum)),
            "final_cumulative": float(cum[-1]) if len(cum) else math.nan,
        })
    return pd.DataFrame(rows)


def summarise(reps: pd.DataFrame) -> dict:
    """Across replicates: mean [95 % CI], range, and how many reached the point (for times)."""
    out = {}
    for k in (*MEASURES, "final_cumulative"):
        v = reps[k].to_numpy(dtype=float)
        got = v[~np.isnan(v)]
        ci = mean_ci(got) if len(got) else None
        out[k] = {"mean": ci.mean if ci else math.nan, "low": ci.low if ci else math.nan,
                  "high": ci.high if ci else math.nan, "min": float(got.min()) if len(got) else math.nan,
                  "max": float(got.max()) if len(got) else math.nan, "reached": int(len(got)), "n": int(len(v))}
    return out


def start_day(exp: dict, arm: str, default: int) -> int:
    """The day an arm's change starts: its first intervention (a programme before the switch counts)."""
    days = [int(iv["day"]) for a in exp["arms"] if a["name"] == arm for iv in a.get("interventions", [])]
    return min(days) if days else default


def compute(daily: pd.DataFrame, exp: dict, *, stay: str, day: int, metrics=METRICS) -> dict:
    """{metric: {arm: summary}} for every switching arm present in ``daily``, each measured from the
    day its change starts (its first intervention)."""
    arms = [a for a in switching_arms(exp, stay) if a in set(daily["arm"])]
    return {m: {a: summarise(per_replicate(daily, switch=a, stay=stay, day=start_day(exp, a, day), metric=m))
                for a in arms}
            for m in metrics if m in daily}


def _cell(s: dict, digits: int, time: bool) -> str:
    if s["reached"] == 0:
        return "never"
    f = f"{{:.{digits}f}}"
    text = f"{f.format(s['mean'])} [{f.format(s['low'])}, {f.format(s['high'])}]"
    text += f"; range {f.format(s['min'])} to {f.format(s['max'])}"
    if time and s["reached"] < s["n"]:
        text += f"; {s['reached']} of {s['n']} replicates (the others: not within the run)"
    return text


def table(result: dict, metric: str) -> list[str]:
    """A Markdown table of one metric's transition measures, one row per arm."""
    digits = 3 if metric == "csat" else 1
    head = "| arm | " + " | ".join(MEASURES.values()) + " |"
    rows = [head, "|" + "---|" * (len(MEASURES) + 1)]
    for arm, s in result[metric].items():
        cells = [_cell(s[k], digits if k == "dip" else 0, k != "dip") for k in MEASURES]
        rows.append(f"| {arm} | " + " | ".join(cells) + " |")
    return rows


def figure(daily: pd.DataFrame, *, arms: list[str], day: int, metrics=METRICS, window: int = 30):
    """CSAT and profit around the switch: 5-day mean per arm with its 95 % band across replicates."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    from .stats import daily_bands

    fig = Figure(figsize=(10, 3.6 * len(metrics)))
    axes = fig.subplots(len(metrics), 1, sharex=True, squeeze=False)[:, 0]
    sub = daily[daily["arm"].isin(arms) & (daily["day"] >= day - window)].sort_values(["arm", "replicate", "day"])
    for ax, m in zip(axes, metrics, strict=True):
        smooth = sub.assign(**{m: sub.groupby(["arm", "replicate"])[m].transform(
            lambda s: s.rolling(SMOOTH, min_periods=1).mean())})
        bands = daily_bands(smooth, m)
        for arm in arms:
            b = bands[bands["arm"] == arm]
            line, = ax.plot(b["day"], b["mean"], label=arm, lw=1.4)
            ax.fill_between(b["day"], b["low"], b["high"], color=line.get_color(), alpha=0.2, lw=0)
        ax.axvline(day, color="0.3", ls="--", lw=1)
        ax.set_ylabel({"csat": "CSAT (1-5)", "profit": "profit (salary-days/day)"}.get(m, m))
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8, ncol=2, loc="best")
    axes[0].set_title(f"Around the switch (day {day}, dashed): {SMOOTH}-day means, 95 % bands across replicates")
    axes[-1].set_xlabel("working day")
    fig.tight_layout()
    return fig


def render(r, daily: pd.DataFrame, exp: dict, tr: dict) -> None:
    """The report's section: one table per metric, and the figure (``r`` is the report being written)."""
    stay, day = tr["stay"], int(tr["day"])
    result = compute(daily, exp, stay=stay, day=day)
    if not result:
        return
    r.add("## The transition, arm by arm", "",
          f"Each arm that changes something mid-run against `{stay}`, paired by replicate, from the day its "
          "change starts (its first intervention: a leadership programme before the switch counts). Per replicate: "
          f"the **dip depth** is the lowest {SMOOTH}-day mean of the daily difference after the switch; the "
          f"**dip length** the working days until that difference is >= 0 for good; **recovery** the working "
          f"days until the arm's own {SMOOTH}-day level is back at its mean over the {BEFORE} days before the "
          "switch, for good; **payback** the working days until the cumulative difference is >= 0 for good. "
          "Cells: mean over replicates [95 % CI]; range across replicates; times count only the replicates "
          "that got there within the run.", "")
    for m in result:
        r.add(f"### {'Customer satisfaction' if m == 'csat' else 'Profit'}", "", *table(result, m), "")
    shown = [a for a in (stay, tr["switch"], "done_badly", "done_well") if a in set(daily["arm"])]
    r.figure(figure(daily, arms=shown, day=day, metrics=[m for m in METRICS if m in daily]),
             "transition_levels", "CSAT and profit around the switch, per arm (mean and 95 % band)")


__all__ = ["compute", "per_replicate", "summarise", "switching_arms", "table", "figure", "render"]
