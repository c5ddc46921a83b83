"""The parameter schema: the single source of truth for every input of the model.

Scenario files, the command line, the browser sliders, sweep definitions and the
sensitivity analysis all read :data:`SCHEMA`, so a value is validated once and described once.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .errors import ParamError

GROUPS = {
    "organisation": "Size and shape of the organisation",
    "supervision": "Supervision: what the organisation gives its managers (never part of a style)",
    "demand": "Customer requests",
    "customers": "Customer expectations, loyalty and word of mouth",
    "structure": "Management style, structure block: decision rights, approvals, procedures",
    "practices": "Management style, people-practices block: values, example, recognition, training, coaching",
    "leaders": "Managers as people: how they adopt a new style, resist it and react to what they see",
    "employees": "People: learning, engagement, stress, culture, turnover",
    "backoffice": "Back office and internal service",
    "money": "Money: revenue, salaries, concessions, recruitment (unit: one front-line salary-day)",
    "coefficients": "Advanced: coefficients inside the mechanisms' equations (sources in docs/ODD.md)",
}


@dataclass(frozen=True)
class Param:
    """One model input: what it means, its unit, default and allowed range.

    ``kind`` is ``"float"``, ``"int"`` or ``"choice"`` (one of ``choices``, a word). ``source``
    says where a coefficient's value comes from, or that it is an assumption."""

    name: str
    meaning: str
    unit: str
    default: Any
    low: float | int
    high: float | int
    group: str
    kind: str = "float"
    reset_only: bool = False  # structural: takes effect only when a model is built
    choices: tuple[str, ...] = ()
    source: str = ""

    def allowed(self) -> str:
        if self.kind == "choice":
            return "one of " + ", ".join(self.choices)
        word = "an integer" if self.kind == "int" else "a number"
        return f"{word} in [{self.low}, {self.high}]"

    def _fail(self, where: str, value: Any, what: str, problem: str) -> ParamError:
        return ParamError(f"parameter '{self.name}'{where}: {value!r} {what}; allowed: {self.allowed()}",
                          name=self.name, value=value, problem=problem, allowed=self.allowed())

    def coerce(self, value: Any, source: str = "") -> Any:
        """Return ``value`` as this parameter's type, or raise a one-line :class:`ParamError`."""
        where = f" in {source}" if source else ""
        if self.kind == "choice":
            text = value.strip() if isinstance(value, str) else value
            if text not in self.choices:
                raise self._fail(where, value, "is not a known option", "not_a_choice")
            return text
        if isinstance(value, str):
            text = value.strip()
            try:
                value = int(text) if self.kind == "int" and text.lstrip("+-").isdigit() else float(text)
            except ValueError:
                raise self._fail(where, value, "is not a number", "not_a_number") from None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self._fail(where, value, f"has type {type(value).__name__}", "wrong_type")
        if isinstance(value, float) and not math.isfinite(value):
            raise self._fail(where, value, "is not finite", "not_finite")
        if self.kind == "int":
            if float(value) != int(value):
                raise self._fail(where, value, "is not an integer", "not_an_integer")
            value = int(value)
        else:
            value = float(value)
        if not (self.low <= value <= self.high):
            raise self._fail(where, value, "is out of range", "out_of_range")
        return value


def _p(name, meaning, unit, default, low, high, group, kind="float", reset_only=False) -> Param:
    return Param(name, meaning, unit, default, low, high, group, kind, reset_only)


def _c(name, meaning, default, low, high, source="assumption", unit="coefficient") -> Param:
    """A coefficient inside a mechanism's equation (the advanced group)."""
    return Param(name, meaning, unit, default, low, high, "coefficients", source=source)


#: The approval policies an organisation can run (see docs/ODD.md, "Managers").
APPROVAL_POLICIES = ("staffed", "timeboxed", "fixed")

