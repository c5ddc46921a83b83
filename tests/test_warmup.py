"""Warm-up: days simulated first and not counted, so steady states can be compared."""

from __future__ import annotations

import json

import pytest
from conftest import SMALL

from servicesim.cli import main
from servicesim.experiments.design import ExperimentError, parse_experiment
from servicesim.model import ServiceModel, load_scenario


def test_a_warm_up_is_simulated_but_not_counted():
    params = load_scenario("hierarchical", SMALL).params
    plain = ServiceModel(params, seed=5).run(30)
    warmed = ServiceModel(params, seed=5).warm_up(30)
    warmed.run(20)
    s = warmed.summary()
    daily = warmed.daily_frame()
    assert s["days"] == 20 and s["warmup"] == 30
    assert list(daily["day"]) == list(range(30, 50))                # days keep their numbers
    assert s["requests_arrived"] == daily["requests_arrived"].sum()
    # the warm-up is the same simulation: the first 30 days are those of a plain run
    assert plain.summary()["requests_arrived"] + s["requests_arrived"] == \
        ServiceModel(params, seed=5).run(50).summary()["requests_arrived"]


def test_run_reports_the_warm_up(capsys):
    assert main(["run", "bersin", "--days", "5", "--warmup", "10", "--set", "teams=2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["days"] == 5 and out["warmup"] == 10
    assert main(["run", "bersin", "--days", "5", "--warmup", "-1"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--warmup" in err


def test_an_experiment_file_sets_its_warm_up_and_runs_carry_it():
    data = {"name": "w", "days": 10, "warmup": 7, "replicates": 1, "arms": [{"name": "a", "scenario": "bersin"}]}
    exp = parse_experiment(data, source="t")
    assert {r.warmup for r in exp.runs(exp.points())} == {7}
    assert parse_experiment(data, source="t", warmup=0).fingerprint() != exp.fingerprint()
    with pytest.raises(ExperimentError, match="warmup"):
        parse_experiment({**data, "warmup": -2}, source="t")
