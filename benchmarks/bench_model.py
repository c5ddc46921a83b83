"""Model speed and memory: requests per second, seconds per simulated year, peak memory.

Each size runs in its own process on one core (BLAS threads pinned to 1), so peak memory is
that size's alone. Usage: python benchmarks/bench_model.py [--sizes small,medium,large] [--days 250]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

SIZES = {  # teams x team_size front-office staff, plus back office, payroll and managers
    "small": {"teams": 10, "team_size": 8},
    "medium": {"teams": 100, "team_size": 8},
    "large": {"teams": 1000, "team_size": 8},
}


def measure(size: str, days: int, scenario: str, seed: int) -> dict:
    import resource

    from servicesim.model import ServiceModel, load_scenario

    sc = load_scenario(scenario, SIZES[size])
    t0 = time.perf_counter()
    model = ServiceModel(sc.params, interventions=sc.interventions, seed=seed)
    built = time.perf_counter() - t0
    t0 = time.perf_counter()
    model.run(days)
    ran = time.perf_counter() - t0
    s = model.summary()
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "size": size, "employees": s["employees"], "customers": model.customers.initial, "days": days,
        "requests": s["requests_arrived"], "build_s": round(built, 3), "run_s": round(ran, 3),
        "requests_per_s": round(s["requests_arrived"] / ran), "s_per_year": round(ran * 250 / days, 2),
        "peak_mib": round(peak_kib / 1024, 1), "csat": round(s["csat"], 3),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="small,medium,large")
    ap.add_argument("--days", type=int, default=250)
    ap.add_argument("--scenario", default="bersin")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.days, args.scenario, args.seed)))
        return 0
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    rows = []
    print(f"{'size':8} {'employees':>9} {'customers':>10} {'requests':>11} {'build s':>8} {'run s':>8} "
          f"{'req/s':>10} {'s/year':>7} {'peak MiB':>9}")
    for size in args.sizes.split(","):
        cmd = [sys.executable, __file__, "--child", size, "--days", str(args.days), "--scenario", args.scenario,
               "--seed", str(args.seed)]
        if sys.platform.startswith("linux"):
            cmd = ["taskset", "-c", "0", *cmd]      # one core
        out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True).stdout
        r = json.loads(out.strip().splitlines()[-1])
        rows.append(r)
        print(f"{r['size']:8} {r['employees']:>9,} {r['customers']:>10,} {r['requests']:>11,} {r['build_s']:>8} "
              f"{r['run_s']:>8} {r['requests_per_s']:>10,} {r['s_per_year']:>7} {r['peak_mib']:>9}")
    if len(rows) > 1:
        a, b = rows[0], rows[-1]
        print(f"\n{b['size']} vs {a['size']}: {b['employees'] / a['employees']:.0f}x the employees, "
              f"{b['requests'] / a['requests']:.0f}x the requests, {b['run_s'] / a['run_s']:.0f}x the time "
              f"(cost per request {b['run_s'] / b['requests'] / (a['run_s'] / a['requests']):.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
