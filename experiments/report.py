"""`servicesim report DIR`: figures (PNG + SVG) and a Markdown report of a results directory.

What is shown follows the experiment: arms get bar charts, paired differences and time series;
a 2-D grid gets a heatmap and lines with intervals (and where each line peaks); a 1-D grid
crossed with arms gets the arms' curves and their paired gaps; a transition gets dip, delay and
payback; per-team tables get the engagement-satisfaction scatter and correlations; a sensitivity
analysis gets Morris and Sobol charts. Numbers come from :mod:`servicesim.experiments.stats`.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import pandas as pd

from servicesim.model.metrics import HEADLINE, METRICS

from . import stats
from .design import ExperimentError, parse_experiment
from .store import Results, load

TS_METRICS = ("csat", "engagement", "first_contact_resolution", "stress")


def _num(name: str, v: float, *, diff: bool = False) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "n/a"
    m = METRICS.get(name)
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


def _label(name: str) -> str:
    m = METRICS.get(name)
    return f"{m.label} ({m.unit})" if m else name


def _md_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


class _Report:
    def __init__(self, res: Results, formats):
        self.res = res
        self.out = res.root / "report"
        self.figdir = self.out / "figures"
        self.formats = formats
        self.lines: list[str] = []
        self.files: list[Path] = []
        exp = res.manifest["experiment"]
        self.exp = exp
        self.metrics = [m for m in (exp.get("report", {}).get("metrics") or exp["metrics"]) if m in res.summary]

    def add(self, *text: str) -> None:
        self.lines.extend(text)

    def figure(self, fig, name: str, caption: str) -> None:
        from servicesim.viz.figures import save

        paths = save(fig, self.figdir / name, self.formats)
        self.files += paths
        shown = next((p for p in paths if p.suffix == ".png"), paths[0])
        self.add(f"![{caption}](figures/{shown.name})", f"*{caption}*", "")


def _arm_section(r: _Report, summary: pd.DataFrame, daily: pd.DataFrame) -> None:
    from servicesim.viz import figures as F

    exp = r.exp
    arms = [a["name"] for a in exp["arms"]]
    means = stats.group_means(summary, "arm", r.metrics)
    pairs = exp.get("report", {}).get("pairs") or [[a, exp["baseline"]] for a in arms if a != exp["baseline"]]
    key = "csat" if "csat" in r.metrics else r.metrics[0]
    bullets = []
    for arm, base in pairs:
        sub = summary[summary["arm"].isin([arm, base])]
        t = stats.paired_table(sub, [key], baseline=base)
        if len(t):
            t = t.iloc[0]
            verdict = ("no detectable difference" if math.isnan(t["low"]) or t["low"] <= 0 <= t["high"]
                       else ("higher" if t["mean"] > 0 else "lower"))
            bullets.append(f"- **{arm.replace('_', ' ')} vs {base.replace('_', ' ')}**: {METRICS[key].label.lower()} "
                           f"{_num(key, t['mean'], diff=True)} {_ci(key, t['low'], t['high'], diff=True)} "
                           f"({METRICS[key].unit}; p {_p(t['p_value'])}, d_z {t['d_z']:+.2f}, {int(t['n'])} pairs): "
                           f"{verdict}.")
    if bullets:
        r.add("## Key results", "", f"Paired difference (95 % CI) in {METRICS[key].label.lower()} over the whole run:", "",
              *bullets, "")
    r.add("## Results by arm", "",
          "Mean over replicates with its 95 % confidence interval (t distribution).", "")
    header = ["Metric"] + [a.replace("_", " ") for a in arms]
    rows = []
    for m in r.metrics:
        row = [_label(m)]
        for a in arms:
            e = means[(means["arm"] == a) & (means["metric"] == m)]
            row.append("n/a" if e.empty else f"{_num(m, e['mean'].iloc[0])} {_ci(m, e['low'].iloc[0], e['high'].iloc[0])}")
        rows.append(row)
    r.add(_md_table(header, rows), "")
    for m in [m for m in ("csat", "engagement", "first_contact_resolution") if m in r.metrics]:
        sub = means[means["metric"] == m].set_index("arm").loc[[a for a in arms if a in set(means["arm"])]].reset_index()
        r.figure(F.bar_chart(sub, m, title=f"{METRICS[m].label} by arm"), f"bars_{m}",
                 f"{METRICS[m].label}: mean and 95 % interval per arm")

    # paired differences
    rows, chart = [], []
    for arm, base in pairs:
        tab = stats.paired_table(summary[summary["arm"].isin([arm, base])], r.metrics, baseline=base)
        for _, t in tab.iterrows():
            rows.append([f"{arm.replace('_', ' ')} - {base.replace('_', ' ')}", _label(t["metric"]),
                         f"{_num(t['metric'], t['mean'], diff=True)} {_ci(t['metric'], t['low'], t['high'], diff=True)}",
                         _p(t["p_value"]), "n/a" if math.isnan(t["d_z"]) else f"{t['d_z']:+.2f}", str(int(t["n"]))])
            if t["metric"] == "csat":
                chart.append({"label": f"{arm} - {base}", "mean": t["mean"], "low": t["low"], "high": t["high"]})
    if rows:
        all_p = [float(x[3].replace("< ", "")) if x[3] != "n/a" else np.nan for x in rows]
        r.add("## Paired differences", "",
              "Replicate r of every arm ran with the same seed (common random numbers), so the arms are compared "
              "replicate by replicate: mean difference with its 95 % t-interval, two-sided paired t-test p-value "
              "(unadjusted; there are "
              f"{sum(not math.isnan(p) for p in all_p)} tests in this table, so expect about one in twenty of "
              "the true-null ones below 0.05), and Cohen's d_z (mean difference / sd of differences).", "",
              _md_table(["Comparison", "Metric", "Difference [95 % CI]", "p", "d_z", "pairs"], rows), "")
    if chart:
        r.figure(F.difference_chart(pd.DataFrame(chart), "csat"), "differences_csat",
                 "Customer satisfaction: paired differences with 95 % intervals")
    if len(daily):
        for m in [m for m in TS_METRICS if m in daily]:
            bands = stats.daily_bands(daily, m, "arm")
            smooth = 5 if r.exp["days"] >= 60 else 1
            events = []
            tr = exp.get("report", {}).get("transition")
            if tr:
                events = [(tr["day"], "switch")]
            r.figure(F.time_series(bands, m, events=events, smooth=smooth), f"timeseries_{m}",
                     f"{METRICS[m].label} over time, mean and 95 % band per arm")


def _grid2_section(r: _Report, summary: pd.DataFrame, x: str, hue: str) -> None:
    from servicesim.viz import figures as F

    r.add(f"## {x.replace('_', ' ').capitalize()} x {hue.replace('_', ' ')}", "")
    for m in [m for m in ("csat", "first_contact_resolution", "engagement") if m in r.metrics]:
        g = stats.group_means(summary, [x, hue], [m])
        r.figure(F.heatmap(g, m, x=x, y=hue), f"heatmap_{m}", f"{METRICS[m].label} over {x} and {hue}")
        r.figure(F.lines_with_ci(g, m, x=x, hue=hue), f"lines_{m}",
                 f"{METRICS[m].label} against {x}, one line per {hue} (95 % bands, peaks circled)")
        if m != "csat":
            continue
        rows = []
        for h, sub in g.groupby(hue):
            sub = sub.sort_values(x).reset_index(drop=True)
            i = int(sub["mean"].idxmax())
            peak = sub.loc[i]
            # paired: the peak against the ends of the curve (same seeds)
            cell = summary[summary[hue] == h]
            ends = []
            for j in (0, len(sub) - 1):
                if j == i:
                    ends.append("(peak)")
                    continue
                a = cell[cell[x] == peak[x]].sort_values("replicate")[m].to_numpy()
                b = cell[cell[x] == sub.loc[j, x]].sort_values("replicate")[m].to_numpy()
                d = stats.paired_difference(a, b)
                ends.append(f"{_num(m, d.mean, diff=True)} {_ci(m, d.low, d.high, diff=True)}")
            shape = "interior peak (rises then falls)" if 0 < i < len(sub) - 1 else (
                "peak at the highest value" if i == len(sub) - 1 else "peak at the lowest value")
            mat = cell.pivot_table(index="replicate", columns=x, values=m).reindex(columns=sub[x]).to_numpy()
            share = stats.peak_stability(mat)[i] if np.isfinite(mat).any(axis=0).all() else math.nan
            rows.append([f"{h:g}", f"{peak[x]:g}", f"{_num(m, peak['mean'])} {_ci(m, peak['low'], peak['high'])}",
                         ends[0], ends[1], shape, "n/a" if math.isnan(share) else f"{100 * share:.0f} %"])
        r.add(f"Where {METRICS[m].label.lower()} peaks along {x}, for each {hue} (peak minus the curve's ends, "
              "paired by seed, 95 % CI):", "",
              _md_table([hue, f"peak {x}", "peak value", f"peak - at lowest {x}", f"peak - at highest {x}", "shape",
                         "same peak in bootstrap"], rows), "",
              "*Same peak in bootstrap*: the share of 2,000 resamples of the replicates in which this level is "
              "still the best one (how well located the peak is).", "")


def _grid1_arms_section(r: _Report, summary: pd.DataFrame, x: str) -> None:
    from servicesim.viz import figures as F

    exp = r.exp
    base = exp["baseline"]
    r.add(f"## Arms across {x.replace('_', ' ')}", "")
    for m in [m for m in ("csat", "first_contact_resolution", "escalation_rate") if m in r.metrics]:
        g = stats.group_means(summary, ["arm", x], [m])
        r.figure(F.lines_with_ci(g, m, x=x, hue="arm", mark_peak=False), f"lines_{m}",
                 f"{METRICS[m].label} against {x} per arm (95 % bands)")
    m = "csat" if "csat" in r.metrics else r.metrics[0]
    tab = stats.paired_table(summary, [m], baseline=base, within=[x])
    if len(tab):
        g = tab.rename(columns={})
        r.figure(F.lines_with_ci(g, m, x=x, hue="arm", mark_peak=False, zero_line=True,
                                 ylabel=F.metric_label(m, difference=True),
                                 title=f"Gap to {base.replace('_', ' ')} in {METRICS[m].label.lower()} "
                                       f"against {x.replace('_', ' ')}",
                                 subtitle=f"Paired by seed; mean and 95 % band. Above zero: better than {base}."),
                 f"gap_{m}", f"Paired gap to {base} against {x}")
        rows = []
        for arm, sub in tab.groupby("arm", sort=False):
            sub = sub.sort_values(x)
            cells = [f"{_num(m, t['mean'], diff=True)} {_ci(m, t['low'], t['high'], diff=True)}"
                     for _, t in sub.iterrows()]
            # does the gap grow with x? paired slope test: regress per-replicate gap on x
            arm_rows = summary[summary["arm"] == arm].merge(summary[summary["arm"] == base], on=[x, "replicate"],
                                                            suffixes=("", "_b"))
            gaps = arm_rows[m] - arm_rows[f"{m}_b"]
            from scipy import stats as st

            lr = st.linregress(arm_rows[x], gaps)
            rows.append([f"{arm.replace('_', ' ')} - {base.replace('_', ' ')}", *cells,
                         f"{lr.slope:+.3f} (p {_p(lr.pvalue)})"])
        xs = sorted(tab[x].unique())
        r.add(f"Paired gap in {METRICS[m].label.lower()} to {base}, at each {x} (95 % CI), and the slope of the gap "
              f"against {x} (least squares over all replicates):", "",
              _md_table(["Comparison", *[f"{x} = {v:g}" for v in xs], "slope of gap"], rows), "")


def _transition_section(r: _Report, daily: pd.DataFrame) -> None:
    from servicesim.viz import figures as F

    tr = r.exp["report"]["transition"]
    m = tr.get("metric", "csat")
    res = stats.transition(daily, switch=tr["switch"], stay=tr["stay"], day=tr["day"], metric=m)
    r.add("## The transition", "")
    r.figure(F.transition_chart(res), "transition", "Daily and cumulative paired difference after the switch")
    dip, fin = res["dip"], res["final_cumulative"]
    pre = res["pre_switch_difference"]
    payback = res["payback_day"]
    lines = [
        f"- Before the switch (days 0-{tr['day'] - 1}) the two arms are the same organisation: mean daily difference "
        f"{_num(m, pre.mean, diff=True)} {_ci(m, pre.low, pre.high, diff=True)} (a check: it should include 0).",
        f"- **Dip**: the lowest mean daily difference after the switch is {_num(m, dip.mean, diff=True)} "
        f"{_ci(m, dip.low, dip.high, diff=True)} on day {res['dip_day']} "
        + ("(a real dip: the interval is below 0)." if dip.high < 0 else
           "(no significant dip: the interval reaches 0 or above)."),
        f"- **Delay**: the daily gain is established (lower 95 % bound above 0 from then on) "
        + (f"from day {res['delay_day']:.0f}, {res['delay_day'] - tr['day']:.0f} working days after the switch."
           if not math.isnan(res["delay_day"]) else "at no point before the end of the run."),
        f"- **Payback**: the cumulative difference since the switch becomes and stays >= 0 "
        + (f"on day {payback:.0f}, {payback - tr['day']:.0f} working days after the switch."
           if not math.isnan(payback) else "never within the run: the switch has not paid back."),
        f"- Replicate by replicate: {res['replicates_paid_back']} of {res['replicates']} paid back"
        + (f" (median day {res['median_replicate_payback_day']:.0f})." if res["replicates_paid_back"] else "."),
        f"- Cumulative difference at the end of the run: {_num(m, fin.mean, diff=True)} "
        f"{_ci(m, fin.low, fin.high, diff=True)} ({METRICS[m].unit} x working days).",
    ]
    r.add(*lines, "")
    r.transition = res


def _teams_section(r: _Report, teams: pd.DataFrame) -> None:
    from servicesim.viz import figures as F

    if not {"engagement", "csat"} <= set(teams.columns):
        return
    pooled = stats.correlation(teams["engagement"], teams["csat"])
    r.add("## Engagement and customer satisfaction across teams (service-profit chain)", "")
    r.figure(F.scatter(teams, x="engagement", y="csat", hue="arm",
                       title="Engaged teams, satisfied customers?",
                       subtitle=f"One point per team and replicate. Pearson r = {pooled['r']:.2f} "
                                f"[{pooled['low']:.2f}, {pooled['high']:.2f}], r squared = {pooled['r2']:.2f}."),
             "teams_engagement_csat", "Per-team engagement against per-team customer satisfaction")
    rows = [["all teams, all arms", str(pooled["n"]), f"{pooled['r']:.2f} [{pooled['low']:.2f}, {pooled['high']:.2f}]",
             f"{pooled['rho']:.2f}", f"{pooled['r2']:.2f}"]]
    for arm, sub in teams.groupby("arm", sort=False):
        c = stats.correlation(sub["engagement"], sub["csat"])
        rows.append([f"within {arm.replace('_', ' ')}", str(c["n"]),
                     f"{c['r']:.2f} [{c['low']:.2f}, {c['high']:.2f}]" if not math.isnan(c["r"]) else "n/a",
                     f"{c['rho']:.2f}" if not math.isnan(c["rho"]) else "n/a",
                     f"{c['r2']:.2f}" if not math.isnan(c["r2"]) else "n/a"])
    within = stats.within_run_correlations(teams)
    w = stats.mean_ci(within["r"])
    r.add(_md_table(["Teams", "n", "Pearson r [95 % CI]", "Spearman rho", "r squared"], rows), "",
          f"Inside one organisation (one run), the correlation between its teams averages r = {w.mean:.2f} "
          f"{'[%.2f, %.2f]' % (w.low, w.high) if not math.isnan(w.low) else ''} over {w.n} runs. Pooled across "
          "styles, part of the correlation comes from the styles moving both; r squared below 1 says how much of "
          "the teams' satisfaction engagement leaves unexplained.", "")


def _experiment(manifest: dict):
    exp = manifest["experiment"]
    source = exp.get("source", "experiment")
    return parse_experiment(manifest["definition"], source=source, base_dir=Path(source).parent,
                            name=exp["name"], replicates=exp["replicates"], days=exp["days"], seed=exp["seed"])


def _sensitivity_section(r: _Report, summary: pd.DataFrame) -> None:
    from servicesim.viz import figures as F

    from . import sensitivity as S

    exp = _experiment(r.res.manifest)
    d = exp.design
    metric = d["metric"]
    r.add(f"## Sensitivity of {METRICS[metric].label.lower()}", "",
          f"{len(d['bounds'])} parameters, each over [low, high] around the scenario's value (spread "
          f"{d['spread']:g}, or the bounds given); every sample point is the mean of {exp.replicates} replicates "
          "with common seeds.", "")
    selected = r.res.manifest.get("stages", {}).get("sobol", {}).get("params", [])
    if (summary["stage"] == "morris").any():
        try:
            mt = S.analyse_morris(exp, summary)
        except ValueError as exc:
            r.add(f"Morris analysis not possible yet: {exc}.", "")
        else:
            r.figure(F.morris_chart(mt, metric=metric, selected=selected), "morris",
                     "Morris screening: mu* with 95 % intervals, and sigma against mu*")
            rows = [[p.replace("_", " "), f"{a:.3g} ± {b:.2g}", f"{mu:+.3g}", f"{s:.3g}",
                     f"{d['bounds'][p][0]:g} .. {d['bounds'][p][1]:g}"]
                    for p, a, b, mu, s in mt[["param", "mu_star", "mu_star_conf", "mu", "sigma"]].head(15).itertuples(
                        index=False)]
            r.add("Top 15 by mu* (± is the 95 % bootstrap half-width):", "",
                  _md_table(["parameter", "mu*", "mu", "sigma", "range"], rows), "")
    if (summary["stage"] == "sobol").any():
        names = selected or list(d["bounds"])
        try:
            stt = S.analyse_sobol(exp, summary, names)
        except ValueError as exc:
            r.add(f"Sobol analysis not possible yet: {exc}.", "")
        else:
            r.figure(F.sobol_chart(stt, metric=metric), "sobol", "Sobol indices with 95 % intervals")
            rows = [[p.replace("_", " "), f"{a:.3f} ± {b:.3f}", f"{c:.3f} ± {e:.3f}"]
                    for p, a, b, c, e in stt[["param", "S1", "S1_conf", "ST", "ST_conf"]].itertuples(index=False)]
            r.add(f"Sobol indices (N = {d['n']}; others held at the scenario's value):", "",
                  _md_table(["parameter", "first order S1", "total ST"], rows), "")


def write_report(root: str | Path, formats=("png", "svg")) -> Path:
    """Write DIR/report/report.md and DIR/report/figures/*; return the Markdown path."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    res = load(root)
    if res.summary.empty:
        raise ExperimentError(f"DIR '{root}' holds no finished runs yet; allowed: a directory where "
                              f"`servicesim sweep` has finished at least one run")
    r = _Report(res, formats)
    exp = r.exp
    summary, daily, teams = res.summary, res.daily, res.teams
    planned = res.manifest.get("runs") or len(exp["arms"]) * exp["replicates"]
    done = len(summary)
    v = res.manifest.get("versions", {})
    r.add(f"# {exp['name'].replace('_', ' ').capitalize()}", "", exp.get("description", ""), "",
          f"- Runs: {done} finished" + (f" of {planned} planned" if planned and planned != done else "")
          + f"; {exp['days']} working days each; {summary['replicate'].nunique()} replicates per point "
          f"(paired seeds from base seed {exp['seed']}).",
          f"- Arms: {', '.join(a['name'] for a in exp['arms'])}; design: {exp['design_kind']}.",
          f"- servicesim {v.get('servicesim', '?')}, Mesa {v.get('mesa', '?')}, numpy {v.get('numpy', '?')}, "
          f"Python {v.get('python', '?')}; created {res.manifest.get('created', '?')}. Definition, seeds and "
          "versions: `manifest.json`.", "")
    if planned and done < planned:
        r.add(f"> **Incomplete**: {planned - done} runs are missing; run the sweep command again to finish. "
              "Statistics below use the finished runs only.", "")
    kind = exp["design_kind"]
    factors = [c for c in (exp["design"] if kind == "grid" else []) if c in summary]
    rep = exp.get("report", {})
    if kind == "sensitivity":
        _sensitivity_section(r, summary)
    elif kind == "grid" and len(exp["arms"]) == 1 and len(factors) >= 2:
        x = rep.get("x", factors[0])
        hue = rep.get("hue", next(f for f in factors if f != x))
        _grid2_section(r, summary, x, hue)
    elif kind == "grid" and len(factors) == 1 and len(exp["arms"]) > 1:
        _grid1_arms_section(r, summary, rep.get("x", factors[0]))
    elif kind == "arms":
        _arm_section(r, summary, daily)
    else:
        by = ["arm", *factors] if factors else ["arm"]
        g = stats.group_means(summary, by, r.metrics)
        r.add("## Results", "", _md_table([*by, "metric", "n", "mean", "95 % CI"],
                                          [[*[str(t[b]) for b in by], _label(t["metric"]), str(t["n"]),
                                            _num(t["metric"], t["mean"]), _ci(t["metric"], t["low"], t["high"])]
                                           for _, t in g.iterrows()]), "")
    if "transition" in rep and len(daily):
        _transition_section(r, daily)
    if rep.get("teams") and len(teams):
        _teams_section(r, teams)
    r.add("## Files", "", "- `summary/*.parquet`: one row per run (`pd.read_parquet('summary')`); "
          "`daily/*.parquet`: one row per run and day; `teams/*.parquet`: one row per run and team.",
          "- Figures in `report/figures/` as " + " and ".join(f.upper() for f in formats) + ".", "")
    r.out.mkdir(parents=True, exist_ok=True)
    path = r.out / "report.md"
    tmp = path.with_name(f".report.md.tmp-{os.getpid()}")
    tmp.write_text("\n".join(r.lines))
    os.replace(tmp, path)
    return path


__all__ = ["write_report"]
