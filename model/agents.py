"""The people of the organisation as Mesa agents.

Their state lives in the workforce arrays (so that a whole day of a large organisation is a
few numpy operations); each agent is a readable window on its row, with the actions that
concern one person named for what happens in the world.
"""

from __future__ import annotations

import numpy as np
from mesa.discrete_space import CellAgent

from .organisation import ROLE_NAMES


class Employee(CellAgent):
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
        return float(self.model.people.accuracy(self.model.p)[self.position])

    @property
    def customer_awareness(self) -> float:
        return self._get("awareness")


class PayrollEmployee(BackOfficeEmployee):
    """Serves the employees themselves: pay and HR (C10)."""

    role = ROLE_NAMES[2]


class Manager(Employee):
    """Leads a team, a unit, or managers; carries a management style."""

    role = ROLE_NAMES[3]

    @property
    def level(self) -> int:
        return int(self.model.org.level[self.position])

    def style(self) -> dict[str, float]:
        """This manager's current style parameters."""
        return {k: float(v[self.position]) for k, v in self.model.people.styles.current.items()}

    @property
    def authority_limit(self) -> float:
        return float(self.model.people.authority_limit_mgr[self.position])

    @property
    def reports(self) -> list[Employee]:
        return [self.model.employee(int(i)) for i in np.flatnonzero(self.model.org.boss == self.position)]


AGENT_CLASS = {0: FrontOfficeEmployee, 1: BackOfficeEmployee, 2: PayrollEmployee, 3: Manager}
