"""The class board: every prediction against the outcome and its 95 % interval, and the verdict in words.

Pure functions of an exercise, the room's predictions and the run's result (no database, no UI):
the pages, the projector and the debrief export all draw the same :class:`Board`.

* compare: the outcome's *direction* is the side whose satisfaction is higher when the 95 % interval of
  the paired difference (B - A) excludes zero, "same" otherwise; ``csat_gap`` and ``profit_gap`` are the
  paired differences B - A of satisfaction and profit, with their intervals.
* sweep: the *peak* is the swept value with the best mean; its interval runs over the values whose
  interval reaches the best one's (the values the data cannot tell from the peak).
* questionnaire: each participant's own organisation is their outcome (``csat_gap`` of culture-first
  against as-is, recorded by the questionnaire: its median and 10th-90th percentile band over the sampled
  versions of the organisation, not a 95 % interval; the board's column says so).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from servicesim.model.metrics import METRICS
from servicesim.viz.i18n import number

from .exercises import VERDICT_METRICS, Exercise
from .texts import Msg, t, tn

#: Decimals a number of each field is shown with.
DIGITS = {"csat_gap": 2, "profit_gap": 1, "peak": 2}


@dataclass
class Row:
    pid: int
    name: str
    values: dict
    outcome: dict                     # field -> (mean, low, high) or direction, for this row (own outcomes)
    error: dict = field(default_factory=dict)       # field -> |prediction - outcome|
    inside: dict = field(default_factory=dict)      # field -> inside the interval
    right: bool | None = None        # predicted the right direction (or a peak the data cannot tell apart)


@dataclass
class Board:
    exercise: Exercise
    rows: list[Row]
    outcome: dict                     # field -> (mean, low, high) or "a" | "b" | "same"; {} before the run
    ready: bool
    right: int = 0
    judged: int = 0
    closest: dict = field(default_factory=dict)     # field -> (names, error)
    inside: dict = field(default_factory=dict)      # field -> count inside the interval

    @property
    def numeric_fields(self) -> list[str]:
        return [a.field for a in self.exercise.predict if a.numeric]


def _triple(values) -> tuple[float, float, float] | None:
    if not values or values[0] is None:
        return None
    mean, low, high = values
    return (float(mean), float(low if low is not None else mean), float(high if high is not None else mean))


def outcome_of(ex: Exercise, result: dict | None) -> dict:
    """The outcome of each predicted field, from the run's result."""
    if not result:
        return {}
    if ex.kind == "compare":
        m = result["metrics"]
        csat = _triple(m["csat"]["diff"])
        out = {"csat_gap": csat, "profit_gap": _triple(m["profit"]["diff"])}
        out["direction"] = "same" if csat is None or csat[1] <= 0 <= csat[2] else ("b" if csat[0] > 0 else "a")
        return out
    if ex.kind == "sweep":
        return {"peak": (float(result["peak"]), float(result["peak_low"]), float(result["peak_high"]))}
    return {}


def _direction_of(gap: tuple | None) -> str | None:
    if gap is None:
        return None
    return "same" if gap[1] <= 0 <= gap[2] else ("b" if gap[0] > 0 else "a")


def build(ex: Exercise, participants: list[dict], predictions: dict[int, dict], result: dict | None,
          own: dict[int, dict] | None = None) -> Board:
    """The board of one exercise in one room."""
    outcome = outcome_of(ex, result)
    names = {p["id"]: p["name"] for p in participants}
    rows = []
    for pid, values in sorted(predictions.items(), key=lambda kv: names.get(kv[0], "").casefold()):
        if pid not in names:
            continue
        row_out = outcome
        if ex.kind == "questionnaire":
            gap = _triple((own or {}).get(pid, {}).get("csat_gap"))
            row_out = {"csat_gap": gap, "direction": _direction_of(gap)} if gap else {}
        row = Row(pid, names[pid], values, row_out)
        for fld, value in values.items():
            target = row_out.get(fld)
            if isinstance(target, tuple) and isinstance(value, (int, float)):
                row.error[fld] = abs(float(value) - target[0])
                row.inside[fld] = target[1] <= float(value) <= target[2]
        if ex.kind == "compare" and row_out.get("direction") and "direction" in values:
            row.right = values["direction"] == row_out["direction"]
        elif ex.kind == "compare" and row_out.get("csat_gap") and "csat_gap" in values:
            row.right = _sign(values["csat_gap"]) == _sign(row_out["csat_gap"][0])
        elif ex.kind == "sweep" and "peak" in row.inside:
            row.right = row.inside["peak"]
        elif ex.kind == "questionnaire" and row_out.get("csat_gap") and "csat_gap" in values:
            row.right = _sign(values["csat_gap"]) == _sign(row_out["csat_gap"][0])
        rows.append(row)
    board = Board(ex, rows, outcome, ready=bool(outcome) or any(r.outcome for r in rows))
    judged = [r for r in rows if r.right is not None]
    board.judged, board.right = len(judged), sum(1 for r in judged if r.right)
    for fld in board.numeric_fields:
        errs = [(r.error[fld], r.name) for r in rows if fld in r.error]
        if errs:
            best = min(e for e, _ in errs)
            board.closest[fld] = ([n for e, n in errs if math.isclose(e, best, abs_tol=1e-12)], best)
            board.inside[fld] = sum(1 for r in rows if r.inside.get(fld))
    return board


