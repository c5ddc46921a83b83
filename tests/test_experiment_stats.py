"""Statistics against answers known in closed form (synthetic inputs), and interval coverage."""

import math

import numpy as np
import pandas as pd
import pytest

from servicesim.experiments import stats
from servicesim.experiments.design import replicate_seeds

# x = 1..5: mean 3, sd sqrt(2.5), sem sqrt(0.5); t(0.975, 4) = 2.7764451 (tables)
T975_4 = 2.7764451052
HALF = T975_4 * math.sqrt(0.5)


def test_mean_interval_of_a_known_sample():
    e = stats.mean_ci([1, 2, 3, 4, 5])
    assert e.n == 5 and e.mean == pytest.approx(3.0)
    assert (e.low, e.high) == pytest.approx((3 - HALF, 3 + HALF), abs=1e-9)
    assert math.isnan(stats.mean_ci([4.0]).low)          # one value: no interval, not a fake one
    assert stats.mean_ci([2.0, np.nan, 4.0]).n == 2      # missing values dropped


def test_paired_difference_of_a_known_sample():
    rng = np.random.default_rng(3)
    b = rng.normal(3, 1, 5)
    a = b + np.array([1, 2, 3, 4, 5])                    # differences 1..5 whatever b is
    d = stats.paired_difference(a, b)
    assert d.mean == pytest.approx(3.0)
    assert (d.low, d.high) == pytest.approx((3 - HALF, 3 + HALF), abs=1e-9)
    assert d.d_z == pytest.approx(3 / math.sqrt(2.5))
    # t = 3 / sqrt(0.5) = 4.2426 on 4 df: two-sided p = 0.013236 (tables)
    assert d.p_value == pytest.approx(0.013236, abs=2e-6)
    # pairing matters: the unpaired spread of b would swamp the difference
    assert stats.paired_difference(b + 0.01, b).low > 0


def test_paired_difference_edge_cases():
    same = stats.paired_difference([1.0, 2.0, 3.0], [1.0, 2.0, 3.0])
    assert same.mean == 0 and same.p_value == 1.0
    shift = stats.paired_difference([2.0, 3.0, 4.0], [1.0, 2.0, 3.0])
    assert shift.low == shift.high == 1.0 and shift.p_value == 0.0
    with pytest.raises(ValueError):
        stats.paired_difference([1.0, 2.0], [1.0])


def test_intervals_cover_the_true_mean_95_percent_of_the_time():
    rng = np.random.default_rng(2024)
    trials = 2000
    mean_cover = diff_cover = 0
    for _ in range(trials):
        x = rng.normal(10.0, 2.0, 8)
        e = stats.mean_ci(x)
        mean_cover += e.low <= 10.0 <= e.high
        common = rng.normal(0, 5, 8)                     # shared noise (the common random numbers)
        d = stats.paired_difference(common + 0.5 + rng.normal(0, 1, 8), common + rng.normal(0, 1, 8))
        diff_cover += d.low <= 0.5 <= d.high
    # binomial sd of the coverage over 2000 trials is ~0.5 %: 3 sd either side
    assert abs(mean_cover / trials - 0.95) < 0.015
    assert abs(diff_cover / trials - 0.95) < 0.015


def test_bootstrap_interval_contains_the_t_interval_centre_for_symmetric_data():
    x = np.arange(1.0, 21.0)
    e = stats.bootstrap_ci(x, seed=1)
    t = stats.mean_ci(x)
    assert e.mean == pytest.approx(10.5) and e.low < 10.5 < e.high
    assert e.low == pytest.approx(t.low, abs=1.0) and e.high == pytest.approx(t.high, abs=1.0)


