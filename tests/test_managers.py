"""Managers act (issue 10): they adopt an announced style at their own pace, some resist, and they
react to what their team shows — through the public face: parameters, interventions, the agents."""

from __future__ import annotations

import numpy as np
import pytest

from servicesim.model import ServiceModel
from servicesim.model.agents import Manager

SMALL = {"teams": 6, "team_size": 6, "customers_per_front": 100}


def switched(seed: int = 1, days: int = 15, **params) -> ServiceModel:
    """A hierarchical organisation that announces the bersin style today, ``days`` later."""
    m = ServiceModel.from_scenario("hierarchical", seed=seed, **{**SMALL, **params})
    m.run(10)
    m.intervene("style_change", style="bersin", transition_days=40)
    return m.run(days)


def test_managers_are_mesa_agents_that_step_every_day():
    m = ServiceModel.from_scenario("hierarchical", seed=1, **SMALL)
    managers = m.agents_by_type[Manager]
    assert len(managers) == len(m.org.managers)
    assert all(callable(getattr(a, "step", None)) for a in managers)
    m.run(3)
    assert m.steps == 3 and m.day == 3
    assert all(set(a.style()) >= {"delegation", "micromanagement"} for a in managers)


def test_adoption_varies_across_managers_and_depends_on_their_training():
    m = switched(resisting_share=0.0)
    team_managers = [m.employee(int(i)) for i in m.org.team_manager]
    adoption = np.array([a.adoption for a in team_managers])
    assert np.ptp(adoption) > 0.05                                    # each at its own pace
    trained = np.array([a.trained for a in team_managers]) > 0.5
    untrained = ~trained
    assert trained.any() and untrained.any()
    assert adoption[trained].mean() > adoption[untrained].mean()
    # the same organisation, every manager trained: adoption is faster everywhere
    everyone = switched(resisting_share=0.0, trained_managers=1.0)
    faster = np.array([everyone.employee(int(i)).adoption for i in everyone.org.team_manager])
    assert faster.mean() > adoption.mean() + 0.05
    # and practised delegation follows adoption
    assert (everyone.daily_frame()["delegation_practised"].iloc[-1]
            > m.daily_frame()["delegation_practised"].iloc[-1])


def test_a_leadership_programme_speeds_up_adoption():
    def adoption(with_programme: bool) -> float:
        m = ServiceModel.from_scenario("hierarchical", seed=2, trained_managers=0.0, **SMALL)
        if with_programme:
            m.intervene("leadership_programme", duration=10, time_off=0.2)
        m.run(10)
        m.intervene("style_change", style="bersin", transition_days=60)
        m.run(20)
        return m.daily_frame()["manager_adoption"].iloc[-1]
    assert adoption(True) > adoption(False) + 0.1


def test_a_boss_who_does_not_model_the_style_slows_adoption():
    def first_days(drag: float) -> float:
        m = switched(days=5, resisting_share=0.0, trained_managers=0.0, adoption_boss_drag=drag)
        return float(np.mean([m.employee(int(i)).adoption for i in m.org.team_manager]))
    assert first_days(0.9) < first_days(0.0)


def test_a_resisting_share_slows_the_organisations_adoption():
    def adoption(share: float) -> float:
        m = switched(days=40, resisting_share=share)
        return m.daily_frame()["manager_adoption"].iloc[-1]
    none, half = adoption(0.0), adoption(0.5)
    assert half < none - 0.05


def errors_injected(reactivity: float, inject: bool, seed: int = 3) -> dict:
    """Team 0's people are mis-paid for 20 days from day 40 (payroll errors, C10: stressed people serve
    worse, complaints rise), under a team manager of the given reactivity (the others react to nothing)."""
    m = ServiceModel.from_scenario("situational", seed=seed, **{**SMALL, "control_reactivity": 0.0})
    boss = m.employee(int(m.org.team_manager[0]))
    m.people.styles.reactivity[boss.position] = reactivity
    team = [m.employee(int(i)) for i in m.org.front[m.org.team[m.org.front] == 0]]
    complaints = []
    for day in range(80):
        if inject and day == 40:
            for person in team:
                person.receive_wrong_pay(20)
        m.step()
        t = m.chain.tally
        complaints.append(t.team_complaints[0] / max(t.team_closed[0], 1.0))
    return {"control": boss.control, "micromanagement": boss.style()["micromanagement"],
            "engagement": float(np.mean([p.engagement for p in team])),
            "stress": float(np.mean([p.stress for p in team])),
            "complaints_after": float(np.mean(complaints[62:80]))}


