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


# --- the satisfaction gap by channel ------------------------------------------------------------------------
TERMS = ("perf_fit", "perf_wait", "perf_people", "perf_errors", "perf_mood", "perf_concession", "expectation_served")
SIGN = {"perf_fit": 1, "perf_wait": -1, "perf_people": -1, "perf_errors": -1, "perf_mood": 1, "perf_concession": 1,
        "expectation_served": -1}


def synthetic_runs(deltas, *, n=8, slope=2.0, abandon=(0.1, 0.1), judge=None, seed=0):
    """Two arms 'a' and 'b', n seed-paired replicates; arm a's terms exceed b's by ``deltas`` (plus noise that
    sums to zero over replicates); the served score is judge(performance) (default: linear with ``slope``)."""
    rng = np.random.default_rng(seed)
    wobble = rng.normal(0, 0.02, n)
    wobble -= wobble.mean()                              # per-pair variation of the fit gap, mean exactly 0
    rows = []
    for r in range(n):
        base = {t: 0.3 + 0.1 * rng.random() for t in TERMS}     # common random numbers: shared by both arms
        base["expectation_served"] = 0.2 + 0.1 * rng.random()
        for arm, s in zip("ab", abandon, strict=True):
            terms = {t: base[t] + (deltas.get(t, 0.0) + (wobble[r] if t == "perf_fit" else 0.0) if arm == "a" else 0)
                     for t in TERMS}
            perf = sum(SIGN[t] * terms[t] for t in TERMS)
            if judge is None:
                c, dc = 3.0 + slope * perf, slope
            else:
                c, dc = judge(perf)
            rows.append({"arm": arm, "replicate": r, **terms, "abandon_share": s, "csat_served": c,
                         "judge_slope": dc, "csat": (1 - s) * (c - 1) + 1, "profit": 10.0 + (arm == "a")})
    return pd.DataFrame(rows).sample(frac=1.0, random_state=1)         # row order must not matter


def channel(table, name):
    return table.set_index("channel").loc[name]


def test_decompose_recovers_known_channel_effects():
    deltas = {"perf_fit": 0.10, "perf_wait": -0.05, "perf_people": -0.02, "perf_errors": 0.01, "perf_mood": 0.03,
              "perf_concession": 0.04, "expectation_served": 0.06}
    t = stats.decompose(synthetic_runs(deltas), "a", "b")
    k = 0.9 * 2.0                                       # served share x slope of the judgement
    expected = {"fit": k * 0.10, "waiting_abandonment": k * 0.05, "people": k * 0.02, "errors": -k * 0.01,
                "mood": k * 0.03, "concessions": k * 0.04, "expectations": -k * 0.06, "residual": 0.0}
    for name, value in expected.items():
        assert channel(t, name)["mean"] == pytest.approx(value, abs=1e-12), name
        assert channel(t, name)["n"] == 8
    assert channel(t, "total")["mean"] == pytest.approx(sum(expected.values()), abs=1e-12)
    fit = channel(t, "fit")
    assert fit["low"] < k * 0.10 < fit["high"] and fit["high"] - fit["low"] > 0.001      # the fit gap varies by pair
    assert channel(t, "mood")["low"] == pytest.approx(k * 0.03)                        # constant: zero-width
    assert list(t["channel"]) == ["total", *stats.CHANNELS]
    assert t["mean"].iloc[1:].sum() == pytest.approx(t["mean"].iloc[0], abs=1e-12)
    # swapping the arms flips every channel
    back = stats.decompose(synthetic_runs(deltas), "b", "a")
    assert np.allclose(back["mean"], -t["mean"], atol=1e-12)


