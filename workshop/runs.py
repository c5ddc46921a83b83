"""Running an exercise once per room, in the background, with its progress in the database.

The server runs each room's exercise once (paired replicates: replicate r of both arms, or of every
value of a sweep, uses the same seed) with the experiments' own machinery: the exercise becomes an
experiment (:func:`servicesim.workshop.exercises.build_experiment`), its runs go through
:func:`servicesim.experiments.runner.run_specs`, and the comparison is
:func:`servicesim.experiments.compare.compare_summaries`. So a room's numbers are the numbers
``servicesim compare`` gives for the same scenarios, days and seed.

A shared server must not be slowed by one room: one worker thread takes runs from a queue, one at a
time, and hands the simulations to a process pool of ``SERVICESIM_ROOM_WORKERS`` processes (default
1; 0 runs them in the server's process, for tests). Rooms queue behind each other and every view shows
the queue and the progress (stored after each simulation). A run left queued or running by a server
that stopped is taken up again when the next server starts (:func:`resume`).
"""

from __future__ import annotations

import logging
import math
import os
import queue
import threading
from pathlib import Path

from .exercises import MONEY_METRICS, VERDICT_METRICS, Exercise, build_experiment
from .texts import WorkshopError

log = logging.getLogger("servicesim.workshop")
ENV_WORKERS = "SERVICESIM_ROOM_WORKERS"

_jobs: queue.Queue = queue.Queue()
_worker: threading.Thread | None = None
_lock = threading.Lock()
_resumed: set[Path] = set()


def workers() -> int:
    try:
        return max(0, min(4, int(os.environ.get(ENV_WORKERS, "1"))))
    except ValueError:
        return 1


def request_run(rooms, code: str, ex: Exercise, again: bool = False) -> bool:
    """Queue the room's run of ``ex`` unless it is queued, running or done (``again``: a failed run is
    queued again; a finished one is kept). True if a run was queued."""
    state = rooms.store.run(code, ex.id)
    if state is not None and state["status"] != "failed":
        if again and state["status"] in ("queued", "running"):
            raise WorkshopError("err.run_busy")
        return False
    exp = build_experiment(ex)
    total = len(exp.runs(exp.points()))
    if not rooms.store.queue_run(code, ex.id, total):
        return False
    _enqueue(rooms, code, ex.id)
    return True


def resume(rooms) -> int:
    """Queue again the runs a stopped server left unfinished (once per data directory and process)."""
    with _lock:
        if rooms.data_dir in _resumed:
            return 0
        _resumed.add(rooms.data_dir)
    pending = rooms.store.unfinished_runs()
    for code, ex_id in pending:
        _enqueue(rooms, code, ex_id)
    return len(pending)


def queue_position(rooms, code: str, ex_id: str) -> int:
    """How many runs (of any room) are ahead of this one."""
    with rooms.store.connect() as con:
        row = con.execute("SELECT queued FROM runs WHERE room = ? AND exercise = ?", (code, ex_id)).fetchone()
        if row is None:
            return 0
        ahead = con.execute("SELECT COUNT(*) FROM runs WHERE status IN ('queued', 'running') AND queued < ?",
                            (row[0],)).fetchone()[0]
    return int(ahead)


def _enqueue(rooms, code: str, ex_id: str) -> None:
    global _worker
    _jobs.put((rooms, code, ex_id))
    with _lock:
        if _worker is None or not _worker.is_alive():
            _worker = threading.Thread(target=_work, name="servicesim-room-runs", daemon=True)
            _worker.start()


def _work() -> None:
    while True:
        rooms, code, ex_id = _jobs.get()
        try:
            run_one(rooms, code, ex_id)
        except Exception:  # noqa: BLE001 - recorded as failed below; the worker goes on with the next room
            log.exception("room %s: run of %s failed", code, ex_id)
        finally:
            _jobs.task_done()


def run_one(rooms, code: str, ex_id: str) -> None:
    store = rooms.store
    state = store.run(code, ex_id)
    if state is None or state["status"] not in ("queued", "running"):
        return
    try:
        ex = rooms.catalogue().get(ex_id)
        store.run_progress(code, ex_id, "running", 0)
        result = compute(ex, on_progress=lambda done: store.run_progress(code, ex_id, "running", done))
    except Exception as exc:  # noqa: BLE001 - the room shows one line and the facilitator can start it again
        detail = exc.text("en") if isinstance(exc, WorkshopError) else f"{type(exc).__name__}: {exc}"
        store.finish_run(code, ex_id, None, error=detail.splitlines()[0][:300])
        raise
    store.finish_run(code, ex_id, result)


