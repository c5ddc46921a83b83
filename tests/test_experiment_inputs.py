"""Bad input to sweep/compare/report: one line naming field, value and what is allowed; exit 2; nothing touched."""

import hashlib
import os
import shutil
import subprocess
import sys

import pytest

from servicesim import cli
from servicesim.experiments.design import load_experiment, shipped

GOOD = """
name = "good"
scenario = "bersin"
days = 4
replicates = 2
seed = 3
metrics = ["csat"]
[params]
teams = 2
team_size = 3
customers_per_front = 50
{extra}
"""


def run(capsys, argv):
    code = cli.main(argv)
    captured = capsys.readouterr()
    return code, captured.err


def snapshot(root):
    return {str(p.relative_to(root)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("body, expected", [
    ('name = "x"\n[grid\ndelegation = [0.1]\n', ["not valid TOML"]),
    (GOOD.format(extra="[grid]\ndelegatoin = [0.1, 0.2]"),
     ["unknown parameter 'delegatoin'", "did you mean 'delegation'"]),
    (GOOD.format(extra="[grid]"), ["field 'grid'", "an empty grid has no runs"]),
    (GOOD.format(extra="[grid]\ndelegation = []"), ["field 'grid.delegation'", "a non-empty array"]),
    (GOOD.format(extra="[grid]\ndelegation = [0.5, 1.5]"), ["parameter 'delegation'", "1.5", "out of range",
                                                             "allowed: a number in [0.0, 1.0]"]),
    (GOOD.format(extra="[grid]\nstyle = ['bersin', 'anarchy']"), ["field 'grid.style'", "'anarchy'", "hierarchical"]),
    (GOOD.format(extra="").replace("seed = 3", "seed = 3\ncolour = 'red'"), ["key 'colour' is unknown", "allowed:"]),
    (GOOD.format(extra="colour = 'red'"), ["unknown parameter 'colour'", "[params]"]),
    (GOOD.format(extra="").replace("days = 4", "days = 0"), ["field 'days' = 0", "allowed: an integer in [1, 100000]"]),
    (GOOD.format(extra="").replace('metrics = ["csat"]', 'metrics = ["happiness"]'),
     ["field 'metrics' = 'happiness'", "csat"]),
    (GOOD.format(extra="[grid]\ndelegation = [0.1]\n[lhs]\nn = 3\ntraining = [0, 1]"),
     ["'grid' and 'lhs' both given", "at most one of"]),
    (GOOD.format(extra="[[arms]]\nname = 'a'\n[[arms]]\nname = 'a'"), ["field 'arms.name' = 'a'", "unique"]),
    (GOOD.format(extra="[[arms]]\nname = 'a'\ninterventions = [{ day = 1, kind = 'teleport' }]"),
     ["intervention kind 'teleport'", "allowed: training_programme"]),
    (GOOD.format(extra="[lhs]\nn = 4\ntraining = [0.8, 0.2]"), ["field 'lhs.training'", "low < high"]),
    (GOOD.format(extra="[sensitivity]\nn = 6"), ["field 'sensitivity.n' = 6", "a power of two"]),
])
def test_malformed_experiment_files(tmp_path, capsys, body, expected):
    exp = tmp_path / "bad.toml"
    exp.write_text(body)
    out = tmp_path / "out"
    code, err = run(capsys, ["sweep", str(exp), "--out", str(out), "--quiet"])
    assert code == 2
    assert err.startswith("servicesim: error: ") and err.count("\n") == 1, err
    for text in expected:
        assert text in err, (text, err)
    assert not out.exists()                                   # nothing written


def test_a_directory_holding_another_experiment_is_left_alone(tmp_path, capsys):
    exp = tmp_path / "good.toml"
    exp.write_text(GOOD.format(extra=""))
    out = tmp_path / "out"
    assert run(capsys, ["sweep", str(exp), "--out", str(out), "--quiet", "--workers", "1"])[0] == 0
    before = snapshot(out)
    other = tmp_path / "other.toml"
    other.write_text(GOOD.format(extra="").replace("days = 4", "days = 5"))
    code, err = run(capsys, ["sweep", str(other), "--out", str(out), "--quiet", "--workers", "1"])
    assert code == 2 and err.count("\n") == 1
    assert "holds results of another experiment ('good')" in err
    assert "field 'days' is 4 there but 5 here" in err and "allowed:" in err
    # the same via --days on the command line, and a changed parameter
    code, err = run(capsys, ["sweep", str(exp), "--out", str(out), "--days", "6", "--quiet"])
    assert code == 2 and "field 'days' is 4 there but 6 here" in err
    other.write_text(GOOD.format(extra="").replace("teams = 2", "teams = 3"))
    code, err = run(capsys, ["sweep", str(other), "--out", str(out), "--quiet"])
    assert code == 2 and "params.teams' is 2 there but 3 here" in err
    assert snapshot(out) == before                           # unchanged, byte for byte and mtime


def test_a_foreign_directory_is_left_alone(tmp_path, capsys):
    exp = tmp_path / "good.toml"
    exp.write_text(GOOD.format(extra=""))
    out = tmp_path / "thesis"
    out.mkdir()
    (out / "chapter1.md").write_text("precious")
    before = snapshot(out)
    code, err = run(capsys, ["sweep", str(exp), "--out", str(out), "--quiet"])
    assert code == 2 and "is not empty and holds no manifest.json" in err
    assert snapshot(out) == before
    afile = tmp_path / "afile"
    afile.write_text("x")
    code, err = run(capsys, ["sweep", str(exp), "--out", str(afile), "--quiet"])
    assert code == 2 and "is a file" in err and afile.read_text() == "x"


@pytest.mark.parametrize("argv, expected", [
    (["sweep", "no_such_experiment", "--out", "{tmp}/o"], ["experiment 'no_such_experiment' is neither a shipped "
                                                           "experiment nor a file",
                                                           "bersin_vs_hierarchical"]),
    (["sweep", "{tmp}/missing.toml", "--out", "{tmp}/o"], ["does not exist"]),
    (["sweep", "bersin_vs_hierarchical", "--out", "{tmp}/o", "--workers", "0"], ["--workers: 0 is out of range"]),
    (["sweep", "bersin_vs_hierarchical", "--out", "{tmp}/o", "--replicates", "ten"], ["--replicates: 'ten'"]),
    (["sweep", "bersin_vs_hierarchical"], ["--out is missing"]),
    (["compare", "bersin", "hierarchical", "--set", "delegatoin=0.2"], ["unknown parameter 'delegatoin'"]),
    (["compare", "bersin", "hierarchical", "--replicates", "1"], ["--replicates: 1 is out of range",
                                                                  "[2, 100000]"]),
    (["compare", "bersin", "nowhere", "--replicates", "2"], ["'nowhere'", "allowed presets"]),
    (["report", "{tmp}"], ["holds no manifest.json"]),
])
def test_bad_command_lines(tmp_path, capsys, argv, expected):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    code, err = run(capsys, argv + ["--quiet"] if argv[0] != "report" else argv)
    assert code == 2 and err.count("\n") == 1, err
    for text in expected:
        assert text in err, (text, err)
    assert not (tmp_path / "o").exists()


# --- --out where nothing can be written: one line naming --out, the path and the reason; exit 2 ------------
@pytest.mark.parametrize("where, reason", [
    ("/proc/nope", "--out '/proc/nope'"),                       # a file system that takes no directories
    ("{tmp}/afile", "is a file"),                              # a file in place of the directory
    ("{tmp}/afile/results", "Not a directory"),                # a path that runs through a file
])
def test_an_output_directory_that_cannot_be_made(tmp_path, capsys, where, reason):
    (tmp_path / "afile").write_text("x")
    exp = tmp_path / "good.toml"
    exp.write_text(GOOD.format(extra=""))
    out = where.replace("{tmp}", str(tmp_path))
    code, err = run(capsys, ["sweep", str(exp), "--out", out, "--workers", "1"])
    assert code == 2 and err.count("\n") == 1, err
    assert err.startswith("servicesim: error: --out '") and reason in err and "allowed:" in err, err
    assert (tmp_path / "afile").read_text() == "x"


def test_an_unwritable_output_directory(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    cmd = [sys.executable, "-m", "servicesim", "sweep", "bersin_vs_hierarchical", "--out", str(locked / "results"),
           "--replicates", "2", "--days", "2", "--workers", "1"]
    if os.geteuid() == 0:   # root writes anywhere: run it as root without its capabilities (util-linux setpriv)
        if not shutil.which("setpriv"):
            pytest.skip("running as root, and setpriv (util-linux) is missing to drop root's capabilities")
        cmd = ["setpriv", "--inh-caps=-all", "--bounding-set=-all", *cmd]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert r.returncode == 2, r.stderr
    assert r.stderr.startswith("servicesim: error: --out '") and r.stderr.count("\n") == 1, r.stderr
    assert "Permission denied" in r.stderr and "allowed:" in r.stderr
    assert not any(locked.iterdir())


def test_every_shipped_experiment_is_valid():
    names = set(shipped())
    assert {"bersin_vs_hierarchical", "autonomy_x_training", "novelty_contingency", "weakest_link",
            "interventions", "transition", "service_profit_chain", "sensitivity"} <= names
    for name in names:
        exp = load_experiment(name)
        runs = exp.runs(exp.points())
        assert runs and len({r.run_id for r in runs}) == len(runs)
