"""Where each style wins: paired worlds, win shares with exact intervals, PRIM boxes — and the
shipped experiment end to end at a tiny size."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pandas as pd

from servicesim.cli import main
from servicesim.experiments.discovery import discover, prim_boxes, share


def test_prim_finds_the_box_where_the_usual_loser_wins():
    rng = np.random.default_rng(3)
    x = pd.DataFrame(rng.random((600, 12)), columns=[f"p{i}" for i in range(12)])
    y = ((x["p2"] < 0.3) & (x["p7"] > 0.6)).to_numpy()
    boxes = prim_boxes(x, y, max_boxes=1)
    assert boxes, "PRIM found no box"
    box = boxes[0]
    lim = box.limits.set_index("param")
    assert {"p2", "p7"} <= set(lim.index)
    assert lim.loc["p2", "high"] < 0.4 and lim.loc["p7", "low"] > 0.5
    assert box.density > 0.8 and box.coverage > 0.6


def test_win_shares_have_exact_intervals():
    s = share(30, 200)
    assert s.share == 0.15 and s.low < 0.15 < s.high and s.low > 0.09 and s.high < 0.22


def test_worlds_are_paired_by_rank_within_each_arm_and_replicate():
    rows = []
    for arm, offset, bonus in (("a", 0, 0.3), ("b", 5, 0.0)):
        for world in range(5):
            for rep in range(2):
                rows.append({"arm": arm, "point": offset + world, "replicate": rep, "novelty": world / 5,
                             "csat": 3.0 + bonus * (1 if world < 3 else -1) + 0.01 * rep})
    d = discover(pd.DataFrame(rows), "a", "b", "csat", ["novelty"])
    assert list(d.worlds["diff"].round(6)) == [0.3, 0.3, 0.3, -0.3, -0.3]
    assert (d.a_wins.k, d.b_wins.k) == (3, 2)


def test_the_shipped_experiment_runs_and_reports_shares_and_boxes(tmp_path, capsys):
    shipped = Path(__file__).resolve().parent.parent / "experiments" / "where_styles_win.toml"
    text = shipped.read_text()
    data = tomllib.loads(text)
    assert data["lhs"]["n"] >= 300 and "coefficients" in data["lhs"]["groups"]
    small = text.replace(f"n = {data['lhs']['n']}", "n = 40")
    small = small.replace("teams = 4", "teams = 2").replace("customers_per_front = 1500", "customers_per_front = 300")
    exp = tmp_path / "wsw.toml"
    exp.write_text(small)
    out = tmp_path / "out"
    assert main(["sweep", str(exp), "--out", str(out), "--replicates", "1", "--days", "20", "--warmup", "5",
                 "--workers", "1", "--quiet"]) == 0
    assert main(["report", str(out)]) == 0
    report = (out / "report" / "report.md").read_text()
    assert "## Where each style wins" in report
    assert "sampled worlds" in report and "of 40" in report
