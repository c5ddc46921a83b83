"""`servicesim compare`: the statistics are a data structure (which side is better, and when the data
cannot tell); the command line renders it."""

import numpy as np
import pandas as pd
import pytest

from servicesim.commands import render_comparison
from servicesim.experiments.compare import Comparison, compare_summaries


def comparison(csat_gap: float, stress_gap: float, noise: float = 0.05, n: int = 6) -> Comparison:
    """Paired replicates where B - A is ``gap`` plus noise, for csat and stress."""
    rng = np.random.default_rng(3)
    rows = []
    for r in range(n):
        base_csat, base_stress = 3.5 + rng.normal(0, 0.3), 0.4 + rng.normal(0, 0.05)
        rows.append({"arm": "A", "replicate": r, "csat": base_csat, "stress": base_stress})
        rows.append({"arm": "B", "replicate": r, "csat": base_csat + csat_gap + rng.normal(0, noise),
                     "stress": base_stress + stress_gap + rng.normal(0, noise / 10)})
    summary = pd.DataFrame(rows)
    return Comparison("A", "B", n, 10, 1, {}, compare_summaries(summary, "A", "B", ["csat", "stress"]))


def test_the_better_side_follows_each_metrics_direction():
    c = comparison(csat_gap=0.4, stress_gap=0.1)
    assert c.better("csat") == "B"            # higher satisfaction is better
    assert c.better("stress") == "A"          # higher stress is worse
    d = c.row("csat").difference
    assert d.low > 0 and d.mean == pytest.approx(0.4, abs=0.1)


def test_no_verdict_when_the_interval_includes_zero():
    c = comparison(csat_gap=0.0, stress_gap=0.0, noise=0.3)
    assert c.row("csat").difference.low < 0 < c.row("csat").difference.high
    assert c.better("csat") is None
    assert "the data cannot tell A and B apart" in render_comparison(c)


def test_the_rendered_table_shows_the_data():
    c = comparison(csat_gap=0.4, stress_gap=0.1)
    text = render_comparison(c, ["teams=2"])
    assert text.startswith("A vs B: 6 paired replicates") and "teams=2" in text
    d = c.row("csat").difference
    assert f"+{d.mean:.2f} [{d.low:.2f}, {d.high:.2f}]" in text
    assert text.rstrip().endswith("Customer satisfaction: B is higher; the 95 % interval of the difference excludes 0.")
