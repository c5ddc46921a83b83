"""The service-chain model: wiring, the daily schedule, interventions and data collection."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import mesa
import numpy as np
import pandas as pd

from . import money
from . import params as P
from .agents import AGENT_CLASS, Employee, Manager
from .customers import CustomerBase
from .errors import ParamError
from .interventions import KINDS, Intervention, make
from .journey import Journal, describe, explain
from .metrics import METRICS, from_tally
from .organisation import MANAGER, build_organisation
from .requests import DayTally, ServiceChain
from .workforce import Workforce

DAYS_PER_YEAR = money.DAYS_PER_YEAR
#: Leadership measures, daily and (as means over the counted days) per run.
LEADERSHIP_METRICS = ("manager_adoption", "manager_control", "delegation_practised", "trust", "discretion")
#: The metrics recorded every day (and reported to Mesa's DataCollector).
DAILY_METRICS = tuple(m for m in METRICS if m not in ("requests_open", "backlog_mean"))


def _reporter(name: str):
    def report(model: ServiceModel):
        return model.records[-1].get(name) if model.records else None
    return report


class ServiceModel(mesa.Model):
    """An organisation serving its customers, one working day per step.

    Mesa's own tools build it from keyword parameters (``ServiceModel(teams=20, delegation=0.8,
    seed=3)``: ``mesa.batch_run``, ``SolaraViz``); :meth:`from_scenario` builds it from a preset or a
    scenario file. Days are Mesa's ``steps``: ``day`` is the working day being simulated (during a
    step) or the next one to simulate (between steps).

    Args:
        params: parameter values (validated against the schema; missing ones take their defaults).
        interventions: interventions scheduled by day (see :mod:`~servicesim.model.interventions`).
        seed: all randomness comes from it (``rng``, or a Mesa scenario's ``rng``, as Mesa's tools pass it).
        record_journeys: keep every request's journey (for tracing one).
        **values: parameters by name (every name of ``servicesim params``), as Mesa's ``batch_run``
            and ``SolaraViz`` pass them (they override ``params``).
    """

    def __init__(self, params: Mapping[str, Any] | None = None, *, interventions: Iterable[Intervention] = (),
                 seed: int | None = None, record_journeys: bool = False, rng: int | None = None,
                 scenario: Any = None, **values: Any):
        # Mesa's tools may name the seed ``rng`` or pass it inside one of Mesa's own scenarios (SolaraViz's reset)
        if seed is None:
            seed = rng if rng is not None else getattr(scenario, "rng", None)
        if isinstance(seed, str) and seed.strip().isdigit():       # a seed typed in a browser field
            seed = int(seed)
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))):
            raise ParamError(f"seed {seed!r} is not allowed; allowed: an integer or nothing", name="seed", value=seed)
        super().__init__(rng=seed)
        self.seed_value = seed
        self.p = P.validate({**(params or {}), **values})
        self._stepping = 0
        self.schedule_plan: list[Intervention] = sorted(interventions, key=lambda iv: iv.day)
        self.intervention_log: list[Intervention] = []
        self._expiries: list[tuple[int, Callable[[], None]]] = []

        # Independent sub-streams of the seeded generator, one per source of chance, and a key for
        # chance that concerns one customer or one post on one day (model/chance.py): two runs with
        # the same seed share their organisation, people, customers, and the customers' requests
        # and the people's quit draws, whatever their management does (common random numbers).
        org_rng, people_rng, customer_rng, work_rng = self.rng.spawn(4)
        key = int(self.rng.integers(2**62))
        (leader_rng,) = self.rng.spawn(1)        # managers' own traits (resistance, reactivity, training)
        self.org = build_organisation(self.p, org_rng)
        self.people = Workforce(self.p, self.org, people_rng, key=key, traits=leader_rng)
        self.customers = CustomerBase(self.p, self.org.n_teams, int(self.p["team_size"]), customer_rng, key=key)
        self.journal = Journal() if record_journeys else None
        self.chain = ServiceChain(self.p, self.org, self.people, self.customers, work_rng, self.journal)
        self.graph = self.org.graph

        # Mesa: one agent per post. Managers act every day (Manager.step); employees are windows on
        # the workforce arrays. Who reports to whom, supplies whom and talks to whom is ``self.graph``
        # (networkx), read by the organisation's arrays; no Mesa space is needed.
        self._employees: list[Employee] = [AGENT_CLASS[int(r)](self, i) for i, r in enumerate(self.org.role)]
        self.managers = self.agents_by_type[Manager]

        self.warmup = 0
        self.team_csat_ewma = np.full(self.org.n_teams, np.nan)
        self._churned_before = 0
        self._start_counting()
        # one named reporter per daily metric, so that Mesa's batch_run returns tidy rows (csat, profit, ...)
        self.datacollector = mesa.DataCollector(model_reporters={name: _reporter(name) for name in DAILY_METRICS})

    def _start_counting(self) -> None:
        """Every run-level count starts from zero (at build, and after a warm-up)."""
        self.totals = DayTally(self.org.n_teams, self.org.n_units)
        self.quits_total = 0
        self.hires_total = 0
        self.money_total = {k: 0.0 for k in ("revenue", "cost", "profit", "concessions", "supervision",
                                             "training", "recruitment", "salaries", "rework")}
        self.churned_counted = 0
        self.acquired_counted = 0
        self.backlog_sum = 0.0
        self.customer_days = 0.0
        self.records: list[dict] = []

    @classmethod
    def from_scenario(cls, scenario, *, seed: int | None = None, record_journeys: bool = False,
                      **overrides: Any) -> ServiceModel:
        """A model of a scenario: a preset's name, a scenario file's path, or a loaded
        :class:`~servicesim.model.scenario.Scenario`, with its interventions and ``overrides``."""
        from .scenario import Scenario, load_scenario

        sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
        if overrides:
            sc = sc.with_params(overrides, source="ServiceModel.from_scenario")
        return cls(sc.params, interventions=sc.interventions, seed=seed, record_journeys=record_journeys)

    @property
    def day(self) -> int:
        """The working day being simulated (during a step), or the next one (between steps)."""
        return self.steps - self._stepping

    def warm_up(self, days: int) -> ServiceModel:
        """Simulate ``days`` working days that are not counted: the summary and the daily series
        then cover only what follows (steady-state comparisons). Days keep their numbers."""
        self.run(days)
        self.warmup += int(days)
        self._start_counting()
        return self

    # --- access ------------------------------------------------------------------------------------
    def employee(self, position: int) -> Employee:
        return self._employees[position]

    # --- the day ----------------------------------------------------------------------------------
    def step(self) -> None:
        """One working day."""
        self._stepping = 1
        try:
            self._day(self.steps - 1)
        finally:
            self._stepping = 0

    def _day(self, day: int) -> None:
        self._apply_due_interventions(day)
        chain, people, p = self.chain, self.people, self.p
        self._lead(p)
        people.begin_day(p)
        chain.tally = DayTally(self.org.n_teams, self.org.n_units)
        chain.arrive(day)
        chain.abandon(day)
        chain.serve_at_front(day)
        chain.approve(day)
        chain.fulfil_in_back_office(day)
        chain.close(day)
        if p["pay_period"] and (day + 1) % int(p["pay_period"]) == 0:
            people.run_payroll(p, day)
        people.learn(p, chain.mgr_busy)
        people.learn_to_decide(p)
        people.build_trust(p)
        people.share_knowledge(p)
        people.feel(p)
        people.cut_corners(p)
        people.absorb_culture(p)
        quits = people.quit_jobs(p, day)
        people.hire(p, day)
        people.end_day()
        self._record(day, len(quits))
        self.datacollector.collect(self)

    def _lead(self, p: dict) -> None:
        """Managers see yesterday's results, then each decides (Manager.step), then practises."""
        org, styles, t = self.org, self.people.styles, self.chain.tally
        n = org.size
        failures, counts = np.zeros(n), np.zeros(n)
        failures[org.team_manager], counts[org.team_manager] = t.team_complaints, t.team_closed
        units = org.unit_manager[:org.n_units]
        failures[units], counts[units] = t.unit_errors, t.unit_done
        styles.observe(p, failures, counts, self.people.load, self.people.present)
        self.managers.do("step")
        styles.practise()

    def run(self, days: int) -> ServiceModel:
        for _ in range(int(days)):
            self.step()
        return self

    # --- interventions ---------------------------------------------------------------------------------
    def set_params(self, changes: Mapping[str, Any], source: str = "") -> None:
        """Change parameters of a running model from tomorrow on (a manager's decision, a new
        market). Structural parameters (``reset_only`` in the schema) need a new model; a style
        parameter set here applies to every manager at once, leaving the other style parameters
        and any transition under way as they are."""
        for name in changes:
            if name in P.SCHEMA and P.SCHEMA[name].reset_only:
                raise ParamError(f"parameter '{name}' shapes the organisation and takes effect only in a new "
                                 f"model (reset); allowed live: parameters not marked reset-only",
                                 name=name, value=changes[name], problem="reset_only")
        valid = P.validate(changes, source=source, base=self.p)
        self.p.update({k: valid[k] for k in changes})
        for name in changes:
            if name in P.NUMERIC_STYLE_PARAMS:
                self.people.styles.set_param(name, self.p[name])

    def intervene(self, kind: str, **options: Any) -> Intervention:
        """Apply an intervention now (live), and log it at today's date. A ``style_change`` takes a
        style preset's name (its values are read now, when the intervention is made) or ``values``."""
        styles = None
        if kind == "style_change" and "values" not in options:
            from .scenario import style_catalog

            styles = style_catalog()
        iv = make(kind, self.day, source="live intervention", styles=styles, **options)
        self.apply(iv)
        return iv

    def apply(self, iv: Intervention) -> None:
        """Apply an intervention now and log it."""
        KINDS[iv.kind].apply(self, iv.options)
        self.intervention_log.append(iv)

    def until(self, duration: int, undo: Callable[[], None]) -> None:
        """Undo an effect ``duration`` working days from today (an intervention's end)."""
        self._expiries.append((self.day + int(duration), undo))

    def _apply_due_interventions(self, day: int) -> None:
        for _end, undo in [e for e in self._expiries if e[0] <= day]:
            undo()
        self._expiries = [e for e in self._expiries if e[0] > day]
        while self.schedule_plan and self.schedule_plan[0].day <= day:
            self.apply(self.schedule_plan.pop(0))

    # --- measurement ---------------------------------------------------------------------------------
    def _record(self, day: int, quits: int) -> None:
        t, ppl, org = self.chain.tally, self.people, self.org
        self.totals.add(t)
        self.quits_total += quits
        self.hires_total += ppl.hires_today
        backlog = len(self.chain.pool)
        self.backlog_sum += backlog
        self.customer_days += self.customers.count
        has = t.team_closed > 0
        today_team = np.divide(t.team_score, t.team_closed, out=np.full(len(has), np.nan), where=has)
        ewma = self.team_csat_ewma
        ewma[has & np.isnan(ewma)] = today_team[has & np.isnan(ewma)]
        upd = has & ~np.isnan(ewma)
        ewma[upd] = 0.9 * ewma[upd] + 0.1 * today_team[upd]
        staff = (org.role != MANAGER) & ppl.present
        mean = (lambda x: float(x[staff].mean())) if staff.any() else (lambda x: math.nan)
        front = org.front[ppl.present[org.front]]
        churned_today = self.customers.churned_total - self._churned_before
        self._churned_before = self.customers.churned_total
        self.churned_counted += churned_today
        self.acquired_counted += self.customers.acquired_today
        cash = money.account(self.p, org.role, self.customers.count, t, ppl.training_effort(), ppl.present,
                             ppl.hires_today, leaders_in_training=float(ppl.styles.enrolled.sum()))
        for k in self.money_total:
            self.money_total[k] += getattr(cash, k)
        self.records.append({
            "day": day,
            **from_tally(t),
            "engagement": mean(ppl.engagement),
            "stress": mean(ppl.stress),
            "turnover_rate": quits / len(org.staff) * DAYS_PER_YEAR,
            "culture_alignment": mean(ppl.alignment),
            "skill": mean(ppl.skill),
            "knowledge": float(ppl.knowledge[front].mean()) if len(front) else math.nan,
            "quality_standard": float(ppl.standard[front].mean()) if len(front) else math.nan,
            "requests_arrived": int(t.arrived),
            "requests_resolved": int(t.resolved),
            "requests_abandoned": int(t.abandoned),
            "requests_open": backlog,
            "backlog": backlog,
            "arrival_rate": float(t.arrived),
            "contacts_per_customer_year": t.arrived / max(self.customers.count, 1) * DAYS_PER_YEAR,
            "weakest_team_csat": float(np.nanmin(ewma)) if (~np.isnan(ewma)).any() else math.nan,
            "customers": self.customers.count,
            "churn_rate": churned_today / max(self.customers.count, 1) * DAYS_PER_YEAR,
            "growth_rate": ((self.customers.acquired_today - churned_today) / max(self.customers.count, 1)
                            * DAYS_PER_YEAR),
            "revenue": cash.revenue, "cost": cash.cost, "profit": cash.profit, "concessions": cash.concessions,
            "employees": int(staff.sum()),
            "payroll_issues": int((ppl.payroll_issue > 0).sum()),
            **self._leadership(),
        })

    def _leadership(self) -> dict:
        """Today's state of leadership: managers' adoption and control, and what the front line lives."""
        org, ppl, st = self.org, self.people, self.people.styles
        front = org.front[ppl.present[org.front]]
        first = org.level == 1
        lead = first & (org.role == MANAGER)
        if not len(front):
            return {"manager_adoption": float(st.adoption[org.managers].mean()), "delegation_practised": math.nan,
                    "trust": math.nan, "discretion": math.nan, "manager_control": float(st.control[lead].mean())}
        return {
            "manager_adoption": float(st.adoption[org.managers].mean()),
            "manager_control": float(st.control[lead].mean()),
            "delegation_practised": float(st.current["delegation"][org.boss[front]].mean()),
            "trust": float(ppl.trust[front].mean()),
            "discretion": float(ppl.discretion[front].mean()),
        }

    def daily_frame(self) -> pd.DataFrame:
        """One row per simulated day."""
        return pd.DataFrame.from_records(self.records)

    def team_frame(self) -> pd.DataFrame:
        """One row per front-office team: satisfaction over the run and the team's state now."""
        org, ppl = self.org, self.people
        n = org.n_teams

        def team_mean(x):
            return org.team_mean(x, ppl.present)

        closed = self.totals.team_closed
        return pd.DataFrame({
            "team": np.arange(n),
            "csat": np.divide(self.totals.team_score, closed, out=np.full(n, np.nan), where=closed > 0),
            "closed": closed.astype(int),
            "engagement": team_mean(ppl.engagement),
            "stress": team_mean(ppl.stress),
            "culture_alignment": team_mean(ppl.alignment),
            "skill": team_mean(ppl.skill),
            "knowledge": team_mean(ppl.knowledge),
            "backlog": self.chain.open_by_team(),
            "manager": org.team_manager,
        })

    def summary(self) -> dict:
        """Run-level results (the keys scripts rely on)."""
        t = self.totals
        days = max(self.steps - self.warmup, 1)
        daily = self.records
        avg = (lambda key: float(np.nanmean([r[key] for r in daily]))) if daily else (lambda key: math.nan)
        teams = self.team_frame()
        mean_customers = self.customer_days / days
        per_day = {k: v / days for k, v in self.money_total.items()}
        return {
            **from_tally(t),
            "engagement": avg("engagement"),
            "stress": avg("stress"),
            "turnover_rate": self.quits_total * DAYS_PER_YEAR / (days * len(self.org.staff)),
            "culture_alignment": avg("culture_alignment"),
            "skill": avg("skill"),
            "knowledge": avg("knowledge"),
            "quality_standard": avg("quality_standard"),
            **{k: avg(k) for k in LEADERSHIP_METRICS},
            "requests_arrived": int(t.arrived),
            "requests_resolved": int(t.resolved),
            "requests_open": len(self.chain.pool),
            "requests_abandoned": int(t.abandoned),
            "backlog_mean": self.backlog_sum / days,
            "arrival_rate": t.arrived / days,
            "contacts_per_customer_year": t.arrived / max(mean_customers, 1e-9) / days * DAYS_PER_YEAR,
            "weakest_team_csat": float(np.nanmin(teams["csat"])) if teams["csat"].notna().any() else math.nan,
            "customers": self.customers.count,
            "churn_rate": self.churned_counted * DAYS_PER_YEAR / max(self.customer_days, 1e-9),
            "growth_rate": ((self.acquired_counted - self.churned_counted) * DAYS_PER_YEAR
                            / max(self.customer_days, 1e-9)),
            **per_day,
            "employees": int(len(self.org.staff) + len(self.org.managers)),
            "days": int(self.steps - self.warmup),
            "warmup": int(self.warmup),
            "seed": self.seed_value,
        }

    # --- journeys -----------------------------------------------------------------------------------
    def journey(self, request_id: int) -> list[dict]:
        """What happened to one request (needs ``record_journeys=True``)."""
        if self.journal is None:
            raise ParamError("journeys are not recorded: build the model with record_journeys=True")
        events = self.journal.events(int(request_id))
        for e in events:
            e["text"] = describe(e)
        return events

    def outcome(self, request_id: int) -> dict | None:
        return None if self.journal is None else self.journal.outcome(int(request_id))

    def explain(self, request_id: int) -> list[str]:
        return explain(self.outcome(request_id))

    def latest_unhappy_request(self, served_only: bool = False) -> int | None:
        """The last request that ended with an unhappy customer (``served_only``: one who was
        served, not one who gave up waiting)."""
        return None if self.journal is None else self.journal.latest_unhappy(served_only=served_only)

    def recent_requests(self, n: int = 8) -> list[int]:
        """The ``n`` requests that ended last, newest last (needs ``record_journeys=True``)."""
        return [] if self.journal is None else self.journal.recent(int(n))