def test_the_control_spiral_appears_under_a_reactive_manager_not_a_steady_one():
    """Errors injected into one team: its reactive manager tightens control, its people's engagement
    falls further and complaints stay higher after the pay errors are fixed (McGregor's Theory X as a
    self-fulfilling loop: control lowers engagement, which raises the failures that invited control).
    A steady manager does not tighten, and its team recovers sooner."""
    def effect(reactivity: float) -> dict:
        """Injected minus not injected (same seed), averaged over four seeds."""
        runs = [(errors_injected(reactivity, True, seed), errors_injected(reactivity, False, seed))
                for seed in range(1, 5)]
        return {k: float(np.mean([hit[k] - twin[k] for hit, twin in runs])) for k in runs[0][0]}
    reactive, steady = effect(4.0), effect(0.0)
    assert reactive["control"] > 0.3 and steady["control"] == 0.0
    assert reactive["micromanagement"] > 0.05 and steady["micromanagement"] == 0.0
    # 20 days after the pay errors were fixed, the team under the reactive manager is still worse off
    assert reactive["engagement"] < steady["engagement"] - 0.02
    assert reactive["stress"] > steady["stress"]
    assert reactive["complaints_after"] > steady["complaints_after"]


def test_a_manager_models_the_values_or_not_and_its_team_sees_it():
    """Lived consistency is the manager's own behaviour: tightening control while empowerment is
    announced reads as inconsistency; trust follows it."""
    m = ServiceModel.from_scenario("bersin", seed=4, **SMALL)
    m.run(5)
    boss = m.employee(int(m.org.team_manager[0]))
    before = boss.lived_consistency
    m.people.styles.control[boss.position] = 1.0          # this manager clamps down
    m.run(1)
    assert boss.lived_consistency < before - 0.05
    team = m.org.front[m.org.team[m.org.front] == 0]
    others = m.org.front[m.org.team[m.org.front] == 1]
    trust0 = m.people.trust[team].mean() - m.people.trust[others].mean()
    m.people.styles.reactivity[boss.position] = 0.0
    m.people.styles.control[boss.position] = 1.0
    m.run(1)
    m.people.styles.control[boss.position] = 1.0
    m.run(10)
    assert m.people.trust[team].mean() - m.people.trust[others].mean() < trust0


def test_employee_views_read_one_row():
    m = ServiceModel.from_scenario("bersin", seed=5, **SMALL).run(3)
    clerk = m.employee(int(m.org.back[0]))
    assert clerk.accuracy == pytest.approx(float(m.people.accuracy(m.p)[clerk.position]))
    front = m.employee(int(m.org.front[0]))
    assert 0.0 <= front.trust <= 1.0 and 0.0 <= front.discretion <= 1.0
    boss = front.manager
    assert isinstance(boss, Manager) and front in boss.reports


def test_a_bad_leadership_programme_option_is_one_line():
    from servicesim.model.errors import ParamError

    m = ServiceModel.from_scenario("bersin", seed=5, **SMALL)
    with pytest.raises(ParamError, match=r"'share'.*2.0 is out of range; allowed: a number in \[0.0, 1.0\]"):
        m.intervene("leadership_programme", share=2)


def test_a_change_of_practices_alone_is_adopted_too():
    """Announcing values and practices while keeping the control structure: managers still learn the
    new practices (training, coaching) at their own pace, and their decision rights do not move."""
    m = ServiceModel.from_scenario("hierarchical", seed=6, **SMALL)
    m.run(5)
    before = m.employee(int(m.org.team_manager[0])).style()
    m.intervene("style_change", values={"values_emphasis": 0.9, "training": 0.7, "coaching": 0.5},
                transition_days=20)
    m.run(60)
    after = np.mean([m.employee(int(i)).style()["training"] for i in m.org.team_manager])
    assert after > before["training"] + 0.3
    assert m.daily_frame()["delegation_practised"].iloc[-1] < 0.3
