"""Two scenarios over paired replicates (`servicesim compare`): run them, and compute each metric's means,
their intervals and the paired difference B - A. Returns data; the command line renders it."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from servicesim.model.errors import ParamError
from servicesim.model.metrics import HEADLINE, METRICS

from .design import parse_experiment
from .runner import run_in_memory
from .stats import Estimate, PairedDifference, mean_ci, paired_difference


@dataclass(frozen=True)
class MetricComparison:
    metric: str
    a: Estimate                    # mean of A over replicates, with its 95 % interval
    b: Estimate
    difference: PairedDifference   # B - A over pairs: interval, paired t-test p-value, d_z


@dataclass(frozen=True)
class Comparison:
    a: str
    b: str
    replicates: int
    days: int
    seed: int
    overrides: Mapping[str, Any]
    metrics: list[MetricComparison]

    def row(self, metric: str) -> MetricComparison:
        return next(m for m in self.metrics if m.metric == metric)

    def better(self, metric: str = "csat") -> str | None:
        """The scenario that does better on ``metric`` when the interval of the difference excludes 0;
        None when the data cannot tell them apart (or there is no interval)."""
        higher_is_better = METRICS[metric].higher_is_better
        if higher_is_better is None:
            raise ValueError(f"{metric} is a volume, neither better high nor low")
        d = self.row(metric).difference
        if math.isnan(d.low) or d.low <= 0 <= d.high:
            return None
        return self.b if (d.mean > 0) == higher_is_better else self.a


def compare_summaries(summary: pd.DataFrame, a: str, b: str, metrics: Sequence[str]) -> list[MetricComparison]:
    """Per metric: A's and B's means with intervals, and the paired difference B - A (paired by replicate)."""
    sa = summary[summary["arm"] == a].sort_values("replicate")
    sb = summary[summary["arm"] == b].sort_values("replicate")
    return [MetricComparison(m, mean_ci(sa[m]), mean_ci(sb[m]),
                             paired_difference(sb[m].to_numpy(), sa[m].to_numpy())) for m in metrics]


def compare(a: str, b: str, *, replicates: int, days: int, seed: int, overrides: Mapping[str, Any] | None = None,
            workers: int = 1, scheduler: str | None = None, progress: bool = False, warmup: int = 0) -> Comparison:
    """Run scenarios ``a`` and ``b`` (preset names or files) ``replicates`` times with common seeds."""
    if a == b:
        raise ParamError(f"compare: A and B are both {a!r}; allowed: two different scenarios")
    overrides = dict(overrides or {})
    data = {"name": "compare", "days": days, "warmup": warmup, "replicates": replicates, "seed": seed,
            "metrics": list(HEADLINE), "params": overrides, "output": {"daily": False, "teams": False},
            "arms": [{"name": a, "scenario": a}, {"name": b, "scenario": b}]}
    exp = parse_experiment(data, source="compare", base_dir=Path.cwd())
    summary = run_in_memory(exp.runs(exp.points()), workers=workers, scheduler=scheduler, progress=progress,
                            desc=f"{a} vs {b}")
    return Comparison(a, b, replicates, days, seed, overrides, compare_summaries(summary, a, b, HEADLINE))


__all__ = ["Comparison", "MetricComparison", "compare", "compare_summaries"]
