"""What each sub-command does (the parser that calls these is :mod:`servicesim.cli`).

Single runs: params, scenarios, run, trace, compare-presets. Many runs: sweep, compare, report.
Each handler takes the parsed arguments and returns an exit code; bad input raises a
:class:`~servicesim.model.errors.ServicesimError`, which the command line prints as one line (exit 2).
"""

from __future__ import annotations

import json
import math
import os
import sys
from typing import TYPE_CHECKING, Any

from servicesim.experiments.design import ExperimentError, load_experiment, shipped
from servicesim.model import ServiceModel
from servicesim.model import params as P
from servicesim.model.errors import ParamError
from servicesim.model.journey import explain
from servicesim.model.metrics import HEADLINE, METRICS
from servicesim.model.scenario import Scenario, list_scenarios, load_scenario, style_names, with_style

if TYPE_CHECKING:
    from servicesim.experiments.compare import Comparison

# Sweeps, statistics and reports import pyarrow, scipy.stats and matplotlib: their handlers import them
# when they run, so that `servicesim params` or `run` starts quickly.

JSON_KEYS = ("csat", "nps", "first_contact_resolution", "resolution_time_days", "escalation_rate",
             "handoffs_per_request", "error_rate", "engagement", "stress", "turnover_rate", "culture_alignment",
             "skill", "requests_arrived", "requests_resolved", "requests_open", "requests_abandoned",
             "backlog_mean", "arrival_rate", "weakest_team_csat", "employees", "days", "seed")


# --- argument helpers ------------------------------------------------------------------------------
def positive_int(field: str, low: int = 1, high: int = 100_000):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise ParamError(f"{field}: {text!r} is not an integer; allowed: an integer in [{low}, {high}]") from None
        if not low <= value <= high:
            raise ParamError(f"{field}: {value} is out of range; allowed: an integer in [{low}, {high}]")
        return value
    return parse


def default_workers() -> str:
    return str(max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)))


def resolve_scenario(ref: str, sets: list[str], style: str | None = None) -> Scenario:
    """A scenario with --style and --set applied, validated."""
    scenario = load_scenario(ref)
    if style is not None:
        if style not in style_names():
            raise ParamError(f"--style: {style!r} is unknown; allowed: {', '.join(style_names())}")
        scenario = with_style(scenario, style)
    overrides = dict(P.parse_assignment(text) for text in sets)
    return scenario.with_params(overrides) if overrides else scenario


def scenario_run_args(args) -> tuple[Scenario, int, int]:
    scenario = resolve_scenario(args.scenario, args.set, args.style)
    days = positive_int("--days", 1, 100_000)(args.days)
    args.warmup_days = positive_int("--warmup", 0, 100_000)(getattr(args, "warmup", "0"))
    seed = positive_int("--seed", 0, 2**63 - 1)(args.seed)
    return scenario, days, seed


