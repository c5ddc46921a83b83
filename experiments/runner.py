"""Running many simulations on any :class:`concurrent.futures.Executor`, resumably.

* ``workers == 1``: runs in this process (no start-up cost, the reference for speed-ups);
* ``workers > 1``: a process pool whose workers import the model once (initializer), ignore
  Ctrl-C (the main process handles it and shuts the pool down cleanly) and exit when the main
  process dies, even by SIGKILL (no orphans left computing);
* ``scheduler``: Dask distributed, through ``client.get_executor()`` (an address such as
  ``tcp://10.0.0.5:8786``, or ``local`` for a local cluster on 127.0.0.1).

Submissions are bounded (a few chunks per worker in flight) and every finished run goes to the
sink at once, so memory does not grow with the number of runs. Each run depends only on its
scenario, seed and days, so results do not depend on the executor or the number of workers.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass

from . import sensitivity
from .design import Experiment, RunSpec
from .fields import ExperimentError
from .store import MemorySink, ResultStore, RunOutput, load

PR_SET_PDEATHSIG = 1          # from <linux/prctl.h>
PARENT_POLL_SECONDS = 0.5


# --- in the worker --------------------------------------------------------------------------------
def init_worker(parent: int | None = None) -> None:
    """Process-pool initializer: ignore Ctrl-C (the parent stops us), die with the parent, import the model once.

    ``parent`` is the process id the worker must find as its parent (None when a fork server stands between).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    exit_with_parent(parent)
    import servicesim.model  # noqa: F401


def exit_with_parent(parent: int | None = None) -> None:
    """Make this process end when its parent process ends, however the parent ends.

    On Linux the kernel sends SIGKILL at the parent's death (``prctl(PR_SET_PDEATHSIG)``); everywhere a
    daemon thread also watches ``os.getppid()``, which changes when the parent dies and the process is
    re-parented. If the parent died before this ran, exit at once.
    """
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    ppid = os.getppid()
    if parent is not None and ppid != parent:
        os._exit(1)

    def watch() -> None:
        while os.getppid() == ppid:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="servicesim-exit-with-parent", daemon=True).start()


def execute(spec: RunSpec) -> RunOutput:
    from servicesim.model import ServiceModel

    try:
        model = ServiceModel(spec.scenario.params, interventions=spec.scenario.interventions, seed=spec.seed)
        model.warm_up(spec.warmup)
        model.run(spec.days)
        summary = model.summary()
    except Exception as exc:  # a model defect: say which run, keep the cause
        raise RuntimeError(f"run {spec.run_id} (arm {spec.arm}, seed {spec.seed}) failed: {exc!r}") from exc
    keys = {"run_id": spec.run_id, "stage": spec.stage, "arm": spec.arm, "point": spec.point,
            "replicate": spec.replicate, "seed": spec.seed}
    row = {**keys, "days": spec.days, **spec.factors}
    row.update({k: v for k, v in summary.items() if k not in ("seed", "days") and k not in row})
    daily = teams = None
    if spec.keep_daily:
        frame = model.daily_frame()
        cols = ["day"] + [m for m in spec.metrics if m in frame.columns and m != "day"]
        daily = frame[cols].copy()
        for i, (k, v) in enumerate(keys.items()):
            daily.insert(i, k, v)
    if spec.keep_teams:
        teams = model.team_frame().copy()
        for i, (k, v) in enumerate(keys.items()):
            teams.insert(i, k, v)
    return RunOutput(spec.run_id, row, daily, teams)


def execute_chunk(specs: Sequence[RunSpec]) -> list[RunOutput]:
    return [execute(s) for s in specs]


