"""Load test of the browser app: N concurrent sessions on one server, each stepping its own model.

Starts the app on a free loopback port (or uses --url), opens N browser contexts in one headless
Chromium (each a separate Solara session with its own model), waits until all are loaded, then
has every session press Step K times at once and measures, per click, the time until the page
shows the new day (server-side step + drawing + the round trip). Reports the median and the 95th
percentile, as the browser sees it and as the server spends it (model step + redraw; the browsers
share the machine's cores with the server, so the first includes their rendering). Traffic stays on this machine;
the run is bounded by N*K clicks and a timeout.

    .venv/bin/python benchmarks/load_sessions.py --sessions 30 --steps 10             # all click at once
    .venv/bin/python benchmarks/load_sessions.py --sessions 30 --steps 10 --think 3   # at a person's pace
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def percentile(values: list[float], q: float) -> float:
    s = sorted(values)
    k = (len(s) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


async def session(browser, url: str, steps: int, ready: asyncio.Event, gate: asyncio.Semaphore, loaded: list,
                  out: list, failures: list, timeout: float, think: float = 0.0, rng: random.Random | None = None):
    context = await browser.new_context(viewport={"width": 1200, "height": 900})
    page = await context.new_page()
    page.set_default_timeout(timeout * 1000)
    async with gate:                      # people arrive a few at a time, not all in the same second
        await page.goto(url + "/?lang=en")
        await page.wait_for_selector(".ss-day")
    loaded.append(1)
    await ready.wait()
    day = page.locator(".ss-day")
    for n in range(1, steps + 1):
        if think:                         # a person reads the page before clicking again
            await asyncio.sleep(rng.uniform(0.0, 2.0 * think))
        before = await day.inner_text()
        start = time.perf_counter()
        await page.locator(".ss-step").click()
        try:
            await page.wait_for_function("([el, t]) => el.textContent.trim() !== t",
                                         arg=[await day.element_handle(), before.strip()], timeout=timeout * 1000)
            out.append(time.perf_counter() - start)
        except Exception:
            failures.append(n)
    await context.close()


async def run(url: str, sessions: int, steps: int, chromium: str, timeout: float, think: float = 0.0) -> dict:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        ready, loaded, latencies, failures = asyncio.Event(), [], [], []
        gate = asyncio.Semaphore(3)
        t0 = time.perf_counter()
        tasks = [asyncio.create_task(session(browser, url, steps, ready, gate, loaded, latencies, failures, timeout,
                                             think, random.Random(i)))
                 for i in range(sessions)]
        while len(loaded) < sessions:
            failed = [t for t in tasks if t.done() and t.exception()]
            if failed or time.perf_counter() - t0 > timeout * sessions / 3:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
                await browser.close()
                if failed:
                    raise failed[0].exception()
                raise TimeoutError(f"only {len(loaded)} of {sessions} sessions loaded")
            await asyncio.sleep(0.2)
        load_time = time.perf_counter() - t0
        t1 = time.perf_counter()
        ready.set()
        await asyncio.gather(*tasks)
        wall = time.perf_counter() - t1
        await browser.close()
    if not latencies:
        raise RuntimeError(f"no click was answered within {timeout} s")
    return {"sessions": sessions, "steps_per_session": steps, "think_time_mean_s": think,
            "clicks_answered": len(latencies),
            "clicks_unanswered": len(failures),
            "all_sessions_loaded_s": round(load_time, 2), "stepping_wall_s": round(wall, 2),
            "step_latency_median_s": round(statistics.median(latencies), 3),
            "step_latency_p95_s": round(percentile(latencies, 0.95), 3),
            "step_latency_max_s": round(max(latencies), 3)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=30)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--url", default=None, help="an already running app (default: start one on loopback)")
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds allowed for one page action")
    ap.add_argument("--think", type=float, default=0.0,
                    help="mean seconds a person waits between clicks (uniform 0..2x; default 0: everyone clicks "
                         "again as soon as the page answers, the worst case)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    proc = None
    timing_file = None
    url = args.url
    if url is None:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
        from browser.conftest import _free_port, start_server  # the tests' server start-up

        from servicesim.viz.assets import fetch
        from servicesim.viz.commands import server_environment

        fetch(verbose=False)
        home = Path(tempfile.mkdtemp(prefix="servicesim-load-"))
        env = server_environment()
        env.update({"HOME": str(home), "MPLCONFIGDIR": str(home / "mpl"), "XDG_CACHE_HOME": str(home / "cache"),
                    "SERVICESIM_UI_TIMING": str(home / "step-times.txt")})
        timing_file = home / "step-times.txt"
        port = _free_port()
        proc = start_server(env, port)
        url = f"http://127.0.0.1:{port}"
    try:
        result = asyncio.run(run(url, args.sessions, args.steps, args.chromium, args.timeout, args.think))
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(20)
    if timing_file is not None and timing_file.exists():
        server = [float(x) for x in timing_file.read_text().split()]
        if server:
            result["server_step_median_s"] = round(statistics.median(server), 3)
            result["server_step_p95_s"] = round(percentile(server, 0.95), 3)
    if args.json:
        print(json.dumps(result))
    else:
        for k, v in result.items():
            print(f"{k:>24}: {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
