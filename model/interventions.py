"""Interventions: what management can do to the organisation on a given day.

Each kind has a description, typed options with defaults and ranges (validated like
parameters) and its effect on a running model, side by side in :data:`KINDS`. A style change
carries the values of the style it moves to, resolved when the intervention is made
(:func:`servicesim.model.scenario.make_intervention` looks them up among the presets), so the
model never reads a file during a run.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from . import params as P
from .errors import ParamError
from .params import Param

if TYPE_CHECKING:  # pragma: no cover
    from .model import ServiceModel


def _o(name, meaning, unit, default, low, high, kind="float") -> Param:
    return Param(name, meaning, unit, default, low, high, "intervention", kind)


# --- effects: each takes the running model and the intervention's options --------------------------
def _programme(attribute: str):
    """A programme that adds its ``intensity`` to the people's ``attribute`` effort while it runs."""

    def apply(model: ServiceModel, o: Mapping[str, Any]) -> None:
        people = model.people
        setattr(people, attribute, getattr(people, attribute) + o["intensity"])
        model.until(o["duration"], lambda: setattr(people, attribute, getattr(people, attribute) - o["intensity"]))

    return apply


_training_programme = _programme("extra_training")
_recognition_programme = _programme("extra_recognition")


def _mystery_customer(model: ServiceModel, o: Mapping[str, Any]) -> None:
    people = model.people
    people.mystery_customer = True
    model.until(o["duration"], lambda: setattr(people, "mystery_customer", False))


def _job_swap(model: ServiceModel, o: Mapping[str, Any]) -> None:
    people, org = model.people, model.org
    staff = np.concatenate([org.back, org.payroll])
    swap = staff[model.rng.random(len(staff)) < o["share"]]
    people.awareness[swap] = np.maximum(people.awareness[swap], 0.8)   # they have felt the customer
    people.alignment[swap] = np.minimum(1.0, people.alignment[swap] + 0.1)


def _simplification(model: ServiceModel, o: Mapping[str, Any]) -> None:
    model.chain.handoffs_removed += int(o["remove"])


def _style_change(model: ServiceModel, o: Mapping[str, Any]) -> None:
    target = P.validate(o["values"], base=model.p)
    model.people.styles.change_to(target, int(o["transition_days"]))
    if "approval_policy" in o["values"]:
        model.p["approval_policy"] = target["approval_policy"]


def _leadership_programme(model: ServiceModel, o: Mapping[str, Any]) -> None:
    styles, managers = model.people.styles, model.org.managers
    who = managers[model.rng.random(len(managers)) < o["share"]]
    styles.enrol(who, int(o["duration"]), float(o["time_off"]))
    model.until(o["duration"], lambda: styles.graduate(who))


def _demand_surge(model: ServiceModel, o: Mapping[str, Any]) -> None:
    chain = model.chain
    chain.demand_factor *= o["multiplier"]
    model.until(o["duration"], lambda: setattr(chain, "demand_factor", chain.demand_factor / o["multiplier"]))


def _backoffice_incident(model: ServiceModel, o: Mapping[str, Any]) -> None:
    people, unit = model.people, int(o["unit"])
    if unit >= model.org.n_units:
        raise ParamError(f"intervention 'backoffice_incident': unit {unit} does not exist; "
                         f"allowed: -1 (payroll) or 0..{model.org.n_units - 1}",
                         name="unit", value=unit, problem="out_of_range")
    slot = model.org.n_units if unit < 0 else unit
    people.incident[slot] = min(1.0, people.incident[slot] + o["severity"])

    def end() -> None:
        people.incident[slot] = max(0.0, people.incident[slot] - o["severity"])

    model.until(o["duration"], end)


@dataclass(frozen=True)
class Kind:
    """One kind of intervention: what it is, its options, and its effect on a running model."""

    description: str
    options: dict[str, Param]
    apply: Callable[[ServiceModel, Mapping[str, Any]], None]


def _kind(description: str, apply, *options: Param) -> Kind:
    return Kind(description, {o.name: o for o in options}, apply)


