"""Parameters, scenario files and the command line: good input works, bad input gets one clear line."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from servicesim.cli import main
from servicesim.model import params as P
from servicesim.model.errors import ParamError, ScenarioError
from servicesim.model.scenario import list_scenarios, load_scenario, with_style

JSON_KEYS = {"csat", "nps", "first_contact_resolution", "resolution_time_days", "escalation_rate",
             "handoffs_per_request", "error_rate", "engagement", "stress", "turnover_rate", "culture_alignment",
             "skill", "requests_arrived", "requests_resolved", "requests_open", "requests_abandoned",
             "backlog_mean", "arrival_rate", "weakest_team_csat", "employees", "days", "seed"}


# --- schema ---------------------------------------------------------------------------------------------
def test_every_parameter_is_described_and_its_default_is_allowed():
    for p in P.SCHEMA.values():
        assert p.meaning and p.unit and p.group in P.GROUPS
        assert p.coerce(p.default) == p.default   # the default is allowed
        assert P.SCHEMA[p.name].coerce(p.default) == p.default


@pytest.mark.parametrize("values, field, allowed", [
    ({"novelty": 1.5}, "novelty", "[0.0, 1.0]"),
    ({"teams": 2.5}, "teams", "an integer"),
    ({"teams": "many"}, "teams", "an integer"),
    ({"novelty": True}, "novelty", "a number"),
    ({"novelty": float("nan")}, "novelty", "a number"),
    ({"noveltyy": 0.3}, "noveltyy", "did you mean 'novelty'"),
])
def test_bad_values_name_the_field_the_value_and_what_is_allowed(values, field, allowed):
    with pytest.raises(ParamError) as err:
        P.validate(values)
    msg = str(err.value)
    assert field in msg and allowed in msg and "\n" not in msg


def test_strings_from_the_command_line_are_coerced():
    assert P.parse_assignment("teams=12") == ("teams", 12)
    assert P.parse_assignment("novelty = 0.25") == ("novelty", 0.25)
    with pytest.raises(ParamError):
        P.parse_assignment("novelty")


# --- scenarios --------------------------------------------------------------------------------------------
def test_the_presets_are_there():
    names = {n: c for n, c, _ in list_scenarios()}
    assert {"hierarchical", "bersin", "laissez_faire", "situational"} <= {n for n, c in names.items() if c == "style"}
    assert {"airline_desk", "retail_store", "telecom_contact_centre", "online_retailer"} <= set(names)
    assert all(d for _, _, d in list_scenarios())


def test_sector_presets_stand_on_a_style_and_schedule_interventions():
    airline = load_scenario("airline_desk")
    assert airline.style == "situational"   # an organisation under ordinary management; --style changes it
    assert airline.params["novelty"] == 0.45
    assert airline.params["delegation"] == load_scenario("situational").params["delegation"]
    assert [iv.kind for iv in airline.interventions] == ["demand_surge"]
    swapped = with_style(airline, "bersin")
    assert swapped.params["delegation"] == load_scenario("bersin").params["delegation"]
    assert swapped.params["novelty"] == 0.45


def test_a_users_own_file_works_like_a_preset(tmp_path):
    f = tmp_path / "mine.toml"
    f.write_text('description = "mine"\nextends = "bersin"\n[params]\nteams = 3\nnovelty = 0.5\n'
                 '[[interventions]]\nday = 5\nkind = "training_programme"\nintensity = 0.5\n')
    sc = load_scenario(str(f))
    assert sc.params["teams"] == 3 and sc.params["training"] == load_scenario("bersin").params["training"]
    assert sc.interventions[0].options == {"intensity": 0.5, "duration": 20}


@pytest.mark.parametrize("text, needle", [
    ('[params\nteams = 3', "not valid TOML"),
    ('[params]\nteamz = 3', "unknown parameter 'teamz'"),
    ('[params]\nteams = "three"', "'teams'"),
    ('[params]\nnovelty = 3', "out of range"),
    ('colour = "blue"', "key 'colour' is unknown"),
    ('[[interventions]]\nday = 3\nkind = "party"', "intervention kind 'party'"),
    ('[[interventions]]\nday = 3\nkind = "job_swap"\nshare = 2', "'share'"),
    ('[[interventions]]\nday = -1\nkind = "job_swap"', "day -1"),
    ('[[interventions]]\nday = 3\nkind = "style_change"\nstyle = "anarchy"', "style 'anarchy' is unknown"),
    ('extends = "nowhere"', "neither a preset nor a file"),
])
def test_bad_scenario_files_get_one_line(tmp_path, text, needle):
    f = tmp_path / "bad.toml"
    f.write_text(text)
    with pytest.raises((ParamError, ScenarioError)) as err:
        load_scenario(str(f))
    assert needle in str(err.value) and "\n" not in str(err.value).strip()


def test_extends_cycle_is_caught(tmp_path):
    (tmp_path / "a.toml").write_text('extends = "b.toml"')
    (tmp_path / "b.toml").write_text('extends = "a.toml"')
    with pytest.raises(ScenarioError, match="cycle"):
        load_scenario(str(tmp_path / "a.toml"))


# --- command line -------------------------------------------------------------------------------------------
def cli(*args):
    return subprocess.run([sys.executable, "-m", "servicesim", *args],
                          capture_output=True, text=True, timeout=120)


def test_python_m_servicesim_offers_every_sub_command():
    r = cli("--help")
    assert r.returncode == 0, r.stderr
    for command in ("params", "scenarios", "run", "trace", "compare-presets", "sweep", "compare", "report", "ui"):
        assert f"\n    {command} " in r.stdout or f"\n    {command}\n" in r.stdout, (command, r.stdout)


def test_run_json_prints_exactly_one_object_with_the_keys_scripts_rely_on():
    r = cli("run", "bersin", "--days", "15", "--seed", "4", "--set", "teams=3", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)          # the whole stdout is one JSON object
    assert set(out) >= JSON_KEYS
    assert out["days"] == 15 and out["seed"] == 4
    assert out["requests_arrived"] == out["requests_resolved"] + out["requests_abandoned"] + out["requests_open"]
    assert 1.0 <= out["csat"] <= 5.0


def test_run_prints_a_readable_summary(capsys):
    assert main(["run", "hierarchical", "--days", "10", "--set", "teams=2"]) == 0
    out = capsys.readouterr().out
    assert "Customer satisfaction" in out and "Conservation" in out


def test_params_and_scenarios_list(capsys):
    assert main(["params"]) == 0
    out = capsys.readouterr().out
    assert all(name in out for name in P.SCHEMA)
    assert main(["scenarios"]) == 0
    assert "airline_desk" in capsys.readouterr().out


def test_trace_tells_a_requests_story(capsys):
    assert main(["trace", "hierarchical", "--seed", "2", "--request", "40", "--set", "teams=2"]) == 0
    out = capsys.readouterr().out
    assert "Request #40" in out and "arrives" in out and "Why:" in out
    assert "satisfaction" in out or "gave up" in out


@pytest.mark.parametrize("args, needle", [
    (["run", "nosuch"], "nosuch"),
    (["run", "bersin", "--set", "foo=1"], "unknown parameter 'foo'"),
    (["run", "bersin", "--set", "novelty=2"], "novelty"),
    (["run", "bersin", "--set", "teams=abc"], "'abc'"),
    (["run", "bersin", "--days", "0"], "--days"),
    (["run", "bersin", "--seed", "x"], "--seed"),
    (["run", "/nonexistent/file.toml"], "does not exist"),
    (["run", "bersin", "--style", "chaos"], "--style"),
    (["trace", "bersin", "--request", "999999999", "--days", "2", "--set", "teams=1"], "never arrived"),
    (["run"], "required"),
])
def test_bad_command_lines_exit_nonzero_with_one_line(args, needle):
    r = cli(*args)
    assert r.returncode != 0
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], r.stderr
    assert "Traceback" not in r.stderr


def test_malformed_toml_on_the_command_line(tmp_path):
    f = tmp_path / "broken.toml"
    f.write_text("[params]\nnovelty = \n")
    r = cli("run", str(f))
    assert r.returncode == 2 and "not valid TOML" in r.stderr and len(r.stderr.strip().splitlines()) == 1


# --- the test command itself: no silent green run without the browser tests ---------------------------------
def _collect_browser_tests(**env):
    root = Path(__file__).resolve().parent
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--collect-only",
                           str(root / "browser")], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **env}, cwd=root.parent)


def test_missing_chromium_fails_the_test_run_saying_how_to_install_it():
    r = _collect_browser_tests(SERVICESIM_CHROMIUM="/nonexistent/chromium", SERVICESIM_SKIP_BROWSER="")
    assert r.returncode != 0
    assert "Chromium is missing" in r.stderr and "apt-get install chromium chromium-driver" in r.stderr


def test_skipping_the_browser_tests_is_explicit_and_loud():
    r = _collect_browser_tests(SERVICESIM_CHROMIUM="/nonexistent/chromium", SERVICESIM_SKIP_BROWSER="1")
    assert r.returncode in (0, 5), r.stdout + r.stderr      # 5: nothing left to run
    assert "BROWSER APP TESTS NOT RUN" in r.stdout and "deselected" in r.stdout


def test_the_odd_describes_every_parameter_and_lists_every_coefficient():
    """docs/ODD.md stays in step with the schema: each parameter is named where it acts, and the
    coefficients' table is the one the schema generates."""
    import re
    from pathlib import Path

    odd = (Path(__file__).resolve().parent.parent / "docs" / "ODD.md").read_text()
    missing = [n for n in P.SCHEMA if not re.search(rf"\b{n}\b", odd)]
    assert not missing, f"parameters the ODD does not mention: {missing}"
    assert P.coefficient_table() in odd, "regenerate the table in docs/ODD.md §8 with params.coefficient_table()"
