"""Reports: figures on disk in PNG and SVG, and a Markdown report whose numbers are the statistics'."""

import math

import pytest

from servicesim import cli
from servicesim.experiments import stats
from servicesim.experiments.report import _ci, _num
from servicesim.experiments.store import load

HEAD = """
name = "{name}"
scenario = "hierarchical"
days = {days}
replicates = {replicates}
seed = 5
metrics = ["csat", "engagement", "first_contact_resolution", "escalation_rate"]
[params]
teams = 3
team_size = 4
customers_per_front = 60
"""

ARMS = HEAD + """
[[arms]]
name = "hierarchical"
[[arms]]
name = "bersin"
style = "bersin"
[[arms]]
name = "switch"
interventions = [{ day = 6, kind = "style_change", style = "bersin", transition_days = 2 }]
[report]
transition = { switch = "switch", stay = "hierarchical", day = 6 }
teams = true
"""


def sweep_and_report(tmp_path, text, name="exp"):
    path = tmp_path / f"{name}.toml"
    path.write_text(text)
    out = tmp_path / name
    assert cli.main(["sweep", str(path), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    assert cli.main(["report", str(out)]) == 0
    return out, (out / "report" / "report.md").read_text()


def assert_figures(out, *stems):
    for stem in stems:
        png = out / "report" / "figures" / f"{stem}.png"
        svg = out / "report" / "figures" / f"{stem}.svg"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", stem
        assert b"<svg" in svg.read_bytes()[:2000], stem


def test_arms_report_with_transition_and_teams(tmp_path):
    out, md = sweep_and_report(tmp_path, ARMS.replace("{name}", "arms").replace("{days}", "20")
                               .replace("{replicates}", "4"), "arms")
    assert_figures(out, "bars_csat", "differences_csat", "timeseries_csat", "transition", "teams_engagement_csat")
    assert "](figures/transition.png)" in md and "](figures/bars_csat.png)" in md
    res = load(out)
    s = res.summary
    # the paired difference printed is the one the statistics give, from seed-paired replicates
    a = s[s["arm"] == "bersin"].sort_values("replicate")["csat"].to_numpy()
    b = s[s["arm"] == "hierarchical"].sort_values("replicate")["csat"].to_numpy()
    d = stats.paired_difference(a, b)
    line = next(ln for ln in md.splitlines() if ln.startswith("| bersin - hierarchical | Customer satisfaction"))
    assert f"{_num('csat', d.mean, diff=True)} {_ci('csat', d.low, d.high, diff=True)}" in line
    # the transition paragraph reports what stats.transition finds, whatever it is
    tr = stats.transition(res.daily, switch="switch", stay="hierarchical", day=6)
    if math.isnan(tr["payback_day"]):
        assert "never within the run" in md
    else:
        assert f"on day {tr['payback_day']:.0f}, {tr['payback_day'] - 6:.0f} working days after the switch" in md
    c = stats.correlation(res.teams["engagement"], res.teams["csat"])
    assert f"| all teams, all arms | {c['n']} | {c['r']:.2f} [{c['low']:.2f}, {c['high']:.2f}]" in md
    assert "Incomplete" not in md

    # an unfinished directory still reports, and says so
    for p in sorted((out / "summary").glob("*.parquet"))[:3]:
        p.unlink()
    assert cli.main(["report", str(out), "--format", "png"]) == 0
    assert "**Incomplete**: 3 runs are missing" in (out / "report" / "report.md").read_text()


def test_two_dimensional_grid_report(tmp_path):
    text = HEAD.format(name="grid", days=8, replicates=2) + """
[grid]
delegation = [0.0, 0.5, 1.0]
training = [0.0, 1.0]
[report]
x = "delegation"
hue = "training"
"""
    out, md = sweep_and_report(tmp_path, text, "grid")
    assert_figures(out, "heatmap_csat", "lines_csat")
    s = load(out).summary
    assert len(s) == 12 and set(s["delegation"]) == {0.0, 0.5, 1.0}
    means = s.groupby(["training", "delegation"])["csat"].mean()
    for training in (0.0, 1.0):
        peak = means.loc[training].idxmax()
        assert any(ln.startswith(f"| {training:g} | {peak:g} |") for ln in md.splitlines()), md


def test_one_dimensional_grid_with_arms_report(tmp_path):
    text = HEAD.format(name="nov", days=8, replicates=2) + """
[[arms]]
name = "hierarchical"
[[arms]]
name = "bersin"
style = "bersin"
[grid]
novelty = [0.0, 0.6]
"""
    out, md = sweep_and_report(tmp_path, text, "nov")
    assert_figures(out, "lines_csat", "gap_csat")
    assert "| bersin - hierarchical |" in md and "novelty = 0.6" in md


def test_sensitivity_morris_then_sobol(tmp_path):
    text = HEAD.format(name="sens", days=6, replicates=1) + """
[output]
daily = false
teams = false
[sensitivity]
method = "morris_then_sobol"
metric = "csat"
params = ["delegation", "training", "novelty", "recognition"]
trajectories = 2
levels = 4
n = 4
top = 2
"""
    out, md = sweep_and_report(tmp_path, text, "sens")
    res = load(out)
    stages = res.manifest["stages"]
    morris = res.summary[res.summary["stage"] == "morris"]
    sobol = res.summary[res.summary["stage"] == "sobol"]
    assert len(morris) == 2 * (4 + 1) and len(sobol) == 4 * (2 + 2)
    assert stages["sobol"]["params"] == stages["morris"]["ranking"][:2]
    # the Sobol stage varies the selected parameters only; the others stay at the scenario's value
    for p in ("delegation", "training", "novelty", "recognition"):
        assert (sobol[p].nunique() > 1) == (p in stages["sobol"]["params"])
    assert_figures(out, "morris", "sobol")
    assert "Sobol indices (N = 4" in md
    # resuming a finished sensitivity analysis runs nothing
    path = tmp_path / "sens.toml"
    assert cli.main(["sweep", str(path), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    assert load(out).manifest["sessions"][-1]["ran"] == 0


def test_compare_prints_paired_statistics_of_the_common_seeds(tmp_path, capsys):
    argv = ["compare", "hierarchical", "bersin", "--replicates", "3", "--days", "6", "--seed", "9", "--workers", "1",
            "--set", "teams=2", "--set", "team_size=3", "--quiet"]
    assert cli.main(argv) == 0
    text = capsys.readouterr().out
    from servicesim.experiments.design import replicate_seeds
    from servicesim.model import load_scenario, simulate

    over = {"teams": 2, "team_size": 3}
    seeds = replicate_seeds(9, 3)
    a = [simulate(load_scenario("hierarchical", over), seed=s, days=6).summary["csat"] for s in seeds]
    b = [simulate(load_scenario("bersin", over), seed=s, days=6).summary["csat"] for s in seeds]
    d = stats.paired_difference(b, a)
    line = next(ln for ln in text.splitlines() if ln.startswith("Customer satisfaction"))
    sign = "+" if d.mean > 0 else ""
    assert f"{sign}{d.mean:.2f} [{d.low:.2f}, {d.high:.2f}]" in line
    assert f"{stats.mean_ci(a).mean:.2f} [{stats.mean_ci(a).low:.2f}, {stats.mean_ci(a).high:.2f}]" in line


@pytest.mark.slow
@pytest.mark.parametrize("name", ["bersin_vs_hierarchical", "autonomy_x_training", "novelty_contingency",
                                  "weakest_link", "interventions", "transition", "service_profit_chain"])
def test_every_shipped_experiment_runs_and_reports(tmp_path, name):
    out = tmp_path / name
    days = "120" if name == "transition" else "8"      # the transition's switch is on day 100
    assert cli.main(["sweep", name, "--out", str(out), "--replicates", "2", "--days", days, "--workers", "2",
                     "--quiet"]) == 0
    assert cli.main(["report", str(out), "--format", "png"]) == 0
    md = (out / "report" / "report.md").read_text()
    assert "Incomplete" not in md and "](figures/" in md
