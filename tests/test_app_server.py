"""`servicesim ui` as a service manager runs it: SIGTERM stops the Solara server and frees the port;
the per-session limits reach the server; bad limits are refused in one line."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from servicesim.cli import main


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.append(int(entry.name))
    return out


@pytest.mark.slow
def test_sigterm_stops_the_server_and_frees_the_port(tmp_path):
    port = _free_port()
    env = dict(os.environ, HOME=str(tmp_path), MPLCONFIGDIR=str(tmp_path / "mpl"),
               XDG_CACHE_HOME=str(tmp_path / "cache"), SOLARA_TELEMETRY_MIXPANEL_ENABLE="False")
    exe = Path(sys.executable).with_name("servicesim")
    proc = subprocess.Popen([str(exe), "ui", "--port", str(port), "--max-employees", "300"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.time() + 90
        while time.time() < deadline:
            assert proc.poll() is None, proc.stdout.read()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("the server did not start within 90 s")
        servers = _children(proc.pid)
        assert servers, "servicesim ui should run the Solara server as a child process"
        environ = (Path("/proc") / str(servers[0]) / "environ").read_bytes().split(b"\0")
        assert b"SERVICESIM_UI_MAX_EMPLOYEES=300" in environ           # the limit reaches the server
        assert not _port_free(port)
        proc.send_signal(signal.SIGTERM)                                  # `kill`, systemd, docker stop
        assert proc.wait(15) == 0
        deadline = time.time() + 5
        while time.time() < deadline and not _port_free(port):
            time.sleep(0.2)
        assert _port_free(port), "the port is still held after SIGTERM"
        assert not any(Path(f"/proc/{pid}").exists() and "zombie" not in
                       (Path(f"/proc/{pid}") / "status").read_text().lower() for pid in servers)
        assert "up to 300 employees" in proc.stdout.read()
    finally:
        if proc.poll() is None:
            proc.kill()
        for pid in _children(proc.pid):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.parametrize("args, says", [
    (["--max-employees", "abc"], "--max-employees: 'abc' is not an integer"),
    (["--max-employees", "10"], "--max-employees: 10 is too small"),
    (["--max-customers", "-5"], "--max-customers: -5 is too small"),
])
def test_ui_refuses_bad_limits_in_one_line(capsys, args, says):
    assert main(["ui", *args]) == 2
    err = capsys.readouterr().err
    assert says in err and len(err.strip().splitlines()) == 1
