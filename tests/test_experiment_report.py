"""Reports: figures on disk in PNG and SVG, and a Markdown report whose numbers are the statistics'."""

import math
from pathlib import Path

import numpy as np
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


def _has_blocks() -> bool:
    from servicesim.model import scenario as scenario_module

    return hasattr(scenario_module, "with_blocks")


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
    line = next(x for x in md.splitlines() if x.startswith("| bersin - hierarchical | Customer satisfaction"))
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
    # the gap by channel: drawn when the model records its inputs, one line saying so when not
    if stats.missing_decomposition_keys(s):
        assert md.count("Not available: these results lack the decomposition's inputs") == 1
    else:
        assert_figures(out, "decomposition_bersin_vs_hierarchical", "decomposition_switch_vs_hierarchical")

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
        assert any(x.startswith(f"| {training:g} | {peak:g} |") for x in md.splitlines()), md


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
    line = next(x for x in text.splitlines() if x.startswith("Customer satisfaction"))
    sign = "+" if d.mean > 0 else ""
    assert f"{sign}{d.mean:.2f} [{d.low:.2f}, {d.high:.2f}]" in line
    assert f"{stats.mean_ci(a).mean:.2f} [{stats.mean_ci(a).low:.2f}, {stats.mean_ci(a).high:.2f}]" in line


@pytest.mark.slow
@pytest.mark.parametrize("name", ["bersin_vs_hierarchical", "autonomy_x_training", "novelty_contingency",
                                  "weakest_link", "interventions", "transition", "service_profit_chain",
                                  pytest.param("structure_x_culture", marks=pytest.mark.skipif(
                                      not _has_blocks(), reason="servicesim.model.scenario.with_blocks (style "
                                                                "blocks, issue 8) is not in this model yet"))])
def test_every_shipped_experiment_runs_and_reports(tmp_path, name):
    out = tmp_path / name
    days = "120" if name == "transition" else "8"      # the transition's switch is on day 100
    assert cli.main(["sweep", name, "--out", str(out), "--replicates", "2", "--days", days, "--workers", "2",
                     "--quiet"]) == 0
    assert cli.main(["report", str(out), "--format", "png"]) == 0
    md = (out / "report" / "report.md").read_text()
    assert "Incomplete" not in md and "](figures/" in md


# --- the satisfaction gap by channel, profit beside satisfaction, the 2 x 2 factorial ---------------------------
FAKE = """
name = "fake"
scenario = "hierarchical"
days = 30
replicates = 6
seed = 3
baseline = "h_airline"
metrics = ["csat", "engagement"]
[[arms]]
name = "h_airline"
style = "hierarchical"
scenario = "airline_desk"
[[arms]]
name = "h_retail"
style = "hierarchical"
scenario = "retail_store"
[[arms]]
name = "b_airline"
style = "bersin"
scenario = "airline_desk"
[[arms]]
name = "b_retail"
style = "bersin"
scenario = "retail_store"
[report]
pairs = [["b_airline", "h_airline"], ["b_retail", "h_airline"]]
factorial = { a = "style", b = "scenario", a_levels = ["hierarchical", "bersin"] }
"""
PERF = {"perf_fit": 1, "perf_wait": -1, "perf_people": -1, "perf_errors": -1, "perf_mood": 1, "perf_concession": 1,
        "expectation_served": -1}


