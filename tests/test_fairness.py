"""A fair comparison (issue 8): each way of managing has its real benefits and its real costs,
styles never reset an organisation's capacities, and chance is shared between styles.

Every test goes through the public face: the command line, scenarios, the model's results."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import SMALL

from servicesim.cli import main
from servicesim.model import ServiceModel, load_scenario, simulate
from servicesim.model import params as P
from servicesim.model.scenario import make_intervention, with_blocks, with_style


def mean_summary(name="bersin", days=60, seeds=(1, 2, 3), **over):
    rows = [simulate(name, seed=s, days=days, overrides={**SMALL, **over}).summary for s in seeds]
    return {k: float(np.mean([r[k] for r in rows])) for k in rows[0] if isinstance(rows[0][k], (int, float))}


def run_json(capsys, *argv) -> dict:
    assert main(["run", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


# --- styles never reset the organisation (the STYLE_PARAMS bug) -------------------------------------
def test_a_style_never_resets_a_sectors_capacities(capsys):
    sector = load_scenario("telecom_contact_centre")
    assert sector.params["approval_capacity"] == 120
    out = run_json(capsys, "telecom_contact_centre", "--style", "bersin", "--days", "3")
    assert out["params"]["approval_capacity"] == 120
    assert out["params"]["delegation"] == load_scenario("bersin").params["delegation"]
    for name in ("approval_capacity", "monitoring_cost", "manager_knowledge", "base_capacity"):
        assert with_style(sector, "hierarchical").params[name] == sector.params[name]
        crossed = with_blocks(sector, structure="empowering", practices="strong_practices")
        assert crossed.params[name] == sector.params[name]


def test_a_style_change_mid_run_keeps_the_organisations_capacities():
    sector = load_scenario("telecom_contact_centre", {"teams": 3})
    iv = make_intervention("style_change", 5, style="bersin", transition_days=0)
    assert set(iv.options["values"]) <= set(P.STYLE_PARAMS)
    model = ServiceModel(sector.params, interventions=[iv], seed=1).run(8)
    assert model.p["approval_capacity"] == 120
    mgr = model.employee(int(model.org.team_manager[0]))
    assert abs(mgr.style()["delegation"] - 0.75) < 0.2


def test_the_effective_parameters_are_in_the_json(capsys):
    out = run_json(capsys, "airline_desk", "--style", "situational", "--set", "novelty=0.55",
                   "--set", "approval_policy=timeboxed", "--days", "2")
    expected = with_style(load_scenario("airline_desk"), "situational").with_params(
        {"novelty": 0.55, "approval_policy": "timeboxed"}).params
    assert out["params"] == dict(expected)
    for key in ("profit", "revenue", "cost", "concessions", "approval_utilisation", "contacts_per_customer_year"):
        assert key in out and out[key] is not None


@pytest.mark.parametrize("assignment, field", [
    ("approval_policy=sometimes", "approval_policy"), ("approval_policy=1", "approval_policy"),
    ("inspection_catch=1.5", "inspection_catch"), ("approval_target_utilisation=0", "approval_target_utilisation"),
    ("concession_cost=-1", "concession_cost"), ("judgement_steepness=nan", "judgement_steepness"),
    ("training_time=abc", "training_time"), ("knowledge_obsolescence=0.9", "knowledge_obsolescence"),
])
def test_bad_values_for_new_parameters_are_refused_in_one_line(capsys, assignment, field):
    assert main(["run", "bersin", "--days", "1", "--set", assignment]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and field in err and "allowed" in err


def test_every_parameter_refuses_a_value_outside_its_range(capsys):
    for name, p in P.SCHEMA.items():
        bad = "never" if p.kind == "choice" else str(p.high + 1e6)
        assert main(["run", "bersin", "--days", "1", "--set", f"{name}={bad}"]) == 2, name
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and f"'{name}'" in err


def test_a_block_file_may_set_only_its_own_block(tmp_path):
    from servicesim.model import ScenarioError

    f = tmp_path / "my_structure.toml"
    f.write_text('category = "structure"\n[params]\ndelegation = 0.4\napproval_capacity = 200\n')
    with pytest.raises(ScenarioError, match="approval_capacity"):
        load_scenario(str(f))


# --- control gets its benefits ---------------------------------------------------------------------
def test_an_approval_is_an_inspection_that_catches_wrong_answers():
    """All else equal (the same sign-off rule), managers who review answers let fewer wrong answers
    reach customers — most where the front line is inexperienced."""
    over = dict(micromanagement=0.6, initial_skill=0.2, novelty=0.5)
    blind = mean_summary("hierarchical", inspection_catch=0.0, **over)
    looking = mean_summary("hierarchical", inspection_catch=1.0, **over)
    assert looking["wrong_answer_rate"] < blind["wrong_answer_rate"] - 0.01
    assert looking["perf_fit"] > blind["perf_fit"]


def test_approvals_are_staffed_so_the_queue_drains():
    """Under command and control with 'staffed' approvals, supervision follows the approvals the
    rules create (utilisation near its target, salaries paid); with 'fixed' capacity too small,
    the queue only drains through customers giving up."""
    over = dict(approval_capacity=5, request_rate=0.15)
    staffed = mean_summary("hierarchical", approval_policy="staffed", **over)
    fixed = mean_summary("hierarchical", approval_policy="fixed", **over)
    assert staffed["approval_utilisation"] < 0.95 < fixed["approval_utilisation"]
    assert staffed["abandon_share"] < fixed["abandon_share"]
    assert staffed["cost"] > fixed["cost"]           # the extra supervisors are paid


def test_timeboxed_approvals_are_settled_by_rule():
    s = mean_summary("hierarchical", approval_policy="timeboxed", approval_timebox_days=0)
    assert s["decided_by_rule"] > 0.2
    assert mean_summary("hierarchical", approval_policy="staffed")["decided_by_rule"] == 0


def test_a_sign_off_costs_the_customer_only_their_wait():
    """Sign-offs the customer never sees do not count as people dealt with; decisions passed up do.
    (Full delegation, used in full: people trust it and managers keep it, so no decision goes up.)"""
    sign_offs = mean_summary("bersin", micromanagement=0.8, delegation=1.0, procedure_adherence=0.0, situational=0.0,
                             style_spread=0.0, trust_latitude_floor=1.0, control_reactivity=0.0)
    managers_met = lambda s: s["people_per_request"] - s["handoffs_per_request"]  # noqa: E731
    assert sign_offs["escalation_rate"] > 0.5
    assert managers_met(sign_offs) < 0.02
    passed_up = mean_summary("bersin", micromanagement=0.0, delegation=0.0)
    assert managers_met(passed_up) > 0.3


# --- autonomy gets its costs -------------------------------------------------------------------------
def test_concessions_cost_rises_with_delegation_beyond_judgement():
    # the latitude granted is used in full (trust does not hold it back), to isolate its cost
    used_in_full = {"micromanagement": 0.0, "initial_skill": 0.3, "trust_latitude_floor": 1.0}
    low = mean_summary("laissez_faire", delegation=0.2, **used_in_full)
    high = mean_summary("laissez_faire", delegation=1.0, **used_in_full)
    per_request = lambda s: s["concessions"] / s["arrival_rate"]  # noqa: E731
    assert per_request(high) > per_request(low) * 1.05
    assert high["concessions"] > low["concessions"]


def test_training_takes_people_off_the_floor_that_day():
    """On the first day (before anyone has learned anything) a full programme with time off the
    floor leaves less capacity: fewer requests resolved by a saturated front office."""
    over = {**SMALL, "request_rate": 0.5, "back_office_share": 0.0, "micromanagement": 0.0,
            "delegation": 1.0, "coaching": 0.0, "training_time": 0.3}
    first_day = [ServiceModel({**over, "training": t}, seed=4).run(1).daily_frame()["requests_resolved"].iloc[0]
                 for t in (0.0, 1.0)]
    assert first_day[1] < first_day[0] * 0.8


def test_each_departure_costs_recruitment():
    calm = simulate("bersin", seed=2, days=60, overrides={**SMALL, "recruitment_cost": 0.0}).summary
    costly = simulate("bersin", seed=2, days=60, overrides={**SMALL, "recruitment_cost": 100.0}).summary
    assert costly["cost"] > calm["cost"]


def test_motivation_reaches_the_work():
    """C4: engagement drives speed and care, not only how the customer perceives the mood."""
    def fit(style, care):
        return mean_summary(style, effort_care=care, mood_weight=0.0)["perf_fit"]

    assert mean_summary("bersin")["engagement"] > 0.6 > mean_summary("laissez_faire")["engagement"]
    assert fit("bersin", 0.5) > fit("bersin", 0.0)                 # engaged people take more care
    assert fit("laissez_faire", 0.5) < fit("laissez_faire", 0.0)   # disengaged people take less


def test_profit_is_revenue_minus_cost():
    s = simulate("situational", seed=3, days=40, overrides=SMALL).summary
    assert s["profit"] == pytest.approx(s["revenue"] - s["cost"])
    assert s["concessions"] > 0 and s["cost"] > s["concessions"]


# --- common random numbers survive divergence ----------------------------------------------------------
def test_the_same_customer_asks_the_same_things_on_the_same_days_all_year():
    """Bersin and hierarchy diverge (different customers leave), yet every customer who stayed
    all year in both runs brought exactly the same requests on the same days."""
    runs = {}
    for style in ("bersin", "hierarchical"):
        model = ServiceModel(load_scenario(style, SMALL).params, seed=11, record_journeys=True).run(250)
        arrivals = [(e_day, int(c)) for code, _ids, e_day, _actor, cust in model.journal.batches if code == "arrive"
                    for c in cust]
        runs[style] = (model, arrivals)
    (mb, ab), (mh, ah) = runs["bersin"], runs["hierarchical"]
    assert mb.summary()["csat"] != mh.summary()["csat"]                      # they did diverge
    stayed = np.flatnonzero(mb.customers.active & mh.customers.active
                            & (mb.customers.since == -1) & (mh.customers.since == -1))
    stayed_set = set(stayed.tolist())
    assert len(stayed) > 0.5 * mb.customers.initial
    a = sorted(x for x in ab if x[1] in stayed_set)
    b = sorted(x for x in ah if x[1] in stayed_set)
    assert len(a) > 1000 and a == b
