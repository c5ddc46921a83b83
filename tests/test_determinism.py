"""Same scenario and seed, same numbers; another seed, other numbers."""

import numpy as np
import pandas as pd
from conftest import SMALL

from servicesim.model import ServiceModel, load_scenario, simulate


def test_same_seed_gives_identical_results():
    a = simulate("bersin", seed=11, days=60, overrides=SMALL)
    b = simulate("bersin", seed=11, days=60, overrides=SMALL)
    assert a.summary == b.summary
    pd.testing.assert_frame_equal(a.daily, b.daily)
    pd.testing.assert_frame_equal(a.teams, b.teams)


def test_different_seeds_differ():
    a = simulate("bersin", seed=11, days=60, overrides=SMALL)
    b = simulate("bersin", seed=12, days=60, overrides=SMALL)
    assert a.summary["requests_arrived"] != b.summary["requests_arrived"]
    assert a.summary["csat"] != b.summary["csat"]


def test_recording_journeys_does_not_change_the_run():
    sc = load_scenario("airline_desk", SMALL)
    plain = ServiceModel(sc.params, interventions=sc.interventions, seed=2).run(50)
    traced = ServiceModel(sc.params, interventions=sc.interventions, seed=2, record_journeys=True).run(50)
    assert plain.summary() == traced.summary()


def test_no_global_random_state_is_used():
    import random

    import numpy as np

    random.seed(1)
    np.random.seed(1)
    a = simulate("situational", seed=4, days=30, overrides=SMALL).summary
    random.seed(999)
    np.random.seed(999)
    b = simulate("situational", seed=4, days=30, overrides=SMALL).summary
    assert a == b


def test_the_same_seed_brings_the_same_customers_whatever_the_management():
    """Common random numbers: arms compared with one seed meet the same organisation, people and
    demand, so their difference is the management's, not the dice's."""
    fixed = {**SMALL, "churn_sensitivity": 0.0, "base_churn": 0.0, "word_of_mouth": 0.0}
    tight = ServiceModel(load_scenario("hierarchical", fixed).params, seed=5)
    loose = ServiceModel(load_scenario("bersin", fixed).params, seed=5)
    assert (tight.people.skill == loose.people.skill).all()
    assert (tight.org.peers != loose.org.peers).nnz == 0
    tight.run(30)
    loose.run(30)
    a, b = tight.daily_frame(), loose.daily_frame()
    assert (a["requests_arrived"].values == b["requests_arrived"].values).all()
    assert (a["csat"].values != b["csat"].values).any()     # ...while service itself differs


def test_mesa_batch_run_builds_and_runs_the_model_from_keyword_parameters():
    """The model's constructor takes schema parameters as keywords, and its DataCollector names one
    reporter per metric, so Mesa's own batch_run returns tidy rows."""
    import mesa

    from servicesim.model import ServiceModel

    rows = mesa.batch_run(ServiceModel, parameters={"delegation": [0.2, 0.8], "teams": 2, "team_size": 4,
                                                    "customers_per_front": 60},
                          rng=[1, 2], max_steps=20, number_processes=1, display_progress=False)
    assert len(rows) == 4
    assert {r["delegation"] for r in rows} == {0.2, 0.8}
    for r in rows:
        assert 1.0 <= r["csat"] <= 5.0 and "profit" in r and r["Step"] == 20
    # over the 20 days (one day of a tiny organisation is too noisy to rank)
    every_day = mesa.batch_run(ServiceModel, parameters={"delegation": [0.2, 0.8], "teams": 2, "team_size": 4,
                                                         "customers_per_front": 60},
                               rng=[1, 2], max_steps=20, number_processes=1, data_collection_period=1,
                               display_progress=False)
    mean = {d: np.nanmean([r["escalation_rate"] for r in every_day if r["delegation"] == d]) for d in (0.2, 0.8)}
    assert mean[0.2] > mean[0.8]
