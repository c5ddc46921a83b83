"""The parameter schema: the single source of truth for every input of the model.

Scenario files, the command line, the browser sliders, sweep definitions and the
sensitivity analysis all read :data:`SCHEMA`, so a value is validated once and described once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from .errors import ParamError

GROUPS = {
    "organisation": "Size and shape of the organisation",
    "demand": "Customer requests",
    "customers": "Customer expectations, loyalty and word of mouth",
    "style": "Management style (per manager)",
    "employees": "People: learning, engagement, stress, culture, turnover",
    "backoffice": "Back office and internal service",
}


@dataclass(frozen=True)
class Param:
    """One model input: what it means, its unit, default and allowed range."""

    name: str
    meaning: str
    unit: str
    default: float | int
    low: float | int
    high: float | int
    group: str
    kind: str = "float"  # "float" or "int"
    reset_only: bool = False  # structural: takes effect only when a model is built

    def allowed(self) -> str:
        word = "an integer" if self.kind == "int" else "a number"
        return f"{word} in [{self.low}, {self.high}]"

    def coerce(self, value: Any, source: str = "") -> float | int:
        """Return ``value`` as this parameter's type, or raise a one-line :class:`ParamError`."""
        where = f" in {source}" if source else ""
        if isinstance(value, str):
            text = value.strip()
            try:
                value = int(text) if self.kind == "int" and text.lstrip("+-").isdigit() else float(text)
            except ValueError:
                raise ParamError(
                    f"parameter '{self.name}'{where}: {value!r} is not a number; allowed: {self.allowed()}",
                    name=self.name, value=value, problem="not_a_number", allowed=self.allowed(),
                ) from None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ParamError(
                f"parameter '{self.name}'{where}: {value!r} has type {type(value).__name__}; "
                f"allowed: {self.allowed()}",
                name=self.name, value=value, problem="wrong_type", allowed=self.allowed(),
            )
        if isinstance(value, float) and not math.isfinite(value):
            raise ParamError(f"parameter '{self.name}'{where}: {value!r} is not finite; allowed: {self.allowed()}",
                             name=self.name, value=value, problem="not_finite", allowed=self.allowed())
        if self.kind == "int":
            if float(value) != int(value):
                raise ParamError(
                    f"parameter '{self.name}'{where}: {value!r} is not an integer; allowed: {self.allowed()}",
                    name=self.name, value=value, problem="not_an_integer", allowed=self.allowed(),
                )
            value = int(value)
        else:
            value = float(value)
        if not (self.low <= value <= self.high):
            raise ParamError(f"parameter '{self.name}'{where}: {value!r} is out of range; allowed: {self.allowed()}",
                             name=self.name, value=value, problem="out_of_range", allowed=self.allowed())
        return value


def _p(name, meaning, unit, default, low, high, group, kind="float", reset_only=False) -> Param:
    return Param(name, meaning, unit, default, low, high, group, kind, reset_only)


