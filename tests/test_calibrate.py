"""`servicesim calibrate`: fits a tiny organisation end to end, resumes without redoing trials,
gives the same answer with any number of workers, and refuses bad targets files in one line."""

import math

import pandas as pd
import pytest

from servicesim import cli
from servicesim.experiments.calibrate import TARGET_METRICS, patterns_from_daily
from servicesim.experiments.design import replicate_seeds
from servicesim.model import ServiceModel
from servicesim.model.scenario import load_scenario

TINY = """
description = "A tiny organisation for tests"
days = 40
warmup = 10
replicates = 2
budget = 8
seed = 5

[params]
teams = 3
team_size = 4
customers_per_front = 100

[free]
request_rate = [0.02, 0.2]
base_capacity = [4.0, 30.0]
hiring_delay = [0, 30]

[[targets]]
metric = "csat"
low = 3.6
high = 4.3
source = "acsi-national"

[[targets]]
metric = "abandon_share"
low = 0.0
high = 0.05
source = "abandonment"
weight = 2.0

[[targets]]
metric = "contacts_per_customer_year"
low = 5.0
high = 20.0
source = "assumption"
{extra}
"""


def run(capsys, argv):
    code = cli.main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def tiny(tmp_path):
    path = tmp_path / "tiny.toml"
    path.write_text(TINY.format(extra=""))
    return path


def calibrate(capsys, targets, out, *extra):
    return run(capsys, ["calibrate", "situational", "--targets", str(targets), "--out", str(out), "--quiet",
                        "--workers", "1", *extra])


def test_calibrate_end_to_end_writes_a_loadable_fitted_scenario(tmp_path, capsys, tiny):
    out = tmp_path / "out"
    code, stdout, err = calibrate(capsys, tiny, out)
    assert code == 0, err
    assert "8 trials" in stdout and "distance" in stdout
    for name in ("fitted.toml", "patterns.csv", "patterns.md", "patterns.png", "study.db", "trials.csv"):
        assert (out / name).is_file(), name
    table = pd.read_csv(out / "patterns.csv")
    assert list(table["metric"]) == ["csat", "abandon_share", "contacts_per_customer_year"]
    assert set(table.columns) >= {"value", "low", "high", "inside", "distance", "source"}
    assert (table["distance"] == table.apply(lambda r: 0.0 if r["low"] <= r["value"] <= r["high"] else
                                             r["distance"], axis=1)).all()
    assert "| csat |" in (out / "patterns.md").read_text()
    assert (out / "patterns.png").stat().st_size > 5_000

    # fitted.toml is a scenario `servicesim run` loads: it extends the scenario given ...
    code, stdout, err = run(capsys, ["run", str(out / "fitted.toml"), "--days", "5", "--json"])
    assert code == 0, err
    fitted = load_scenario(out / "fitted.toml")
    assert fitted.params["teams"] == 3 and fitted.params["team_size"] == 4
    assert fitted.params["delegation"] == load_scenario("situational").params["delegation"]
    # ... and running it with the calibration's seeds gives back the patterns reported for it
    values = []
    for seed in replicate_seeds(5, 2):
        model = ServiceModel(fitted.params, seed=seed)
        model.run(40)
        values.append(patterns_from_daily(model.daily_frame(), 10, model.summary()))
    for row in table.itertuples():
        assert math.isclose(sum(v[row.metric] for v in values) / 2, row.value, rel_tol=1e-9), row.metric


def test_calibrate_resumes_without_redoing_trials_and_matches_an_uninterrupted_search(tmp_path, capsys, tiny):
    out = tmp_path / "out"
    assert calibrate(capsys, tiny, out)[0] == 0
    first = pd.read_csv(out / "trials.csv")
    code, stdout, _ = calibrate(capsys, tiny, out)          # the same command again: nothing to do
    assert code == 0 and "(0 runs now" in stdout
    pd.testing.assert_frame_equal(pd.read_csv(out / "trials.csv"), first)
    code, stdout, _ = calibrate(capsys, tiny, out, "--budget", "12")   # a larger budget continues
    assert code == 0 and "12 trials" in stdout and "(8 runs now" in stdout   # 4 trials x 2 replicates
    resumed = pd.read_csv(out / "trials.csv")
    pd.testing.assert_frame_equal(resumed.iloc[:8].reset_index(drop=True), first)
    # an uninterrupted search of 12 trials, on 2 worker processes, asks for and finds exactly the same
    whole = tmp_path / "whole"
    code, _, err = run(capsys, ["calibrate", "situational", "--targets", str(tiny), "--out", str(whole),
                                "--quiet", "--workers", "2", "--budget", "12"])
    assert code == 0, err
    pd.testing.assert_frame_equal(pd.read_csv(whole / "trials.csv"), resumed)
    assert (whole / "fitted.toml").read_text() == (out / "fitted.toml").read_text()


