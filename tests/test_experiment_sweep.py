"""Sweeps: the same tables whatever the executor, resumable after SIGKILL or Ctrl-C, bounded memory."""

import contextlib
import hashlib
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

from servicesim import cli
from servicesim.experiments.design import load_experiment, replicate_seeds
from servicesim.experiments.runner import run_specs
from servicesim.experiments.store import ResultStore, load
from servicesim.model import load_scenario, simulate

TINY = """
name = "tiny"
scenario = "hierarchical"
days = {days}
replicates = {replicates}
seed = 11
metrics = ["csat", "engagement", "first_contact_resolution"]

[params]
teams = 3
team_size = 5
customers_per_front = 80
request_rate = 0.08    # about the calibrated default's load per front employee (conftest.same_load)

[[arms]]
name = "hierarchical"

[[arms]]
name = "bersin"
style = "bersin"

[[arms]]
name = "switch"
interventions = [{{ day = 5, kind = "style_change", style = "bersin", transition_days = 3 }}]
"""


def write_tiny(tmp_path, days=12, replicates=3, name="tiny.toml"):
    path = tmp_path / name
    path.write_text(TINY.format(days=days, replicates=replicates))
    return path


def sweep(argv):
    return cli.main(["sweep", *map(str, argv), "--quiet"])


def tables(root):
    res = load(root)
    return res.summary, res.daily, res.teams


def assert_same_results(a, b):
    for x, y, name in zip(tables(a), tables(b), ("summary", "daily", "teams"), strict=True):
        assert len(x) > 0, name
        pd.testing.assert_frame_equal(x, y, check_exact=True, obj=name)


def snapshot(root):
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_one_and_two_workers_give_identical_tables_which_are_the_models_results(tmp_path):
    exp_file = write_tiny(tmp_path)
    assert sweep([exp_file, "--out", tmp_path / "w1", "--workers", "1"]) == 0
    assert sweep([exp_file, "--out", tmp_path / "w2", "--workers", "2"]) == 0
    assert_same_results(tmp_path / "w1", tmp_path / "w2")

    summary, daily, teams = tables(tmp_path / "w1")
    assert len(summary) == 9 and summary["run_id"].is_unique
    assert len(daily) == 9 * 12 and len(teams) == 9 * 3
    # common random numbers: replicate r of every arm has the same seed, from SeedSequence(11)
    seeds = replicate_seeds(11, 3)
    for arm, sub in summary.groupby("arm"):
        assert list(sub.sort_values("replicate")["seed"]) == seeds, arm
    # a stored row is what the model itself gives for that scenario and seed
    row = summary[(summary["arm"] == "bersin") & (summary["replicate"] == 2)].iloc[0]
    sc = load_scenario("bersin", {"teams": 3, "team_size": 5, "customers_per_front": 80, "request_rate": 0.08})
    direct = simulate(sc, seed=int(row["seed"]), days=12)
    for key in ("csat", "engagement", "requests_arrived", "escalation_rate"):
        assert row[key] == direct.summary[key]
    run_daily = daily[daily["run_id"] == row["run_id"]].reset_index(drop=True)
    pd.testing.assert_series_equal(run_daily["csat"], direct.daily["csat"], check_names=False)


def test_rerun_skips_finished_runs_and_adding_replicates_keeps_them(tmp_path, capsys):
    exp_file = write_tiny(tmp_path, replicates=2)
    out = tmp_path / "out"
    assert sweep([exp_file, "--out", out, "--workers", "1"]) == 0
    before = snapshot(out / "summary")
    capsys.readouterr()
    assert sweep([exp_file, "--out", out, "--workers", "1"]) == 0
    assert "0 run now" in capsys.readouterr().out
    assert snapshot(out / "summary") == before           # nothing rewritten
    assert sweep([exp_file, "--out", out, "--workers", "1", "--replicates", "3"]) == 0
    assert "3 run now" in capsys.readouterr().out          # only the new replicate, in each of 3 arms
    after = snapshot(out / "summary")
    assert all(after[k] == v for k, v in before.items()) and len(after) == 9


def _sweep_cmd(exp_file, out, workers):
    return [sys.executable, "-m", "servicesim", "sweep", str(exp_file), "--out", str(out),
            "--workers", str(workers), "--quiet"]