def fmt(name: str, value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if isinstance(value, int):
        return f"{value:,}"
    unit = METRICS[name].unit if name in METRICS else ""
    if unit in ("share", "share per year"):
        return f"{100 * value:.1f} %"
    return f"{value:,.2f}"


# --- params ------------------------------------------------------------------------------------
def cmd_params(args) -> int:
    rows = [("name", "default", "allowed", "unit", "meaning")]
    for group, params in P.by_group().items():
        rows.append((f"[{group}] {P.GROUPS[group]}", "", "", "", ""))
        for p in params:
            mark = " *" if p.reset_only else ""
            allowed = " | ".join(p.choices) if p.kind == "choice" else f"{p.low} .. {p.high}"
            rows.append((p.name + mark, str(p.default), allowed, p.unit, p.meaning))
    widths = [max(len(r[i]) for r in rows if r[1]) for i in range(4)]
    for r in rows:
        if not r[1] and r is not rows[0]:
            print(f"\n{r[0]}")
            continue
        print("  ".join(c.ljust(w) for c, w in zip(r[:4], widths, strict=True)) + "  " + r[4])
    print("\n* structural: takes effect when a model is built (reset), not during a run")
    return 0


# --- scenarios ------------------------------------------------------------------------------------
def cmd_scenarios(args) -> int:
    rows = list_scenarios()
    width = max(len(n) for n, _, _ in rows)
    current = None
    for name, category, description in rows:
        if category != current:
            current = category
            print({"style": "Management styles:", "sector": "Sectors:"}.get(category, "Other:"))
        print(f"  {name.ljust(width)}  {description}")
    print("\nRun one with `servicesim run NAME`, or give the path of your own TOML file.")
    return 0


# --- run ---------------------------------------------------------------------------------------------
def summary_table(results: dict[str, dict], keys=None) -> str:
    keys = keys or [k for k in METRICS if any(k in r for r in results.values())]
    label_w = max(len(METRICS[k].label) + len(METRICS[k].unit) + 3 for k in keys)  # upper bound
    col_w = max(12, *(len(n) for n in results))
    lines = [" " * label_w + "  " + "  ".join(n.rjust(col_w) for n in results)]
    for k in keys:
        unit = METRICS[k].unit
        plain = unit.startswith("per ") or unit in ("share", "share per year")
        label = METRICS[k].label if plain else f"{METRICS[k].label} ({unit})"
        lines.append(label.ljust(label_w) + "  " + "  ".join(fmt(k, r.get(k)).rjust(col_w) for r in results.values()))
    return "\n".join(lines)


def cmd_run(args) -> int:
    scenario, days, seed = scenario_run_args(args)
    model = ServiceModel(scenario.params, interventions=scenario.interventions, seed=seed)
    model.warm_up(args.warmup_days)
    model.run(days)
    summary = model.summary()
    if args.json:
        out = {k: summary[k] for k in JSON_KEYS}
        out.update({k: v for k, v in summary.items() if k not in out})
        out["scenario"] = scenario.name
        out = {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in out.items()}
        out["params"] = dict(scenario.params)   # the effective value of every parameter
        json.dump(out, sys.stdout)
        sys.stdout.write("\n")
        return 0
    print(f"Scenario {scenario.name}: {scenario.description}")
    warm = f" after a warm-up of {args.warmup_days} days" if args.warmup_days else ""
    print(f"{days} working days{warm}, seed {seed}, {summary['employees']:,} employees, "
          f"{summary['requests_arrived']:,} requests ({summary['arrival_rate']:.0f} a day)")
    for iv in model.intervention_log:
        print(f"  day {iv.day}: {iv.label()}")
    print()
    print(summary_table({scenario.name: summary}))
    print(f"\nConservation: {summary['requests_arrived']:,} arrived = {summary['requests_resolved']:,} resolved "
          f"+ {summary['requests_abandoned']:,} abandoned + {summary['requests_open']:,} still open")
    return 0


# --- trace -------------------------------------------------------------------------------------------
def cmd_trace(args) -> int:
    scenario, days, seed = scenario_run_args(args)
    rid = positive_int("--request", 0, 10**12)(args.request)
    model = ServiceModel(scenario.params, interventions=scenario.interventions, seed=seed, record_journeys=True)
    while model.day < days and model.outcome(rid) is None:
        model.step()
    if model.chain.next_id <= rid:
        raise ParamError(f"--request: {rid} never arrived; allowed: 0 .. {model.chain.next_id - 1} "
                         f"(requests that arrived in {model.day} days with seed {seed})")
    print(f"Request #{rid} in scenario {scenario.name} (seed {seed})")
    for e in model.journey(rid):
        print(f"  day {e['day']:>4}  {e['text']}")
    print("Why:")
    for line in explain(model.outcome(rid)):
        print(f"  - {line}")
    return 0


# --- compare-presets (quick, one seed; statistics live in `servicesim compare`) ---------------------
def cmd_compare_presets(args) -> int:
    days = positive_int("--days", 1, 100_000)(args.days)
    warmup = positive_int("--warmup", 0, 100_000)(args.warmup)
    seed = positive_int("--seed", 0, 2**63 - 1)(args.seed)
    overrides = dict(P.parse_assignment(t) for t in args.set)
    results = {}
    for ref in args.scenarios:
        scenario = load_scenario(ref).with_params(overrides) if overrides else load_scenario(ref)
        model = ServiceModel(scenario.params, interventions=scenario.interventions, seed=seed)
        model.warm_up(warmup).run(days)
        results[scenario.name] = model.summary()
    print(f"{days} working days, seed {seed}, same customers and organisation for every style\n")
    print(summary_table(results, list(HEADLINE) + ["requests_abandoned", "weakest_team_csat"]))
    best = max(results, key=lambda n: results[n]["csat"])
    print(f"\nHighest customer satisfaction: {best} ({results[best]['csat']:.2f} / 5). One run is an anecdote: "
          f"`servicesim compare A B --replicates 10` gives intervals.")
    return 0


# --- sweep ----------------------------------------------------------------------------------------------
def cmd_sweep(args) -> int:
    from servicesim.experiments.runner import sweep
    from servicesim.experiments.store import ResultStore

    if args.list:
        for name, path in shipped().items():
            print(f"  {name.ljust(24)} {load_experiment(path).description}")
        return 0
    if not args.experiment:
        raise ExperimentError("EXPERIMENT is missing; allowed: a TOML file or one of " + ", ".join(shipped()))
    if not args.out:
        raise ExperimentError("--out is missing; allowed: a new or empty directory, or one to resume")
    replicates = positive_int("--replicates", 1, 100_000)(args.replicates) if args.replicates else None
    days = positive_int("--days", 1, 100_000)(args.days) if args.days else None
    seed = positive_int("--seed", 0, 2**63 - 1)(args.seed) if args.seed else None
    warmup = positive_int("--warmup", 0, 100_000)(args.warmup) if args.warmup else None
    workers = positive_int("--workers", 1, 4096)(args.workers)
    chunk = positive_int("--chunk", 1, 10_000)(args.chunk) if args.chunk else None
    exp = load_experiment(args.experiment, replicates=replicates, days=days, seed=seed, warmup=warmup)
    where = f"Dask scheduler {args.scheduler}" if args.scheduler else (
        "this process" if workers == 1 else f"{workers} worker processes")
    store = ResultStore(args.out)
    store.check(exp)      # refuse a directory holding something else before saying anything
    store.make_dirs()     # and one that cannot be created
    if not args.quiet:
        print(f"Experiment {exp.name}: {exp.description}", file=sys.stderr)
    try:
        outcome = sweep(exp, args.out, workers=workers, scheduler=args.scheduler, chunk=chunk,
                        progress=not args.quiet)
    except KeyboardInterrupt:
        n = len(store.done_ids())
        print(f"servicesim: sweep stopped; {n} finished runs are saved in {args.out}; run the same command "
              f"again to resume", file=sys.stderr)
        return 130
    rate = outcome.ran / outcome.seconds * 60 if outcome.seconds > 0 else math.nan
    print(f"{outcome.total} runs in {args.out}: {outcome.ran} run now on {where} "
          f"({outcome.seconds:.1f} s, {rate:.0f} runs/min), {outcome.skipped} already done. "
          f"Next: servicesim report {args.out}")
    return 0


# --- compare ------------------------------------------------------------------------------------------
def cmd_compare(args) -> int:
    from servicesim.experiments.compare import compare

    result = compare(args.a, args.b,
                     replicates=positive_int("--replicates", 2, 100_000)(args.replicates),
                     days=positive_int("--days", 1, 100_000)(args.days),
                     warmup=positive_int("--warmup", 0, 100_000)(args.warmup),
                     seed=positive_int("--seed", 0, 2**63 - 1)(args.seed),
                     overrides=dict(P.parse_assignment(t) for t in args.set),
                     workers=positive_int("--workers", 1, 4096)(args.workers),
                     scheduler=args.scheduler, progress=not args.quiet)
    print(render_comparison(result, args.set))
    return 0


def render_comparison(c: Comparison, sets: list[str] = ()) -> str:
    """The comparison as a table: means with intervals, the paired difference B - A, p and d_z; then a verdict
    on customer satisfaction."""
    def interval(name, est):
        return "" if math.isnan(est.low) else f"[{fmt(name, est.low)}, {fmt(name, est.high)}]"

    extra = f", {', '.join(sets)}" if sets else ""
    head = f"{'metric':<36} {c.a[:22]:>22} {c.b[:22]:>22} {'difference B - A':>26} {'p':>8} {'d_z':>6}"
    lines = [f"{c.a} vs {c.b}: {c.replicates} paired replicates (replicate r of both uses the same seed), "
             f"{c.days} days, base seed {c.seed}{extra}",
             "Means with 95 % confidence intervals; difference = B - A, paired t-test; d_z = paired effect size\n",
             head, "-" * len(head)]
    for row in c.metrics:
        m, d = row.metric, row.difference
        label = f"{METRICS[m].label} ({METRICS[m].unit})"
        cell_a = f"{fmt(m, row.a.mean)} {interval(m, row.a)}"
        cell_b = f"{fmt(m, row.b.mean)} {interval(m, row.b)}"
        sign = "+" if d.mean > 0 else ""
        dm = f"{sign}{fmt(m, d.mean)}" if not math.isnan(d.mean) else "n/a"
        cell_d = f"{dm} {interval(m, d)}"
        p = "n/a" if math.isnan(d.p_value) else ("<0.001" if d.p_value < 0.001 else f"{d.p_value:.3f}")
        dz = "n/a" if math.isnan(d.d_z) else f"{d.d_z:+.2f}"
        lines.append(f"{label[:36]:<36} {cell_a:>22} {cell_b:>22} {cell_d:>26} {p:>8} {dz:>6}")
    if not math.isnan(c.row("csat").difference.low):
        better = c.better("csat")
        if better:
            lines.append(f"\nCustomer satisfaction: {better} is higher; the 95 % interval of the difference "
                         f"excludes 0.")
        else:
            lines.append(f"\nCustomer satisfaction: the 95 % interval of the difference includes 0; with "
                         f"{c.replicates} replicates the data cannot tell {c.a} and {c.b} apart.")
    return "\n".join(lines)


# --- report -------------------------------------------------------------------------------------------
def cmd_report(args) -> int:
    from servicesim.experiments.report import write_report

    path = write_report(args.dir, formats=tuple(args.format or ("png", "svg")))
    if not getattr(args, "quiet", False):
        print(terminal_digest(path.read_text()))
    print(f"Report: {path}")
    return 0


def terminal_digest(markdown: str, sections: int = 2) -> str:
    """The report's first sections (key results, main table) as plain text for the terminal:
    text and tables kept, figures and their captions left to the Markdown file."""
    out, seen = [], 0
    for line in markdown.splitlines():
        if line.startswith("## "):
            seen += 1
            if seen > sections:
                break
            out.append("")
            out.append(line[3:].upper())
            continue
        if seen == 0 or line.startswith("![") or (line.startswith("*") and line.endswith("*")):
            continue
        if line.startswith("|---"):
            continue
        out.append(line.replace("**", "").replace("`", ""))
    while out and not out[-1].strip():
        out.pop()
    return "\n".join(out).lstrip("\n")