def test_an_interrupted_search_resumes_its_unfinished_trials(tmp_path, capsys, tiny, monkeypatch):
    from servicesim.experiments import calibrate as C

    original, seen = C._Collect.write, []

    def write(self, output):
        seen.append(output.run_id)
        if len(seen) == 11:                     # Ctrl-C in the middle of the second batch of trials
            raise KeyboardInterrupt
        original(self, output)

    monkeypatch.setattr(C._Collect, "write", write)
    out = tmp_path / "out"
    code, _, err = calibrate(capsys, tiny, out)
    assert code == 130 and "run the same command again to resume" in err
    monkeypatch.setattr(C._Collect, "write", original)
    code, stdout, err = calibrate(capsys, tiny, out)
    assert code == 0 and "8 trials" in stdout and "(8 runs now" in stdout, (stdout, err)
    whole = tmp_path / "whole"
    assert calibrate(capsys, tiny, whole)[0] == 0
    pd.testing.assert_frame_equal(pd.read_csv(out / "trials.csv"), pd.read_csv(whole / "trials.csv"))


def test_a_directory_holding_another_calibration_is_left_alone(tmp_path, capsys, tiny):
    out = tmp_path / "out"
    assert calibrate(capsys, tiny, out, "--budget", "4")[0] == 0
    before = (out / "trials.csv").read_bytes()
    code, _, err = calibrate(capsys, tiny, out, "--budget", "4", "--seed", "6")
    assert code == 2 and err.count("\n") == 1 and "holds a calibration of another" in err
    assert (out / "trials.csv").read_bytes() == before


BAD = [
    ("not TOML", "[[targets]\nmetric = 'csat'", ["not valid TOML"]),
    ("unknown metric", TINY.format(extra="").replace('metric = "csat"', 'metric = "happiness"'),
     ["targets[0].metric = 'happiness'", "allowed: one of", "csat"]),
    ("misspelt metric", TINY.format(extra="").replace('metric = "csat"', 'metric = "cstat"'),
     ["targets[0].metric = 'cstat'", "did you mean 'csat'"]),
    ("low > high", TINY.format(extra="").replace("low = 3.6\nhigh = 4.3", "low = 4.3\nhigh = 3.6"),
     ["targets[0].high = 3.6", "a number >= low (4.3)"]),
    ("missing source", TINY.format(extra="").replace('source = "acsi-national"\n', ""),
     ["targets[0].source = None", "is required"]),
    ("wrong type", TINY.format(extra="").replace("low = 3.6", 'low = "3.6"'),
     ["targets[0].low = '3.6'", "a finite number"]),
    ("unknown target key", TINY.format(extra="").replace("low = 3.6", "low = 3.6\ncolour = 'red'"),
     ["targets[0].colour = 'red'", "allowed: keys"]),
    ("miss not a reason", TINY.format(extra="").replace("low = 3.6", "low = 3.6\nmiss = true"),
     ["targets[0].miss = True", "a string saying why"]),
    ("no targets", TINY.format(extra="").split("[[targets]]")[0], ["targets = None", "at least one target"]),
    ("unknown top key", "colour = 'red'\n" + TINY.format(extra=""), ["key = 'colour'", "allowed:"]),
    ("unknown free parameter", TINY.format(extra="").replace("request_rate = [", "request_rat = ["),
     ["free.request_rat", "did you mean 'request_rate'"]),
    ("free low >= high", TINY.format(extra="").replace("[0.02, 0.2]", "[0.2, 0.02]"),
     ["free.request_rate = [0.2, 0.02]", "low < high"]),
    ("free beyond the schema", TINY.format(extra="").replace("[0.02, 0.2]", "[0.02, 9.0]"),
     ["free.request_rate = [0.02, 9.0]", "inside the parameter's allowed range [0.001, 2.0]"]),
    ("free not a pair", TINY.format(extra="").replace("[0.02, 0.2]", "0.1"),
     ["free.request_rate = 0.1", "[low, high]"]),
    ("fixed parameter out of range", TINY.format(extra="").replace("teams = 3", "teams = 0"),
     ["parameter 'teams'", "out of range", "an integer in [1, 2000]"]),
    ("days not an integer", TINY.format(extra="").replace("days = 40", "days = 'forty'"),
     ["days = 'forty'", "an integer in [1, 100000]"]),
]


