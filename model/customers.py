"""Customers: expectations, memory, loyalty, churn and word of mouth.

Each customer belongs to one front-office team (their branch, desk or queue). A served
customer judges the outcome against their expectation; the judgement updates their memory
and expectation, may make them leave, and feeds the word of mouth that brings new customers.
"""

from __future__ import annotations

import numpy as np

#: Steepness of the judgement curve (performance gap -> 1-5 score).
STEEPNESS = 7.0


def judge(performance: np.ndarray, expectation: np.ndarray) -> np.ndarray:
    """Satisfaction on 1-5: performance measured against expectation (disconfirmation)."""
    return 1.0 + 4.0 / (1.0 + np.exp(-STEEPNESS * (performance - expectation)))


def nps_category(score: np.ndarray) -> np.ndarray:
    """+1 promoter, -1 detractor, 0 passive, reading the 1-5 score as a 0-10 likelihood to recommend."""
    likelihood = (score - 1.0) * 2.5
    return np.where(likelihood >= 9.0, 1, np.where(likelihood <= 6.0, -1, 0))


class CustomerBase:
    """The customers, as arrays; room for growth is pre-allocated."""

    def __init__(self, p: dict, n_teams: int, team_size: int, rng: np.random.Generator):
        self.rng = rng
        self.initial = int(p["customers_per_front"]) * n_teams * team_size
        room = self.initial * 2
        self.team = np.repeat(np.arange(n_teams, dtype=np.int32), room // n_teams + 1)[:room]
        rng.shuffle(self.team)
        self.expectation = np.zeros(room)
        self.memory = np.full(room, 3.5)      # recent satisfaction (EWMA of scores)
        self.active = np.zeros(room, dtype=bool)
        self._fresh(np.arange(self.initial), p)
        self.active_ids = np.flatnonzero(self.active)
        self.acquired_total = 0
        self.churned_total = 0
        self.net_word = 0.0                   # recent net promoter share among contacts

    def _fresh(self, idx: np.ndarray, p: dict) -> None:
        self.expectation[idx] = np.clip(self.rng.normal(p["expectation_mean"], p["expectation_sd"], len(idx)), 0.0, 1.0)
        self.memory[idx] = 3.5
        self.active[idx] = True

    @property
    def count(self) -> int:
        return len(self.active_ids)

    def pick_requesters(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` customers who get in touch today, drawn from ``rng`` (the day's demand stream)."""
        return self.active_ids[rng.integers(0, len(self.active_ids), n)]

    def experience(self, cust: np.ndarray, performance: np.ndarray, score: np.ndarray,
                   p: dict) -> np.ndarray:
        """Customers live a contact: memory and expectation move, some leave. Returns leavers."""
        self.memory[cust] = 0.7 * self.memory[cust] + 0.3 * score
        adapt = p["expectation_adaptation"]
        self.expectation[cust] = np.clip(self.expectation[cust] + adapt * (performance - self.expectation[cust]), 0.0, 1.0)
        unhappiness = np.clip((4.0 - score) / 3.0, 0.0, 1.0) ** 2
        leave = cust[self.rng.random(len(cust)) < p["churn_sensitivity"] * unhappiness]
        return np.unique(leave)

    def turn_over(self, leavers: np.ndarray, net_promoters: float, contacts: int, p: dict) -> tuple[int, int]:
        """Leavers go (plus background churn); word of mouth brings newcomers."""
        background = self.active_ids[self.rng.random(len(self.active_ids)) < p["base_churn"]]
        gone = np.unique(np.concatenate([leavers, background]))
        gone = gone[self.active[gone]]
        self.active[gone] = False
        if contacts:
            self.net_word = 0.9 * self.net_word + 0.1 * (net_promoters / contacts)
        # Acquisition: the market replaces background churn; word of mouth scales it.
        expected = p["base_churn"] * self.initial * (1.0 + 2.0 * p["word_of_mouth"] * self.net_word)
        expected += p["word_of_mouth"] * max(self.net_word, 0.0) * 0.002 * self.initial
        n_new = int(self.rng.poisson(max(expected, 0.0)))
        free = np.flatnonzero(~self.active)
        n_new = min(n_new, len(free))
        if n_new:
            new = free[:n_new]
            self._fresh(new, p)
        self.active_ids = np.flatnonzero(self.active)
        self.acquired_total += n_new
        self.churned_total += len(gone)
        return n_new, len(gone)
