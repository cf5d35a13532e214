"""The local Prometheus: Debian's binary run as our own process with the repo's
prometheus/prometheus.yml, data in .stack/prometheus, ready when /-/ready answers."""

from __future__ import annotations

import pwd
import shutil
import time
import urllib.error
import urllib.request
from pathlib import Path

from stack import apt, console
from stack.errors import MissingToolError, PortInUseError, StartError
from stack.paths import PROMETHEUS_CONFIG, PROMETHEUS_HOST, PROMETHEUS_PORT, REPO_ROOT, Layout
from stack.ports import PortOwner, is_listening, port_owner
from stack.process import (
    ProcessExitedError,
    remove_file,
    run,
    running_pid,
    spawn,
    stop,
    tail,
    wait_until,
    write_pid,
)
from stack.service import ServiceStatus, State

NAME = "prometheus"
ADDRESS = f"{PROMETHEUS_HOST}:{PROMETHEUS_PORT}"
URL = f"http://{ADDRESS}"
READY_TIMEOUT_S = 30.0
DEBIAN_BINARY = "/usr/bin/prometheus"

# Talk to our own loopback server directly, even when the environment sets an HTTP proxy.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _markers(layout: Layout) -> list[str]:
    return ["prometheus", f"--storage.tsdb.path={layout.prometheus_data}"]


def is_ready(*, timeout_s: float = 2.0) -> bool:
    try:
        with _opener.open(f"{URL}/-/ready", timeout=timeout_s) as response:
            code: int = response.status
            return code == 200
    except (urllib.error.URLError, OSError):
        return False


def command(layout: Layout, *, binary: str, config: Path = PROMETHEUS_CONFIG) -> list[str]:
    return [
        binary,
        f"--config.file={config}",
        f"--storage.tsdb.path={layout.prometheus_data}",
        f"--web.listen-address={ADDRESS}",
        # POST /-/reload picks up an edited prometheus.yml without a restart.
        "--web.enable-lifecycle",
    ]


def scrape_target_note(*, metrics_host: str, metrics_port: int, config: Path) -> str | None:
    """A warning when prometheus.yml does not scrape the consumer where the settings put
    its metrics endpoint (the file is static; the settings are not)."""
    host = "127.0.0.1" if metrics_host in ("0.0.0.0", "", "localhost") else metrics_host
    try:
        text = config.read_text(encoding="utf-8")
    except OSError:
        return f"cannot read {config}"
    if f"{host}:{metrics_port}" in text:
        return None
    return (
        f"{config.name} does not scrape {host}:{metrics_port} (METRICS_HOST/METRICS_PORT);"
        " edit its pulse-consumer target to graph the consumer"
    )


def is_debian_daemon(owner: PortOwner) -> bool:
    """True for the daemon Debian's package starts: its binary, run as the `prometheus`
    system user. Anything else on the port is someone's and is never stopped."""
    try:
        package_uid = pwd.getpwnam("prometheus").pw_uid
    except KeyError:
        return False
    return owner.exe == DEBIAN_BINARY and owner.uid == package_uid


def _stop_debian_daemon(owner: PortOwner) -> None:
    console.say(
        NAME,
        f"stopping Debian's prometheus service (pid {owner.pid}), which its package "
        f"started on {ADDRESS}; the stack runs its own with {PROMETHEUS_CONFIG.name} "
        "(to keep it off at boot: `systemctl disable prometheus` or "
        "`update-rc.d prometheus disable`)",
    )
    # Through its service manager when there is one, so it is not restarted behind us.
    if Path("/run/systemd/system").is_dir() and shutil.which("systemctl"):
        run(["systemctl", "stop", "prometheus"], timeout_s=60)
    elif Path("/etc/init.d/prometheus").exists():
        run(["/etc/init.d/prometheus", "stop"], timeout_s=60)
    if is_listening(PROMETHEUS_HOST, PROMETHEUS_PORT):
        stop(owner.pid, timeout_s=15.0)


def _free_port() -> None:
    if not is_listening(PROMETHEUS_HOST, PROMETHEUS_PORT):
        return
    owner = port_owner(PROMETHEUS_PORT)
    if owner is not None and is_debian_daemon(owner):
        _stop_debian_daemon(owner)
        if not is_listening(PROMETHEUS_HOST, PROMETHEUS_PORT):
            return
    holder = owner.describe() if owner else "a process this user cannot identify"
    raise PortInUseError(
        f"Prometheus port {PROMETHEUS_PORT} is in use by {holder}: stop it, then retry "
        "(the stack's Prometheus always listens on 127.0.0.1:9090)."
    )


