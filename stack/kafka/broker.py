"""The local Kafka broker's lifecycle: check Java, fetch jars, write the config, format
storage once, start `kafka.Kafka` detached, and wait for a real metadata answer."""

from __future__ import annotations

import logging
import re
import shutil
import time
from pathlib import Path
from typing import Any

from kafka import KafkaAdminClient
from kafka.errors import KafkaError

from stack import console
from stack.errors import MissingToolError, PortInUseError, StartError
from stack.kafka.config import (
    MAIN_CLASS,
    STORAGE_TOOL_CLASS,
    java_command,
    render_log4j2,
    render_server_properties,
)
from stack.kafka.maven import ensure_libs
from stack.paths import KAFKA_CONTROLLER_PORT, REPO_ROOT, Layout, versions
from stack.ports import describe_port_holder, is_listening
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

NAME = "kafka"
READY_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 30.0  # a controlled shutdown of an idle single node takes a few seconds
MIN_JAVA = 17

# kafka-python logs every refused connection while the broker boots; without a handler
# of its own, Python's last-resort handler would print them all to the terminal.
logging.getLogger("kafka").addHandler(logging.NullHandler())
logging.getLogger("kafka").propagate = False


def _markers(layout: Layout) -> list[str]:
    return [MAIN_CLASS, str(layout.kafka_properties)]


def metadata_ok(bootstrap: str, *, timeout_ms: int = 3000, **security: Any) -> bool:
    """True when the broker answers a metadata request (topic list): it accepts clients.

    `security` holds kafka-python's security options when the listener requires them."""
    try:
        admin = KafkaAdminClient(
            bootstrap_servers=bootstrap,
            client_id="pulse-stack-probe",
            request_timeout_ms=timeout_ms,
            bootstrap_timeout_ms=timeout_ms,
            **security,
        )
    except (KafkaError, OSError):
        return False
    try:
        admin.list_topics()
    except (KafkaError, OSError):
        return False
    else:
        return True
    finally:
        admin.close()


def check_java() -> None:
    """Fail early, with the fix, when java is missing or older than Kafka 4 needs."""
    if shutil.which("java") is None:
        raise MissingToolError(
            f"Java is missing; the Kafka broker needs Java {MIN_JAVA}+: install it with "
            "`apt-get install -y openjdk-17-jre-headless`, then retry."
        )
    banner = run(["java", "-version"], timeout_s=30).stderr
    match = re.search(r'version "(\d+)(?:\.(\d+))?', banner)
    major = 0
    if match:
        # Java 8 and older call themselves 1.x.
        major = int(match.group(2) or 0) if match.group(1) == "1" else int(match.group(1))
    if major < MIN_JAVA:
        raise MissingToolError(
            f"Kafka 4 needs Java {MIN_JAVA}+, but `java -version` says: "
            f"{banner.strip().splitlines()[0] if banner.strip() else 'nothing'}. Install "
            "openjdk-17-jre-headless (or set PATH to a newer java), then retry."
        )


def _write_config(layout: Layout, *, host: str, port: int) -> None:
    for folder in (layout.kafka_data, layout.kafka_logs):
        folder.mkdir(parents=True, exist_ok=True)
    layout.kafka_properties.write_text(
        render_server_properties(
            broker_host=host,
            broker_port=port,
            controller_port=KAFKA_CONTROLLER_PORT,
            data_dir=layout.kafka_data,
        ),
        encoding="utf-8",
    )
    layout.kafka_log4j.write_text(
        render_log4j2(server_log=layout.kafka_server_log), encoding="utf-8"
    )


def _tool(layout: Layout, *args: str) -> str:
    argv = java_command(
        libs_dir=layout.kafka_libs,
        log4j_config=layout.kafka_log4j,
        main_class=STORAGE_TOOL_CLASS,
        args=list(args),
        heap=False,
    )
    result = run(argv, cwd=layout.kafka_dir, timeout_s=120)
    if result.returncode != 0:
        raise StartError(
            f"kafka-storage {args[0]} failed (exit {result.returncode}); if the data folder "
            f"is damaged, delete {layout.kafka_data} (loses local topics) and retry.",
            log_tail=(result.stdout + result.stderr).strip().splitlines()[-20:],
        )
    return result.stdout.strip()


def format_storage(layout: Layout) -> bool:
    """Format the KRaft storage once (a single-node dynamic quorum). True if it did."""
    if (layout.kafka_data / "meta.properties").exists():
        return False
    cluster_id = _tool(layout, "random-uuid").splitlines()[-1].strip()
    console.say(NAME, f"formatting KRaft storage in {layout.kafka_data} (cluster {cluster_id})")
    _tool(layout, "format", "--standalone", "-t", cluster_id, "-c", str(layout.kafka_properties))
    return True


