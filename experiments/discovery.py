"""Where each style wins: scenario discovery over sampled worlds (Bryant & Lempert 2010).

An experiment samples many worlds (a Latin hypercube over organisational parameters and the
mechanisms' coefficients) and runs two styles in each, on the same seeds. This module pairs the
runs world by world, counts in how many worlds each style wins (with Clopper-Pearson intervals
from ``scipy.stats.binomtest``) and asks EMA Workbench's PRIM for the few boxes — ranges of a
handful of parameters — where the usual loser wins, with each box's coverage (the share of all
its wins the box holds) and density (the share of worlds in the box where it wins).

Only data here; :mod:`servicesim.experiments.report` draws it.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

LEVEL = 0.95


@dataclass(frozen=True)
class Share:
    """How many of ``n`` worlds, as a share with its exact (Clopper-Pearson) interval."""

    k: int
    n: int
    share: float
    low: float
    high: float


@dataclass(frozen=True)
class Box:
    """A PRIM box: the restricted parameters' ranges, and how well the box captures the wins."""

    limits: pd.DataFrame       # one row per restricted parameter: low, high, sampled_low, sampled_high, qp
    coverage: float
    density: float
    mass: float
    n: int


@dataclass
class Discovery:
    a: str
    b: str
    metric: str
    worlds: pd.DataFrame                  # one row per world: the sampled factors and diff = a - b
    a_wins: Share
    b_wins: Share
    boxes_b: list[Box] = field(default_factory=list)   # where b (the usual loser) wins
    boxes_a: list[Box] = field(default_factory=list)   # where a wins (when a is the usual loser)
    note: str = ""


def share(k: int, n: int, level: float = LEVEL) -> Share:
    if n == 0:
        return Share(0, 0, math.nan, math.nan, math.nan)
    ci = stats.binomtest(int(k), int(n)).proportion_ci(confidence_level=level, method="exact")
    return Share(int(k), int(n), k / n, float(ci.low), float(ci.high))


def paired_worlds(summary: pd.DataFrame, a: str, b: str, metric: str, factors: list[str]) -> pd.DataFrame:
    """One row per sampled world: its factor values and the difference a - b (mean over replicates).

    Within an arm the design's points come in the same order, so a world is a point's rank within its arm."""
    rows = []
    for arm in (a, b):
        sub = summary[summary["arm"] == arm].copy()
        sub["world"] = sub["point"] - sub["point"].min()
        rows.append(sub)
    sa, sb = rows
    merged = sa.merge(sb[["world", "replicate", metric]], on=["world", "replicate"], suffixes=("", "__b"))
    merged["diff"] = merged[metric] - merged[f"{metric}__b"]
    worlds = merged.groupby("world", sort=True).agg({**{f: "first" for f in factors}, "diff": "mean"})
    return worlds.dropna(subset=["diff"])


def prim_boxes(x: pd.DataFrame, y: np.ndarray, *, max_boxes: int = 3, threshold: float = 0.8,
               mass_min: float = 0.05) -> list[Box]:
    """Up to ``max_boxes`` PRIM boxes where ``y`` holds (EMA Workbench). On each peeling
    trajectory the box kept is the one with the most coverage among those at least ``threshold``
    dense (or, if none is, the one with the largest coverage x density)."""
    if y.sum() == 0 or y.all() or len(y) < 20:
        return []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim

        search = prim.Prim(x.astype(float), y.astype(bool), mass_min=mass_min)
        boxes = []
        for _ in range(max_boxes):
            box = search.find_box()
            if box is None:
                break
            ppt = box.peeling_trajectory
            dense = ppt[ppt["density"] >= threshold]
            i = int(dense["coverage"].idxmax()) if len(dense) else int((ppt["coverage"] * ppt["density"]).idxmax())
            box.select(i)
            found = _box(box, i, x)
            if found is None:
                break
            boxes.append(found)
            if found.coverage < 0.05:
                break
    return boxes


def _box(box: Any, i: int, x: pd.DataFrame) -> Box | None:
    stats_row, limits = box.inspect(i, style="data")[0]
    if int(stats_row["res_dim"]) == 0:
        return None
    limits = limits.copy()
    limits.columns = [c[-1] if isinstance(c, tuple) else c for c in limits.columns]
    cols = list(limits.columns)
    qp = limits.iloc[:, 2:].max(axis=1, skipna=True) if len(cols) > 2 else pd.Series(np.nan, index=limits.index)
    table = pd.DataFrame({
        "param": limits.index.astype(str),
        "low": limits.iloc[:, 0].astype(float).to_numpy(),
        "high": limits.iloc[:, 1].astype(float).to_numpy(),
        "sampled_low": [float(x[p].min()) for p in limits.index],
        "sampled_high": [float(x[p].max()) for p in limits.index],
        "qp": qp.astype(float).to_numpy(),
    })
    return Box(table, float(stats_row["coverage"]), float(stats_row["density"]), float(stats_row["mass"]),
               int(stats_row["n"]))


def discover(summary: pd.DataFrame, a: str, b: str, metric: str, factors: list[str], *,
             max_boxes: int = 3, threshold: float = 0.8) -> Discovery:
    """Who wins on ``metric`` in how many worlds, and the boxes where the less frequent winner wins."""
    worlds = paired_worlds(summary, a, b, metric, factors)
    n = len(worlds)
    a_k, b_k = int((worlds["diff"] > 0).sum()), int((worlds["diff"] < 0).sum())
    d = Discovery(a, b, metric, worlds, share(a_k, n), share(b_k, n))
    varied = [f for f in factors if worlds[f].nunique() > 1]
    x = worlds[varied]
    if n < 20:
        d.note = f"only {n} worlds: too few for PRIM (at least 20)"
        return d
    if b_k <= a_k:
        d.boxes_b = prim_boxes(x, (worlds["diff"] < 0).to_numpy(), max_boxes=max_boxes, threshold=threshold)
    else:
        d.boxes_a = prim_boxes(x, (worlds["diff"] > 0).to_numpy(), max_boxes=max_boxes, threshold=threshold)
    return d


__all__ = ["Discovery", "Box", "Share", "discover", "paired_worlds", "prim_boxes", "share"]