def _binary(layout: Layout) -> str:
    found = shutil.which("prometheus")
    if found is None:
        apt.install(["prometheus"], what="Prometheus", log_file=layout.apt_log)
        found = shutil.which("prometheus")
    if found is None:
        raise MissingToolError(
            "apt-get installed prometheus but it is not on PATH: check "
            "`dpkg -L prometheus`, then retry."
        )
    return found


def up(*, layout: Layout, metrics_host: str, metrics_port: int) -> ServiceStatus:
    note = scrape_target_note(
        metrics_host=metrics_host, metrics_port=metrics_port, config=PROMETHEUS_CONFIG
    )
    if note:
        console.say(NAME, f"warning: {note}")
    pid = running_pid(layout.prometheus_pid, _markers(layout))
    if pid is not None:
        if not wait_until(is_ready, timeout_s=READY_TIMEOUT_S):
            raise StartError(
                f"Prometheus (pid {pid}) runs but {URL}/-/ready does not answer: "
                "run `python -m stack down` then `up`.",
                log_tail=tail(layout.prometheus_log, 20),
            )
        console.say(NAME, f"already running (pid {pid}) on {URL}")
        return ServiceStatus(NAME, State.HEALTHY, pid, ADDRESS)

    binary = _binary(layout)
    # Debian's postinst may have started its own daemon on 9090 during that install.
    _free_port()
    layout.prometheus_data.mkdir(parents=True, exist_ok=True)
    console.say(NAME, f"starting Prometheus ({binary}) on {URL}")
    started = time.monotonic()
    proc = spawn(command(layout, binary=binary), log_file=layout.prometheus_log, cwd=REPO_ROOT)
    write_pid(layout.prometheus_pid, proc.pid)
    try:
        ready = wait_until(is_ready, timeout_s=READY_TIMEOUT_S, alive=lambda: proc.poll() is None)
    except ProcessExitedError:
        ready = False
    if not ready:
        exited = proc.poll()
        stop(proc.pid, timeout_s=5.0)
        proc.wait()
        remove_file(layout.prometheus_pid)
        why = (
            f"exited with code {exited}"
            if exited is not None
            else f"was not ready within {READY_TIMEOUT_S:.0f} s"
        )
        raise StartError(
            f"Prometheus {why}; its log ({layout.prometheus_log}) says why.",
            log_tail=tail(layout.prometheus_log, 20),
        )
    console.say(NAME, f"healthy (pid {proc.pid}) on {URL} in {time.monotonic() - started:.1f} s")
    return ServiceStatus(NAME, State.HEALTHY, proc.pid, ADDRESS)


def down(*, layout: Layout) -> None:
    pid = running_pid(layout.prometheus_pid, _markers(layout))
    if pid is None:
        console.say(NAME, "not running")
        return
    console.say(NAME, f"stopping (pid {pid}) ...")
    forced = stop(pid, timeout_s=30.0)
    remove_file(layout.prometheus_pid)
    console.say(NAME, f"stopped{' (SIGKILL after a stuck shutdown)' if forced else ''}")


def status(*, layout: Layout) -> ServiceStatus:
    pid = running_pid(layout.prometheus_pid, _markers(layout))
    if pid is not None:
        if is_ready():
            return ServiceStatus(NAME, State.HEALTHY, pid, ADDRESS)
        return ServiceStatus(NAME, State.UNHEALTHY, pid, ADDRESS, "/-/ready does not answer")
    if is_listening(PROMETHEUS_HOST, PROMETHEUS_PORT):
        owner = port_owner(PROMETHEUS_PORT)
        holder = owner.describe() if owner else "an unidentified process"
        if owner is not None and is_debian_daemon(owner):
            holder = f"Debian's prometheus service, {holder}; `up` replaces it"
        return ServiceStatus(NAME, State.NOT_OURS, None, ADDRESS, f"port held by {holder}")
    return ServiceStatus(NAME, State.DOWN, None, ADDRESS)


def log_files(layout: Layout) -> list[Path]:
    return [layout.prometheus_log]
