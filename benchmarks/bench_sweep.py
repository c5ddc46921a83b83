"""Sweep throughput: runs per minute with 1 and 2 workers, parallel efficiency, headline timings.

    python benchmarks/bench_sweep.py            # throughput + headline at README size and full size
    python benchmarks/bench_sweep.py --quick    # throughput only
    python benchmarks/bench_sweep.py --json     # one JSON object on stdout

Each measurement is a real `servicesim sweep` command into a fresh temporary directory. The sweep
phase (worker start-up, runs, Parquet writes; timed by the command, in the manifest) gives runs/min;
the command's wall-clock adds interpreter start-up and imports (~2 s). Parallel efficiency =
(runs/min with N workers) / (N x runs/min with 1 worker); the 1-worker reference runs in-process,
with no pool overhead, so the efficiency is not flattered. Each configuration is measured
``--repeats`` times and the best kept; the machine should be otherwise idle.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = [sys.executable, "-m", "servicesim"]


def timed_sweep(args: list[str]) -> tuple[float, float]:
    """(wall-clock seconds of the whole command, seconds of its sweep phase from the manifest)."""
    with tempfile.TemporaryDirectory(prefix="bench-sweep-") as tmp:
        start = time.perf_counter()
        subprocess.run(BIN + ["sweep", *args, "--out", str(Path(tmp) / "out"), "--quiet"], check=True,
                       stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - start
        manifest = json.loads((Path(tmp) / "out" / "manifest.json").read_text())
        return wall, float(manifest["sessions"][-1]["seconds"])


def best_of(args: list[str], repeats: int) -> tuple[float, float]:
    """The fastest of ``repeats`` measurements (the least disturbed by other processes)."""
    runs = [timed_sweep(args) for _ in range(repeats)]
    return min(r[0] for r in runs), min(r[1] for r in runs)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="throughput only, skip the headline timings")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--repeats", type=int, default=2, help="measure each configuration this many times, keep the best")
    ap.add_argument("--replicates", type=int, default=8, help="replicates in the throughput sweep (x4 arms)")
    ap.add_argument("--days", type=int, default=120, help="days per run in the throughput sweep")
    ap.add_argument("--workers", type=int, default=2, help="the parallel worker count to compare with 1")
    opts = ap.parse_args()

    runs = 4 * opts.replicates
    base = ["bersin_vs_hierarchical", "--replicates", str(opts.replicates), "--days", str(opts.days)]
    out: dict = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                             "processor": platform.processor() or platform.machine()},
                 "throughput": {"experiment": "bersin_vs_hierarchical", "runs": runs, "days": opts.days}}
    w1, p1 = best_of(base + ["--workers", "1"], opts.repeats)
    wn, pn = best_of(base + ["--workers", str(opts.workers)], opts.repeats)
    n = opts.workers
    out["throughput"].update({
        "repeats": opts.repeats,
        "wall_seconds_1": round(w1, 2), f"wall_seconds_{n}": round(wn, 2),
        "sweep_seconds_1": round(p1, 2), f"sweep_seconds_{n}": round(pn, 2),
        "runs_per_min_1": round(runs / p1 * 60, 1), f"runs_per_min_{n}": round(runs / pn * 60, 1),
        "efficiency": round(p1 / (n * pn), 3),
        "efficiency_wall": round(w1 / (n * wn), 3)})
    if not opts.quick:
        readme, _ = timed_sweep(["bersin_vs_hierarchical", "--replicates", "10", "--days", "250",
                                 "--workers", str(opts.workers)])
        full, _ = timed_sweep(["bersin_vs_hierarchical", "--workers", str(opts.workers)])
        out["headline"] = {"readme_size": {"runs": 40, "days": 250, "seconds": round(readme, 1)},
                           "full_size": {"runs": 80, "days": 250, "seconds": round(full, 1)}}
    if opts.json:
        json.dump(out, sys.stdout, indent=2)
        print()
        return 0
    t = out["throughput"]
    print(f"Sweep throughput: {runs} runs of {opts.days} days (bersin_vs_hierarchical, default organisation), "
          f"best of {opts.repeats}")
    print(f"  1 worker (in-process):  sweep {t['sweep_seconds_1']:6.1f} s  {t['runs_per_min_1']:6.1f} runs/min  "
          f"(command wall-clock {t['wall_seconds_1']:.1f} s)")
    print(f"  {n} workers (processes): sweep {t[f'sweep_seconds_{n}']:6.1f} s  {t[f'runs_per_min_{n}']:6.1f} runs/min  "
          f"(command wall-clock {t[f'wall_seconds_{n}']:.1f} s)")
    print(f"  parallel efficiency {100 * t['efficiency']:.0f} % (target >= 90 %); "
          f"{100 * t['efficiency_wall']:.0f} % counting the ~2 s interpreter start-up")
    if "headline" in out:
        h = out["headline"]
        print(f"Headline experiment on {opts.workers} workers, 250 days per run:")
        print(f"  README size (10 replicates, 40 runs): {h['readme_size']['seconds']:.0f} s")
        print(f"  full size   (20 replicates, 80 runs): {h['full_size']['seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
