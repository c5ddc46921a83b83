"""Global sensitivity analysis with SALib: Morris screening, then Sobol indices on what matters.

Stage 1 (``morris``) samples Morris trajectories over every selected parameter; its elementary
effects rank the parameters (mu*, with bootstrap confidence intervals). Stage 2 (``sobol``) runs a
Saltelli/Sobol sample over the ``top`` parameters by mu* and estimates first-order and total
indices with confidence intervals. Each sample row is run ``replicates`` times with the common
seeds; the analysis uses the replicate mean, so seed noise is averaged, not mistaken for effects.

Integer parameters are sampled as real numbers and rounded when run (documented approximation).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from servicesim.model import params as P

from .fields import check_bounds, check_int, field_error, typed_rows, unknown_param

METHODS = ("morris", "sobol", "morris_then_sobol")

DEFAULTS = {"method": "morris_then_sobol", "metric": "csat", "spread": 0.5, "trajectories": 10, "levels": 4,
            "n": 64, "top": 6}


def default_bounds(name: str, centre: float, spread: float) -> tuple[float, float] | None:
    """``centre`` +- ``spread`` x centre, clipped to the schema; from the low end when centre is 0."""
    p = P.SCHEMA[name]
    if centre == 0:
        low, high = float(p.low), float(p.low + spread * (p.high - p.low))
    else:
        low, high = centre * (1 - spread), centre * (1 + spread)
        low, high = max(float(p.low), min(low, high)), min(float(p.high), max(low, high))
    if p.kind == "int":
        low, high = float(np.floor(low)), float(np.ceil(high))
        if high - low < 1:
            high = min(float(p.high), low + 1)
    return (low, high) if high > low else None


def parse(src: str, raw: Mapping[str, Any], centre: Mapping[str, Any], metrics) -> dict:
    """Validate an experiment's ``[sensitivity]`` table (``centre``: the arm's parameters)."""
    d = {**DEFAULTS, **raw}
    if d["method"] not in METHODS:
        raise field_error(src, "sensitivity.method", d["method"], ", ".join(METHODS))
    if d["metric"] not in metrics:
        raise field_error(src, "sensitivity.metric", d["metric"],
                          f"one of the experiment's metrics ({', '.join(metrics)})")
    spread = d["spread"]
    if isinstance(spread, bool) or not isinstance(spread, (int, float)) or not 0 < spread <= 10:
        raise field_error(src, "sensitivity.spread", spread, "a number in (0, 10]")
    names = d.get("params", "all")
    if names == "all":  # every number of the schema, coefficients included (choices are not sampled)
        names = [n for n, p in P.SCHEMA.items() if p.kind != "choice"]
    elif not isinstance(names, list) or not names:
        raise field_error(src, "sensitivity.params", names, '"all" or a non-empty array of parameter names')
    exclude = d.get("exclude", [])
    if not isinstance(exclude, list):
        raise field_error(src, "sensitivity.exclude", exclude, "an array of parameter names")
    for n in [*names, *exclude]:
        if n not in P.SCHEMA:
            raise unknown_param(src, n, "sensitivity.params")
    explicit = d.get("bounds", {})
    if not isinstance(explicit, dict):
        raise field_error(src, "sensitivity.bounds", explicit, "a table of name = [low, high]")
    bounds: dict[str, tuple[float, float]] = {}
    for n in names:
        if n in exclude:
            continue
        if n in explicit:
            bounds[n] = check_bounds(src, "sensitivity.bounds", n, explicit[n])
        else:
            b = default_bounds(n, float(centre[n]), float(spread))
            if b is not None:
                bounds[n] = b
    for n in explicit:
        if n not in bounds:
            check_bounds(src, "sensitivity.bounds", n, explicit[n])  # validates the name
            raise field_error(src, f"sensitivity.bounds.{n}", explicit[n], "bounds only for parameters analysed "
                      "(listed in sensitivity.params, not excluded)")
    if len(bounds) < 2:
        raise field_error(src, "sensitivity.params", names, "at least two parameters with a non-empty range")
    traj = check_int(src, "sensitivity.trajectories", d["trajectories"], 2, 10_000)
    levels = check_int(src, "sensitivity.levels", d["levels"], 2, 100)
    if levels % 2:
        raise field_error(src, "sensitivity.levels", levels, "an even integer (Morris's grid)")
    n = check_int(src, "sensitivity.n", d["n"], 2, 1_000_000)
    if n & (n - 1):
        raise field_error(src, "sensitivity.n", n, "a power of two (Sobol sequences)")
    top = check_int(src, "sensitivity.top", d["top"], 2, len(bounds))
    return {"method": d["method"], "metric": d["metric"], "spread": float(spread), "bounds": bounds,
            "trajectories": traj, "levels": levels, "n": n, "top": top}


def problem(bounds: Mapping[str, tuple[float, float]]) -> dict:
    names = list(bounds)
    return {"num_vars": len(names), "names": names, "bounds": [list(bounds[n]) for n in names]}


def morris_sample(exp) -> np.ndarray:
    from SALib.sample import morris

    d = exp.design
    return morris.sample(problem(d["bounds"]), N=d["trajectories"], num_levels=d["levels"], seed=exp.seed % 2**32)


def sobol_sample(exp, names: list[str]) -> np.ndarray:
    from SALib.sample import sobol

    bounds = {n: exp.design["bounds"][n] for n in names}
    return sobol.sample(problem(bounds), exp.design["n"], calc_second_order=False, scramble=True,
                        seed=exp.seed % 2**32)


def first_stage(exp) -> tuple[str, list[dict]]:
    """The first stage's name and its factor rows (Sobol alone, or Morris screening first)."""
    d = exp.design
    names = list(d["bounds"])
    if d["method"] == "sobol":
        return "sobol", typed_rows(names, sobol_sample(exp, names))
    return "morris", typed_rows(names, morris_sample(exp))


