"""The shipped organisations are calibrated: run as they ship, under ordinary (situational)
management, each lands inside every target range of its targets file (calibration/*.toml).

Seeds differ from the ones the search used, so this is an out-of-sample check of the fit; the
margin on either side of a range (a twentieth of its width, plus twice the standard error of the
replicates' mean) allows for replicate noise. A pattern the
targets file marks ``miss`` (the model cannot reach that range yet, and docs/CALIBRATION.md says
why) is held *outside* its range: when a model change brings it in, this test says so, and the
note must go."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from servicesim.experiments.calibrate import load_targets
from servicesim.model.model import ServiceModel
from servicesim.model.scenario import load_scenario, with_style

CALIBRATION = Path(__file__).resolve().parents[1] / "calibration"
ORGANISATIONS = sorted(p.stem for p in CALIBRATION.glob("*.toml"))
SEEDS = (101, 202)
MARGIN = 0.05


def summary_of(org: str, seed: int, days: int, warmup: int) -> dict:
    scenario = with_style(load_scenario("situational" if org == "default" else org), "situational")
    model = ServiceModel(scenario.params, interventions=scenario.interventions, seed=seed)
    model.warm_up(warmup)
    model.run(days - warmup)
    return model.summary()


def test_every_sector_preset_is_an_organisation_under_ordinary_management():
    """The style comes from --style or an experiment's arm; the sector preset itself is managed
    situationally, so "bersin vs hierarchical" on it is the same organisation managed two ways."""
    for org in ORGANISATIONS:
        if org != "default":
            assert load_scenario(org).params["delegation"] == load_scenario("situational").params["delegation"]


@pytest.mark.slow
@pytest.mark.parametrize("org", ORGANISATIONS)
def test_a_calibrated_organisation_lands_inside_its_target_ranges(org):
    targets = load_targets(CALIBRATION / f"{org}.toml")
    days, warmup = targets.defaults.get("days", 250), targets.defaults.get("warmup", 0)
    runs = [summary_of(org, seed, days, warmup) for seed in SEEDS]
    wrong = []
    for t in targets.targets:
        values = np.array([r[t.metric] for r in runs], dtype=float)
        value = float(values.mean())
        pad = MARGIN * (t.high - t.low) + 2.0 * float(values.std(ddof=1)) / np.sqrt(len(values))
        inside = t.low - pad <= value <= t.high + pad
        if t.miss and t.low <= value <= t.high:
            wrong.append(f"{t.metric} = {value:.4g} is now inside [{t.low}, {t.high}]: remove its 'miss' note")
        elif not t.miss and not inside:
            wrong.append(f"{t.metric} = {value:.4g} outside [{t.low}, {t.high}] (+-{pad:.3g})")
    assert not wrong, f"{org}: " + "; ".join(wrong)
