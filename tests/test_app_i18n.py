"""The app's catalogue: both languages complete, and journey texts faithful to the model's."""

from __future__ import annotations

import pytest

from servicesim.model import ServiceModel
from servicesim.model import params as P
from servicesim.model.interventions import KINDS
from servicesim.model.journey import describe, explain
from servicesim.model.metrics import METRICS
from servicesim.model.scenario import list_scenarios
from servicesim.viz import i18n


def test_both_languages_have_the_same_keys():
    assert set(i18n.EN) == set(i18n.FR), sorted(set(i18n.EN) ^ set(i18n.FR))
    assert all(i18n.FR[k].strip() for k in i18n.FR), "an empty French text"


def test_every_model_name_a_user_reads_is_in_the_catalogue():
    needed = [f"param.{n}" for n in P.SCHEMA] + [f"group.{g}" for g in P.GROUPS]
    needed += [f"unit.{p.unit}" for p in P.SCHEMA.values()] + [f"metric.{m}" for m in METRICS]
    needed += [f"iv.{k}" for k in KINDS] + [f"iv.{k}.desc" for k in KINDS]
    needed += [f"scenario.{n}" for n, _c, _d in list_scenarios()] + [f"scenario.{n}.desc" for n, _c, _d in list_scenarios()]
    missing = [k for k in needed if k not in i18n.EN]
    assert not missing, missing


def test_english_parameter_texts_match_the_schema():
    for name, p in P.SCHEMA.items():
        assert i18n.t(f"param.{name}", "en") == p.meaning


def test_french_number_formatting():
    assert i18n.number(3.8712, "fr") == "3,87"
    assert i18n.number(3.8712, "en") == "3.87"
    assert i18n.number(12345.5, "fr", 1) == "12\u202f345,5"
    assert i18n.number(float("nan"), "fr") == "n.d."
    assert i18n.number(0.05, "fr", 2, signed=True) == "+0,05"


@pytest.fixture(scope="module")
def traced():
    model = ServiceModel({"teams": 3, "team_size": 5}, seed=3, record_journeys=True)
    model.run(15)
    return model


def test_journey_texts_follow_the_model_in_english_and_translate(traced):
    ids = [int(i) for batch in traced.journal.outcomes[-6:] for i in batch[0][:8]]
    assert ids
    codes = set()
    for rid in ids:
        for event in traced.journey(rid):
            codes.add(event["stage"])
            en = i18n.describe_event(event, "en")
            model_text = describe(event)
            if event["stage"] == "handoff":       # the app writes the unit as an integer
                model_text = model_text.replace(f"unit {event['value']}", f"unit {int(event['value'])}")
            assert en == model_text
            fr = i18n.describe_event(event, "fr")
            assert fr != en
        outcome = traced.outcome(rid)
        en, fr = i18n.explain_outcome(outcome, "en"), i18n.explain_outcome(outcome, "fr")
        if outcome is None:
            assert en == explain(outcome)
            continue
        # plain sentences, same facts as the model's terms: the score, out of 5, with units
        score = "1" if outcome.get("abandoned") else f"{outcome['score']:.1f}"
        assert f"{score} out of 5" in " ".join(en)
        assert f"{score.replace('.', ',')} sur 5" in " ".join(fr)
        wait = round(outcome["wait"])
        if wait >= 2:
            assert f"{wait} days" in " ".join(en) and f"{wait} jours" in " ".join(fr)
        assert not any("(s)" in line or "(e)" in line for line in en + fr)
    assert {"arrive", "front", "resolve"} <= codes


def test_parameter_errors_read_in_french_too():
    from servicesim.model.params import validate
    from servicesim.model.errors import ParamError
    from servicesim.viz.i18n import error_text

    with pytest.raises(ParamError) as err:
        validate({"delegation": 1.5})
    assert error_text(err.value, "en").startswith("parameter 'delegation': 1.5 is out of range")
    fr = error_text(err.value, "fr")
    assert "« delegation »" in fr and "1,50" in fr and "hors des bornes" in fr and "un nombre dans" in fr
    with pytest.raises(ParamError) as err:
        validate({"delegaton": 0.5})
    assert "vouliez-vous dire « delegation »" in error_text(err.value, "fr")
