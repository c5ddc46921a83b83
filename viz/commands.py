"""The `servicesim ui` sub-command: start the browser app (Solara), offline, telemetry off."""

from __future__ import annotations

import os
import subprocess
import sys

from servicesim.model.errors import ParamError


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise ParamError(f"--port: {text!r} is not an integer; allowed: an integer in [1, 65535]") from None
    if not 1 <= value <= 65535:
        raise ParamError(f"--port: {value} is out of range; allowed: an integer in [1, 65535]")
    return value


def server_command(host: str, port: int, production: bool = True) -> list[str]:
    """The command line that serves the app (used by `servicesim ui`, the tests and the load script)."""
    cmd = [sys.executable, "-m", "solara", "run", "servicesim.viz.app", "--host", host, "--port", str(port),
           "--no-open"]
    if production:
        cmd.append("--production")
    return cmd


def server_environment(base: dict | None = None) -> dict:
    """The environment a server needs here: offline assets, no telemetry, no CDN fallback."""
    from .assets import cache_dir

    env = dict(os.environ if base is None else base)
    env.update({
        "SOLARA_ASSETS_PROXY_CACHE_DIR": str(cache_dir()),
        "SOLARA_ASSETS_PROXY": "True",
        # A file missing from the cache must fail at once, not wait on an unreachable CDN.
        "SOLARA_ASSETS_CDN": "http://127.0.0.1:9/npm/",
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
        "MPLBACKEND": "Agg",
    })
    return env


def cmd_ui(args) -> int:
    from .assets import fetch

    host, port = args.host, _port(args.port)
    fetch(verbose=False)
    print(f"servicesim ui: serving on http://{host}:{port}/  (?lang=fr for French; Ctrl-C to stop)", flush=True)
    proc = subprocess.Popen(server_command(host, port, production=not args.dev), env=server_environment())
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("ui", help="start the browser app (explore, compare, follow a request; EN/FR)",
                              description="Start the browser app. It works offline: JavaScript is served from "
                              ".assets-cache/ (filled on first use by `python -m servicesim.viz.assets`).")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1; 0.0.0.0 for a workshop room)")
    p.add_argument("--port", default="8765", help="port (default 8765)")
    p.add_argument("--dev", action="store_true", help="development mode (auto-reload, detailed errors)")
    p.set_defaults(handler=cmd_ui)