def wait_idle(timeout: float = 120.0) -> bool:
    """Wait until every queued run has finished (tests); False on timeout."""
    done = threading.Event()

    def join():
        _jobs.join()
        done.set()

    threading.Thread(target=join, daemon=True).start()
    return done.wait(timeout)


# --- the computation --------------------------------------------------------------------------------------
class _ProgressSink:
    def __init__(self, on_progress):
        from servicesim.experiments.store import MemorySink

        self.inner, self.on_progress, self.done = MemorySink(), on_progress, 0

    def write(self, output) -> None:
        self.inner.write(output)
        self.done += 1
        if self.on_progress:
            self.on_progress(self.done)

    def frame(self):
        return self.inner.frame()


def _executor(n: int):
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    from servicesim.experiments.runner import InProcessExecutor, init_worker

    if n == 0:
        return InProcessExecutor(), 1
    # the server has many threads: a fresh interpreter per worker (never fork a threaded process)
    method = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
    return ProcessPoolExecutor(max_workers=n, mp_context=mp.get_context(method), initializer=init_worker,
                               initargs=(None if method == "forkserver" else os.getpid(),)), n


def compute(ex: Exercise, on_progress=None, n_workers: int | None = None) -> dict:
    """Run the exercise's simulations and summarise them (JSON-ready)."""
    from servicesim.experiments.runner import run_specs

    exp = build_experiment(ex)
    specs = exp.runs(exp.points())
    sink = _ProgressSink(on_progress)
    executor, slots = _executor(workers() if n_workers is None else n_workers)
    try:
        run_specs(specs, sink, executor, slots, chunk=1, progress=False)
    finally:
        executor.shutdown(wait=True)
    summary = sink.frame()
    if ex.kind == "compare":
        return compare_result(summary, ex)
    return sweep_result(summary, ex)


def _num(x: float) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def compare_result(summary, ex: Exercise) -> dict:
    from servicesim.experiments.compare import compare_summaries

    rows = {}
    for m in compare_summaries(summary, "a", "b", list(dict.fromkeys(VERDICT_METRICS + MONEY_METRICS))):
        d = m.difference
        rows[m.metric] = {"a": [_num(m.a.mean), _num(m.a.low), _num(m.a.high)],
                          "b": [_num(m.b.mean), _num(m.b.low), _num(m.b.high)],
                          "diff": [_num(d.mean), _num(d.low), _num(d.high)], "p": _num(d.p_value)}
    return {"kind": "compare", "replicates": int(ex.run["replicates"]), "days": int(ex.run["days"]),
            "seed": int(ex.run["seed"]), "metrics": rows}


def sweep_result(summary, ex: Exercise) -> dict:
    from servicesim.experiments.stats import mean_ci
    from servicesim.model.metrics import METRICS

    sw = ex.run["sweep"]
    param, metric = sw["param"], sw["metric"]
    points = []
    for value in sw["values"]:
        col = summary[param].astype(float)
        est = mean_ci(summary.loc[(col - float(value)).abs() < 1e-12, metric])
        points.append({"value": float(value), "mean": _num(est.mean), "low": _num(est.low), "high": _num(est.high)})
    higher = METRICS[metric].higher_is_better
    best = max(points, key=lambda p: p["mean"] if higher else -p["mean"])
    # values the data cannot tell from the best: their interval reaches the best's
    if higher:
        close = [p["value"] for p in points if p["high"] is not None and best["low"] is not None
                 and p["high"] >= best["low"]]
    else:
        close = [p["value"] for p in points if p["low"] is not None and best["high"] is not None
                 and p["low"] <= best["high"]]
    close = close or [best["value"]]
    return {"kind": "sweep", "replicates": int(ex.run["replicates"]), "days": int(ex.run["days"]),
            "seed": int(ex.run["seed"]), "param": param, "metric": metric, "points": points,
            "peak": best["value"], "peak_low": min(close), "peak_high": max(close)}


__all__ = ["request_run", "resume", "compute", "run_one", "queue_position", "wait_idle", "workers"]