def fake_results(tmp_path, *, new_columns=True):
    """A results directory written by the store's own writer, with summaries made up to known effects:
    bersin fits better and waits less; retail adds concessions; profit falls with bersin by 5 a day."""
    import tomllib

    from servicesim.experiments.design import parse_experiment
    from servicesim.experiments.store import ResultStore, RunOutput

    exp = parse_experiment(tomllib.loads(FAKE), source=str(tmp_path / "fake.toml"), base_dir=tmp_path)
    out = tmp_path / "fake"
    store = ResultStore(out)
    store.open(exp)
    rng = np.random.default_rng(11)
    level = rng.normal(0, 0.05, exp.replicates)          # common to the arms of a replicate
    for spec in exp.runs(exp.points()):
        bersin, retail = spec.arm.startswith("b_"), spec.arm.endswith("retail")
        r = spec.replicate
        terms = {"perf_fit": 0.5 + 0.1 * bersin + level[r] + rng.normal(0, 0.01), "perf_wait": 0.2 - 0.05 * bersin,
                 "perf_people": 0.1, "perf_errors": 0.05 + 0.02 * bersin, "perf_mood": 0.02 * bersin,
                 "perf_concession": 0.03 * retail, "expectation_served": 0.1 + 0.02 * bersin}
        perf = sum(sign * terms[k] for k, sign in PERF.items())
        s = 0.12 - 0.04 * bersin
        c = 2.5 + 2.0 * perf
        row = {"run_id": spec.run_id, "stage": spec.stage, "arm": spec.arm, "point": spec.point, "replicate": r,
               "seed": spec.seed, "days": spec.days, "csat": (1 - s) * (c - 1) + 1, "engagement": 0.5 + 0.1 * bersin}
        if new_columns:
            row.update(terms, abandon_share=s, csat_served=c, judge_slope=2.0,
                       profit=40.0 - 5.0 * bersin + 3.0 * retail - 2.0 * bersin * retail + rng.normal(0, 0.5),
                       revenue=100.0, cost=60.0 + 5 * bersin, concessions=1.0 + bersin, approval_utilisation=0.8)
        store.write(RunOutput(spec.run_id, row, None, None))
    return out


def test_report_decomposes_the_gap_and_puts_profit_beside_satisfaction(tmp_path):
    from servicesim.experiments.report import _label, write_report

    out = fake_results(tmp_path)
    md = write_report(out).read_text()
    s = load(out).summary
    for a, b in (("b_airline", "h_airline"), ("b_retail", "h_airline")):
        t = stats.decompose(s, a, b).set_index("channel")
        assert t.loc["fit", "mean"] > 0.1 and t.loc["errors", "mean"] < 0            # the made-up effects
        section = md.split(f"### {a.replace('_', ' ')} - {b.replace('_', ' ')}")[1].split("###")[0]
        for ch in ("total", *stats.CHANNELS):
            e = t.loc[ch]
            assert f"{e['mean']:+.3f} [{e['low']:+.3f}, {e['high']:+.3f}]".replace("-0.000", "0.000").replace(
                "+0.000", "0.000") in section, ch
        assert "Customer expectations (adapt endogenously)" in section
        assert_figures(out, f"decomposition_{a}_vs_{b}")
    assert "Why b airline is ahead of h airline" in md
    # profit: in the key results, the results by arm and the paired differences, with the statistics' numbers
    a = s[s["arm"] == "b_airline"].sort_values("replicate")["profit"].to_numpy()
    b = s[s["arm"] == "h_airline"].sort_values("replicate")["profit"].to_numpy()
    d = stats.paired_difference(a, b)
    ci = f"{_num('profit', d.mean, diff=True)} {_ci('profit', d.low, d.high, diff=True)}"
    key = next(line for line in md.splitlines() if line.startswith("- **b airline vs h airline**"))
    assert ci in key and "lower" in key                                    # bersin's profit is 5 a day lower
    assert "largest channels: fit of the answer +0.17" in key
    assert f"| b airline - h airline | {_label('profit')} | {ci} |" in md
    assert any(line.startswith(f"| {_label('profit')} |") for line in md.splitlines())
    assert any(line.startswith(f"| {_label('approval_utilisation')} |") for line in md.splitlines())
    assert_figures(out, "bars_profit", "differences_profit", "differences_csat")
    # the factorial: main effects and interaction, per replicate, as the statistics give them
    frame = s.assign(style=s["arm"].map(lambda x: "bersin" if x.startswith("b_") else "hierarchical"),
                     scenario=s["arm"].map(lambda x: "retail_store" if x.endswith("retail") else "airline_desk"))
    eff = stats.factorial_effects(frame, ["csat", "profit"], a="style", b="scenario",
                                  a_levels=["hierarchical", "bersin"], b_levels=["airline_desk", "retail_store"])
    inter = eff[(eff["metric"] == "profit") & (eff["effect"] == "interaction")].iloc[0]
    assert inter["mean"] == pytest.approx(-2.0, abs=1.0)
    row = next(line for line in md.splitlines() if line.startswith("| Profit | interaction"))
    assert f"{_num('profit', inter['mean'], diff=True)} {_ci('profit', inter['low'], inter['high'], diff=True)}" in row
    main = eff[(eff["metric"] == "csat") & (eff["effect"] == "main_a")].iloc[0]
    assert f"{_num('csat', main['mean'], diff=True)} {_ci('csat', main['low'], main['high'], diff=True)}" in md
    assert_figures(out, "interaction")