def test_decompose_splits_abandonment_from_the_served_score():
    # a abandons 5 % of its closed requests, b 15 %; a's answers fit better by 0.5 (performance units)
    runs = synthetic_runs({"perf_fit": 0.5}, abandon=(0.05, 0.15), slope=2.0)
    pairs = stats.decompose_pairs(runs, "a", "b")
    # abandonment part = -(0.05 - 0.15) x avg(served score - 1), pair by pair
    c_mid = (runs[runs.arm == "a"].sort_values("replicate")["csat_served"].to_numpy()
             + runs[runs.arm == "b"].sort_values("replicate")["csat_served"].to_numpy()) / 2
    assert np.allclose(pairs["abandonment"], 0.10 * (c_mid - 1), atol=1e-12)
    assert pairs["fit"].mean() == pytest.approx(0.90 * 2.0 * 0.5, abs=1e-12)   # avg(1 - s) x slope x 0.5
    assert np.allclose(pairs["waiting"], 0.0) and np.allclose(pairs["residual"], 0.0, atol=1e-12)
    assert np.allclose(pairs["waiting_abandonment"], pairs["abandonment"])


def test_decompose_channels_sum_to_the_gap_per_pair_even_when_the_judgement_bends():
    def judge(perf):                                      # a logistic judgement: the linear split is approximate
        z = 1 / (1 + math.exp(-4.0 * perf))
        return 1 + 4 * z, 16 * z * (1 - z)

    deltas = {"perf_fit": 0.3, "perf_wait": 0.1, "perf_errors": -0.05, "expectation_served": 0.05}
    runs = synthetic_runs(deltas, judge=judge, abandon=(0.08, 0.12))
    pairs = stats.decompose_pairs(runs, "a", "b")
    parts = pairs[list(stats.CHANNELS)].sum(axis=1)
    assert np.allclose(parts, pairs["gap"], rtol=0, atol=1e-12)                # exact, pair by pair
    assert (pairs["residual"].abs() > 1e-6).all()                              # the bend shows in the residual
    assert (pairs["residual"].abs() < 0.15 * pairs["gap"].abs()).all()         # ... and stays small
    assert np.allclose(pairs["accounting_gap"], 0.0, atol=1e-12)
    # a model whose CSAT departs from the identity: the residual absorbs the departure, and says so
    off = runs.copy()
    off.loc[off["arm"] == "a", "csat"] += 0.01
    pairs_off = stats.decompose_pairs(off, "a", "b")
    assert np.allclose(pairs_off["accounting_gap"], 0.01) and np.allclose(pairs_off["residual"],
                                                                           pairs["residual"] + 0.01)


def test_decompose_needs_its_inputs():
    runs = synthetic_runs({"perf_fit": 0.1}).drop(columns=["judge_slope", "perf_mood"])
    assert stats.missing_decomposition_keys(runs) == ["perf_mood", "judge_slope"]
    with pytest.raises(ValueError, match="perf_mood"):
        stats.decompose(runs, "a", "b")
    full = synthetic_runs({"perf_fit": 0.1})
    assert stats.missing_decomposition_keys(full) == []
    full.loc[full["replicate"] == 3, "judge_slope"] = np.nan                  # a run without served requests
    assert channel(stats.decompose(full, "a", "b"), "fit")["n"] == 7


# --- 2 x 2 factorial ----------------------------------------------------------------------------------------
def factorial_runs(alpha, beta, gamma, *, n=10, noise=0.0, seed=0):
    """y = level_r + alpha A + beta B + gamma A B (+ independent noise); A, B in {0, 1}."""
    rng = np.random.default_rng(seed)
    rows = []
    for r in range(n):
        level = rng.normal(3.0, 0.5)                     # common to the replicate's four cells
        for i, a in enumerate(("control", "empowering")):
            for j, b in enumerate(("weak", "strong")):
                y = level + alpha * i + beta * j + gamma * i * j + rng.normal(0, noise)
                rows.append({"arm": f"{a}_{b}", "replicate": r, "structure": a, "practices": b, "csat": y,
                             "profit": 100 - 10 * i + rng.normal(0, noise)})
    return pd.DataFrame(rows).sample(frac=1.0, random_state=2)


