"""Load test of a workshop room: N participants in one room at a person's pace through a whole exercise.

Starts the app on a free loopback port with a fresh data directory (or uses --url), opens one
facilitator and N participants, each in their own browser context of one headless Chromium (each a
real Solara session: its websocket, its widgets, its one-second poll of the room), and goes through
the exercise as a session would: people arrive a few at a time and join; the facilitator sends the
exercise and opens predictions; each participant reads for a while (a random 0-2x``--think`` s),
answers and sends; the facilitator reveals (the server runs the exercise once for the room: the real
headline, 12 simulations, by default) and moves to the debrief. Measured:

* response to a participant's own action, as the browser sees it: *join* (click -> the room's page)
  and *send* (click -> "Prediction saved");
* how long a facilitator's move takes to reach every participant's screen (*follow*: push, reveal,
  debrief; includes up to one second of polling);
* the run's time, and the server's memory (resident set of the server and its run worker, sampled
  every 0.5 s): before anyone joins, at its peak, at the end.

Why browsers rather than raw HTTP: a participant's cost to the server is a Solara session (the widget
tree, its renders, the websocket traffic, the poll thread); a client that does not speak Solara's
widget protocol would measure none of it. The browsers share the machine's cores with the server, so
the latencies are an upper bound for a room of people on their own devices.

    .venv/bin/python benchmarks/load_room.py                        # 30 participants, the headline
    .venv/bin/python benchmarks/load_room.py --participants 10 --exercise tiny --data DIR
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from load_sessions import CHROMIUM_ARGS, percentile  # noqa: E402  (one home for the browser flags and p95)


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its descendants, in MB (Linux /proc)."""
    total, todo, seen = 0, [pid], set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            with open(f"/proc/{p}/status") as fh:
                total += next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:"))
            for task in os.listdir(f"/proc/{p}/task"):      # children of every thread (the run worker's too)
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except (OSError, StopIteration):
            continue
    return total / 1024


class Memory(threading.Thread):
    def __init__(self, pid: int | None):
        super().__init__(daemon=True)
        self.pid, self.samples, self.stop = pid, [], threading.Event()

    def run(self):
        while self.pid and not self.stop.is_set():
            self.samples.append(rss_mb(self.pid))
            self.stop.wait(0.5)


async def participant(browser, url, i, code, gate, think, rng, out, failures, timeout):
    context = await browser.new_context(viewport={"width": 390, "height": 844})
    page = await context.new_page()
    page.set_default_timeout(timeout * 1000)
    try:
        async with gate:                                   # people arrive a few at a time
            await page.goto(url + "/room?lang=en")
            await page.locator(".ss-join-code input").fill(code)
            await page.locator(".ss-join-name input").fill(f"Participant {i:02d}")
            start = time.perf_counter()
            await page.locator(".ss-join").click()
            await page.locator(".ss-part-name").wait_for()
            out["join"].append(time.perf_counter() - start)
        out["joined"].append(i)
        await page.locator(".ss-part-submit").wait_for(timeout=timeout * 1000 * 4)
        out["follow_push"].append(time.perf_counter() - out["pushed_at"])
        await asyncio.sleep(rng.uniform(0, 2 * think))     # reading the brief, thinking
        await page.locator(f".ss-part-direction-{rng.choice(['a', 'b', 'same'])}").click()
        await asyncio.sleep(rng.uniform(0, think / 2))
        await page.locator(".ss-part-csat_gap input").fill(f"{rng.uniform(-1, 1):.2f}")
        if await page.locator(".ss-part-profit_gap input").count():
            await page.locator(".ss-part-profit_gap input").fill(f"{rng.uniform(-30, 30):.0f}")
        start = time.perf_counter()
        await page.locator(".ss-part-submit").click()
        await page.locator(".ss-part-saved").wait_for()
        out["send"].append(time.perf_counter() - start)
        out["sent"].append(i)
        await page.locator(".ss-board .ss-outcome").wait_for(timeout=timeout * 1000 * 10)
        out["follow_reveal"].append(time.perf_counter() - out["revealed_at"])
        await page.locator(".ss-room-questions").wait_for(timeout=timeout * 1000 * 4)
        out["follow_debrief"].append(time.perf_counter() - out["debrief_at"])
    except Exception as exc:  # noqa: BLE001 - counted, reported
        failures.append(f"participant {i}: {type(exc).__name__}: {str(exc).splitlines()[0][:120]}")
        if os.environ.get("LOAD_ROOM_SHOTS"):
            await page.screenshot(path=f"{os.environ['LOAD_ROOM_SHOTS']}/participant-{i}.png", full_page=True)
    finally:
        await context.close()


