"""The `servicesim ui` sub-command: start the browser app (Solara), offline, telemetry off."""

from __future__ import annotations

import os
import signal
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


def _limit(option: str, text: str, low: int) -> int:
    try:
        value = int(str(text).replace("_", ""))
    except ValueError:
        raise ParamError(f"{option}: {text!r} is not an integer; allowed: an integer >= {low}") from None
    if value < low:
        raise ParamError(f"{option}: {value} is too small; allowed: an integer >= {low} (the presets need it)")
    return value


def server_command(host: str, port: int, production: bool = True) -> list[str]:
    """The command line that serves the app (used by `servicesim ui`, the tests and the load script)."""
    cmd = [sys.executable, "-m", "solara", "run", "servicesim.viz.app", "--host", host, "--port", str(port),
           "--no-open"]
    if production:
        cmd.append("--production")
    return cmd


def data_dir(text: str | None, env: dict | None = None):
    """The workshop data directory (rooms, dropped exercise files): ``--data`` or the per-user default,
    created if needed; refused in one line if it cannot hold the rooms' database."""
    from pathlib import Path

    from servicesim.workshop.store import default_data_dir

    path = Path(text).expanduser() if text else default_data_dir(os.environ if env is None else env)
    if path.exists() and not path.is_dir():
        raise ParamError(f"--data: {str(text or path)!r} is a file; allowed: a directory (created if missing)")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ParamError(f"--data: {str(text or path)!r} cannot be created ({exc.strerror}); allowed: a directory "
                         "this user can write") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise ParamError(f"--data: {str(text or path)!r} is not writable; allowed: a directory this user can write")
    return path.resolve()


def server_environment(base: dict | None = None, max_employees: int | None = None,
                       max_customers: int | None = None, data: str | None = None) -> dict:
    """The environment a server needs here: offline assets, no telemetry, no CDN fallback, and the
    limits on what one browser session may build."""
    from .assets import cache_dir
    from .fields import ENV_MAX_CUSTOMERS, ENV_MAX_EMPLOYEES

    env = dict(os.environ if base is None else base)
    env.update({
        "SOLARA_ASSETS_PROXY_CACHE_DIR": str(cache_dir()),
        "SOLARA_ASSETS_PROXY": "True",
        # A file missing from the cache must fail at once, not wait on an unreachable CDN.
        "SOLARA_ASSETS_CDN": "http://127.0.0.1:9/npm/",
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
        "MPLBACKEND": "Agg",
        # Solara's English-only footer banner would sit on French pages (the Info page credits Solara)
        "SOLARA_THEME_SHOW_BANNER": "False",
    })
    if max_employees is not None:
        env[ENV_MAX_EMPLOYEES] = str(int(max_employees))
    if max_customers is not None:
        env[ENV_MAX_CUSTOMERS] = str(int(max_customers))
    if data is not None:
        from servicesim.workshop.store import ENV_DATA

        env[ENV_DATA] = str(data)
    return env


def cmd_ui(args) -> int:
    from .assets import fetch
    from .fields import DEFAULT_MAX_CUSTOMERS, DEFAULT_MAX_EMPLOYEES

    host, port = args.host, _port(args.port)
    max_employees = _limit("--max-employees", args.max_employees or DEFAULT_MAX_EMPLOYEES, MIN_EMPLOYEES)
    max_customers = _limit("--max-customers", args.max_customers or DEFAULT_MAX_CUSTOMERS, MIN_CUSTOMERS)
    data = data_dir(args.data)
    fetch(verbose=False)
    print(f"servicesim ui: serving on http://{host}:{port}/  (?lang=fr for French; Ctrl-C to stop); "
          f"each session may build up to {max_employees} employees and {max_customers} customers; "
          f"workshop rooms on http://{host}:{port}/room, kept in {data}", flush=True)
    proc = subprocess.Popen(server_command(host, port, production=not args.dev),
                            env=server_environment(max_employees=max_employees, max_customers=max_customers,
                                                   data=str(data)))
    return supervise(proc)


def supervise(proc: subprocess.Popen, grace: float = 10.0) -> int:
    """Wait for the server; on Ctrl-C or SIGTERM (``kill``, a service manager) stop it, so the port
    is free when this command exits."""
    stopping = {"signal": None}

    def stop(signum, _frame):
        stopping["signal"] = signum
        raise KeyboardInterrupt

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        return proc.wait()
    except KeyboardInterrupt:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(grace)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        return 0
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


#: The smallest limits accepted: every shipped preset must fit.
MIN_EMPLOYEES, MIN_CUSTOMERS = 200, 350_000


def register(subparsers) -> None:
    p = subparsers.add_parser("ui", help="start the browser app (explore, compare, follow a request; EN/FR)",
                              description="Start the browser app. It works offline: JavaScript is served from "
                              ".assets-cache/ (filled on first use by `python -m servicesim.viz.assets`).")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1; 0.0.0.0 for a workshop room)")
    p.add_argument("--port", default="8765", help="port (default 8765)")
    p.add_argument("--max-employees", default=None,
                   help="largest organisation one browser session may build, in employees (default 1000; "
                        "the organisation's size is teams × team size plus back office, payroll and managers)")
    p.add_argument("--max-customers", default=None,
                   help="largest customer base one session may build (default 400000; the calibrated presets have 170000-320000); requests a day are "
                        "bounded at a fifth of it")
    p.add_argument("--data", default=None, metavar="DIR",
                   help="where workshop rooms are kept (an SQLite database) and where a facilitator drops "
                        "exercise files (DIR/exercises/*.toml); default $XDG_DATA_HOME/servicesim or "
                        "~/.local/share/servicesim")
    p.add_argument("--dev", action="store_true", help="development mode (auto-reload, detailed errors)")
    p.set_defaults(handler=cmd_ui)