def second_stage_rows(exp, selected: list[str]) -> list[dict]:
    """Sobol rows over the ``selected`` parameters; the others stay at the scenario's value."""
    centre = exp.arms[0].scenario.params
    at_centre = {n: centre[n] for n in exp.design["bounds"]}
    return [{**at_centre, **row} for row in typed_rows(selected, sobol_sample(exp, selected))]


def _outputs(summary: pd.DataFrame, stage: str, metric: str, n_rows: int) -> tuple[np.ndarray, int]:
    sub = summary[summary["stage"] == stage]
    y = sub.groupby("point")[metric].mean().sort_index().to_numpy(dtype=float)
    if len(y) != n_rows:
        raise ValueError(f"stage {stage}: {len(y)} of {n_rows} points have results; run the sweep to completion")
    missing = int(np.isnan(y).sum())
    if missing:
        y = np.where(np.isnan(y), np.nanmean(y), y)
    return y, missing


def analyse_morris(exp, summary: pd.DataFrame) -> pd.DataFrame:
    """mu*, its 95 % CI half-width, mu and sigma per parameter, sorted by mu*."""
    from SALib.analyze import morris

    d = exp.design
    X = morris_sample(exp)
    y, missing = _outputs(summary, "morris", d["metric"], len(X))
    res = morris.analyze(problem(d["bounds"]), X, y, num_levels=d["levels"], conf_level=0.95,
                         num_resamples=1000, seed=exp.seed % 2**32)
    table = pd.DataFrame({"param": res["names"], "mu_star": res["mu_star"], "mu_star_conf": res["mu_star_conf"],
                          "mu": res["mu"], "sigma": res["sigma"]})
    table.attrs["missing"] = missing
    return table.sort_values("mu_star", ascending=False, kind="stable").reset_index(drop=True)


def select(morris_table: pd.DataFrame, top: int) -> list[str]:
    return list(morris_table["param"].iloc[:top])


def analyse_sobol(exp, summary: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """First-order (S1) and total (ST) indices with 95 % CI half-widths, sorted by ST."""
    from SALib.analyze import sobol

    d = exp.design
    X = sobol_sample(exp, names)
    y, missing = _outputs(summary, "sobol", d["metric"], len(X))
    bounds = {n: d["bounds"][n] for n in names}
    res = sobol.analyze(problem(bounds), y, calc_second_order=False, conf_level=0.95, num_resamples=1000,
                        seed=exp.seed % 2**32)
    table = pd.DataFrame({"param": names, "S1": res["S1"], "S1_conf": res["S1_conf"], "ST": res["ST"],
                          "ST_conf": res["ST_conf"]})
    table.attrs["missing"] = missing
    return table.sort_values("ST", ascending=False, kind="stable").reset_index(drop=True)
