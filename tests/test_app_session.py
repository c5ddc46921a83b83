"""What a browser session drives, without a browser: live parameters, reset, the compared pair."""

from __future__ import annotations

import pytest

from servicesim.cli import main
from servicesim.model.errors import ServicesimError
from servicesim.viz.sim import Pair, Simulation, load_uploaded

SMALL = {"teams": 3, "team_size": 5}


def test_live_parameters_apply_at_once_structural_ones_wait_for_reset():
    sim = Simulation.from_preset("hierarchical", seed=2, overrides=SMALL)
    sim.step(3)
    pending = sim.set_params({**sim.params, "delegation": 0.9, "teams": 4})
    assert sim.model.p["delegation"] == 0.9
    assert abs(float(sim.model.people.styles.current["delegation"].mean()) - 0.9) < 0.1
    assert pending == {"teams": 4} and sim.model.org.n_teams == 3
    sim.step(1)
    assert sim.day == 4
    sim.reset()
    assert sim.day == 0 and sim.model.org.n_teams == 4 and sim.pending() == {}


def test_pair_shares_seed_and_steps_together():
    pair = Pair.default(seed=5)
    pair.step(4)
    assert pair.a.day == pair.b.day == 4
    fa, fb = pair.a.frame(), pair.b.frame()
    assert list(fa["requests_arrived"][:2]) == list(fb["requests_arrived"][:2])   # same customer stream
    assert pair.a.model.p["delegation"] != pair.b.model.p["delegation"]
    diff = pair.difference(["csat", "backlog"])
    assert list(diff["metric"]) == ["csat", "backlog"]
    assert diff["diff"].iloc[0] == pytest.approx(diff["b"].iloc[0] - diff["a"].iloc[0])


def test_two_sessions_own_separate_models():
    from servicesim.viz.app import AppSession

    one, two = AppSession(), AppSession()
    assert one.explore.model is not two.explore.model
    one.explore.step(2)
    assert (one.explore.day, two.explore.day) == (2, 0)


def test_uploaded_scenario_errors_are_one_line():
    with pytest.raises(ServicesimError) as err:
        load_uploaded("bad.toml", b"[params\nteams = 3")
    assert "\n" not in str(err.value)
    sc = load_uploaded("ok.toml", b'extends = "bersin"\n[params]\nteams = 3\n')
    assert sc.params["teams"] == 3


def test_intervention_marks_and_csv_export():
    sim = Simulation.from_preset("bersin", overrides=SMALL)
    sim.step(2)
    sim.intervene("job_swap")
    sim.step(1)
    assert [(d, k) for d, k, _o in sim.markers()] == [(2, "job_swap")]
    text = sim.csv().decode()
    assert text.splitlines()[0].startswith("day,") and len(text.splitlines()) == 4
    assert [line.split(",")[0] for line in text.splitlines()[1:]] == ["1", "2", "3"]   # as the screen counts
    fr = sim.csv("fr").decode("utf-8-sig").splitlines()      # French spreadsheets: ';' and decimal comma
    assert fr[0].startswith("day;") and len(fr) == 4
    assert "," in fr[1] and "." not in fr[1]


def test_ui_command_rejects_a_bad_port(capsys):
    assert main(["ui", "--port", "99999"]) == 2
    assert "--port" in capsys.readouterr().err


@pytest.mark.parametrize("data, fr", [
    (b'extends = "/etc/passwd"\n', "n'est pas un scénario prédéfini"),
    (b'extends = "../../etc/hosts.toml"\n', "ne peut pas renvoyer à un autre fichier"),
    (b"[params\n", "le TOML n'est pas valide (erreur à la ligne 1, colonne 8)"),
    (b"\xff\xfe\x00", "ce n'est pas un fichier texte"),
    (b"x" * 70_000, "trop volumineux"),
    (b'[[interventions]]\nday = 3\nkind = "nope"\n', "le type d'intervention « nope » est inconnu"),
    (b'[[interventions]]\nday = -3\nkind = "job_swap"\n', "le jour d'intervention −3 n'est pas valable"),
    (b'[[interventions]]\nkind = "job_swap"\n', "doit avoir un jour"),
])
def test_uploads_are_data_and_errors_read_in_french(data, fr):
    from servicesim.viz.fields import field_message

    with pytest.raises(ServicesimError) as err:
        load_uploaded("évil.toml", data)
    text = " ".join(field_message(err.value, "fr").split())        # no-break spaces count as spaces
    assert fr in text, text
    assert "\n" not in field_message(err.value, "fr") and "/tmp" not in text
    assert "/tmp" not in field_message(err.value, "en")


def test_session_limits_name_the_value_and_the_limit():
    from servicesim.viz.fields import FieldError, Limits, field_message

    limits = Limits(max_employees=500, max_customers=300_000)
    sim = Simulation.from_preset("bersin")
    sim.limits = limits
    with pytest.raises(FieldError) as err:
        sim.set_params({**sim.params, "teams": 200})
    assert "200 × 10" in field_message(err.value, "en") and "at most 500" in field_message(err.value, "en")
    assert sim.model.org.n_teams == 10                             # the running model is untouched
    with pytest.raises(FieldError) as err:
        sim.set_params({**sim.params, "request_rate": 2.0})
    assert "60,000" in field_message(err.value, "en")               # a fifth of 300,000 requests a day
    assert Limits.from_env({"SERVICESIM_UI_MAX_EMPLOYEES": "5000"}).max_employees == 5000


@pytest.mark.parametrize("overrides", [{},
                                       {"teams": 17, "team_size": 13, "span_of_control": 3, "hierarchy_depth": 7,
                                        "customers_per_front": 100},
                                       {"teams": 1, "team_size": 1, "backoffice_units": 5}])
def test_the_size_check_counts_what_the_organisation_builder_builds(overrides):
    """The limit is checked before building (arithmetic only): it must count the same posts."""
    from servicesim.viz.fields import employees

    sim = Simulation.from_preset("hierarchical", overrides=overrides)
    assert employees(sim.params) == sim.model.org.size
