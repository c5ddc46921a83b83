"""Sub-commands for many runs: sweep (resumable, parallel), compare (paired statistics), report."""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path

from servicesim.model import params as P
from servicesim.model.errors import ParamError
from servicesim.model.metrics import HEADLINE, METRICS

from .design import ExperimentError, parse_experiment, shipped
from .model_commands import fmt, positive_int


def _workers(text: str) -> int:
    return positive_int("--workers", 1, 4096)(text)


def _default_workers() -> str:
    return str(max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)))


# --- sweep ----------------------------------------------------------------------------------------------
def cmd_sweep(args) -> int:
    from .design import load_experiment
    from .runner import sweep

    if args.list:
        for name, path in shipped().items():
            from .design import load_experiment as _load

            exp = _load(path)
            print(f"  {name.ljust(24)} {exp.description}")
        return 0
    if not args.experiment:
        raise ExperimentError("EXPERIMENT is missing; allowed: a TOML file or one of " + ", ".join(shipped()))
    if not args.out:
        raise ExperimentError("--out is missing; allowed: a new or empty directory, or one to resume")
    replicates = positive_int("--replicates", 1, 100_000)(args.replicates) if args.replicates else None
    days = positive_int("--days", 1, 100_000)(args.days) if args.days else None
    seed = positive_int("--seed", 0, 2**63 - 1)(args.seed) if args.seed else None
    workers = _workers(args.workers)
    chunk = positive_int("--chunk", 1, 10_000)(args.chunk) if args.chunk else None
    exp = load_experiment(args.experiment, replicates=replicates, days=days, seed=seed)
    where = f"Dask scheduler {args.scheduler}" if args.scheduler else (
        "this process" if workers == 1 else f"{workers} worker processes")
    from .store import ResultStore

    ResultStore(args.out).check(exp)  # refuse a directory holding something else before saying anything
    if not args.quiet:
        print(f"Experiment {exp.name}: {exp.description}", file=sys.stderr)
    try:
        outcome = sweep(exp, args.out, workers=workers, scheduler=args.scheduler, chunk=chunk,
                        progress=not args.quiet)
    except KeyboardInterrupt:
        from .store import ResultStore

        n = len(ResultStore(args.out).done_ids()) if Path(args.out).is_dir() else 0
        print(f"servicesim: sweep stopped; {n} finished runs are saved in {args.out}; run the same command "
              f"again to resume", file=sys.stderr)
        raise
    rate = outcome.ran / outcome.seconds * 60 if outcome.seconds > 0 else math.nan
    print(f"{outcome.total} runs in {args.out}: {outcome.ran} run now on {where} "
          f"({outcome.seconds:.1f} s, {rate:.0f} runs/min), {outcome.skipped} already done. "
          f"Next: servicesim report {args.out}")
    return 0