KINDS: dict[str, Kind] = {
    "training_programme": _kind(
        "A training programme on top of the usual effort", _training_programme,
        _o("intensity", "Extra training effort while the programme runs", "0-1", 0.8, 0.0, 1.0),
        _o("duration", "Working days the programme runs", "days", 20, 1, 100_000, "int")),
    "job_swap": _kind(
        "'Walk in my shoes': back-office staff spend time at the front desk", _job_swap,
        _o("share", "Share of back-office staff who take part", "share", 0.5, 0.0, 1.0)),
    "mystery_customer": _kind(
        "Mystery-customer reports: everyone sees the service through the customer's eyes", _mystery_customer,
        _o("duration", "Working days the programme runs", "days", 60, 1, 100_000, "int")),
    "simplification": _kind(
        "Fewer hand-offs between front and back office: one interlocutor who can really help", _simplification,
        _o("remove", "Hand-offs removed from every back-office request", "hand-offs", 1, 1, 6, "int")),
    "recognition_programme": _kind(
        "A programme that recognises and celebrates good service", _recognition_programme,
        _o("intensity", "Extra recognition while the programme runs", "0-1", 0.6, 0.0, 1.0),
        _o("duration", "Working days the programme runs", "days", 60, 1, 100_000, "int")),
    "style_change": _kind(
        "Management changes style (a transition that managers must learn)", _style_change,
        _o("transition_days", "Working days a typical manager (untrained, whose boss models the new style) takes "
                              "to adopt it; 0 imposes it at once", "days", 40, 0, 500, "int")),
    "leadership_programme": _kind(
        "Managers are trained and coached in the posture a new style asks (they then adopt it faster)",
        _leadership_programme,
        _o("share", "Share of managers who take part", "share", 1.0, 0.0, 1.0),
        _o("duration", "Working days the programme runs", "days", 20, 1, 500, "int"),
        _o("time_off", "Share of each day participants spend in the programme, away from approvals and coaching",
           "share", 0.2, 0.0, 1.0)),
    "demand_surge": _kind(
        "A surge in customer requests", _demand_surge,
        _o("multiplier", "Factor on the arrival rate during the surge", "x", 1.5, 0.1, 10.0),
        _o("duration", "Working days the surge lasts", "days", 20, 1, 100_000, "int")),
    "backoffice_incident": _kind(
        "An incident degrades one back-office unit (or payroll)", _backoffice_incident,
        _o("unit", "Unit hit: 0.. for customer units, -1 for payroll", "index", 0, -1, 49, "int"),
        _o("severity", "Accuracy lost while the incident lasts", "0-1", 0.3, 0.0, 1.0),
        _o("duration", "Working days the incident lasts", "days", 20, 1, 100_000, "int")),
}


@dataclass(frozen=True)
class Intervention:
    """One intervention scheduled on a working day (day 0 is the first day simulated)."""

    day: int
    kind: str
    options: Mapping[str, Any] = field(default_factory=dict)

    def label(self) -> str:
        opts = ", ".join(f"{k}={v}" for k, v in self.options.items() if k != "values")
        return f"{self.kind}({opts})" if opts else self.kind


def make(kind: str, day: int = 0, source: str = "", *, styles: Mapping[str, Mapping[str, Any]] | None = None,
         **options: Any) -> Intervention:
    """Build a validated :class:`Intervention`; unknown kinds and bad options raise :class:`ParamError`.

    A ``style_change`` names its ``style``; its values come from ``values=`` (a mapping of style
    parameters) or are looked up in ``styles`` (style name -> values)."""
    where = f" in {source}" if source else ""
    if kind not in KINDS:
        raise ParamError(f"intervention kind '{kind}'{where} is unknown; allowed: {', '.join(KINDS)}",
                         name="kind", value=kind, problem="unknown")
    if isinstance(day, bool) or not isinstance(day, int) or day < 0:
        raise ParamError(f"intervention '{kind}'{where}: day {day!r} is not allowed; allowed: an integer >= 0",
                         name="day", value=day, problem="out_of_range")
    schema = KINDS[kind].options
    opts: dict[str, Any] = {}
    style, values = options.pop("style", None), options.pop("values", None)
    if kind == "style_change":
        opts["style"], opts["values"] = _style_values(style, values, styles or {}, where)
    elif style is not None or values is not None:
        raise ParamError(f"intervention '{kind}'{where}: option 'style' is unknown; "
                         f"allowed: {', '.join(schema) or 'none'}")
    for name, value in options.items():
        if name not in schema:
            raise ParamError(
                f"intervention '{kind}'{where}: option '{name}' is unknown; allowed: {', '.join(schema) or 'none'}",
                name=name, value=value, problem="unknown")
        opts[name] = schema[name].coerce(value, f"intervention '{kind}'{where}")
    for name, p in schema.items():
        opts.setdefault(name, p.default)
    return Intervention(day, kind, opts)


def _style_values(style, values, styles: Mapping[str, Mapping[str, Any]], where: str) -> tuple[str, dict]:
    if values is None:
        if style not in styles:
            allowed = ", ".join(styles) or "a style preset (see `servicesim scenarios`)"
            raise ParamError(f"intervention 'style_change'{where}: style {style!r} is unknown; allowed: {allowed}",
                             name="style", value=style, problem="unknown")
        values = styles[style]
    if not isinstance(values, Mapping):
        raise ParamError(f"intervention 'style_change'{where}: values {values!r} are not a table of style parameters")
    extra = sorted(set(values) - set(P.STYLE_PARAMS))
    if extra:
        raise ParamError(f"intervention 'style_change'{where}: '{extra[0]}' is not a management-style parameter; "
                         f"allowed: {', '.join(P.STYLE_PARAMS)}", name=extra[0], problem="unknown")
    checked = P.validate(values, source=f"intervention 'style_change'{where}")
    return str(style or "custom"), {k: checked[k] for k in values}
