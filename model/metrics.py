"""What the model measures: names, labels, units, and the direction that counts as better.

Daily series and run summaries use these names; reports and the browser read the labels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    name: str
    label: str
    unit: str
    higher_is_better: bool | None  # None: neither (a volume, a size)


_METRICS = [
    Metric("csat", "Customer satisfaction", "1-5", True),
    Metric("nps", "Net promoter score", "-100..100", True),
    Metric("first_contact_resolution", "First-contact resolution", "share", True),
    Metric("resolution_time_days", "Resolution time", "days", False),
    Metric("escalation_rate", "Escalations per request", "per request", False),
    Metric("referral_rate", "Requests a manager took over", "share", False),
    Metric("resolved_first_time", "Settled at first contact (customer's view)", "share", True),
    Metric("handoffs_per_request", "Hand-offs per request", "per request", False),
    Metric("error_rate", "Errors per request", "per request", False),
    Metric("engagement", "Employee engagement", "0-1", True),
    Metric("stress", "Employee stress", "0-1", False),
    Metric("turnover_rate", "Staff turnover", "share per year", False),
    Metric("culture_alignment", "Culture alignment", "0-1", True),
    Metric("skill", "Service skill", "0-1", True),
    Metric("quality_standard", "Quality standard held", "0-1", True),
    Metric("requests_arrived", "Requests arrived", "requests", None),
    Metric("requests_resolved", "Requests resolved", "requests", None),
    Metric("requests_open", "Requests open", "requests", None),
    Metric("requests_abandoned", "Requests abandoned", "requests", False),
    Metric("backlog_mean", "Backlog", "open requests", False),
    Metric("arrival_rate", "Arrival rate", "requests/day", None),
    Metric("weakest_team_csat", "Weakest team's satisfaction", "1-5", True),
    Metric("customers", "Active customers", "customers", True),
    Metric("churn_rate", "Customer churn", "share per year", False),
    Metric("growth_rate", "Customer base growth (acquired minus lost)", "share per year", True),
    Metric("revenue", "Revenue (customers' gross margin)", "salary-days per day", True),
    Metric("cost", "Cost", "salary-days per day", False),
    Metric("profit", "Profit", "salary-days per day", True),
    Metric("concessions", "Concessions and gestures", "salary-days per day", None),
    Metric("approval_utilisation", "Approval utilisation", "share", None),
    Metric("front_occupancy", "Front-line occupancy", "share", None),
    Metric("contacts_per_customer_year", "Contacts per customer", "per year", None),
    Metric("knowledge", "Local customer knowledge (front office)", "0-1", True),
    Metric("employees", "Employees", "people", None),
    # leadership: managers who adopt, resist and react, and what the front line lives under them
    Metric("manager_adoption", "Managers' adoption of the announced style", "0-1", None),
    Metric("manager_control", "Control tightened by team managers (below 0: loosened)", "coefficient", None),
    Metric("delegation_practised", "Delegation the front line lives under", "0-1", None),
    Metric("trust", "Front line's trust in their manager", "0-1", True),
    Metric("discretion", "Front line's practice at deciding", "0-1", True),
    # the terms of served customers' judgements (decomposition of satisfaction gaps)
    Metric("abandon_share", "Requests abandoned", "share", False),
    Metric("csat_served", "Satisfaction of customers served", "1-5", True),
    Metric("perf_fit", "Fit of the answer", "0-1", True),
    Metric("perf_wait", "Penalty for waiting", "performance", False),
    Metric("perf_people", "Penalty for people dealt with", "performance", False),
    Metric("perf_errors", "Penalty for errors", "performance", False),
    Metric("perf_mood", "Effect of the employee's mood", "performance", True),
    Metric("perf_concession", "Effect of gestures", "performance", True),
    Metric("expectation_served", "Expectation of customers served", "0-1", None),
    Metric("judge_slope", "Slope of the judgement curve", "per performance", None),
    Metric("wrong_answer_rate", "Wrong answers reaching customers", "per request", False),
    Metric("people_per_request", "Extra people dealt with per request", "per request", False),
    Metric("decided_by_rule", "Approvals settled by rule", "per request", None),
]

METRICS: dict[str, Metric] = {m.name: m for m in _METRICS}

#: The metrics a quick comparison shows first.
HEADLINE = ("csat", "nps", "first_contact_resolution", "resolution_time_days", "escalation_rate",
            "error_rate", "engagement", "stress", "turnover_rate", "culture_alignment")


def from_tally(t) -> dict:
    """The metrics that are ratios of a tally of requests (a day's, or the whole run's): one
    definition for daily series and run summaries."""
    div = lambda a, b: float(a / b) if b else math.nan  # noqa: E731
    return {
        "csat": div(t.score_sum, t.closed),
        "nps": div(100.0 * (t.promoters - t.detractors), t.closed),
        "first_contact_resolution": div(t.fcr, t.resolved),
        "resolution_time_days": div(t.resolution_days, t.resolved),
        "escalation_rate": div(t.escalations, t.closed),
        "referral_rate": div(t.referred, t.closed),
        "resolved_first_time": div(t.settled_first, t.resolved),
        "handoffs_per_request": div(t.handoffs, t.resolved),
        "people_per_request": div(t.people, t.resolved),
        "error_rate": div(t.errors, t.resolved),
        "approval_utilisation": div(t.approvals_demanded, t.approval_capacity),
        "front_occupancy": div(t.front_taken, t.front_capacity),
        "decided_by_rule": div(t.by_rule, t.closed),
        "abandon_share": div(t.abandoned, t.closed),
        "csat_served": div(t.score_served, t.resolved),
        "perf_fit": div(t.fit_sum, t.resolved),
        "wrong_answer_rate": div(t.wrong, t.resolved),
        "perf_wait": div(t.wait_pen, t.resolved),
        "perf_people": div(t.people_pen, t.resolved),
        "perf_errors": div(t.error_pen, t.resolved),
        "perf_mood": div(t.mood_eff, t.resolved),
        "perf_concession": div(t.gesture_eff, t.resolved),
        "expectation_served": div(t.expectation_sum, t.resolved),
        "judge_slope": div(t.slope_sum, t.resolved),
    }
