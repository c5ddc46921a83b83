"""What the model measures: names, labels, units, and the direction that counts as better.

Daily series and run summaries use these names; reports and the browser read the labels.
"""

from __future__ import annotations

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
    Metric("cost", "Cost", "salary-days per day", False),
    Metric("revenue", "Revenue proxy", "per day", True),
    Metric("employees", "Employees", "people", None),
]

METRICS: dict[str, Metric] = {m.name: m for m in _METRICS}

#: The metrics a quick comparison shows first.
HEADLINE = ("csat", "nps", "first_contact_resolution", "resolution_time_days", "escalation_rate",
            "error_rate", "engagement", "stress", "turnover_rate", "culture_alignment")