# --- compare ------------------------------------------------------------------------------------------
def cmd_compare(args) -> int:
    from .runner import run_in_memory
    from .stats import mean_ci, paired_difference

    replicates = positive_int("--replicates", 2, 100_000)(args.replicates)
    days = positive_int("--days", 1, 100_000)(args.days)
    seed = positive_int("--seed", 0, 2**63 - 1)(args.seed)
    workers = _workers(args.workers)
    overrides = dict(P.parse_assignment(t) for t in args.set)
    if args.a == args.b:
        raise ParamError(f"compare: A and B are both {args.a!r}; allowed: two different scenarios")
    data = {"name": "compare", "days": days, "replicates": replicates, "seed": seed,
            "metrics": list(HEADLINE), "params": overrides, "output": {"daily": False, "teams": False},
            "arms": [{"name": args.a, "scenario": args.a}, {"name": args.b, "scenario": args.b}]}
    exp = parse_experiment(data, source="compare", base_dir=Path.cwd())
    summary = run_in_memory(exp.runs(exp.points()), workers=workers, scheduler=args.scheduler,
                            progress=not args.quiet, desc=f"{args.a} vs {args.b}")
    a = summary[summary["arm"] == args.a].sort_values("replicate")
    b = summary[summary["arm"] == args.b].sort_values("replicate")
    sets = f", {', '.join(args.set)}" if args.set else ""
    print(f"{args.a} vs {args.b}: {replicates} paired replicates (replicate r of both uses the same seed), "
          f"{days} days, base seed {seed}{sets}")
    print("Means with 95 % confidence intervals; difference = B - A, paired t-test; d_z = paired effect size\n")
    head = f"{'metric':<36} {args.a[:22]:>22} {args.b[:22]:>22} {'difference B - A':>26} {'p':>8} {'d_z':>6}"
    print(head)
    print("-" * len(head))

    def interval(name, lo, hi):
        return "" if math.isnan(lo) else f"[{fmt(name, lo)}, {fmt(name, hi)}]"

    for m in HEADLINE:
        ea, eb = mean_ci(a[m]), mean_ci(b[m])
        d = paired_difference(b[m].to_numpy(), a[m].to_numpy())
        unit = METRICS[m].unit
        label = f"{METRICS[m].label} ({unit})"
        cell_a = f"{fmt(m, ea.mean)} {interval(m, ea.low, ea.high)}"
        cell_b = f"{fmt(m, eb.mean)} {interval(m, eb.low, eb.high)}"
        sign = "+" if d.mean > 0 else ""
        dm = f"{sign}{fmt(m, d.mean)}" if not math.isnan(d.mean) else "n/a"
        cell_d = f"{dm} {interval(m, d.low, d.high)}"
        p = "n/a" if math.isnan(d.p_value) else ("<0.001" if d.p_value < 0.001 else f"{d.p_value:.3f}")
        dz = "n/a" if math.isnan(d.d_z) else f"{d.d_z:+.2f}"
        print(f"{label[:36]:<36} {cell_a:>22} {cell_b:>22} {cell_d:>26} {p:>8} {dz:>6}")
    hib = METRICS["csat"].higher_is_better
    d = paired_difference(b["csat"].to_numpy(), a["csat"].to_numpy())
    if not math.isnan(d.low):
        if d.low > 0 or d.high < 0:
            better = args.b if (d.mean > 0) == hib else args.a
            print(f"\nCustomer satisfaction: {better} is higher; the 95 % interval of the difference excludes 0.")
        else:
            print(f"\nCustomer satisfaction: the 95 % interval of the difference includes 0; with {replicates} "
                  f"replicates the data cannot tell {args.a} and {args.b} apart.")
    return 0


# --- report -------------------------------------------------------------------------------------------
def cmd_report(args) -> int:
    from .report import write_report

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


def register(sub) -> None:
    p = sub.add_parser("sweep", help="run an experiment (many runs, in parallel, resumable) into a directory",
                       description="Run an experiment into DIR. Running the same command again resumes it: "
                                   "finished runs are skipped. Shipped experiments: " + ", ".join(shipped()))
    p.add_argument("experiment", nargs="?", help="a shipped experiment name or a TOML file")
    p.add_argument("--out", metavar="DIR", help="results directory (created; or resumed if it holds this experiment)")
    p.add_argument("--workers", default=_default_workers(),
                   help="parallel worker processes (default: the CPUs available; 1 runs in this process); "
                        "with --scheduler local, the number of Dask workers")
    p.add_argument("--scheduler", metavar="ADDRESS", default=None,
                   help="run on Dask distributed: a scheduler address (tcp://host:8786) or 'local' "
                        "(a local cluster on 127.0.0.1)")
    p.add_argument("--replicates", help="override the experiment's replicates")
    p.add_argument("--days", help="override the experiment's days")
    p.add_argument("--seed", help="override the experiment's base seed")
    p.add_argument("--chunk", help="runs per task (default: automatic, larger for short runs)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--list", action="store_true", help="list the shipped experiments and exit")
    p.set_defaults(handler=cmd_sweep)

    p = sub.add_parser("compare", help="compare two scenarios over paired replicates, with intervals and p-values")
    p.add_argument("a", metavar="A", help="a preset name or scenario file")
    p.add_argument("b", metavar="B", help="a preset name or scenario file")
    p.add_argument("--replicates", default="10", help="paired replicates (default 10)")
    p.add_argument("--days", default="250", help="working days (default 250)")
    p.add_argument("--seed", default="1", help="base seed; replicate seeds derive from it (default 1)")
    p.add_argument("--workers", default=_default_workers(), help="parallel worker processes")
    p.add_argument("--scheduler", metavar="ADDRESS", default=None, help="Dask scheduler address or 'local'")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="override a parameter in both arms (repeatable)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(handler=cmd_compare)

    p = sub.add_parser("report", help="write figures and a Markdown report for a results directory")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("--format", action="append", choices=("png", "svg"), default=None,
                   help="figure formats (default: png and svg)")
    p.set_defaults(handler=cmd_report, format=None)

    from .calibrate import register as register_calibrate  # calibrate: fit an organisation to sourced targets

    register_calibrate(sub)


__all__ = ["register"]