@pytest.mark.parametrize("case, body, expected", BAD, ids=[b[0] for b in BAD])
def test_bad_targets_files_are_refused_in_one_line(tmp_path, capsys, case, body, expected):
    path = tmp_path / "bad.toml"
    path.write_text(body)
    out = tmp_path / "out"
    code, _, err = calibrate(capsys, path, out)
    assert code == 2
    assert err.startswith("servicesim: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    assert "bad.toml" in err, err
    for text in expected:
        assert text in err, (text, err)
    assert not out.exists()


@pytest.mark.parametrize("name", ["delegation", "micromanagement", "training", "situational", "approval_policy"])
def test_a_management_parameter_is_never_calibrated(tmp_path, capsys, name):
    path = tmp_path / "style.toml"
    path.write_text(TINY.format(extra="").replace("[free]\n", f"[free]\n{name} = [1, 2]\n"))
    code, _, err = calibrate(capsys, path, tmp_path / "out")
    assert code == 2 and err.count("\n") == 1
    assert f"free.{name} = [1, 2]" in err and "never the style" in err
    fixed = tmp_path / "fixed.toml"
    fixed.write_text(TINY.format(extra="").replace("[params]\n", f"[params]\n{name} = 1\n"))
    code, _, err = calibrate(capsys, fixed, tmp_path / "out")
    assert code == 2 and f"params.{name} = 1" in err and "comes from SCENARIO" in err


@pytest.mark.parametrize("argv, expected", [
    (["--warmup", "40"], ["--warmup: 40", "an integer in [0, 39]"]),
    (["--budget", "0"], ["--budget: 0 is out of range"]),
    (["--style", "anarchy"], ["--style: 'anarchy'", "situational"]),
])
def test_bad_options_are_refused_in_one_line(tmp_path, capsys, tiny, argv, expected):
    code, _, err = calibrate(capsys, tiny, tmp_path / "out", *argv)
    assert code == 2 and err.count("\n") == 1
    for text in expected:
        assert text in err, (text, err)


def test_every_shipped_targets_file_is_valid():
    from pathlib import Path

    from servicesim.experiments.calibrate import load_targets

    folder = Path(__file__).resolve().parent.parent / "calibration"
    files = sorted(folder.glob("*.toml"))
    assert {f.stem for f in files} >= {"default", "airline_desk", "retail_store", "telecom_contact_centre",
                                       "online_retailer"}
    doc = (folder.parent / "docs" / "CALIBRATION.md").read_text()
    for f in files:
        targets = load_targets(f)
        for t in targets.targets:
            assert f"`{t.source}`" in doc, (f.name, t.source)   # every source key is documented


def test_derived_patterns_agree_with_the_run_summary():
    model = ServiceModel(load_scenario("situational").with_params({"teams": 3, "team_size": 4,
                                                                    "customers_per_front": 100}).params, seed=2)
    model.run(30)
    s = model.summary()
    p = patterns_from_daily(model.daily_frame(), 0, s)
    assert set(p) == set(TARGET_METRICS)
    closed = s["requests_resolved"] + s["requests_abandoned"]
    assert p["abandon_share"] == pytest.approx(s["requests_abandoned"] / closed)
    assert p["csat"] == pytest.approx(s["csat"]) and p["escalation_rate"] == pytest.approx(s["escalation_rate"])
    assert p["first_contact_resolution"] == pytest.approx(s["first_contact_resolution"])
    if "contacts_per_customer_year" in s:      # the model's own definition (issue 8 onwards): the same
        assert p["contacts_per_customer_year"] == pytest.approx(s["contacts_per_customer_year"])
        assert p["abandon_share"] == pytest.approx(s["abandon_share"])
    assert p["contacts_per_customer_year"] == pytest.approx(s["requests_arrived"] / s["customers"] / 30 * 250, rel=0.1)


def test_a_dask_cluster_finds_the_same_trials(tmp_path, capsys, tiny):
    pytest.importorskip("distributed")
    code, _, err = run(capsys, ["calibrate", "situational", "--targets", str(tiny), "--out", str(tmp_path / "dask"),
                                "--quiet", "--workers", "2", "--scheduler", "local", "--budget", "4"])
    assert code == 0, err
    assert calibrate(capsys, tiny, tmp_path / "one", "--budget", "4")[0] == 0
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "dask" / "trials.csv"),
                                  pd.read_csv(tmp_path / "one" / "trials.csv"))
