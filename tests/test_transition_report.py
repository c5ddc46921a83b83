"""The transition section measures what the runs did: dip, its length, recovery and payback."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from servicesim.experiments import transition as T


def synthetic(reps: int = 2) -> pd.DataFrame:
    """Stay at 3.0; switch on day 10, 0.25 below for five days, then 0.25 above."""
    rows = []
    for rep in range(reps):
        for day in range(40):
            switch = 3.0 if day < 10 else (2.75 if day < 15 else 3.25)
            rows += [{"arm": "stay", "replicate": rep, "day": day, "csat": 3.0, "profit": 1.0},
                     {"arm": "switch", "replicate": rep, "day": day, "csat": switch, "profit": 1.0}]
    return pd.DataFrame(rows)


def test_dip_length_recovery_and_payback_are_measured_per_replicate():
    reps = T.per_replicate(synthetic(), switch="switch", stay="stay", day=10, metric="csat")
    assert len(reps) == 2
    first = reps.iloc[0]
    assert first["dip"] == pytest.approx(-0.25)
    assert first["dip_days"] == 7          # the 5-day difference is >= 0 from day 17 on
    assert first["recovery_days"] == 7     # the arm's 5-day level is back at 3.0 from day 17 on
    assert first["payback_days"] == 9      # -1.25 lost over five days, +0.25 a day from day 15: even on day 19


def test_the_section_lists_every_switching_arm_and_says_never():
    daily = synthetic()
    never = daily[daily["arm"] == "switch"].assign(arm="worse", csat=lambda d: np.where(d["day"] >= 10, 2.9, 3.0))
    daily = pd.concat([daily, never])
    exp = {"arms": [{"name": "stay"}, {"name": "switch", "interventions": [{"day": 10}]},
                    {"name": "worse", "interventions": [{"day": 10}]}]}
    result = T.compute(daily, exp, stay="stay", day=10)
    assert set(result["csat"]) == {"switch", "worse"}
    lines = T.table(result, "csat")
    assert any(line.startswith("| worse |") and "never" in line for line in lines)
