"""The service-chain model: wiring, the daily schedule, interventions and data collection."""

from __future__ import annotations

import math
from typing import Any, Iterable, Mapping

import mesa
import numpy as np
import pandas as pd
from mesa.discrete_space import Network

from . import params as P
from .agents import AGENT_CLASS, Employee
from .customers import CustomerBase
from .errors import ParamError
from .interventions import Intervention, make
from .journey import Journal, describe, explain
from .organisation import BACK, FRONT, MANAGER, PAYROLL, build_organisation
from .requests import DayTally, ServiceChain
from .workforce import Workforce

DAYS_PER_YEAR = 250


class ServiceModel(mesa.Model):
    """An organisation serving its customers, one working day per step.

    ``params`` are validated against the schema (missing ones take their defaults);
    ``interventions`` are scheduled by day; all randomness comes from ``seed``.
    """

    def __init__(self, params: Mapping[str, Any] | None = None, *, interventions: Iterable[Intervention] = (),
                 seed: int | None = None, record_journeys: bool = False):
        super().__init__(rng=seed)
        self.seed_value = seed
        self.p = P.validate(params or {})
        self.day = 0
        self.schedule_plan: list[Intervention] = sorted(interventions, key=lambda iv: iv.day)
        self.intervention_log: list[Intervention] = []
        self._expiries: list[tuple[int, Any]] = []

        # Independent sub-streams of the seeded generator, one per source of chance, so that two
        # runs with the same seed share their organisation, people and customer stream even when
        # management differs (common random numbers). Demand is re-seeded each day from its key.
        org_rng, people_rng, customer_rng, work_rng = self.rng.spawn(4)
        demand_key = int(self.rng.integers(2**62))
        self.org = build_organisation(self.p, org_rng)
        self.people = Workforce(self.p, self.org, people_rng)
        self.customers = CustomerBase(self.p, self.org.n_teams, int(self.p["team_size"]), customer_rng)
        self.journal = Journal() if record_journeys else None
        self.chain = ServiceChain(self.p, self.org, self.people, self.customers, work_rng, self.journal,
                                  demand_key=demand_key)
        self.graph = self.org.graph

        # Mesa: the organisation as a network space, one agent per post.
        self.space = Network(self.graph, random=self.random, layout=None)
        self._employees: list[Employee] = []
        for i, cell in enumerate(self.space.all_cells.cells):
            agent = AGENT_CLASS[int(self.org.role[i])](self, i)
            agent.cell = cell
            self._employees.append(agent)

        self.totals = DayTally(self.org.n_teams)
        self.quits_by_day: list[int] = []
        self._churned_before = 0
        self.backlog_sum = 0.0
        self.team_csat_ewma = np.full(self.org.n_teams, np.nan)
        self.records: list[dict] = []
        self.datacollector = mesa.DataCollector(model_reporters={"record": lambda m: m.records[-1] if m.records else None})

    # --- access ------------------------------------------------------------------------------------
    def employee(self, position: int) -> Employee:
        return self._employees[position]

    @property
    def employees(self) -> list[Employee]:
        return self._employees

    # --- the day ----------------------------------------------------------------------------------
    def step(self) -> None:
        """One working day."""
        day = self.day
        self._apply_due_interventions(day)
        self.people.styles.advance(day)
        chain, people, p = self.chain, self.people, self.p
        chain.tally = DayTally(self.org.n_teams)
        chain.arrive(day)
        chain.abandon(day)
        chain.serve_at_front(day)
        chain.approve(day)
        chain.fulfil_in_back_office(day)
        chain.close(day)
        if p["pay_period"] and (day + 1) % int(p["pay_period"]) == 0:
            self._run_payroll()
        people.learn(p, chain.mgr_busy)
        people.share_knowledge(p)
        people.feel(p)
        people.cut_corners(p)
        people.absorb_culture(p)
        quits = people.quit_jobs(p)
        people.hire(p)
        people.end_day()
        self._record(day, len(quits))
        self.datacollector.collect(self)
        self.day += 1

    def run(self, days: int) -> "ServiceModel":
        for _ in range(int(days)):
            self.step()
        return self

    def _run_payroll(self) -> None:
        pay = self.org.payroll
        acc = self.people.accuracy(self.p["backoffice_accuracy"])[pay]
        acc = acc[self.people.present[pay]]
        self.people.run_payroll(self.p, float(acc.mean()) if len(acc) else 0.0)

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
            if name in P.STYLE_PARAMS:
                self.people.styles.set_param(name, self.p[name])

    def intervene(self, kind: str, **options: Any) -> Intervention:
        """Apply an intervention now (live), and log it at today's date."""
        iv = make(kind, self.day, source="live intervention", **options)
        self._apply(iv)
        return iv

    def _apply_due_interventions(self, day: int) -> None:
        for end, undo in [e for e in self._expiries if e[0] <= day]:
            undo()
        self._expiries = [e for e in self._expiries if e[0] > day]
        while self.schedule_plan and self.schedule_plan[0].day <= day:
            self._apply(self.schedule_plan.pop(0))

    def _for(self, duration: int, undo) -> None:
        self._expiries.append((self.day + int(duration), undo))

    def _apply(self, iv: Intervention) -> None:
        o, people, chain = iv.options, self.people, self.chain
        if iv.kind == "training_programme":
            people.extra_training += o["intensity"]
            self._for(o["duration"], lambda v=o["intensity"]: setattr(people, "extra_training", people.extra_training - v))
        elif iv.kind == "recognition_programme":
            people.extra_recognition += o["intensity"]
            self._for(o["duration"], lambda v=o["intensity"]: setattr(people, "extra_recognition", people.extra_recognition - v))
        elif iv.kind == "mystery_customer":
            people.mystery_customer = True
            self._for(o["duration"], lambda: setattr(people, "mystery_customer", False))
        elif iv.kind == "job_swap":
            staff = np.concatenate([self.org.back, self.org.payroll])
            swap = staff[self.rng.random(len(staff)) < o["share"]]
            people.awareness[swap] = np.maximum(people.awareness[swap], 0.8)   # they have felt the customer
            people.alignment[swap] = np.minimum(1.0, people.alignment[swap] + 0.1)
        elif iv.kind == "simplification":
            chain.handoffs_removed += int(o["remove"])
        elif iv.kind == "style_change":
            from .scenario import style_params

            target = P.validate(style_params(o["style"]), base=self.p)
            people.styles.change_to(target, self.day, int(o["transition_days"]))
        elif iv.kind == "demand_surge":
            chain.demand_factor *= o["multiplier"]
            self._for(o["duration"], lambda v=o["multiplier"]: setattr(chain, "demand_factor", chain.demand_factor / v))
        elif iv.kind == "backoffice_incident":
            unit = int(o["unit"])
            if unit >= self.org.n_units:
                raise ParamError(f"intervention 'backoffice_incident': unit {unit} does not exist; "
                                 f"allowed: -1 (payroll) or 0..{self.org.n_units - 1}")
            slot = self.org.n_units if unit < 0 else unit
            people.incident[slot] = min(1.0, people.incident[slot] + o["severity"])
            self._for(o["duration"], lambda s=slot, v=o["severity"]: people.incident.__setitem__(s, max(0.0, people.incident[s] - v)))
        self.intervention_log.append(iv)

    # --- measurement ---------------------------------------------------------------------------------
    def _record(self, day: int, quits: int) -> None:
        t, tot = self.chain.tally, self.totals
        for f in DayTally.FIELDS:
            setattr(tot, f, getattr(tot, f) + getattr(t, f))
        tot.team_score += t.team_score
        tot.team_closed += t.team_closed
        self.quits_by_day.append(quits)
        backlog = len(self.chain.pool)
        self.backlog_sum += backlog
        has = t.team_closed > 0
        today_team = np.divide(t.team_score, t.team_closed, out=np.full(len(has), np.nan), where=has)
        ewma = self.team_csat_ewma
        ewma[has & np.isnan(ewma)] = today_team[has & np.isnan(ewma)]
        upd = has & ~np.isnan(ewma)
        ewma[upd] = 0.9 * ewma[upd] + 0.1 * today_team[upd]
        ppl = self.people
        staff = (self.org.role != MANAGER) & ppl.present
        n_staff = max(int(staff.sum()), 1)
        mean = lambda x: float(x[staff].mean()) if staff.any() else math.nan  # noqa: E731
        div = lambda a, b: a / b if b else math.nan  # noqa: E731
        front = self.org.front[ppl.present[self.org.front]]
        churned_today = self.customers.churned_total - self._churned_before
        self._churned_before = self.customers.churned_total
        self.records.append({
            "day": day,
            "csat": div(t.score_sum, t.closed),
            "nps": div(100.0 * (t.promoters - t.detractors), t.closed),
            "first_contact_resolution": div(t.fcr, t.resolved),
            "resolution_time_days": div(t.resolution_days, t.resolved),
            "escalation_rate": div(t.escalations, t.closed),
            "handoffs_per_request": div(t.handoffs, t.resolved),
            "error_rate": div(t.errors, t.resolved),
            "engagement": mean(ppl.engagement),
            "stress": mean(ppl.stress),
            "turnover_rate": quits / n_staff * DAYS_PER_YEAR,
            "culture_alignment": mean(ppl.alignment),
            "skill": mean(ppl.skill),
            "quality_standard": float(ppl.standard[front].mean()) if len(front) else math.nan,
            "requests_arrived": int(t.arrived),
            "requests_resolved": int(t.resolved),
            "requests_abandoned": int(t.abandoned),
            "requests_open": backlog,
            "backlog": backlog,
            "arrival_rate": float(t.arrived),
            "weakest_team_csat": float(np.nanmin(ewma)) if (~np.isnan(ewma)).any() else math.nan,
            "customers": self.customers.count,
            "churn_rate": churned_today / max(self.customers.count, 1) * DAYS_PER_YEAR,
            "cost": float(staff.sum() + (self.org.role == MANAGER).sum() * 1.5
                          + 0.1 * n_staff * min(1.0, float(ppl.styles.current["training"].mean()) + ppl.extra_training)
                          + 0.02 * t.rework),
            "revenue": 100.0 * self.customers.count / self.customers.initial,
            "employees": int(staff.sum()),
            "payroll_issues": int((ppl.payroll_issue > 0).sum()),
        })

    def daily_frame(self) -> pd.DataFrame:
        """One row per simulated day."""
        return pd.DataFrame.from_records(self.records)

    def team_frame(self) -> pd.DataFrame:
        """One row per front-office team: satisfaction over the run and the team's state now."""
        org, ppl = self.org, self.people
        f = org.front
        w = ppl.present[f].astype(float)
        n = org.n_teams

        def team_mean(x):
            s = np.bincount(org.team[f], weights=x[f] * w, minlength=n)
            c = np.bincount(org.team[f], weights=w, minlength=n)
            return np.divide(s, c, out=np.full(n, np.nan), where=c > 0)

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

    def employee_state(self) -> pd.DataFrame:
        """Each post's current state (for drawing the organisation)."""
        ppl, org = self.people, self.org
        from .organisation import ROLE_NAMES

        return pd.DataFrame({
            "role": [ROLE_NAMES[int(r)] for r in org.role],
            "team": org.team,
            "engagement": ppl.engagement,
            "stress": ppl.stress,
            "culture_alignment": ppl.alignment,
            "skill": ppl.skill,
            "vacant": ppl.vacant > 0,
            "backlog": self.chain.open_by_employee(),
        })

    def summary(self) -> dict:
        """Run-level results (the keys scripts rely on)."""
        t = self.totals
        days = max(self.day, 1)
        daily = self.records
        div = lambda a, b: float(a / b) if b else math.nan  # noqa: E731
        avg = lambda key: float(np.nanmean([r[key] for r in daily])) if daily else math.nan  # noqa: E731
        teams = self.team_frame()
        return {
            "csat": div(t.score_sum, t.closed),
            "nps": div(100.0 * (t.promoters - t.detractors), t.closed),
            "first_contact_resolution": div(t.fcr, t.resolved),
            "resolution_time_days": div(t.resolution_days, t.resolved),
            "escalation_rate": div(t.escalations, t.closed),
            "handoffs_per_request": div(t.handoffs, t.resolved),
            "error_rate": div(t.errors, t.resolved),
            "engagement": avg("engagement"),
            "stress": avg("stress"),
            "turnover_rate": div(sum(self.quits_by_day) * DAYS_PER_YEAR, days * len(self.org.staff)),
            "culture_alignment": avg("culture_alignment"),
            "skill": avg("skill"),
            "quality_standard": avg("quality_standard"),
            "requests_arrived": int(t.arrived),
            "requests_resolved": int(t.resolved),
            "requests_open": len(self.chain.pool),
            "requests_abandoned": int(t.abandoned),
            "backlog_mean": self.backlog_sum / days,
            "arrival_rate": t.arrived / days,
            "weakest_team_csat": float(np.nanmin(teams["csat"])) if teams["csat"].notna().any() else math.nan,
            "customers": self.customers.count,
            "churn_rate": div(self.customers.churned_total * DAYS_PER_YEAR, days * self.customers.initial),
            "cost": avg("cost"),
            "revenue": avg("revenue"),
            "employees": int(len(self.org.staff) + len(self.org.managers)),
            "days": int(self.day),
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