def _wait_for_runs(out, n, proc, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            return
        if len(ResultStore(out).done_ids()) >= n:
            return
        time.sleep(0.02)
    raise AssertionError("sweep made no progress")


def test_sweep_killed_with_sigkill_resumes_to_exactly_the_uninterrupted_result(tmp_path):
    exp_file = write_tiny(tmp_path, days=25, replicates=8)   # 24 runs
    total = 24
    ref, out = tmp_path / "ref", tmp_path / "out"
    assert sweep([exp_file, "--out", ref, "--workers", "2"]) == 0

    killed_at = []
    for target in (3, 9):                                    # kill twice, at different points
        proc = subprocess.Popen(_sweep_cmd(exp_file, out, 2), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        _wait_for_runs(out, target, proc)
        os.killpg(proc.pid, signal.SIGKILL)                  # the sweep and its workers, mid-flight
        proc.wait()
        killed_at.append(len(ResultStore(out).done_ids()))
    assert killed_at[-1] < total, "the sweep finished before it could be killed; make it longer"
    # debris of a kill in the middle of writing: a temporary file and a daily file without its summary
    (out / "daily" / ".p00002-r0007.parquet.tmp-99999").write_bytes(b"PAR1 half a file")
    orphan = out / "daily" / "p00002-r0007.parquet"
    if "p00002-r0007" not in ResultStore(out).done_ids():
        orphan.write_bytes(b"not parquet")
    # a reader sees only complete runs, even now
    partial = load(out)
    assert set(partial.daily["run_id"]) <= set(partial.summary["run_id"])

    done_before = len(ResultStore(out).done_ids())
    assert subprocess.run(_sweep_cmd(exp_file, out, 2), capture_output=True).returncode == 0
    manifest = load(out).manifest
    assert manifest["sessions"][-1]["ran"] == total - done_before   # nothing run twice
    assert manifest["sessions"][-1]["skipped"] == done_before
    assert not [p for p in out.rglob(".*") if p.is_file()]            # no temporary files left
    assert_same_results(ref, out)
    summary = load(out).summary
    assert summary["run_id"].is_unique and len(summary) == total


def test_ctrl_c_stops_cleanly_and_the_sweep_resumes(tmp_path):
    exp_file = write_tiny(tmp_path, days=120, replicates=60)  # 180 runs, tens of seconds: Ctrl-C lands mid-sweep
    out = tmp_path / "out"
    # as from a terminal: Ctrl-C's default disposition, whatever this test process inherited or was given
    # by earlier tests (an ignored SIGINT is inherited by children, and Python then never raises it)
    proc = subprocess.Popen(_sweep_cmd(exp_file, out, 2), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    _wait_for_runs(out, 4, proc)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "run the same command again to resume" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert 4 <= len(load(out).summary) < 180
    assert not [p for p in out.rglob(".*") if p.is_file()]
    assert subprocess.run(_sweep_cmd(exp_file, out, 2), capture_output=True).returncode == 0
    assert len(load(out).summary) == 180


# --- no orphans: the pool's workers end with the sweep, however the sweep ends ----------------------------
def _children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (from /proc)."""
    kids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                kids.append(int(stat.parent.name))
    return kids


def _running(pid: int) -> bool:
    """True while ``pid`` exists and has not exited (a zombie waiting to be reaped has exited)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc (Linux)")
def test_workers_exit_when_the_sweep_is_killed_with_sigkill(tmp_path):
    exp_file = write_tiny(tmp_path, days=25, replicates=60)
    proc = subprocess.Popen(_sweep_cmd(exp_file, tmp_path / "out", 2), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        _wait_for_runs(tmp_path / "out", 4, proc)
        workers = _children(proc.pid)
        assert proc.poll() is None and len(workers) >= 2, "the sweep should be running on its two workers"
        os.kill(proc.pid, signal.SIGKILL)          # the parent only, as an OOM killer or `kill -9` would
        proc.wait()
        deadline = time.time() + 5
        while time.time() < deadline and any(map(_running, workers)):
            time.sleep(0.05)
        assert not [pid for pid in workers if _running(pid)], "pool workers outlived the sweep"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)     # whatever is left of the session


def test_dask_local_cluster_gives_the_same_tables_as_the_process_pool(tmp_path):
    pytest.importorskip("distributed")
    exp_file = write_tiny(tmp_path, days=10, replicates=2)
    assert sweep([exp_file, "--out", tmp_path / "pool", "--workers", "2"]) == 0
    assert sweep([exp_file, "--out", tmp_path / "dask", "--workers", "2", "--scheduler", "local"]) == 0
    assert_same_results(tmp_path / "pool", tmp_path / "dask")


def test_dask_scheduler_address(tmp_path):
    distributed = pytest.importorskip("distributed")
    exp_file = write_tiny(tmp_path, days=10, replicates=2)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, protocol="tcp://",
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        assert sweep([exp_file, "--out", tmp_path / "dask", "--scheduler", cluster.scheduler_address]) == 0
    assert sweep([exp_file, "--out", tmp_path / "one", "--workers", "1"]) == 0
    assert_same_results(tmp_path / "one", tmp_path / "dask")


class CountingExecutor(Executor):
    """Runs tasks on threads and records the largest number outstanding at once."""

    def __init__(self):
        self.pool = ThreadPoolExecutor(2)
        self.outstanding = 0
        self.peak = 0

    def submit(self, fn, /, *args, **kwargs) -> Future:
        self.outstanding += 1
        self.peak = max(self.peak, self.outstanding)
        future = self.pool.submit(fn, *args, **kwargs)
        future.add_done_callback(lambda f: setattr(self, "outstanding", self.outstanding - 1))
        return future


def test_submissions_are_bounded_and_results_are_not_held(tmp_path):
    exp = load_experiment(write_tiny(tmp_path, days=3, replicates=10))
    specs = exp.runs(exp.points())
    written = []

    class Sink:
        def write(self, output):
            written.append(output.run_id)   # a real sink writes to disk and keeps nothing

    ex = CountingExecutor()
    assert run_specs(specs, Sink(), ex, slots=2, chunk=1, progress=False) == 30
    assert sorted(written) == sorted(s.run_id for s in specs)
    assert ex.peak <= 4   # 2 per slot, never all 30 at once
