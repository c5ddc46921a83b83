"""Customers: expectations, memory, loyalty, churn and word of mouth.

Each customer belongs to one front-office team (their branch, desk or queue) and occupies one
slot of the arrays. A served customer judges the outcome against their expectation; the
judgement updates their memory of service and their expectation; a customer whose memory of
service is poor may leave; net promoters bring new customers by word of mouth.

Each slot has its own stream of requests (:meth:`CustomerBase.requests_on`), keyed by the day:
the same customer, while still a customer, asks the same things on the same days whatever
happens inside the organisation (common random numbers, :mod:`~servicesim.model.chance`).
"""

from __future__ import annotations

import numpy as np

from . import chance


def judge(performance: np.ndarray, expectation: np.ndarray, steepness: float) -> tuple[np.ndarray, np.ndarray]:
    """Satisfaction on 1-5: performance measured against expectation (disconfirmation); and the
    slope d satisfaction / d performance at each point (for the decomposition of satisfaction gaps)."""
    s = 1.0 / (1.0 + np.exp(-steepness * (performance - expectation)))
    return 1.0 + 4.0 * s, 4.0 * steepness * s * (1.0 - s)


def nps_category(score: np.ndarray) -> np.ndarray:
    """+1 promoter, -1 detractor, 0 passive, reading the 1-5 score as a 0-10 likelihood to recommend."""
    likelihood = (score - 1.0) * 2.5
    return np.where(likelihood >= 9.0, 1, np.where(likelihood <= 6.0, -1, 0))


class CustomerBase:
    """The customers, as arrays; room for growth is pre-allocated."""

    def __init__(self, p: dict, n_teams: int, team_size: int, rng: np.random.Generator, key: int = 0):
        self.key = key
        self.initial = int(p["customers_per_front"]) * n_teams * team_size
        room = self.initial * 2
        self.team = np.repeat(np.arange(n_teams, dtype=np.int32), room // n_teams + 1)[:room]
        rng.shuffle(self.team)
        self.expectation = np.zeros(room)
        self.memory = np.full(room, 3.5)      # memory of service: EWMA of satisfaction (1-5)
        self.active = np.zeros(room, dtype=bool)
        self.since = np.full(room, -1, dtype=np.int32)   # day the slot's customer joined (-1: from the start)
        # the day each customer would leave for reasons unrelated to service (drawn when they join)
        self.exit_day = np.full(room, np.iinfo(np.int32).max, dtype=np.int64)
        self.exit_day[:self.initial] = self._exit_days(rng, p, 0, self.initial)
        self.expectation[:self.initial] = np.clip(
            rng.normal(p["expectation_mean"], p["expectation_sd"], self.initial), 0.0, 1.0)
        self.active[:self.initial] = True
        self.active_ids = np.flatnonzero(self.active)
        self.churned_total = 0
        self.acquired_today = 0
        self.net_word = 0.0                   # recent net promoter share among contacts

    @staticmethod
    def _exit_days(g: np.random.Generator, p: dict, day: int, n: int) -> np.ndarray:
        if p["base_churn"] <= 0.0:
            return np.full(n, np.iinfo(np.int32).max, dtype=np.int64)
        return day + g.geometric(p["base_churn"], n).astype(np.int64)

    @property
    def count(self) -> int:
        return len(self.active_ids)

    def requests_on(self, day: int, rate: float) -> tuple[np.ndarray, np.random.Generator]:
        """Today's requests, in slot order: the customer slot of each, whether or not a customer
        holds it (the caller keeps those of active customers), and the day's generator for their
        attributes, drawn in the same order.

        Counts are drawn slot by slot up to the highest slot in use and attributes request by
        request in slot order, from two streams of their own: slot s's requests and their
        attributes are the same whoever else is still a customer (common random numbers)."""
        used = int(self.active_ids[-1]) + 1 if len(self.active_ids) else 0
        counts = chance.keyed(self.key, day, chance.DEMAND).poisson(rate, used)
        slots = np.repeat(np.arange(used), counts)
        return slots, chance.keyed(self.key, day, chance.DEMAND_ATTRIBUTES)

    def experience(self, cust: np.ndarray, performance: np.ndarray, score: np.ndarray, served: np.ndarray,
                   p: dict, day: int) -> np.ndarray:
        """Customers live a contact: memory moves; served customers' expectations follow what they
        got (one who gave up learned nothing about the service); a customer whose memory of
        service is poor may leave. Returns the leavers."""
        keep = p["customer_memory"]
        self.memory[cust] = keep * self.memory[cust] + (1.0 - keep) * score
        s = cust[served]
        adapt = p["expectation_adaptation"]
        moved = self.expectation[s] + adapt * (performance[served] - self.expectation[s])
        self.expectation[s] = np.clip(moved, 0.0, 1.0)
        unhappiness = np.clip((4.0 - self.memory[cust]) / 3.0, 0.0, 1.0) ** 2
        u = chance.keyed_uniform(self.key, day, chance.CHURN, cust)
        return np.unique(cust[u < p["churn_sensitivity"] * unhappiness])

    def turn_over(self, leavers: np.ndarray, net_promoters: float, contacts: int, p: dict, day: int) -> tuple[int, int]:
        """Leavers go (plus background churn); word of mouth brings newcomers."""
        background = self.active_ids[self.exit_day[self.active_ids] <= day]
        gone = np.unique(np.concatenate([leavers, background]))
        gone = gone[self.active[gone]]
        self.active[gone] = False
        if contacts:
            self.net_word = 0.9 * self.net_word + 0.1 * (net_promoters / contacts)
        # Acquisition: the market replaces background churn; word of mouth scales it.
        expected = p["base_churn"] * self.initial * (1.0 + 2.0 * p["word_of_mouth"] * self.net_word)
        expected += p["word_of_mouth"] * max(self.net_word, 0.0) * p["acquisition_reach"] * self.initial
        g = chance.keyed(self.key, day, chance.ACQUISITION)
        n_new = int(g.poisson(max(expected, 0.0)))
        free = np.flatnonzero(~self.active)
        n_new = min(n_new, len(free))
        if n_new:
            new = free[:n_new]
            self.expectation[new] = np.clip(g.normal(p["expectation_mean"], p["expectation_sd"], n_new), 0.0, 1.0)
            self.memory[new] = 3.5
            self.active[new] = True
            self.since[new] = day
            self.exit_day[new] = self._exit_days(g, p, day + 1, n_new)
        self.active_ids = np.flatnonzero(self.active)
        self.acquired_today = n_new
        self.churned_total += len(gone)
        return n_new, len(gone)
