"""The people of the organisation as Mesa agents.

**Managers act.** Each :class:`Manager` steps once a day (``ServiceModel.step`` calls
``agents_by_type[Manager].do("step")``): it follows a leadership programme if enrolled, adopts an
announced style at its own pace, slips back to its old habits under pressure if it resists, and
tightens or loosens control after what its team shows. Its style is its row of the style columns
(:class:`~servicesim.model.leaders.Styles`); what it practises and shows its team follows from that
state once every manager has decided (``Styles.practise``).

**Employees are windows.** Front-office, back-office and payroll staff's state lives in the workforce
arrays, and their day is a handful of numpy operations over everyone at once
(:class:`~servicesim.model.workforce.Workforce`, :class:`~servicesim.model.requests.ServiceChain`).
Each employee agent is a readable window on its row: every property reads one element (nothing is
recomputed over the whole organisation), and the actions that concern one person are named for what
happens in the world.
"""

from __future__ import annotations

import math

import mesa
import numpy as np

from .organisation import ROLE_NAMES


class Employee(mesa.Agent):
    """Someone holding a post in the service chain (``position`` indexes the arrays)."""

    role = "employee"

    def __init__(self, model, position: int):
        super().__init__(model)
        self.position = position

    # --- state, read from the arrays ----------------------------------------------------------------
    def _get(self, name: str) -> float:
        return float(getattr(self.model.people, name)[self.position])

    @property
    def skill(self) -> float:
        return self._get("skill")

    @property
    def knowledge(self) -> float:
        return self._get("knowledge")

    @property
    def engagement(self) -> float:
        return self._get("engagement")

    @property
    def stress(self) -> float:
        return self._get("stress")

    @property
    def culture_alignment(self) -> float:
        return self._get("alignment")

    @property
    def autonomy_tolerance(self) -> float:
        return self._get("tolerance")

    @property
    def tenure(self) -> float:
        return self._get("tenure")

    @property
    def vacant(self) -> bool:
        return bool(self.model.people.vacant[self.position] > 0)

    @property
    def team(self) -> int:
        return int(self.model.org.team[self.position])

    @property
    def manager(self) -> Manager | None:
        boss = int(self.model.org.boss[self.position])
        return None if boss < 0 else self.model.employee(boss)

    @property
    def autonomy(self) -> float:
        """The latitude this person is given today."""
        return float(self.model.people.now_autonomy[self.position])

    @property
    def trust(self) -> float:
        """Trust in their manager (Mayer, Davis & Schoorman 1995): the share of latitude they dare use."""
        return self._get("trust")

    @property
    def discretion(self) -> float:
        """Discretionary competence: practice at deciding on one's own."""
        return self._get("discretion")

    @property
    def mood(self) -> float:
        """How this person comes across to a customer today."""
        return float(self.model.people.now_mood[self.position])

    # --- what can happen to one person ----------------------------------------------------------------
    def quit_job(self) -> None:
        """Leave: local knowledge goes too; the post waits for a newcomer."""
        self.model.people.leave(np.array([self.position]), self.model.p)

    def receive_wrong_pay(self, days: int = 5) -> None:
        """Payroll mis-keys this person's pay (C10): stress until it is fixed."""
        self.model.people.mispay(np.array([self.position]), days)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} #{self.position} team={self.team}>"


class FrontOfficeEmployee(Employee):
    """Serves customers of their team."""

    role = ROLE_NAMES[0]


class BackOfficeEmployee(Employee):
    """Fulfils what the front office cannot do alone (billing, logistics)."""

    role = ROLE_NAMES[1]

    @property
    def accuracy(self) -> float:
        """Chance this person processes a hand-off right today (computed for this row only)."""
        return float(self.model.people.accuracy(self.model.p, np.array([self.position]))[0])

    @property
    def customer_awareness(self) -> float:
        return self._get("awareness")


class PayrollEmployee(BackOfficeEmployee):
    """Serves the employees themselves: pay and HR (C10)."""

    role = ROLE_NAMES[2]