def test_report_without_the_new_columns_says_so_and_still_renders(tmp_path):
    from servicesim.experiments.report import write_report

    out = fake_results(tmp_path, new_columns=False)
    md = write_report(out, formats=("png",)).read_text()
    assert md.count("Not available: these results lack the decomposition's inputs") == 1
    assert "*Profit is not in these results" in md and "*Not in these results: profit.*" in md
    assert not list((out / "report" / "figures").glob("decomposition_*"))
    assert "| Customer satisfaction | interaction" in md                   # the factorial on what there is
    assert (out / "report" / "figures" / "interaction.png").exists()
    assert "## Paired differences" in md and "Profit" not in md.split("## Paired differences")[1]


def test_report_does_not_switch_the_global_matplotlib_backend(tmp_path):
    import matplotlib

    from servicesim.experiments.report import write_report

    before = matplotlib.get_backend()
    write_report(fake_results(tmp_path), formats=("png",))
    assert matplotlib.get_backend() == before
    assert "matplotlib.use" not in Path(report_module_file()).read_text()


def report_module_file():
    from servicesim.experiments import report

    return report.__file__


BLOCKS = """
[[arms]]
name = "control_weak"
structure = "control"
practices = "weak_practices"
[[arms]]
name = "control_strong"
structure = "control"
practices = "strong_practices"
[[arms]]
name = "empowering_weak"
structure = "empowering"
practices = "weak_practices"
params = { delegation = 0.55 }
[[arms]]
name = "empowering_strong"
style = "bersin"
structure = "empowering"
practices = "strong_practices"
[report]
factorial = { a = "structure", b = "practices" }
"""


def test_arms_name_structure_and_practices_blocks(monkeypatch, tmp_path):
    """The arm's blocks reach ``with_blocks`` (here a stand-in), after its style and before its own params."""
    import tomllib

    from servicesim.experiments.design import parse_experiment
    from servicesim.model import scenario as scenario_module

    calls = []

    def fake_with_blocks(sc, *, structure=None, practices=None):
        calls.append((sc.params["delegation"], structure, practices))
        return sc.with_params({"delegation": {"control": 0.1, "empowering": 0.9}[structure],
                               "training": {"weak_practices": 0.1, "strong_practices": 0.8}[practices]})

    monkeypatch.setattr(scenario_module, "with_blocks", fake_with_blocks, raising=False)
    text = HEAD.format(name="blocks", days=5, replicates=2) + BLOCKS
    exp = parse_experiment(tomllib.loads(text), source="blocks.toml")
    params = {a.name: a.scenario.params for a in exp.arms}
    assert [c[1:] for c in calls] == [("control", "weak_practices"), ("control", "strong_practices"),
                                      ("empowering", "weak_practices"), ("empowering", "strong_practices")]
    bersin_delegation = load_scenario_params("bersin")["delegation"]
    assert calls[3][0] == bersin_delegation                                  # the style came first
    assert params["control_weak"]["delegation"] == 0.1 and params["control_strong"]["training"] == 0.8
    assert params["empowering_weak"]["delegation"] == 0.55                  # the arm's own params come last
    assert params["empowering_strong"]["delegation"] == 0.9
    assert exp.report["factorial"]["cells"]["empowering_weak"] == ["empowering", "weak_practices"]
    assert exp.report["factorial"]["a_levels"] == ["control", "empowering"]


def load_scenario_params(name):
    from servicesim.model import load_scenario

    return load_scenario(name).params


