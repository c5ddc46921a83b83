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
    names = [n for n, _c, _d in list_scenarios()]
    needed += [f"scenario.{n}" for n in names] + [f"scenario.{n}.desc" for n in names]
    missing = [k for k in needed if k not in i18n.EN]
    assert not missing, missing


def test_the_french_catalogue_translates_the_schemas_current_english():
    """The English of parameters, groups, metrics and presets comes from the model; a French entry counts
    only while its msgid is that English, so a changed meaning shows up here until it is translated again."""
    for key in [f"param.{n}" for n in P.SCHEMA] + [f"group.{g}" for g in P.GROUPS] + [f"metric.{m}" for m in METRICS]:
        assert key in i18n.FR, f"{key}: its English changed in the model; run `python -m servicesim.viz.i18n --update`"


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
    from servicesim.model.errors import ParamError
    from servicesim.model.params import validate
    from servicesim.viz.i18n import error_text

    with pytest.raises(ParamError) as err:
        validate({"delegation": 1.5})
    assert error_text(err.value, "en").startswith("parameter 'delegation': 1.5 is out of range")
    fr = error_text(err.value, "fr")
    assert "« delegation »" in fr and "1,50" in fr and "hors limites" in fr and "un nombre dans" in fr
    with pytest.raises(ParamError) as err:
        validate({"delegaton": 0.5})
    assert "vouliez-vous dire « delegation »" in error_text(err.value, "fr")


# --- gettext catalogue (Babel) ---------------------------------------------------------------------------
def test_french_lives_in_a_po_file_with_real_plurals():
    from babel.messages.pofile import read_po

    path = i18n.LOCALE_DIR / "fr" / "LC_MESSAGES" / "servicesim.po"
    with path.open("rb") as fh:
        catalog = read_po(fh, locale="fr")
    assert catalog.num_plurals == 2 and "n > 1" in catalog.plural_forms
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
    assert "Explore one organisation" in ids                      # English message ids
    plurals = [m for m in catalog if m.id and isinstance(m.id, (tuple, list))]
    assert len(plurals) >= 7 and all(all(m.string) for m in plurals)
    untranslated = [m.context for m in catalog if m.id and not (m.string if isinstance(m.id, str) else all(m.string))]
    assert not untranslated, untranslated[:10]
    assert not [m.context for m in catalog if m.fuzzy and m.id], "fuzzy entries left for a translator"


def test_french_plurals_numbers_and_typography():
    assert i18n.tn("params.pending", 0, "fr", n=0) == "0 modification attend la réinitialisation."
    assert i18n.tn("params.pending", 1, "fr", n=1) == "1 modification attend la réinitialisation."
    assert i18n.tn("params.pending", 2, "fr", n=2) == "2 modifications attendent la réinitialisation."
    assert i18n.tn("params.pending", 0, "en", n=0) == "0 changes wait for Reset."
    assert i18n.tn("params.pending", 1, "en", n=1) == "1 change waits for Reset."
    assert i18n.number(-1234567.891, "fr", 2) == "\u22121\u202f234\u202f567,89"
    assert i18n.number(-3, "en", 0) == "\u22123"
    assert i18n.number(0.5, "en", 2, signed=True) == "+0.50"
    assert i18n.number(-0.001, "fr", 2, signed=True) == "+0,00"        # no "−0,00"
    for key, text in i18n.FR.items():
        assert "(s)" not in text and "(e)" not in text, key
        assert " :" not in text and " ;" not in text and " ?" not in text and " !" not in text, (key, text)
        assert "« " not in text and " »" not in text, key


def test_po_file_is_up_to_date_with_the_english_texts(tmp_path, monkeypatch):
    """Extracting the English texts again changes nothing: every text a page shows is translated."""
    import shutil

    src = i18n.LOCALE_DIR
    shutil.copytree(src, tmp_path / "locale")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path / "locale")
    i18n.update_po("fr")
    assert i18n.load_po("fr") == i18n.FR
