"""The local HTTP API: `python -m api` run as our own process (pid file and log in
.stack/api), ready when its OpenAPI document answers; it reads as the read-only role."""

from __future__ import annotations

import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from stack import console
from stack.errors import PortInUseError, StartError
from stack.paths import REPO_ROOT, Layout
from stack.ports import describe_port_holder, is_listening
from stack.process import (
    ProcessExitedError,
    remove_file,
    running_pid,
    spawn,
    stop,
    tail,
    wait_until,
    write_pid,
)
from stack.service import ServiceStatus, State

NAME = "api"
READY_TIMEOUT_S = 30.0

# Talk to our own loopback server directly, even when the environment sets an HTTP proxy.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _probe_host(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "", "localhost") else host


def url(host: str, port: int) -> str:
    return f"http://{_probe_host(host)}:{port}"


def _markers(port: int) -> list[str]:
    return ["-m api", f"--port {port}"]


def command(host: str, port: int) -> list[str]:
    return [sys.executable, "-m", "api", "--host", host, "--port", str(port)]


def is_ready(host: str, port: int, *, timeout_s: float = 2.0) -> bool:
    try:
        with _opener.open(f"{url(host, port)}/openapi.json", timeout=timeout_s) as response:
            code: int = response.status
            return code == 200
    except (urllib.error.URLError, OSError):
        return False


def up(*, layout: Layout, host: str, port: int) -> ServiceStatus:
    address = f"{host}:{port}"
    pid = running_pid(layout.api_pid, _markers(port))
    if pid is not None:
        if not wait_until(lambda: is_ready(host, port), timeout_s=READY_TIMEOUT_S):
            raise StartError(
                f"the API (pid {pid}) runs but {url(host, port)}/openapi.json does not answer: "
                "run `python -m stack down` then `up`.",
                log_tail=tail(layout.api_log, 20),
            )
        console.say(NAME, f"already running (pid {pid}) on {url(host, port)}")
        return ServiceStatus(NAME, State.HEALTHY, pid, address)
    if is_listening(_probe_host(host), port):
        raise PortInUseError(
            f"API port {port} is in use by {describe_port_holder(port)}: stop it, or set "
            "API_PORT to a free port, then retry."
        )
    console.say(NAME, f"starting the HTTP API on {url(host, port)}")
    started = time.monotonic()
    proc = spawn(command(host, port), log_file=layout.api_log, cwd=REPO_ROOT)
    write_pid(layout.api_pid, proc.pid)
    try:
        ready = wait_until(
            lambda: is_ready(host, port),
            timeout_s=READY_TIMEOUT_S,
            alive=lambda: proc.poll() is None,
        )
    except ProcessExitedError:
        ready = False
    if not ready:
        exited = proc.poll()
        stop(proc.pid, timeout_s=5.0)
        proc.wait()
        remove_file(layout.api_pid)
        why = (
            f"exited with code {exited}"
            if exited is not None
            else f"was not ready within {READY_TIMEOUT_S:.0f} s"
        )
        raise StartError(
            f"the API {why}; its log ({layout.api_log}) says why.",
            log_tail=tail(layout.api_log, 20),
        )
    console.say(
        NAME,
        f"healthy (pid {proc.pid}) on {url(host, port)} (docs {url(host, port)}/docs) in "
        f"{time.monotonic() - started:.1f} s",
    )
    return ServiceStatus(NAME, State.HEALTHY, proc.pid, address)


def down(*, layout: Layout, port: int) -> None:
    pid = running_pid(layout.api_pid, _markers(port))
    if pid is None:
        console.say(NAME, "not running")
        return
    console.say(NAME, f"stopping (pid {pid}) ...")
    forced = stop(pid, timeout_s=15.0)
    remove_file(layout.api_pid)
    console.say(NAME, f"stopped{' (SIGKILL after a stuck shutdown)' if forced else ''}")


def status(*, layout: Layout, host: str, port: int) -> ServiceStatus:
    address = f"{host}:{port}"
    pid = running_pid(layout.api_pid, _markers(port))
    if pid is not None:
        if is_ready(host, port):
            return ServiceStatus(NAME, State.HEALTHY, pid, address)
        return ServiceStatus(NAME, State.UNHEALTHY, pid, address, "/openapi.json does not answer")
    if is_listening(_probe_host(host), port):
        return ServiceStatus(
            NAME, State.NOT_OURS, None, address, f"port held by {describe_port_holder(port)}"
        )
    return ServiceStatus(NAME, State.DOWN, None, address)


def log_files(layout: Layout) -> list[Path]:
    return [layout.api_log]