_PARAMS: list[Param] = [
    # --- organisation (structural: read when the model is built) ---------------------------
    _p("teams", "Number of front-office teams, each led by a team manager", "teams", 10, 1, 2000, "organisation", "int", True),
    _p("team_size", "Front-office employees per team", "people", 10, 1, 60, "organisation", "int", True),
    _p("backoffice_units", "Back-office units fulfilling customer requests (billing, logistics, ...)", "units", 2, 1, 50, "organisation", "int", True),
    _p("backoffice_ratio", "Back-office staff per front-office employee (customer-facing units)", "ratio", 0.3, 0.02, 2.0, "organisation", reset_only=True),
    _p("payroll_ratio", "Payroll/HR staff per hundred employees", "per 100", 1.5, 0.2, 10.0, "organisation", reset_only=True),
    _p("span_of_control", "Managers reporting to each manager above team level", "people", 5, 2, 50, "organisation", "int", True),
    _p("hierarchy_depth", "Management levels from team manager up to the director (at least what the span needs)", "levels", 3, 2, 8, "organisation", "int", True),
    _p("peer_links", "Peer links per employee (knowledge and culture spread along them)", "links", 4, 0, 20, "organisation", "int", True),
    _p("cross_team_links", "Share of peer links that cross team boundaries", "share", 0.15, 0.0, 1.0, "organisation", reset_only=True),
    # --- supervision: what the organisation equips its managers with --------------------------
    _p("approval_capacity", "Approvals one manager can give per day (the supervision each team has before any extra is staffed)", "approvals/day", 50, 1, 500, "supervision", "int"),
    _p("approval_target_utilisation", "Under the 'staffed' approval policy: supervision is sized so that approvals keep it this busy", "share", 0.8, 0.3, 1.0, "supervision"),
    _p("approval_timebox_days", "Under the 'timeboxed' approval policy: working days after which a pending approval is settled by rule", "days", 1, 0, 20, "supervision", "int"),
    _p("monitoring_cost", "Share of the team's time taken by monitoring under full micromanagement", "share", 0.25, 0.0, 0.8, "supervision"),
    _p("manager_knowledge", "Share of the team's local customer knowledge that reaches its manager", "share", 0.3, 0.0, 1.0, "supervision"),
    _p("inspection_catch", "Chance that a manager reviewing an answer replaces it with their own when their own is better", "probability", 0.5, 0.0, 1.0, "supervision"),
    _p("style_spread", "Spread of individual managers' styles around the organisation's style", "sd", 0.05, 0.0, 0.3, "supervision", reset_only=True),
    # --- demand -----------------------------------------------------------------------------
    _p("customers_per_front", "Customers in the base per front-office employee", "customers", 1713, 10, 5000, "demand", "int", True),
    _p("request_rate", "Requests a customer makes per working day", "requests/day", 0.003658, 0.001, 2.0, "demand"),
    _p("novelty", "Share of requests no procedure covers (novel situations)", "share", 0.3, 0.0, 1.0, "demand"),
    _p("complexity_mean", "Mean complexity of a request", "0-1", 0.4, 0.05, 0.95, "demand"),
    _p("authority_mean", "Mean authority a request needs (a refund, a gesture), as a share of the director's", "0-1", 0.1114, 0.0, 1.0, "demand"),
    _p("back_office_share", "Share of requests the front office cannot complete alone", "share", 0.3739, 0.0, 1.0, "demand"),
    _p("handoffs", "Hand-offs a back-office request needs on its way through the chain", "hand-offs", 2, 0, 6, "demand", "int"),
    # --- customers --------------------------------------------------------------------------
    _p("expectation_mean", "Mean customer expectation on the service-performance scale", "0-1", 0.5122, 0.0, 1.0, "customers"),
    _p("expectation_sd", "Spread of customer expectations", "0-1", 0.1, 0.0, 0.5, "customers"),
    _p("expectation_adaptation", "How fast expectations follow experienced service", "per contact", 0.05, 0.0, 1.0, "customers"),
    _p("patience_days", "Mean days a customer waits before abandoning a request", "days", 13.23, 0.5, 60.0, "customers"),
    _p("wait_cost", "Performance a customer takes off per doubling of the wait", "per log2(1+days)", 0.12, 0.0, 1.0, "customers"),
    _p("contact_cost", "Performance a customer takes off for each extra person dealt with", "per person", 0.06, 0.0, 1.0, "customers"),
    _p("error_cost", "Performance a customer takes off for each error and its rework", "per error", 0.18, 0.0, 1.0, "customers"),
    _p("mood_weight", "Weight of the serving employee's mood in the customer's judgement", "0-1", 0.25, 0.0, 1.0, "customers"),
    _p("gesture_effect", "Performance a customer adds for a goodwill gesture of the full authority the situation called for", "per gesture", 0.1, 0.0, 1.0, "customers"),
    _p("churn_sensitivity", "Chance that a contact leaves a customer whose memory of service is fully bad", "probability", 0.01514, 0.0, 1.0, "customers"),
    _p("base_churn", "Daily chance a customer leaves for reasons unrelated to service", "per day", 0.0005353, 0.0, 0.05, "customers"),
    _p("word_of_mouth", "Strength of word of mouth (net promoters) on acquiring customers", "multiplier", 1.0, 0.0, 5.0, "customers"),
    # --- management style: the structure block ------------------------------------------------
    _p("delegation", "Autonomy granted: share of the decision range delegated to the front line", "0-1", 0.5, 0.0, 1.0, "structure"),
    _p("micromanagement", "Share of decisions that need a manager's approval", "0-1", 0.2, 0.0, 1.0, "structure"),
    _p("procedure_adherence", "How strictly procedures bind when a situation is not covered", "0-1", 0.5, 0.0, 1.0, "structure"),
    Param("approval_policy", "How approvals are run: 'staffed' (supervision sized to the approvals the rules create, its salary paid), "
          "'timeboxed' (settled by rule after a delay), 'fixed' (each manager's capacity, whatever the demand)",
          "policy", "staffed", 0, 0, "structure", kind="choice", choices=APPROVAL_POLICIES),
    # --- management style: the people-practices block ----------------------------------------
    _p("values_emphasis", "How strongly leaders state customer service as the priority", "0-1", 0.5, 0.0, 1.0, "practices"),
    _p("consistency", "Role-model consistency: do managers' practices match the stated values", "0-1", 0.5, 0.0, 1.0, "practices"),
    _p("recognition", "Recognition and celebration of good service", "0-1", 0.3, 0.0, 1.0, "practices"),
    _p("training", "Training effort: share of the maximal programme delivered", "0-1", 0.3, 0.0, 1.0, "practices"),
    _p("coaching", "Coaching effort by managers", "0-1", 0.3, 0.0, 1.0, "practices"),
    _p("situational", "How far autonomy is dosed to each person's competence and tolerance", "0-1", 0.0, 0.0, 1.0, "practices"),
    # --- managers as people ----------------------------------------------------------------------
    _p("resisting_share", "Share of managers who resist a new style: they adopt it more slowly and slip back to old habits under pressure", "share", 0.2, 0.0, 1.0, "leaders", reset_only=True),
    _p("trained_managers", "Share of managers already trained and coached in the posture a new style asks (leadership development)", "share", 0.2, 0.0, 1.0, "leaders", reset_only=True),
    _p("control_reactivity", "How strongly managers tighten control when their team's visible failures rise above what they are used to (mean over managers; each from 0 to twice it)", "coefficient", 0.5, 0.0, 10.0, "leaders", reset_only=True),
    # --- employees ------------------------------------------------------------------------------
    _p("base_capacity", "Requests a trained front-office employee handles per day", "requests/day", 10.18, 1.0, 200.0, "employees"),
    _p("initial_skill", "Mean service skill of the initial staff", "0-1", 0.5, 0.0, 1.0, "employees", reset_only=True),
    _p("novice_skill", "Service skill of a newcomer", "0-1", 0.2, 0.0, 1.0, "employees"),
    _p("learning_rate", "Skill gained from a full day of experience (towards mastery)", "per day", 0.004, 0.0, 0.1, "employees"),
    _p("training_effect", "Skill gained per day from a full training programme that can be applied", "per day", 0.006, 0.0, 0.1, "employees"),
    _p("training_time", "Share of a working day a full training programme takes people off the floor", "share", 0.08, 0.0, 0.5, "employees"),
    _p("coaching_time", "Share of a working day full coaching takes people off the floor", "share", 0.04, 0.0, 0.5, "employees"),
    _p("forgetting", "Daily loss of unused skill", "per day", 0.001, 0.0, 0.05, "employees"),
    _p("knowledge_rate", "Local customer knowledge gained per customer contact", "per contact", 0.002, 0.0, 0.1, "employees"),
    _p("knowledge_sharing", "Daily share of a knowledge gap closed with peers", "per day", 0.02, 0.0, 0.5, "employees"),
    _p("knowledge_obsolescence", "Daily share of local customer knowledge that goes out of date (products, customers and situations change)", "per day", 0.01, 0.0, 0.2, "employees"),
    _p("tolerance_mean", "Mean autonomy a person handles well (their tolerance)", "0-1", 0.55, 0.0, 1.0, "employees", reset_only=True),
    _p("tolerance_sd", "Spread of autonomy tolerance between people", "sd", 0.2, 0.0, 0.5, "employees", reset_only=True),
    _p("tolerance_learning", "Daily drift of a person's autonomy tolerance towards the autonomy they live with", "per day", 0.003, 0.0, 0.1, "employees"),
    _p("engagement_rate", "Daily speed at which engagement follows its drivers", "per day", 0.05, 0.0, 1.0, "employees"),
    _p("stress_rate", "Daily speed at which stress follows pressure and incidents", "per day", 0.15, 0.0, 1.0, "employees"),
    _p("standard_erosion", "Daily drift of the quality standard towards corner-cutting practice", "per day", 0.03, 0.0, 0.5, "employees"),
    _p("culture_diffusion", "Daily share of the culture gap with peers that closes", "per day", 0.03, 0.0, 0.5, "employees"),
    _p("culture_pull", "Daily pull of a manager's example on the team's culture alignment", "per day", 0.02, 0.0, 0.5, "employees"),
    _p("culture_erosion", "Daily erosion of alignment when stated values and practice disagree", "per day", 0.02, 0.0, 0.5, "employees"),
    _p("quit_base", "Daily chance an employee quits regardless of how they feel", "per day", 0.0007691, 0.0, 0.05, "employees"),
    _p("quit_sensitivity", "Extra daily chance to quit when fully disengaged and stressed", "per day", 0.01389, 0.0, 0.2, "employees"),
    _p("hiring_delay", "Working days a post stays vacant after someone leaves", "days", 10, 0, 120, "employees", "int"),
    # --- back office -------------------------------------------------------------------------
    _p("backoffice_capacity", "Hand-offs a back-office employee processes per day", "hand-offs/day", 40.0, 1.0, 500.0, "backoffice"),
    _p("backoffice_accuracy", "Share of hand-offs a back-office employee processes without error", "0-1", 0.871, 0.0, 1.0, "backoffice"),
    _p("handoff_error", "Chance that information is lost at a hand-off (a mis-keyed field)", "probability", 0.03314, 0.0, 1.0, "backoffice"),
    _p("payroll_error", "Chance a payroll run mis-pays an employee, at baseline payroll accuracy", "probability", 0.012, 0.0, 1.0, "backoffice"),
    _p("pay_period", "Working days between payroll runs", "days", 21, 1, 250, "backoffice", "int"),
    _p("payroll_stress", "Stress a mis-paid employee carries until payroll fixes the error", "0-1", 0.5, 0.0, 1.0, "backoffice"),
    # --- money -------------------------------------------------------------------------------
    _p("customer_value", "Gross margin an active customer brings per year, before the cost of serving them", "salary-days/year", 3.5, 0.0, 1000.0, "money"),
    _p("salary_back", "Daily cost of a back-office or payroll post", "salary-days", 1.0, 0.0, 10.0, "money"),
    _p("salary_manager", "Daily cost of a manager or of an extra supervisor", "salary-days", 1.6, 0.0, 20.0, "money"),
    _p("concession_cost", "Cost of a goodwill gesture of the director's full authority (refund, voucher, waiver)", "salary-days", 0.03, 0.0, 100.0, "money"),
    _p("rework_cost", "Material cost of one rework in the back office (beyond the time it takes)", "salary-days", 0.02, 0.0, 10.0, "money"),
    _p("recruitment_cost", "Cost of filling a vacant post: hiring and a newcomer's induction training", "salary-days", 20.0, 0.0, 500.0, "money"),
    _p("training_cost", "Trainers and material for one person on a full training programme, per day", "salary-days", 0.05, 0.0, 5.0, "money"),
    # --- coefficients inside equations (advanced) ---------------------------------------------
    _c("procedure_quality", "Know-how a codified procedure carries, on the skill scale", 0.75, 0.3, 1.0),
    _c("routine_fit_base", "Fit of a routine answer given with no know-how", 0.55, 0.2, 0.8),
    _c("routine_fit_skill", "Fit added to a routine answer by full know-how", 0.4, 0.1, 0.7),
    _c("routine_complexity_penalty", "Fit lost on a routine answer per unit of complexity not mastered", 0.25, 0.0, 0.6),
    _c("standard_fit_base", "Fit of a standard answer forced on a situation no procedure covers (C2)", 0.3, 0.0, 0.6),
    _c("standard_fit_skill", "Fit a skilled person adds to an ill-fitting standard answer", 0.15, 0.0, 0.4),
    _c("standard_complexity_penalty", "Fit a standard answer loses per unit of complexity", 0.1, 0.0, 0.4),
    _c("improvised_fit_base", "Fit of an improvised answer given with no skill, knowledge or culture", 0.2, 0.0, 0.5),
    _c("improvised_fit_scale", "Fit added to an improvised answer by full skill, knowledge and culture (C1, C3)", 0.8, 0.3, 1.0),
    _c("improvised_weight_knowledge", "Weight of local customer knowledge in an improvised answer (C1); skill and culture share the rest", 0.3, 0.0, 0.6),
    _c("improvised_weight_alignment", "Weight of culture alignment in an improvised answer (C3)", 0.25, 0.0, 0.6),
    _c("improvised_complexity_penalty", "Fit an improvised answer loses per unit of complexity not mastered", 0.3, 0.0, 0.6),
    _c("procedure_noise", "Spread of outcomes of an answer given by the book (procedures reduce variance: Bowen & Lawler 1992)", 0.03, 0.0, 0.3, "Bowen & Lawler (1992); value assumed"),
    _c("improvisation_noise", "Spread of outcomes of an answer a person works out on their own", 0.1, 0.0, 0.4, "Bowen & Lawler (1992); value assumed"),
    _c("pace_quality_weight", "Share of an answer's fit that depends on taking the proper time (Oliva & Sterman 2001)", 0.4, 0.0, 1.0, "Oliva & Sterman (2001); value assumed"),
    _c("effort_speed", "Capacity gained per unit of engagement above 0.6 (discretionary effort, C4)", 0.3, 0.0, 1.0, "Rozès (C4); value assumed"),
    _c("effort_care", "Fit gained per unit of engagement above 0.6 (care, C4)", 0.15, 0.0, 0.5, "Rozès (C4); value assumed"),
    _c("routine_authority", "Authority a routine request needs relative to the mean (procedures pre-authorise it)", 0.6, 0.1, 1.0),
    _c("novel_authority", "Authority a novel request needs relative to the mean", 1.6, 1.0, 3.0),
    _c("overreach_cost", "Extra share of a gesture paid per unit of latitude used beyond the person's judgement", 1.5, 0.0, 5.0),
    _c("overreach_fit_loss", "Fit lost per unit of latitude used beyond the person's judgement (costly or wrong decisions)", 0.2, 0.0, 1.0),
    _c("own_error_factor", "Keying-error chance of a front employee doing back-office work themselves, relative to a hand-off", 0.3, 0.0, 1.0, "Hababou (C11); value assumed"),
    _c("awareness_protection", "Share of hand-off information loss that customer awareness prevents (C11)", 0.5, 0.0, 1.0),
    _c("authority_level_base", "A level-l manager holds 1 - base^l of the director's authority", 0.3, 0.05, 0.8),
    _c("autonomy_competence_floor", "Share of their tolerance a person with no skill handles well (C7)", 0.35, 0.0, 1.0),
    _c("autonomy_fit_width", "Gap between granted and preferred autonomy at which the fit is 0 (C7)", 0.3, 0.05, 1.0),
    _c("judgement_alignment_weight", "Share of a person's judgement that comes from culture alignment rather than skill", 0.3, 0.0, 1.0),
    _c("mood_engagement_weight", "Effect of engagement on how the person comes across", 0.7, 0.0, 2.0),
    _c("mood_stress_weight", "Effect of stress on how the person comes across", 0.7, 0.0, 2.0),
    _c("capacity_skill_weight", "Share of capacity that depends on skill", 0.4, 0.0, 0.9),
    _c("accuracy_pressure", "Back-office error increase at full overload", 0.6, 0.0, 2.0),
    _c("accuracy_engagement", "Back-office error decrease per unit of engagement (care, C4)", 0.5, 0.0, 1.0),
    _c("accuracy_awareness", "Back-office error decrease at full customer awareness (C11)", 0.4, 0.0, 1.0),
    _c("micromanagement_training_block", "Share of training micromanagement keeps people from applying (C6)", 0.6, 0.0, 1.0, "Rozès (C6); value assumed"),
    _c("procedural_training", "Share of training that can be applied by the book where procedures bind", 0.5, 0.0, 1.0, "Bowen & Lawler (1992); value assumed"),
    _c("stress_pressure_weight", "Stress target at full overload", 0.45, 0.0, 1.0),
    _c("stress_micromanagement_weight", "Stress target under full micromanagement", 0.2, 0.0, 1.0),
    _c("stress_recognition_relief", "Stress relieved by full recognition", 0.1, 0.0, 0.5),
    _c("engagement_autonomy_weight", "Engagement from a good fit between granted and preferred autonomy (C7)", 0.18, 0.0, 0.5),
    _c("engagement_success_weight", "Engagement from succeeding at work", 0.25, 0.0, 0.5),
    _c("engagement_recognition_weight", "Engagement from recognition (C5)", 0.2, 0.0, 0.5),
    _c("engagement_alignment_weight", "Engagement from culture alignment", 0.15, 0.0, 0.5),
    _c("engagement_micromanagement_weight", "Engagement lost under full micromanagement", 0.2, 0.0, 0.5),
    _c("engagement_stress_weight", "Engagement lost per unit of stress", 0.3, 0.0, 1.0),
    _c("corner_cutting_exponent", "How strongly the pace gives way to overload (pace = standard / load^x)", 0.5, 0.0, 1.0, "Oliva & Sterman (2001); value assumed"),
    _c("mystery_restore", "Daily rise of the quality standard under a mystery-customer programme (C11)", 0.02, 0.0, 0.2),
    _c("culture_means_floor", "Share of a manager's pull on culture that works with no means to act (C5)", 0.3, 0.0, 1.0, "Rozès (C5); value assumed"),
    _c("culture_downward_pull", "Relative pull of a manager whose example is below a person's alignment", 0.3, 0.0, 1.0),
    _c("quit_engagement_threshold", "Engagement below which people start thinking of leaving", 0.55, 0.1, 1.0),
    _c("early_quit_boost", "Extra quit hazard of a newcomer, fading over their first months", 1.0, 0.0, 5.0, "early attrition in contact centres; value assumed"),
    _c("pressure_threshold", "Load (demand per unit of capacity) above which people feel pressure", 0.8, 0.3, 2.0),
    _c("success_memory", "Weight of past days in a person's sense of succeeding at work", 0.8, 0.0, 0.99),
    _c("staffing_adjustment", "Daily speed at which 'staffed' supervision follows the approvals demanded", 0.3, 0.01, 1.0),
    _c("newcomer_engagement", "Engagement of a newcomer on their first day", 0.65, 0.0, 1.0),
    _c("newcomer_alignment", "Culture alignment a newcomer brings (then socialised by peers and manager)", 0.3, 0.0, 1.0),
    _c("payroll_fix_days", "Mean working days payroll takes to fix a pay error", 5.0, 1.0, 30.0),
    _c("judgement_steepness", "Steepness of the customer's judgement curve (performance gap to 1-5 score)", 7.0, 1.0, 20.0, "expectation disconfirmation (Oliver 1980); value assumed"),
    _c("customer_memory", "Weight of past contacts in a customer's memory of service", 0.7, 0.0, 0.99),
    # managers who adopt, resist and react (issue 10); the transition's mechanisms
    _c("adoption_training_boost", "Extra adoption pace of a manager fully trained or coached in the new posture (1 = twice as fast)", 2.0, 0.0, 5.0, "Morel dossier; Pinet & Coupet (C8): leaders must be trained to change posture; value assumed"),
    _c("adoption_boss_drag", "Share of a manager's adoption pace lost while its own boss does not model the new style", 0.5, 0.0, 1.0, "Pinet & Coupet (C8, C9): the change is carried from the top; value assumed"),
    _c("relapse_rate", "Daily adoption a fully resisting manager loses under full work pressure (the 'frozen middle')", 0.02, 0.0, 0.2, "middle managers reverting to habits under pressure (change-management literature); value assumed"),
    _c("failure_memory", "Weight of past days in the failures a manager sees in its team", 0.7, 0.0, 0.99),
    _c("failure_norm_memory", "Weight of past days in the failure level a manager is used to", 0.995, 0.9, 0.999),
    _c("control_span", "Delegation withdrawn and sign-off share added at fully tightened control (the reverse when fully loosened)", 0.3, 0.0, 1.0, "McGregor (1960), Theory X; value assumed"),
    _c("control_relaxation", "Daily share of tightened or loosened control that wears off", 0.05, 0.001, 0.5),
    _c("loosening_ratio", "Strength of loosening after better results than usual, relative to tightening after worse ones", 0.5, 0.0, 1.0, "bad is stronger than good (Baumeister et al. 2001); value assumed"),
    _c("discretion_learning", "Daily gain of discretionary competence when every request handled is one's own decision", 0.02, 0.0, 0.2, "assumption (people used to asking permission learn to decide by deciding)"),
    _c("discretion_erosion", "Daily loss of discretionary competence under procedures that fully bind with no latitude", 0.005, 0.0, 0.1),
    _c("discretion_judgement_floor", "Share of a person's judgement available for decisions when they have no practice at deciding", 0.5, 0.0, 1.0),
    _c("ambiguity_stress", "Stress target when decision rights are wholly unclear (managers mid-change, mixed signals between levels)", 0.3, 0.0, 1.0, "role ambiguity (Rizzo, House & Lirtzman 1970); value assumed"),
    _c("trust_rate", "Daily speed at which trust in one's manager follows the manager's integrity", 0.02, 0.0, 0.5, "Mayer, Davis & Schoorman (1995); value assumed"),
    _c("trust_latitude_floor", "Share of the latitude granted a person uses when they do not trust their manager at all", 0.5, 0.0, 1.0, "Mayer, Davis & Schoorman (1995): trust is the willingness to take a risk; value assumed"),
    _c("trust_control_weight", "Trust target lost under fully tightened control", 0.5, 0.0, 1.0),
    _c("transition_session_time", "Share of the working day a team spends in sessions on the new way of working while its manager adopts it", 0.05, 0.0, 0.5, "Repenning & Sterman (2001): improvement takes time from the work; value assumed"),
    _c("acquisition_reach", "New customers per day brought by fully positive word of mouth, as a share of the initial base", 0.0005, 0.0, 0.05, source="fitted to the growth pattern: docs/CALIBRATION.md"),
]

