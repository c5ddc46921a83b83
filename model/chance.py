"""Common random numbers: chance keyed by what it concerns, not by the order of events.

Two runs with the same seed but different management diverge quickly: more customers leave
under one style, people quit on different days. If every draw came from one stream in event
order, all later draws would differ too, and comparisons between styles would carry noise that
has nothing to do with management. So chance that concerns *one customer* or *one post* on *one
day* comes from a draw keyed by (run key, day, source, customer or post): the same customer, while
still a customer, asks the same things on the same days under either style, and the same person
faces the same quit draw.

* :func:`keyed` — a whole generator for one day and one source (used where a day's draws are
  made for every customer slot or post at once, in a fixed order);
* :func:`keyed_uniform` — a uniform number per (day, source, index), computed by a counter-based
  hash (splitmix64) for just the indices asked for.
"""

from __future__ import annotations

import numpy as np

# Sources of keyed chance (any distinct small integers).
DEMAND, QUIT, HIRE, PAYROLL, CHURN, BACKGROUND_CHURN, ACQUISITION, DEMAND_ATTRIBUTES = range(1, 9)

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def keyed(key: int, day: int, source: int) -> np.random.Generator:
    """A generator for one day and one source of chance."""
    return np.random.default_rng([int(key), int(day), int(source)])


def _mix(x: np.ndarray) -> np.ndarray:
    x = x ^ (x >> np.uint64(30))
    x = x * _M1
    x = x ^ (x >> np.uint64(27))
    x = x * _M2
    return x ^ (x >> np.uint64(31))


def keyed_uniform(key: int, day: int, source: int, index: np.ndarray) -> np.ndarray:
    """Uniform numbers in [0, 1), one per ``index``, fixed by (key, day, source, index)."""
    with np.errstate(over="ignore"):
        base = _mix(np.uint64(int(key) % 2**64) ^ _mix(np.uint64(day * 1_000_003 + source) * _GOLDEN))
        x = _mix(base + np.asarray(index, dtype=np.uint64) * _GOLDEN)
    return (x >> np.uint64(11)).astype(np.float64) * (1.0 / 2**53)
