"""Interventions: what management can do to the organisation on a given day.

Each kind has typed options with defaults and ranges (validated like parameters). The
effects themselves live with the mechanisms they touch; :func:`apply` dispatches.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from .errors import ParamError
from .params import Param


def _o(name, meaning, unit, default, low, high, kind="float") -> Param:
    return Param(name, meaning, unit, default, low, high, "intervention", kind)


#: kind -> (description, {option name -> Param})
KINDS: dict[str, tuple[str, dict[str, Param]]] = {
    "training_programme": (
        "A training programme on top of the usual effort",
        {o.name: o for o in (
            _o("intensity", "Extra training effort while the programme runs", "0-1", 0.8, 0.0, 1.0),
            _o("duration", "Working days the programme runs", "days", 20, 1, 100_000, "int"),
        )},
    ),
    "job_swap": (
        "'Walk in my shoes': back-office staff spend time at the front desk",
        {o.name: o for o in (
            _o("share", "Share of back-office staff who take part", "share", 0.5, 0.0, 1.0),
        )},
    ),
    "mystery_customer": (
        "Mystery-customer reports: everyone sees the service through the customer's eyes",
        {o.name: o for o in (
            _o("duration", "Working days the programme runs", "days", 60, 1, 100_000, "int"),
        )},
    ),
    "simplification": (
        "Fewer hand-offs between front and back office: one interlocutor who can really help",
        {o.name: o for o in (
            _o("remove", "Hand-offs removed from every back-office request", "hand-offs", 1, 1, 6, "int"),
        )},
    ),
    "recognition_programme": (
        "A programme that recognises and celebrates good service",
        {o.name: o for o in (
            _o("intensity", "Extra recognition while the programme runs", "0-1", 0.6, 0.0, 1.0),
            _o("duration", "Working days the programme runs", "days", 60, 1, 100_000, "int"),
        )},
    ),
    "style_change": (
        "Management changes style (a transition that managers must learn)",
        {o.name: o for o in (
            _o("transition_days", "Working days managers take to adopt the new style", "days", 40, 0, 500, "int"),
        )},
    ),
    "demand_surge": (
        "A surge in customer requests",
        {o.name: o for o in (
            _o("multiplier", "Factor on the arrival rate during the surge", "x", 1.5, 0.1, 10.0),
            _o("duration", "Working days the surge lasts", "days", 20, 1, 100_000, "int"),
        )},
    ),
    "backoffice_incident": (
        "An incident degrades one back-office unit (or payroll)",
        {o.name: o for o in (
            _o("unit", "Unit hit: 0.. for customer units, -1 for payroll", "index", 0, -1, 49, "int"),
            _o("severity", "Accuracy lost while the incident lasts", "0-1", 0.3, 0.0, 1.0),
            _o("duration", "Working days the incident lasts", "days", 20, 1, 100_000, "int"),
        )},
    ),
}


@dataclass(frozen=True)
class Intervention:
    """One intervention scheduled on a working day (day 0 is the first day simulated)."""

    day: int
    kind: str
    options: Mapping[str, Any] = field(default_factory=dict)

    def label(self) -> str:
        opts = ", ".join(f"{k}={v}" for k, v in self.options.items())
        return f"{self.kind}({opts})" if opts else self.kind


def make(kind: str, day: int = 0, source: str = "", **options: Any) -> Intervention:
    """Build a validated :class:`Intervention`; unknown kinds and bad options raise :class:`ParamError`."""
    where = f" in {source}" if source else ""
    if kind not in KINDS:
        raise ParamError(f"intervention kind '{kind}'{where} is unknown; allowed: {', '.join(KINDS)}")
    if isinstance(day, bool) or not isinstance(day, int) or day < 0:
        raise ParamError(f"intervention '{kind}'{where}: day {day!r} is not allowed; allowed: an integer >= 0")
    schema = KINDS[kind][1]
    opts: dict[str, Any] = {}
    style = options.pop("style", None)
    if kind == "style_change":
        from .scenario import style_names

        if style not in style_names():
            raise ParamError(
                f"intervention 'style_change'{where}: style {style!r} is unknown; allowed: {', '.join(style_names())}"
            )
        opts["style"] = style
    elif style is not None:
        raise ParamError(f"intervention '{kind}'{where}: option 'style' is unknown; allowed: {', '.join(schema) or 'none'}")
    for name, value in options.items():
        if name not in schema:
            raise ParamError(
                f"intervention '{kind}'{where}: option '{name}' is unknown; allowed: {', '.join(schema) or 'none'}"
            )
        opts[name] = schema[name].coerce(value, f"intervention '{kind}'{where}")
    for name, p in schema.items():
        opts.setdefault(name, p.default)
    return Intervention(day, kind, opts)