SCHEMA: dict[str, Param] = {p.name: p for p in _PARAMS}

#: The two blocks of a management style (docs/ODD.md §2), and the style as a whole. Organisational
#: capacities (group "supervision") are never part of a style: changing style never resets them.
STRUCTURE_PARAMS: tuple[str, ...] = tuple(p.name for p in _PARAMS if p.group == "structure")
PRACTICE_PARAMS: tuple[str, ...] = tuple(p.name for p in _PARAMS if p.group == "practices")
STYLE_PARAMS: tuple[str, ...] = STRUCTURE_PARAMS + PRACTICE_PARAMS
#: Style parameters that are numbers (each manager holds their own value).
NUMERIC_STYLE_PARAMS: tuple[str, ...] = tuple(n for n in STYLE_PARAMS if SCHEMA[n].kind != "choice")


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


def parse_assignment(text: str, source: str = "--set") -> tuple[str, Any]:
    """Parse ``name=value`` (as given to ``--set``) into a validated pair."""
    if "=" not in text:
        raise ParamError(f"{source}: {text!r} is not of the form name=value")
    name, value = (part.strip() for part in text.split("=", 1))
    if name not in SCHEMA:
        raise unknown_param_error(name, source)
    return name, SCHEMA[name].coerce(value, source)


def coefficient_table() -> str:
    """The advanced group as a Markdown table (name, default, range, meaning, source) — docs/ODD.md §8."""
    rows = ["| coefficient | default | range | meaning | source |", "|---|---|---|---|---|"]
    for p in _PARAMS:
        if p.group == "coefficients":
            rows.append(f"| `{p.name}` | {p.default} | {p.low}–{p.high} | {p.meaning} | {p.source} |")
    return "\n".join(rows)


def by_group(names: Iterable[str] | None = None) -> dict[str, list[Param]]:
    """Parameters grouped in schema order (for tables and slider panels)."""
    wanted = set(SCHEMA if names is None else names)
    groups: dict[str, list[Param]] = {g: [] for g in GROUPS}
    for p in _PARAMS:
        if p.name in wanted:
            groups[p.group].append(p)
    return {g: ps for g, ps in groups.items() if ps}
