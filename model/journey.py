"""Journeys: a record of what happened to each request, for tracing one of them.

Recording is optional (``ServiceModel(record_journeys=True)``) and draws no random numbers,
so a traced run follows exactly the same path as an untraced one with the same seed.
"""

from __future__ import annotations

import numpy as np

#: How each event reads, in English; the browser translates by event code.
EVENTS = {
    "arrive": "arrives, for team {actor}",
    "abandon": "the customer gives up waiting",
    "front": "taken by front-office employee #{actor}",
    "escalate": "escalated to manager #{actor}",
    "decide": "manager #{actor} rules on it",
    "own_error": "employee #{actor} makes a keying error",
    "error": "back-office employee #{actor} makes an error: rework",
    "handoff": "handed off through back-office unit {value}, by #{actor}",
    "resolve": "resolved; the customer rates it {value:.1f}/5",
    "by_rule": "the approval took too long and was settled by rule",
}
FRONT_HOW = {0: "solved by procedure", 1: "needs approval", 2: "standard answer to an uncovered case",
             3: "improvised for an uncovered case"}
ESCALATION_WHY = {0: "micromanagement: approval required", 1: "beyond the authority held",
                  2: "the procedure does not fit and the employee knows it"}


#: Satisfaction (1-5) at or above which a customer is satisfied, and below which dissatisfied.
SATISFIED, DISSATISFIED = 3.5, 2.5


class Journal:
    """Append-only event log held as arrays (one batch per event kind and day)."""

    def __init__(self):
        self.batches: list[tuple[str, np.ndarray, int, np.ndarray | None, np.ndarray | None]] = []
        self.outcomes: list[tuple[np.ndarray, int, dict]] = []

    def log(self, code: str, ids: np.ndarray, day: int, actor=None, value=None) -> None:
        def copy(x):
            return None if x is None else np.broadcast_to(np.asarray(x), ids.shape).copy()

        self.batches.append((code, ids.copy(), day, copy(actor), copy(value)))

    def finish(self, ids: np.ndarray, day: int, fields: dict) -> None:
        self.outcomes.append((ids.copy(), day, {k: np.asarray(v).copy() for k, v in fields.items()}))

    def events(self, request_id: int) -> list[dict]:
        out = []
        for code, ids, day, actor, value in self.batches:
            for j in np.flatnonzero(ids == request_id):
                out.append({"day": day, "stage": code,
                            "actor": None if actor is None else int(actor[j]),
                            "value": None if value is None else float(value[j])})
        return out

    def outcome(self, request_id: int) -> dict | None:
        for ids, day, fields in self.outcomes:
            j = np.flatnonzero(ids == request_id)
            if len(j):
                return {"day": day, **{k: float(v[j[0]]) for k, v in fields.items()}}
        return None

    def latest_unhappy(self, threshold: float = DISSATISFIED, served_only: bool = False) -> int | None:
        """The last request whose customer scored ``threshold`` or less (``served_only``: skip
        customers who gave up waiting)."""
        for ids, _day, fields in reversed(self.outcomes):
            bad = fields["score"] <= threshold
            if served_only and "abandoned" in fields:
                bad &= fields["abandoned"] == 0
            bad = np.flatnonzero(bad)
            if len(bad):
                return int(ids[bad[-1]])
        return None

    def recent(self, n: int) -> list[int]:
        """The ``n`` requests that ended last (resolved or abandoned), newest last."""
        out: list[int] = []
        for ids, _day, _fields in reversed(self.outcomes):
            out[:0] = [int(i) for i in ids[-(n - len(out)):]]
            if len(out) >= n:
                break
        return out


def verdict_of(score: float) -> str:
    """'satisfied', 'lukewarm' or 'dissatisfied': how a 1-5 satisfaction reads in a journey."""
    return "satisfied" if score >= SATISFIED else "dissatisfied" if score < DISSATISFIED else "lukewarm"


def describe(event: dict) -> str:
    """One event as an English sentence."""
    code, actor, value = event["stage"], event["actor"], event["value"]
    text = EVENTS[code].format(actor=actor, value=value if value is not None else 0.0)
    if code == "front" and value is not None:
        text += f" ({FRONT_HOW[int(value)]})"
    if code == "escalate" and value is not None:
        text += f" — {ESCALATION_WHY[int(value)]}"
    return text


def explain(outcome: dict | None) -> list[str]:
    """Why the customer ended up satisfied or not: the terms of their judgement."""
    if outcome is None:
        return ["the request is still open"]
    if outcome.get("abandoned"):
        return [f"the customer gave up after {outcome['wait']:.0f} day(s) without an answer: rated 1/5"]
    lines = [
        f"fit of the answer to the situation: {outcome['fit']:.2f}",
        f"waiting {outcome['wait']:.0f} day(s): -{outcome['wait_cost']:.2f}",
        f"{outcome['extra_people']:.0f} extra person(s) to deal with: -{outcome['people_cost']:.2f}",
        f"{outcome['errors']:.0f} error(s) and rework: -{outcome['error_cost']:.2f}",
        f"mood of the employee who served them: {outcome['mood_effect']:+.2f}",
        f"goodwill gesture: {outcome.get('gesture_effect', 0.0):+.2f}",
        f"performance {outcome['performance']:.2f} against an expectation of {outcome['expectation']:.2f}",
        f"satisfaction: {outcome['score']:.1f}/5",
    ]
    terms = {"the answer's fit": 1.0 - outcome["fit"], "the wait": outcome["wait_cost"],
             "being passed around": outcome["people_cost"], "errors": outcome["error_cost"],
             "the employee's mood": -outcome["mood_effect"]}
    worst = max(terms, key=terms.get)
    verdict = verdict_of(outcome["score"])
    lines.append(f"verdict: {verdict}; what weighed most: {worst}")
    return lines