_PARAMS: list[Param] = [
    # --- organisation (structural: read when the model is built) ---------------------------
    _p("teams", "Number of front-office teams, each led by a team manager", "teams", 10, 1, 2000, "organisation", "int", True),
    _p("team_size", "Front-office employees per team", "people", 8, 1, 60, "organisation", "int", True),
    _p("backoffice_units", "Back-office units fulfilling customer requests (billing, logistics, ...)", "units", 2, 1, 50, "organisation", "int", True),
    _p("backoffice_ratio", "Back-office staff per front-office employee (customer-facing units)", "ratio", 0.3, 0.02, 2.0, "organisation", reset_only=True),
    _p("payroll_ratio", "Payroll/HR staff per hundred employees", "per 100", 1.5, 0.2, 10.0, "organisation", reset_only=True),
    _p("span_of_control", "Managers reporting to each manager above team level", "people", 5, 2, 50, "organisation", "int", True),
    _p("hierarchy_depth", "Management levels from team manager up to the director (at least what the span needs)", "levels", 3, 2, 8, "organisation", "int", True),
    _p("peer_links", "Peer links per employee (knowledge and culture spread along them)", "links", 4, 0, 20, "organisation", "int", True),
    _p("cross_team_links", "Share of peer links that cross team boundaries", "share", 0.15, 0.0, 1.0, "organisation", reset_only=True),
    # --- demand -----------------------------------------------------------------------------
    _p("customers_per_front", "Customers in the base per front-office employee", "customers", 150, 10, 5000, "demand", "int", True),
    _p("request_rate", "Requests a customer makes per working day", "requests/day", 0.1, 0.001, 2.0, "demand"),
    _p("novelty", "Share of requests no procedure covers (novel situations)", "share", 0.3, 0.0, 1.0, "demand"),
    _p("complexity_mean", "Mean complexity of a request", "0-1", 0.4, 0.05, 0.95, "demand"),
    _p("authority_mean", "Mean authority a request needs (a refund, a gesture), as a share of the director's", "0-1", 0.2, 0.0, 1.0, "demand"),
    _p("back_office_share", "Share of requests the front office cannot complete alone", "share", 0.3, 0.0, 1.0, "demand"),
    _p("handoffs", "Hand-offs a back-office request needs on its way through the chain", "hand-offs", 2, 0, 6, "demand", "int"),
    # --- customers --------------------------------------------------------------------------
    _p("expectation_mean", "Mean customer expectation on the service-performance scale", "0-1", 0.5, 0.0, 1.0, "customers"),
    _p("expectation_sd", "Spread of customer expectations", "0-1", 0.1, 0.0, 0.5, "customers"),
    _p("expectation_adaptation", "How fast expectations follow experienced service", "per contact", 0.05, 0.0, 1.0, "customers"),
    _p("patience_days", "Mean days a customer waits before abandoning a request", "days", 6.0, 0.5, 60.0, "customers"),
    _p("wait_cost", "Performance a customer takes off per doubling of the wait", "per log2(1+days)", 0.12, 0.0, 1.0, "customers"),
    _p("contact_cost", "Performance a customer takes off for each extra person dealt with", "per person", 0.06, 0.0, 1.0, "customers"),
    _p("error_cost", "Performance a customer takes off for each error and its rework", "per error", 0.18, 0.0, 1.0, "customers"),
    _p("mood_weight", "Weight of the serving employee's mood in the customer's judgement", "0-1", 0.25, 0.0, 1.0, "customers"),
    _p("churn_sensitivity", "Chance that a fully dissatisfied contact makes the customer leave", "probability", 0.05, 0.0, 1.0, "customers"),
    _p("base_churn", "Daily chance a customer leaves for reasons unrelated to service", "per day", 0.0004, 0.0, 0.05, "customers"),
    _p("word_of_mouth", "Strength of word of mouth (net promoters) on acquiring customers", "multiplier", 1.0, 0.0, 5.0, "customers"),
    # --- management style (per manager) ---------------------------------------------------------
    _p("delegation", "Autonomy granted: share of the decision range delegated to the front line", "0-1", 0.5, 0.0, 1.0, "style"),
    _p("micromanagement", "Share of decisions that need a manager's approval", "0-1", 0.2, 0.0, 1.0, "style"),
    _p("monitoring_cost", "Share of the team's time taken by monitoring under full micromanagement", "share", 0.25, 0.0, 0.8, "style"),
    _p("procedure_adherence", "How strictly procedures bind when a situation is not covered", "0-1", 0.5, 0.0, 1.0, "style"),
    _p("training", "Training effort: share of the maximal programme delivered", "0-1", 0.3, 0.0, 1.0, "style"),
    _p("coaching", "Coaching effort by managers", "0-1", 0.3, 0.0, 1.0, "style"),
    _p("recognition", "Recognition and celebration of good service", "0-1", 0.3, 0.0, 1.0, "style"),
    _p("values_emphasis", "How strongly leaders state customer service as the priority", "0-1", 0.5, 0.0, 1.0, "style"),
    _p("consistency", "Role-model consistency: do managers' practices match the stated values", "0-1", 0.5, 0.0, 1.0, "style"),
    _p("situational", "How far autonomy is dosed to each person's competence and tolerance", "0-1", 0.0, 0.0, 1.0, "style"),
    _p("style_spread", "Spread of individual managers' styles around the organisation's style", "sd", 0.05, 0.0, 0.3, "style", reset_only=True),
    _p("approval_capacity", "Approvals a manager can give per day", "approvals/day", 50, 1, 500, "style", "int"),
    _p("manager_knowledge", "Share of the team's local customer knowledge that reaches its manager", "share", 0.3, 0.0, 1.0, "style"),
    # --- employees ------------------------------------------------------------------------------
    _p("base_capacity", "Requests a trained front-office employee handles per day", "requests/day", 20.0, 1.0, 200.0, "employees"),
    _p("initial_skill", "Mean service skill of the initial staff", "0-1", 0.5, 0.0, 1.0, "employees", reset_only=True),
    _p("novice_skill", "Service skill of a newcomer", "0-1", 0.2, 0.0, 1.0, "employees"),
    _p("learning_rate", "Skill gained from a full day of experience (towards mastery)", "per day", 0.004, 0.0, 0.1, "employees"),
    _p("training_effect", "Skill gained per day from a full training programme that can be applied", "per day", 0.006, 0.0, 0.1, "employees"),
    _p("forgetting", "Daily loss of unused skill", "per day", 0.001, 0.0, 0.05, "employees"),
    _p("knowledge_rate", "Local customer knowledge gained per customer contact", "per contact", 0.002, 0.0, 0.1, "employees"),
    _p("knowledge_sharing", "Daily share of a knowledge gap closed with peers", "per day", 0.02, 0.0, 0.5, "employees"),
    _p("tolerance_mean", "Mean autonomy a person handles well (their tolerance)", "0-1", 0.55, 0.0, 1.0, "employees", reset_only=True),
    _p("tolerance_sd", "Spread of autonomy tolerance between people", "sd", 0.2, 0.0, 0.5, "employees", reset_only=True),
    _p("tolerance_learning", "Daily drift of a person's autonomy tolerance towards the autonomy they live with", "per day", 0.003, 0.0, 0.1, "employees"),
    _p("engagement_rate", "Daily speed at which engagement follows its drivers", "per day", 0.05, 0.0, 1.0, "employees"),
    _p("stress_rate", "Daily speed at which stress follows pressure and incidents", "per day", 0.15, 0.0, 1.0, "employees"),
    _p("standard_erosion", "Daily drift of the quality standard towards corner-cutting practice", "per day", 0.03, 0.0, 0.5, "employees"),
    _p("culture_diffusion", "Daily share of the culture gap with peers that closes", "per day", 0.03, 0.0, 0.5, "employees"),
    _p("culture_pull", "Daily pull of a manager's example on the team's culture alignment", "per day", 0.02, 0.0, 0.5, "employees"),
    _p("culture_erosion", "Daily erosion of alignment when stated values and practice disagree", "per day", 0.02, 0.0, 0.5, "employees"),
    _p("quit_base", "Daily chance an employee quits regardless of how they feel", "per day", 0.0003, 0.0, 0.05, "employees"),
    _p("quit_sensitivity", "Extra daily chance to quit when fully disengaged and stressed", "per day", 0.012, 0.0, 0.2, "employees"),
    _p("hiring_delay", "Working days a post stays vacant after someone leaves", "days", 10, 0, 120, "employees", "int"),
    # --- back office -------------------------------------------------------------------------
    _p("backoffice_capacity", "Hand-offs a back-office employee processes per day", "hand-offs/day", 40.0, 1.0, 500.0, "backoffice"),
    _p("backoffice_accuracy", "Share of hand-offs a back-office employee processes without error", "0-1", 0.94, 0.0, 1.0, "backoffice"),
    _p("handoff_error", "Chance that information is lost at a hand-off (a mis-keyed field)", "probability", 0.03, 0.0, 1.0, "backoffice"),
    _p("payroll_error", "Chance a payroll run mis-pays an employee, at baseline payroll accuracy", "probability", 0.01, 0.0, 1.0, "backoffice"),
    _p("pay_period", "Working days between payroll runs", "days", 21, 1, 250, "backoffice", "int"),
    _p("payroll_stress", "Stress a mis-paid employee carries until payroll fixes the error", "0-1", 0.5, 0.0, 1.0, "backoffice"),
]

