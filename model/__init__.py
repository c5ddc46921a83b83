"""servicesim's model: an organisation serving customers through a chain of people.

Parameters (``params``) -> :class:`ServiceModel` -> metrics. No I/O here except reading
scenario files in :mod:`~servicesim.model.scenario`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .errors import ParamError, ScenarioError, ServicesimError
from .metrics import METRICS
from .model import ServiceModel
from .params import SCHEMA, defaults, validate
from .scenario import Scenario, list_scenarios, load_scenario


@dataclass
class RunResult:
    """What one run produces: run-level summary, daily series, per-team table."""

    summary: dict
    daily: pd.DataFrame
    teams: pd.DataFrame


def simulate(scenario: Scenario | str, *, seed: int, days: int,
             overrides: Mapping[str, Any] | None = None) -> RunResult:
    """Run one scenario for ``days`` working days from ``seed``."""
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    if overrides:
        scenario = scenario.with_params(overrides)
    model = ServiceModel(scenario.params, interventions=scenario.interventions, seed=seed)
    model.run(days)
    return RunResult(model.summary(), model.daily_frame(), model.team_frame())


__all__ = ["ServiceModel", "simulate", "RunResult", "Scenario", "load_scenario", "list_scenarios",
           "SCHEMA", "METRICS", "defaults", "validate", "ServicesimError", "ParamError", "ScenarioError"]