def test_paired_table_pairs_by_replicate_not_by_row_order():
    rng = np.random.default_rng(0)
    base = rng.normal(3, 0.5, 6)
    rows = [{"arm": "a", "replicate": r, "csat": base[r]} for r in range(6)]
    rows += [{"arm": "b", "replicate": r, "csat": base[r] + 0.2 + 0.01 * r} for r in range(6)]
    frame = pd.DataFrame(rows).sample(frac=1.0, random_state=5)     # shuffled
    t = stats.paired_table(frame, ["csat"], baseline="a")
    assert len(t) == 1
    assert t["mean"].iloc[0] == pytest.approx(0.225)
    assert t["low"].iloc[0] > 0.2 and t["high"].iloc[0] < 0.25


def test_holm_adjustment():
    # Holm: sorted p (0.01, 0.02, 0.04) x (3, 2, 1) = (0.03, 0.04, 0.04), monotone
    assert stats.holm([0.04, 0.01, 0.02]) == pytest.approx([0.04, 0.03, 0.04])


def test_correlation_of_a_known_sample():
    c = stats.correlation([1, 2, 3, 4, 5], [2, 4, 5, 4, 5])
    assert c["r"] == pytest.approx(6 / math.sqrt(60))      # sum dxdy / sqrt(sum dx^2 sum dy^2)
    assert c["low"] < c["r"] < c["high"] and c["r2"] == pytest.approx(0.6)


def test_transition_dip_delay_and_payback_of_a_known_series():
    days = np.arange(40)
    rows = []
    for rep, noise in enumerate((0.05, -0.05, 0.05, -0.05)):   # noise cancels in the mean
        gain = np.where(days < 10, 0.0, np.where(days < 15, -0.5, 0.5)) + noise * (days >= 10)
        for d in days:
            rows.append({"arm": "stay", "replicate": rep, "day": d, "csat": 3.0})
            rows.append({"arm": "switch", "replicate": rep, "day": d, "csat": 3.0 + gain[d]})
    res = stats.transition(pd.DataFrame(rows), switch="switch", stay="stay", day=10)
    # cumulative from day 10: -0.5 x 5 = -2.5 on day 14, then +0.5 a day: 0 on day 19
    assert res["payback_day"] == 19 and res["payback_days_after_switch"] == 9
    assert res["dip"].mean == pytest.approx(-0.5) and res["dip_day"] == 10 and res["dip"].high < 0
    assert res["delay_day"] == 15
    assert res["replicates_paid_back"] == 4
    assert res["pre_switch_difference"].mean == 0
    assert res["final_cumulative"].mean == pytest.approx(-2.5 + 0.5 * 25)


def test_transition_that_never_pays_back():
    rows = []
    for rep in range(3):
        for d in range(20):
            rows.append({"arm": "stay", "replicate": rep, "day": d, "csat": 3.0})
            rows.append({"arm": "switch", "replicate": rep, "day": d, "csat": 3.0 - 0.1 * (d >= 5) - 0.01 * rep})
    res = stats.transition(pd.DataFrame(rows), switch="switch", stay="stay", day=5)
    assert math.isnan(res["payback_day"]) and res["replicates_paid_back"] == 0


def test_replicate_seeds_are_deterministic_and_prefix_stable():
    assert replicate_seeds(7, 3) == replicate_seeds(7, 5)[:3]
    assert replicate_seeds(7, 3) != replicate_seeds(8, 3)
    assert len(set(replicate_seeds(7, 100))) == 100
    assert all(0 <= s < 2**63 for s in replicate_seeds(7, 100))


def test_peak_stability_of_a_clear_and_of_a_flat_peak():
    rng = np.random.default_rng(1)
    noise = rng.normal(0, 0.01, (10, 3))
    clear = np.array([1.0, 2.0, 1.0]) + noise
    assert stats.peak_stability(clear)[1] == 1.0
    flat = np.tile(np.eye(3), (4, 1))        # every level is best in a third of the replicates: equal means
    shares = stats.peak_stability(flat)
    assert shares.sum() == pytest.approx(1.0) and shares.max() < 0.8 and shares.min() > 0.1