def _sign(x: float) -> int:
    return 0 if abs(x) < 1e-12 else (1 if x > 0 else -1)


# --- words -------------------------------------------------------------------------------------------------
def fmt(fld: str, value: float, lang: str, signed: bool = True) -> str:
    return number(value, lang, DIGITS.get(fld, 2), signed=signed)


def ahead_counts(result: dict) -> tuple[int, int, int]:
    """(measures where B is ahead, where A is ahead, measures counted): ahead = the 95 % interval of the
    paired difference excludes zero in its favour."""
    a = b = n = 0
    for metric in VERDICT_METRICS:
        row = result["metrics"].get(metric)
        if row is None or row["diff"][1] is None:
            continue
        n += 1
        mean, low, high = row["diff"]
        if low > 0 or high < 0:
            b_better = (mean > 0) == METRICS[metric].higher_is_better
            b, a = b + b_better, a + (not b_better)
    return b, a, n


def verdict(ex: Exercise, result: dict | None, lang: str, own: dict[int, dict] | None = None) -> str:
    """The outcome in one sentence a room can read from the back."""
    if ex.kind == "questionnaire":
        gaps = [_triple(o.get("csat_gap")) for o in (own or {}).values() if o.get("csat_gap")]
        gaps = [g for g in gaps if g]
        if not gaps:
            return ""
        means = [g[0] for g in gaps]
        return tn("verdict.questionnaire", len(gaps), lang, n=len(gaps),
                  mean=fmt("csat_gap", sum(means) / len(means), lang),
                  low=fmt("csat_gap", min(means), lang), high=fmt("csat_gap", max(means), lang))
    if not result:
        return ""
    if ex.kind == "sweep":
        from servicesim.viz.i18n import metric_label

        best = next(p for p in result["points"] if p["value"] == result["peak"])
        return t("verdict.sweep", lang, metric=metric_label(result["metric"], lang), param=result["param"],
                 peak=fmt("peak", result["peak"], lang, False), value=number(best["mean"], lang, 2),
                 low=fmt("peak", result["peak_low"], lang, False), high=fmt("peak", result["peak_high"], lang, False))
    m = result["metrics"]
    ahead_b, ahead_a, n = ahead_counts(result)
    values = {"a": ex.label("a", lang), "b": ex.label("b", lang), "n": n,
              "a_csat": number(m["csat"]["a"][0], lang, 2), "b_csat": number(m["csat"]["b"][0], lang, 2),
              "a_profit": number(m["profit"]["a"][0], lang, 1), "b_profit": number(m["profit"]["b"][0], lang, 1)}
    direction = outcome_of(ex, result)["direction"]
    if direction == "b":
        return t("verdict.ahead", lang, ahead=ahead_b, **values)
    if direction == "a":
        return t("verdict.ahead_a", lang, ahead=ahead_a, **values)
    return t("verdict.same", lang, ahead_b=ahead_b, ahead_a=ahead_a, **values)


def choice_text(ex: Exercise, choice: str, lang: str) -> str:
    if choice == "same":
        return t("choice.same", lang)
    return ex.label(choice, lang)


def outcome_text(board: Board, fld: str, lang: str) -> str:
    """The outcome of one field in words: "+0.56 (95 % interval +0.54 to +0.58)" or "Culture first better"."""
    target = board.outcome.get(fld)
    if target is None:
        return "—"
    if isinstance(target, str):
        ex = board.exercise
        return t(f"board.direction_out.{target}", lang, a=ex.label("a", lang), b=ex.label("b", lang))
    if fld == "peak":
        return t("board.peak_out", lang, peak=fmt(fld, target[0], lang, False), low=fmt(fld, target[1], lang, False),
                 high=fmt(fld, target[2], lang, False))
    signed = True
    return (f"{fmt(fld, target[0], lang, signed)} ("
            + t("board.interval", lang, low=fmt(fld, target[1], lang, signed), high=fmt(fld, target[2], lang, signed))
            + ")")


def summary_lines(board: Board, lang: str) -> list[str]:
    """How many were right, who was closest, how many inside the interval."""
    if not board.rows:
        return [t("board.none", lang)]
    if not board.ready:
        return [t("board.waiting_run", lang)]
    lines = []
    if board.judged:
        lines.append(t("board.right_direction", lang, right=board.right, n=board.judged))
    for fld in board.numeric_fields:
        if fld in board.closest:
            names, err = board.closest[fld]
            lines.append(t("board.closest", lang, field=Msg(f"field.{fld}"), names=", ".join(names),
                           value=fmt(fld, err, lang, False)))
    return lines


__all__ = ["Board", "Row", "build", "verdict", "outcome_of", "outcome_text", "summary_lines", "choice_text",
           "ahead_counts", "fmt"]