async def run(url, n, exercise, chromium, think, timeout, memory: Memory) -> dict:
    from playwright.async_api import async_playwright

    out = {k: [] for k in ("join", "send", "follow_push", "follow_reveal", "follow_debrief", "joined", "sent")}
    out.update(pushed_at=float("inf"), revealed_at=float("inf"), debrief_at=float("inf"))
    failures: list[str] = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        fctx = await browser.new_context(viewport={"width": 1280, "height": 900})
        fac = await fctx.new_page()
        fac.set_default_timeout(timeout * 1000)
        await fac.goto(url + "/room?lang=en")
        await fac.locator(".ss-open").click()
        await fac.locator(".ss-fac-code").wait_for()
        code = re.search(r"code=([A-Z]+)", fac.url).group(1)
        mem_idle = memory.samples[-1] if memory.samples else None
        gate = asyncio.Semaphore(3)
        t0 = time.perf_counter()
        tasks = [asyncio.create_task(participant(browser, url, i, code, gate, think, random.Random(i), out,
                                                 failures, timeout)) for i in range(n)]
        while len(out["joined"]) + len(failures) < n:
            await asyncio.sleep(0.2)
        joined_s = time.perf_counter() - t0
        if exercise not in (await fac.locator(".ss-fac-exercise").inner_text()).split():
            await fac.locator(".ss-fac-exercise").click()
            await fac.get_by_role("option", name=exercise, exact=True).click()
        await fac.locator(".ss-fac-push").click()
        await fac.locator(".ss-fac-phase-predict").wait_for()
        out["pushed_at"] = time.perf_counter()
        await fac.locator(".ss-fac-phase-predict").click()
        while len(out["sent"]) + len(failures) < n:
            await asyncio.sleep(0.2)
        predicting_s = time.perf_counter() - out["pushed_at"]
        out["revealed_at"] = time.perf_counter()
        await fac.locator(".ss-fac-phase-reveal").click()
        await fac.locator(".ss-board .ss-outcome").wait_for(timeout=timeout * 1000 * 10)
        run_s = time.perf_counter() - out["revealed_at"]
        while len(out["follow_reveal"]) + len(failures) < n:
            await asyncio.sleep(0.2)
        out["debrief_at"] = time.perf_counter()
        await fac.locator(".ss-fac-next").click()
        await asyncio.gather(*tasks)
        await browser.close()

    def stats(name):
        xs = out[name]
        if not xs:
            return {}
        return {f"{name}_n": len(xs), f"{name}_p50_s": round(statistics.median(xs), 3),
                f"{name}_p95_s": round(percentile(xs, 0.95), 3), f"{name}_max_s": round(max(xs), 3)}

    result = {"participants": n, "exercise": exercise, "think_mean_s": think, "failures": failures,
              "all_joined_s": round(joined_s, 1), "predicting_phase_s": round(predicting_s, 1),
              "reveal_with_run_s": round(run_s, 1)}
    for name in ("join", "send", "follow_push", "follow_reveal", "follow_debrief"):
        result.update(stats(name))
    if memory.samples:
        result.update({"server_rss_idle_mb": round(mem_idle or memory.samples[0], 1),
                       "server_rss_peak_mb": round(max(memory.samples), 1),
                       "server_rss_end_mb": round(memory.samples[-1], 1)})
    return result


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--participants", type=int, default=30)
    ap.add_argument("--exercise", default="headline", help="exercise id (default: the headline)")
    ap.add_argument("--think", type=float, default=8.0,
                    help="mean seconds a participant reads before answering (uniform 0..2x; default 8)")
    ap.add_argument("--data", default=None, help="data directory (default: a fresh temporary one)")
    ap.add_argument("--url", default=None, help="an already running app (default: start one on loopback)")
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds allowed for one page action")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    proc, url = None, args.url
    if url is None:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
        from browser.conftest import _free_port, start_server  # the tests' server start-up

        from servicesim.viz.assets import fetch
        from servicesim.viz.commands import server_environment

        fetch(verbose=False)
        home = Path(tempfile.mkdtemp(prefix="servicesim-room-load-"))
        data = Path(args.data) if args.data else home / "rooms"
        env = server_environment(data=str(data))
        env.update({"HOME": str(home), "MPLCONFIGDIR": str(home / "mpl"), "XDG_CACHE_HOME": str(home / "cache")})
        port = _free_port()
        proc = start_server(env, port)
        url = f"http://127.0.0.1:{port}"
    memory = Memory(proc.pid if proc else None)
    memory.start()
    time.sleep(1.0)
    try:
        result = asyncio.run(run(url, args.participants, args.exercise, args.chromium, args.think, args.timeout,
                                 memory))
    finally:
        memory.stop.set()
        if proc is not None:
            proc.terminate()
            proc.wait(20)
    result["machine_load_1min"] = round(os.getloadavg()[0], 1)
    if args.json:
        print(json.dumps(result))
    else:
        for k, v in result.items():
            print(f"{k:>24}: {v}")
    return 0 if not result["failures"] else 1


if __name__ == "__main__":
    sys.exit(main())
