"""Every request that arrived is resolved, abandoned or still open: none lost, none counted twice."""

import numpy as np
import pytest
from conftest import SMALL

from servicesim.model import ServiceModel, list_scenarios, load_scenario


@pytest.mark.parametrize("name", [n for n, _, _ in list_scenarios()])
def test_requests_are_conserved_in_every_preset(name):
    sc = load_scenario(name, SMALL)
    m = ServiceModel(sc.params, interventions=sc.interventions, seed=3).run(140)
    s = m.summary()
    assert s["requests_arrived"] > 1000
    assert s["requests_arrived"] == s["requests_resolved"] + s["requests_abandoned"] + s["requests_open"]
    daily = m.daily_frame()
    assert daily["requests_arrived"].sum() == s["requests_arrived"]
    assert daily["requests_resolved"].sum() == s["requests_resolved"]
    assert daily["requests_abandoned"].sum() == s["requests_abandoned"]
    # the open pool holds each open request once
    ids = m.chain.pool["id"]
    assert len(np.unique(ids)) == len(ids) == s["requests_open"]


def test_conservation_under_stress_and_interventions():
    """A surge, an incident and a style change: the books still balance every day."""
    sc = load_scenario("hierarchical", {**SMALL, "patience_days": 1.0, "backoffice_accuracy": 0.5})
    m = ServiceModel(sc.params, seed=5)
    arrived = resolved = abandoned = 0
    for day in range(80):
        if day == 10:
            m.intervene("demand_surge", multiplier=3.0, duration=20)
        if day == 20:
            m.intervene("backoffice_incident", unit=0, severity=0.5, duration=10)
        if day == 40:
            m.intervene("style_change", style="bersin", transition_days=10)
        m.step()
        r = m.records[-1]
        arrived += r["requests_arrived"]
        resolved += r["requests_resolved"]
        abandoned += r["requests_abandoned"]
        assert arrived == resolved + abandoned + len(m.chain.pool)
    assert abandoned > 0 and resolved > 0


def test_front_line_occupancy_follows_demand():
    """Occupancy = requests taken at the front / what present front staff could take: it rises with
    demand and cannot exceed what there is capacity for (up to the stochastic rounding of capacity)."""
    from servicesim.model import simulate

    quiet = simulate("situational", seed=2, days=30, overrides={"teams": 3, "request_rate": 0.001}).summary
    busy = simulate("situational", seed=2, days=30, overrides={"teams": 3, "request_rate": 0.01}).summary
    assert 0.0 < quiet["front_occupancy"] < busy["front_occupancy"] <= 1.05
