"""Money: the service-profit chain closed (Heskett et al. 1994).

Revenue is the gross margin active customers bring (``customer_value`` a year each, word of
mouth bringing new ones); costs are salaries (posts are paid whether or not they are filled:
a vacancy is covered by overtime or temps), extra supervision staffed for approvals, training
(trainers and material; the time off the floor is lost capacity, see ``Workforce.capacity``),
goodwill gestures and concessions, rework and recruitment. The unit is one front-line
salary-day; amounts are per working day.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .organisation import BACK, FRONT, MANAGER, PAYROLL

DAYS_PER_YEAR = 250


@dataclass(frozen=True)
class Day:
    revenue: float
    salaries: float
    supervision: float
    training: float
    concessions: float
    rework: float
    recruitment: float

    @property
    def cost(self) -> float:
        return self.salaries + self.supervision + self.training + self.concessions + self.rework + self.recruitment

    @property
    def profit(self) -> float:
        return self.revenue - self.cost


def account(p: dict, role: np.ndarray, customers: int, tally, training_effort: np.ndarray, present: np.ndarray,
            hires: int, leaders_in_training: float = 0.0) -> Day:
    """One working day's revenue and costs (``leaders_in_training``: managers in a leadership programme,
    each costing a full programme's trainers and material)."""
    posts = np.bincount(role, minlength=4)
    salaries = posts[FRONT] + p["salary_back"] * (posts[BACK] + posts[PAYROLL]) + p["salary_manager"] * posts[MANAGER]
    staff = (role != MANAGER) & present
    return Day(
        revenue=customers * p["customer_value"] / DAYS_PER_YEAR,
        salaries=float(salaries),
        supervision=p["salary_manager"] * tally.extra_supervisors,
        training=p["training_cost"] * (float(training_effort[staff].sum()) + leaders_in_training),
        concessions=tally.concessions,
        rework=p["rework_cost"] * tally.rework,
        recruitment=p["recruitment_cost"] * hires,
    )
