"""Sub-commands about single runs: params, scenarios, run, trace, compare-presets."""

from __future__ import annotations

import json
import math
import sys
from typing import Any

from servicesim.model import ServiceModel
from servicesim.model import params as P
from servicesim.model.errors import ParamError, ServicesimError
from servicesim.model.journey import explain
from servicesim.model.metrics import HEADLINE, METRICS
from servicesim.model.scenario import Scenario, list_scenarios, load_scenario, style_names, with_style

JSON_KEYS = ("csat", "nps", "first_contact_resolution", "resolution_time_days", "escalation_rate",
             "handoffs_per_request", "error_rate", "engagement", "stress", "turnover_rate", "culture_alignment",
             "skill", "requests_arrived", "requests_resolved", "requests_open", "requests_abandoned",
             "backlog_mean", "arrival_rate", "weakest_team_csat", "employees", "days", "seed")


# --- argument helpers (shared with other command modules) ---------------------------------------
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


def add_scenario_args(parser, *, days: int = 250) -> None:
    parser.add_argument("--days", default=str(days), help=f"working days to simulate (default {days}; a year is 250)")
    parser.add_argument("--seed", default="1", help="random seed (default 1)")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="override a parameter (repeatable); see `servicesim params`")
    parser.add_argument("--style", default=None, help="run the scenario under another management style preset")


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
    seed = positive_int("--seed", 0, 2**63 - 1)(args.seed)
    return scenario, days, seed


def fmt(name: str, value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if isinstance(value, int):
        return f"{value:,}"
    unit = METRICS[name].unit if name in METRICS else ""
    if unit == "share" or unit == "share per year":
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
        print("  ".join(c.ljust(w) for c, w in zip(r[:4], widths)) + "  " + r[4])
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
        label = METRICS[k].label if unit.startswith("per ") or unit in ("share", "share per year") else f"{METRICS[k].label} ({unit})"
        lines.append(label.ljust(label_w) + "  " + "  ".join(fmt(k, r.get(k)).rjust(col_w) for r in results.values()))
    return "\n".join(lines)


def cmd_run(args) -> int:
    scenario, days, seed = scenario_run_args(args)
    model = ServiceModel(scenario.params, interventions=scenario.interventions, seed=seed)
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
    print(f"{days} working days, seed {seed}, {summary['employees']:,} employees, "
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
    seed = positive_int("--seed", 0, 2**63 - 1)(args.seed)
    overrides = dict(P.parse_assignment(t) for t in args.set)
    results = {}
    for ref in args.scenarios:
        scenario = load_scenario(ref).with_params(overrides) if overrides else load_scenario(ref)
        model = ServiceModel(scenario.params, interventions=scenario.interventions, seed=seed).run(days)
        results[scenario.name] = model.summary()
    print(f"{days} working days, seed {seed}, same customers and organisation for every style\n")
    print(summary_table(results, list(HEADLINE) + ["requests_abandoned", "weakest_team_csat"]))
    best = max(results, key=lambda n: results[n]["csat"])
    print(f"\nHighest customer satisfaction: {best} ({results[best]['csat']:.2f} / 5). One run is an anecdote: "
          f"`servicesim compare A B --replicates 10` gives intervals.")
    return 0


def register(sub) -> None:
    p = sub.add_parser("params", help="print the parameter schema")
    p.set_defaults(handler=cmd_params)

    p = sub.add_parser("scenarios", help="list the preset scenarios")
    p.set_defaults(handler=cmd_scenarios)

    p = sub.add_parser("run", help="run one scenario and print its results")
    p.add_argument("scenario", help="a preset name (see `servicesim scenarios`) or a TOML file")
    add_scenario_args(p)
    p.add_argument("--json", action="store_true", help="print exactly one JSON object on stdout")
    p.set_defaults(handler=cmd_run)

    p = sub.add_parser("trace", help="follow one request through the service chain")
    p.add_argument("scenario")
    add_scenario_args(p)
    p.add_argument("--request", required=True, help="request number (0 is the first to arrive)")
    p.set_defaults(handler=cmd_trace)

    p = sub.add_parser("compare-presets", help="run several scenarios side by side (one seed)")
    p.add_argument("scenarios", nargs="+")
    p.add_argument("--days", default="250")
    p.add_argument("--seed", default="1")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    p.set_defaults(handler=cmd_compare_presets)


__all__ = ["register", "resolve_scenario", "add_scenario_args", "positive_int", "summary_table", "ServicesimError"]