def test_factorial_effects_recover_main_effects_and_interaction():
    runs = factorial_runs(0.2, 0.5, -0.3)
    t = stats.factorial_effects(runs, ["csat", "profit"], a="structure", b="practices",
                                a_levels=["control", "empowering"], b_levels=["weak", "strong"])
    e = t[t["metric"] == "csat"].set_index("effect")["mean"]
    assert e["main_a"] == pytest.approx(0.2 - 0.3 / 2) and e["main_b"] == pytest.approx(0.5 - 0.3 / 2)
    assert e["interaction"] == pytest.approx(-0.3)
    assert e["a_at_b0"] == pytest.approx(0.2) and e["a_at_b1"] == pytest.approx(-0.1)
    assert e["b_at_a0"] == pytest.approx(0.5) and e["b_at_a1"] == pytest.approx(0.2)
    p = t[t["metric"] == "profit"].set_index("effect")["mean"]
    assert p["main_a"] == pytest.approx(-10) and p["main_b"] == pytest.approx(0)
    assert p["interaction"] == pytest.approx(0)
    assert (t["n"] == 10).all()
    # reference level swapped: main effect of a changes sign
    flip = stats.factorial_effects(runs, ["csat"], a="structure", b="practices",
                                   a_levels=["empowering", "control"], b_levels=["weak", "strong"])
    assert flip.set_index("effect").loc["main_a", "mean"] == pytest.approx(-(0.2 - 0.15))


def test_factorial_intervals_pair_by_replicate_and_cover_the_truth():
    covered, widths = 0, []
    for seed in range(200):
        t = stats.factorial_effects(factorial_runs(0.2, 0.5, -0.3, n=8, noise=0.1, seed=seed), ["csat"],
                                    a="structure", b="practices", a_levels=["control", "empowering"],
                                    b_levels=["weak", "strong"]).set_index("effect")
        covered += t.loc["interaction", "low"] <= -0.3 <= t.loc["interaction", "high"]
        widths.append(t.loc["main_b", "high"] - t.loc["main_b", "low"])
    assert 0.88 <= covered / 200 <= 0.99
    # the replicate level (sd 0.5) cancels within a replicate: the interval reflects the cell noise (sd 0.1;
    # the main effect's per-replicate sd is 0.1, expected width 2 x 2.36 x 0.1 / sqrt(8) = 0.17)
    assert 0.12 < np.mean(widths) < 0.2


def test_factorial_drops_incomplete_replicates_and_needs_two_levels():
    runs = factorial_runs(0.2, 0.5, 0.0, n=6)
    runs = runs[~((runs["replicate"] == 2) & (runs["arm"] == "empowering_strong"))]
    t = stats.factorial_effects(runs, ["csat"], a="structure", b="practices")
    assert (t["n"] == 5).all()
    with pytest.raises(ValueError, match="two levels"):
        stats.factorial_effects(runs, ["csat"], a="structure", b="practices", a_levels=["control"])


def test_factorial_spec_resolves_cells_and_refuses_what_is_not_a_2x2():
    arms = [{"name": f"{a}_{b}", "structure": a, "practices": b} for a in ("control", "empowering")
            for b in ("weak_practices", "strong_practices")]
    spec = stats.factorial_spec({"a": "structure", "b": "practices"}, arms)
    assert spec["cells"]["empowering_weak_practices"] == ["empowering", "weak_practices"]
    assert spec["a_levels"] == ["control", "empowering"] and spec["metrics"] == ["csat", "profit"]
    ordered = stats.factorial_spec({"a": "structure", "b": "practices", "a_levels": ["empowering", "control"]}, arms)
    assert ordered["a_levels"] == ["empowering", "control"]
    bad = [
        ({"a": "structure", "b": "structure"}, arms, "two different"),
        ({"a": "delegation", "b": "practices"}, arms, "an arm key"),
        ({"a": "structure", "b": "practices", "colour": 1}, arms, "unknown"),
        ({"a": "structure", "b": "practices", "a_levels": ["control", "other"]}, arms, "exactly two"),
        ({"a": "structure", "b": "practices"}, arms[:3], "3 of the 4 cells"),
        ({"a": "structure", "b": "practices"}, arms + [{"name": "x", "structure": "control",
                                                        "practices": "weak_practices"}], "one arm per cell"),
        ({"a": "structure", "b": "practices"}, arms + [{"name": "y", "structure": "control"}], "sets no 'practices'"),
    ]
    for table, arm_list, text in bad:
        with pytest.raises(ValueError, match=text):
            stats.factorial_spec(table, arm_list)