def test_blocks_and_factorial_errors_are_one_line(monkeypatch):
    import tomllib

    from servicesim.experiments.design import ExperimentError, parse_experiment
    from servicesim.model import scenario as scenario_module

    text = HEAD.format(name="blocks", days=5, replicates=2) + BLOCKS
    monkeypatch.delattr(scenario_module, "with_blocks", raising=False)
    with pytest.raises(ExperimentError, match=r"arms\[0\]\.structure.*with_blocks") as exc:
        parse_experiment(tomllib.loads(text), source="blocks.toml")
    assert "\n" not in str(exc.value)
    monkeypatch.setattr(scenario_module, "with_blocks", lambda sc, **kw: sc, raising=False)
    bad = text.replace('b = "practices" }', 'b = "style" }')
    with pytest.raises(ExperimentError, match=r"report\.factorial.*sets no 'style'"):
        parse_experiment(tomllib.loads(bad), source="blocks.toml")
    with pytest.raises(ExperimentError, match=r"arms\[0\]\.structure"):
        parse_experiment(tomllib.loads(text.replace('structure = "control"', "structure = 3", 1)), source="b.toml")


@pytest.mark.skipif(not _has_blocks(), reason="servicesim.model.scenario.with_blocks (style blocks, issue 8) is "
                                              "not in this model yet")
def test_structure_x_culture_arms_are_the_models_blocks():
    from servicesim.experiments.design import load_experiment
    from servicesim.model import load_scenario
    from servicesim.model.scenario import with_blocks

    exp = load_experiment("structure_x_culture")
    assert [a.name for a in exp.arms] == ["control_weak", "control_strong", "empowering_weak", "empowering_strong"]
    base = load_scenario("hierarchical")
    for arm in exp.arms:
        structure, practices = exp.report["factorial"]["cells"][arm.name]
        assert dict(arm.scenario.params) == dict(with_blocks(base, structure=structure, practices=practices).params)
    p = {a.name: dict(a.scenario.params) for a in exp.arms}
    assert p["control_weak"] != p["control_strong"] != p["empowering_strong"] != p["empowering_weak"]


def test_grid_reports_put_profit_beside_satisfaction(tmp_path):
    """Profit's paired gap at each grid value, as the statistics give it (profit made up on top of real runs)."""
    import pandas as pd

    from servicesim.experiments.report import write_report

    text = HEAD.format(name="nov", days=6, replicates=3) + """
[[arms]]
name = "hierarchical"
[[arms]]
name = "bersin"
style = "bersin"
[grid]
novelty = [0.0, 0.6]
"""
    out, md = sweep_and_report(tmp_path, text, "nov")
    # made-up money and judgement terms on top of the real runs (whatever the model records)
    rng = np.random.default_rng(4)
    for f in sorted((out / "summary").glob("*.parquet")):
        row = pd.read_parquet(f)
        b = (row["arm"] == "bersin") * (1 + row["novelty"])
        row["profit"] = 30 + 4 * b + rng.normal(0, 1, len(row))
        for k, sign in PERF.items():
            row[k] = 0.3 + 0.05 * sign * b + rng.normal(0, 0.01, len(row))
        perf = sum(sign * row[k] for k, sign in PERF.items())
        row["abandon_share"], row["csat_served"], row["judge_slope"] = 0.1 - 0.03 * b, 2.5 + 2 * perf, 2.0
        row["csat"] = (1 - row["abandon_share"]) * (row["csat_served"] - 1) + 1
        row.to_parquet(f)
    md = write_report(out, formats=("png",)).read_text()
    s = load(out).summary
    dec = stats.decompose(s, "bersin", "hierarchical", within=["novelty"])
    table = md.split("### The gap in satisfaction by channel, at each novelty")[1]
    fit = dec[dec["channel"] == "fit"].sort_values("novelty")
    row = next(line for line in table.splitlines() if line.startswith("| Fit of the answer |"))
    assert row == "| Fit of the answer | " + " | ".join(
        f"{t['mean']:+.3f} [{t['low']:+.3f}, {t['high']:+.3f}]" for _, t in fit.iterrows()) + " |"
    assert fit["mean"].iloc[1] > fit["mean"].iloc[0] > 0          # the made-up fit gap grows with novelty
    tab = stats.paired_table(s, ["profit"], baseline="hierarchical", within=["novelty"]).sort_values("novelty")
    after = md.split("Paired gap in profit to hierarchical")[1]
    row = next(line for line in after.splitlines() if line.startswith("| bersin - hierarchical |"))
    for _, t in tab.iterrows():
        assert f"{_num('profit', t['mean'], diff=True)} {_ci('profit', t['low'], t['high'], diff=True)}" in row
    assert (out / "report" / "figures" / "gap_profit.png").exists()