def _check_ports(host: str, port: int) -> None:
    for probe_host, number, purpose, fix in (
        (host, port, "broker", "stop it or set KAFKA_BOOTSTRAP_SERVERS to a free port"),
        (
            "127.0.0.1",
            KAFKA_CONTROLLER_PORT,
            "KRaft controller",
            "stop it (this port is pinned in stack/paths.py)",
        ),
    ):
        if is_listening(probe_host, number):
            raise PortInUseError(
                f"Kafka {purpose} port {number} is in use by {describe_port_holder(number)}: "
                f"{fix}, then retry."
            )


def up(*, host: str, port: int, layout: Layout) -> ServiceStatus:
    """Start the broker unless ours already runs; return once it answers metadata."""
    address = f"{host}:{port}"
    pid = running_pid(layout.kafka_pid, _markers(layout))
    if pid is not None:
        if not wait_until(lambda: metadata_ok(address), timeout_s=READY_TIMEOUT_S):
            raise StartError(
                f"Kafka (pid {pid}) runs but does not answer on {address}: "
                "run `python -m stack down` then `up`.",
                log_tail=tail(layout.kafka_server_log, 20),
            )
        console.say(NAME, f"already running (pid {pid}) on {address}")
        return ServiceStatus(NAME, State.HEALTHY, pid, address)

    _check_ports(host, port)
    check_java()
    ensure_libs(layout, versions())
    _write_config(layout, host=host, port=port)
    format_storage(layout)

    console.say(NAME, f"starting Kafka {versions().kafka} (KRaft, single node) on {address}")
    started = time.monotonic()
    argv = java_command(
        libs_dir=layout.kafka_libs,
        log4j_config=layout.kafka_log4j,
        main_class=MAIN_CLASS,
        args=[str(layout.kafka_properties)],
        heap=True,
    )
    proc = spawn(argv, log_file=layout.kafka_console_log, cwd=REPO_ROOT)
    write_pid(layout.kafka_pid, proc.pid)
    try:
        ready = wait_until(
            lambda: metadata_ok(address),
            timeout_s=READY_TIMEOUT_S,
            alive=lambda: proc.poll() is None,
        )
    except ProcessExitedError:
        ready = False
    if not ready:
        exited = proc.poll()
        stop(proc.pid, timeout_s=5.0)
        proc.wait()
        remove_file(layout.kafka_pid)
        why = (
            f"exited with code {exited} during start-up"
            if exited is not None
            else f"did not answer on {address} within {READY_TIMEOUT_S:.0f} s"
        )
        raise StartError(
            f"Kafka {why}; the log below (from {_latest_log(layout)}) says why.",
            log_tail=tail(_latest_log(layout), 20),
        )
    console.say(
        NAME, f"healthy (pid {proc.pid}) on {address} in {time.monotonic() - started:.1f} s"
    )
    return ServiceStatus(NAME, State.HEALTHY, proc.pid, address)


def _latest_log(layout: Layout) -> Path:
    """The log most recently written: the JVM's own console output when it failed before
    log4j started (bad option, missing class), the broker's server.log otherwise."""
    logs = [log for log in (layout.kafka_server_log, layout.kafka_console_log) if log.exists()]
    if not logs:
        return layout.kafka_console_log
    return max(logs, key=lambda log: log.stat().st_mtime)


def down(*, layout: Layout) -> None:
    pid = running_pid(layout.kafka_pid, _markers(layout))
    if pid is None:
        console.say(NAME, "not running")
        return
    console.say(NAME, f"stopping (pid {pid}) ...")
    forced = stop(pid, timeout_s=STOP_TIMEOUT_S)
    remove_file(layout.kafka_pid)
    console.say(NAME, f"stopped{' (SIGKILL after a stuck shutdown)' if forced else ''}")


def status(*, host: str, port: int, layout: Layout) -> ServiceStatus:
    address = f"{host}:{port}"
    pid = running_pid(layout.kafka_pid, _markers(layout))
    if pid is not None:
        healthy = metadata_ok(address)
        return ServiceStatus(
            NAME,
            State.HEALTHY if healthy else State.UNHEALTHY,
            pid,
            address,
            "" if healthy else "process runs but answers no metadata request",
        )
    if is_listening(host, port):
        return ServiceStatus(
            NAME, State.NOT_OURS, None, address, f"port held by {describe_port_holder(port)}"
        )
    return ServiceStatus(NAME, State.DOWN, None, address)


def log_files(layout: Layout) -> list[Path]:
    return [layout.kafka_server_log, layout.kafka_console_log]