class Manager(Employee):
    """Leads a team, a unit, or managers. Its management style is its own state, and it acts on it
    every day (:meth:`step`): it learns an announced style at its own pace, may resist it, and
    reacts to what its team shows."""

    role = ROLE_NAMES[3]

    def step(self) -> None:
        """A manager's day, before the work starts (it decides on what it saw yesterday)."""
        s, i, p = self.model.people.styles, self.position, self.model.p
        if s.enrolled[i]:
            self.learn_in_programme(s, i)
        if s.pending[i]:
            self.adopt(s, i, p)
        self.react(s, i, p)

    def learn_in_programme(self, s, i: int) -> None:
        """A leadership programme trains the manager in the posture a new style asks (C8)."""
        s.trained[i] = min(1.0, s.trained[i] + s.programme_rate[i])

    def adopt(self, s, i: int, p: dict) -> None:
        """Learn the announced posture at one's own pace: faster when trained or coached by one's own
        boss, slower when that boss does not model the new style, slower still when resisting (C8).
        A resisting manager also slips back towards old habits under work pressure (the frozen middle)."""
        a = s.adoption[i]
        resistance = s.resistance[i]
        if a < 1.0 and s.pace:
            support = 1.0 - (1.0 - s.trained[i]) * (1.0 - s.boss_coaching[i])
            pace = s.pace * (1.0 + p["adoption_training_boost"] * support)
            pace *= (1.0 - p["adoption_boss_drag"] * (1.0 - s.boss_adoption[i])) * (1.0 - resistance)
            a += pace
        if resistance:
            a -= p["relapse_rate"] * resistance * s.pressure[i]
        s.adoption[i] = min(1.0, max(0.0, a))

    def react(self, s, i: int, p: dict) -> None:
        """Tighten control when the team's visible failures rise above what one is used to, loosen it
        after a run of better results (less strongly: bad news weighs more); either wears off.
        Tight control lowers engagement, which raises failures (McGregor's Theory X, self-fulfilling)."""
        alarm = s.seen[i] - s.norm[i]
        c = s.control[i]
        push = 0.0 if math.isnan(alarm) else s.reactivity[i] * (alarm if alarm > 0 else p["loosening_ratio"] * alarm)
        s.control[i] = min(1.0, max(-1.0, c + push - p["control_relaxation"] * c))

    # --- state, read from the columns -----------------------------------------------------------------
    @property
    def level(self) -> int:
        return int(self.model.org.level[self.position])

    def style(self) -> dict[str, float]:
        """This manager's current style parameters (what it practises today)."""
        return {k: float(v[self.position]) for k, v in self.model.people.styles.current.items()}

    def _col(self, name: str) -> float:
        return float(getattr(self.model.people.styles, name)[self.position])

    @property
    def adoption(self) -> float:
        """How far this manager has learned the style last announced (1: fully)."""
        return self._col("adoption")

    @property
    def trained(self) -> float:
        """Leadership development received (0-1)."""
        return self._col("trained")

    @property
    def resistance(self) -> float:
        """0 unless this manager belongs to the resisting share (then 0-1)."""
        return self._col("resistance")

    @property
    def reactivity(self) -> float:
        """How strongly this manager tightens control when its team's failures rise."""
        return self._col("reactivity")

    @property
    def control(self) -> float:
        """Control tightened (above 0) or loosened (below 0) after what the team showed."""
        return self._col("control")

    @property
    def lived_consistency(self) -> float:
        """The consistency between stated values and practice this manager's team sees."""
        return self._col("lived")

    @property
    def authority_limit(self) -> float:
        return float(self.model.people.authority_limit_mgr[self.position])

    @property
    def reports(self) -> list[Employee]:
        """The people and managers who report to this manager."""
        return [self.model.employee(int(i)) for i in self.model.org.reports_of(self.position)]


AGENT_CLASS = {0: FrontOfficeEmployee, 1: BackOfficeEmployee, 2: PayrollEmployee, 3: Manager}