# --- executors ----------------------------------------------------------------------------------------
class InProcessExecutor(Executor):
    """Runs each task at submission, in this process (``--workers 1``)."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - KeyboardInterrupt must reach the caller
            if isinstance(exc, KeyboardInterrupt):
                raise
            future.set_exception(exc)
        return future


@contextlib.contextmanager
def make_executor(workers: int, scheduler: str | None = None) -> Iterator[tuple[Executor, int]]:
    """Yield ``(executor, parallel slots)``; shut everything down on exit (also on Ctrl-C)."""
    if scheduler:
        try:
            from distributed import Client, LocalCluster
        except ImportError:  # pragma: no cover
            raise ExperimentError("--scheduler: dask.distributed is not installed; allowed: install "
                                  "'dask[distributed]' or omit --scheduler") from None
        cluster = None
        try:
            if scheduler == "local":
                cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                                       dashboard_address=None)
                client = Client(cluster)
            else:
                try:
                    client = Client(scheduler, timeout="20s")
                except (OSError, TimeoutError) as exc:
                    raise ExperimentError(f"--scheduler: cannot reach {scheduler!r} ({exc}); allowed: 'local' or "
                                          f"the address of a running Dask scheduler, e.g. tcp://host:8786") from None
            slots = max(1, sum(client.nthreads().values()))
            executor = client.get_executor(pure=False)
            try:
                yield executor, slots
            finally:
                executor.shutdown(wait=False)
                client.close()
        finally:
            if cluster is not None:
                cluster.close()
        return
    if workers == 1:
        yield InProcessExecutor(), 1
        return
    import multiprocessing as mp

    # fork is fastest (the model is already imported here) and safe while this process has a single
    # thread; otherwise fall back to a fresh interpreter per worker. Either way init_worker runs once.
    methods = mp.get_all_start_methods()
    method = "fork" if "fork" in methods and threading.active_count() == 1 else (
        "forkserver" if "forkserver" in methods else "spawn")
    parent = None if method == "forkserver" else os.getpid()
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context(method), initializer=init_worker,
                               initargs=(parent,))
    try:
        yield pool, workers
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    else:
        pool.shutdown(wait=True)


# --- the loop -----------------------------------------------------------------------------------------
def _chunks(specs: Sequence[RunSpec], size: int) -> Iterator[list[RunSpec]]:
    for i in range(0, len(specs), size):
        yield list(specs[i:i + size])


def auto_chunk(specs: Sequence[RunSpec], slots: int) -> int:
    """Group short runs so that task overhead stays small, but keep every worker busy."""
    if not specs:
        return 1
    work = sum((s.days + s.warmup) * int(s.scenario.params["teams"]) * int(s.scenario.params["team_size"])
               for s in specs)
    per_run = work / len(specs)  # employee-days per run; ~ 30 000 employee-days ~ 1 s
    size = max(1, int(3_000 / max(per_run, 1)))  # ~0.1 s of work per task at least
    return max(1, min(size, 32, len(specs) // (4 * slots) or 1))


def run_specs(specs: Sequence[RunSpec], sink, executor: Executor, slots: int, *, chunk: int | None = None,
              progress: bool = True, desc: str = "runs", total: int | None = None, initial: int = 0) -> int:
    """Run ``specs`` on ``executor``, handing each result to ``sink.write`` as soon as it arrives."""
    import tqdm as _tqdm
    from tqdm import tqdm

    _tqdm.tqdm.monitor_interval = 0  # no monitor thread: keeps forking worker processes safe
    chunk = chunk or auto_chunk(specs, slots)
    max_in_flight = max(2, 2 * slots)
    done = 0
    bar = tqdm(total=total if total is not None else len(specs), initial=initial, desc=desc, unit="run",
               file=sys.stderr, disable=not progress, dynamic_ncols=True, smoothing=0.1, mininterval=0.5)
    pending: set[Future] = set()
    chunks = _chunks(specs, chunk)
    try:
        exhausted = False
        while True:
            while not exhausted and len(pending) < max_in_flight:
                batch = next(chunks, None)
                if batch is None:
                    exhausted = True
                    break
                pending.add(executor.submit(execute_chunk, batch))
            if not pending:
                break
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                for output in future.result():
                    sink.write(output)
                    done += 1
                    bar.update(1)
    except BaseException:
        for future in pending:
            future.cancel()
        raise
    finally:
        bar.close()
    return done


@dataclass
class SweepOutcome:
    total: int
    ran: int
    skipped: int
    seconds: float
    stages: dict


def sweep(exp: Experiment, out, *, workers: int = 1, scheduler: str | None = None, chunk: int | None = None,
          progress: bool = True) -> SweepOutcome:
    """Run (or resume) ``exp`` into the results directory ``out``."""
    store = ResultStore(out)
    store.check(exp)
    points = exp.points()
    specs = exp.runs(points)
    store.open(exp)
    planned = len(specs)
    if exp.design_kind == "sensitivity" and exp.design["method"] == "morris_then_sobol":
        planned += exp.design["n"] * (exp.design["top"] + 2) * exp.replicates
    store.update_manifest(runs=planned)
    start = time.perf_counter()
    stages: dict = {}
    ran = skipped = 0
    with make_executor(workers, scheduler) as (executor, slots):
        def go(batch: list[RunSpec], desc: str) -> None:
            nonlocal ran, skipped
            done = store.done_ids()
            todo = [s for s in batch if s.run_id not in done]
            skipped += len(batch) - len(todo)
            ran += run_specs(todo, store, executor, slots, chunk=chunk, progress=progress, desc=desc,
                             total=len(batch), initial=len(batch) - len(todo))

        go(specs, exp.name if exp.design_kind != "sensitivity" else f"{exp.name} [{points[0].stage}]")
        total = len(specs)
        if exp.design_kind == "sensitivity" and exp.design["method"] == "morris_then_sobol":
            summary = load(out).summary
            table = sensitivity.analyse_morris(exp, summary)
            selected = sensitivity.select(table, exp.design["top"])
            stages = {"morris": {"points": len(points), "ranking": list(table["param"])},
                      "sobol": {"params": selected}}
            store.update_manifest(stages=stages)
            specs2 = exp.runs(exp.second_stage_points(selected, start=len(points)))
            go(specs2, f"{exp.name} [sobol]")
            total += len(specs2)
    seconds = time.perf_counter() - start
    manifest = store.read_manifest()
    manifest["sessions"][-1].update({"finished": True, "ran": ran, "skipped": skipped, "seconds": round(seconds, 2)})
    manifest["runs"] = total
    store.write_manifest(manifest)
    return SweepOutcome(total, ran, skipped, seconds, stages)


def run_in_memory(specs: Sequence[RunSpec], *, workers: int = 1, scheduler: str | None = None,
                  progress: bool = True, desc: str = "runs"):
    """Run specs and return their summary table (nothing written to disk)."""
    sink = MemorySink()
    with make_executor(workers, scheduler) as (executor, slots):
        run_specs(list(specs), sink, executor, slots, progress=progress, desc=desc)
    return sink.frame()


__all__ = ["sweep", "run_specs", "run_in_memory", "make_executor", "execute", "init_worker", "InProcessExecutor"]
