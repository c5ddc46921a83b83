"""Fixtures for the browser tests: one app server for the session (started as `servicesim ui`
starts it, offline), Debian's Chromium driven by Playwright, and a page per test that records
console errors and failed or external network requests (asserted empty after each test)."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

CHROMIUM = os.environ.get("SERVICESIM_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# Harmless console messages from Solara's own page (not from this app).
BENIGN = ("Failed to evaluate Vue script and find module.exports",)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def app_env(tmp_path_factory):
    from servicesim.viz.assets import fetch
    from servicesim.viz.commands import server_environment

    fetch(verbose=False)
    home = tmp_path_factory.mktemp("home")
    env = server_environment()
    env.update({"HOME": str(home), "MPLCONFIGDIR": str(home / "mpl"), "XDG_CACHE_HOME": str(home / "cache"),
                "XDG_CONFIG_HOME": str(home / "config"), "XDG_DATA_HOME": str(home / "data"),
                "JUPYTER_CONFIG_DIR": str(home / "jupyter"), "SOLARA_HOME": str(home / "solara")})
    return env


def start_server(env: dict, port: int) -> subprocess.Popen:
    from servicesim.viz.commands import server_command

    # the server writes to its own copy of the file descriptor: the test process can close its handle at once
    with open(Path(env["HOME"]) / f"server-{port}.log", "w") as log:
        proc = subprocess.Popen(server_command("127.0.0.1", port), env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 90
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"app server exited with {proc.returncode}: see {log.name}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise RuntimeError("app server did not start within 90 s")


@pytest.fixture(scope="session")
def app_url(app_env):
    port = _free_port()
    proc = start_server(app_env, port)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def chromium(app_env):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (.ci/run installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                     env={k: v for k, v in app_env.items() if k in ("HOME", "XDG_CACHE_HOME",
                                                                                   "XDG_CONFIG_HOME", "PATH")})
        yield browser
        browser.close()


class Watch:
    """What a page did wrong: console errors, page errors, failed requests, requests to other hosts."""

    def __init__(self, page, base_url: str):
        self.errors: list[str] = []
        self.failed: list[str] = []
        self.external: list[str] = []
        host = urlparse(base_url).netloc
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        page.on("response", lambda r: self.failed.append(f"{r.url} (HTTP {r.status})") if r.status >= 400 else None)

        def request(r):
            u = urlparse(r.url)
            if u.scheme in ("http", "https", "ws", "wss") and u.netloc != host:
                self.external.append(r.url)

        page.on("request", request)

    def check(self):
        errors = [e for e in self.errors if not any(b in e for b in BENIGN)]
        assert not errors, f"browser console errors: {errors[:5]}"
        assert not self.failed, f"failed requests: {self.failed[:5]}"
        assert not self.external, f"requests to external hosts: {self.external[:5]}"


@pytest.fixture
def new_page(chromium, app_url):
    """Factory: a page in a fresh browser context (a new session), watched for errors."""
    made = []

    def make(path: str = "/?lang=en"):
        context = chromium.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")
        page = context.new_page()
        page.set_default_timeout(30_000)
        watch = Watch(page, app_url)
        made.append((context, watch))
        page.goto(app_url + path)
        return page

    yield make
    for context, _watch in made:
        context.close()
    for _context, watch in made:
        watch.check()


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