SCHEMA: dict[str, Param] = {p.name: p for p in _PARAMS}

#: Parameters that make up a management style (what a style preset sets).
STYLE_PARAMS: tuple[str, ...] = tuple(p.name for p in _PARAMS if p.group == "style" and not p.reset_only)


def defaults() -> dict[str, float | int]:
    """A fresh dict of every parameter at its default."""
    return {p.name: p.default for p in _PARAMS}


def unknown_param_error(name: str, source: str = "") -> ParamError:
    import difflib

    where = f" in {source}" if source else ""
    close = difflib.get_close_matches(name, SCHEMA, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return ParamError(f"unknown parameter '{name}'{where}{hint}; see `servicesim params` for the {len(SCHEMA)} allowed names",
                      name=name, value=name, problem="unknown", allowed=close[0] if close else None)


def validate(values: Mapping[str, Any], *, source: str = "", base: Mapping[str, Any] | None = None) -> dict:
    """Return a complete, typed parameter dict: ``base`` (default: the defaults) updated with ``values``.

    Raises :class:`ParamError` naming the field, the value and what is allowed.
    """
    out = dict(defaults() if base is None else base)
    for name, value in values.items():
        if name not in SCHEMA:
            raise unknown_param_error(name, source)
        out[name] = SCHEMA[name].coerce(value, source)
    return out


def parse_assignment(text: str, source: str = "--set") -> tuple[str, float | int]:
    """Parse ``name=value`` (as given to ``--set``) into a validated pair."""
    if "=" not in text:
        raise ParamError(f"{source}: {text!r} is not of the form name=value")
    name, value = (part.strip() for part in text.split("=", 1))
    if name not in SCHEMA:
        raise unknown_param_error(name, source)
    return name, SCHEMA[name].coerce(value, source)


def by_group(names: Iterable[str] | None = None) -> dict[str, list[Param]]:
    """Parameters grouped in schema order (for tables and slider panels)."""
    wanted = set(SCHEMA if names is None else names)
    groups: dict[str, list[Param]] = {g: [] for g in GROUPS}
    for p in _PARAMS:
        if p.name in wanted:
            groups[p.group].append(p)
    return {g: ps for g, ps in groups.items() if ps}
