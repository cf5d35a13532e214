"""`python -m stack up|down|status|logs [service]|prune [--yes]|demo`: the command line of
the local stack, and the one place its errors become a one-line message and exit code 1."""

from __future__ import annotations

import argparse
import importlib
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from pulse.errors import PulseError
from pulse.settings import load_settings
from stack import api, console, database_pairing, kafka, postgres, prometheus, prune
from stack.config import StackConfig, from_settings
from stack.errors import StackError
from stack.locks import exclusive
from stack.paths import Layout
from stack.process import tail
from stack.service import ServiceStatus, render_table

SERVICES = (kafka.NAME, postgres.NAME, prometheus.NAME, api.NAME)
LOG_LINES = 50


def docker_mode_line() -> str:
    """Say which mode runs the stack. Local processes always; a Docker engine only earns
    a pointer to docker-compose.yml (the conftest uses it for testcontainers)."""
    if shutil.which("docker") is None:
        reason = "no Docker engine here: `docker` is not installed"
    else:
        try:
            answered = (
                subprocess.run(
                    ["docker", "info"], capture_output=True, timeout=10, check=False
                ).returncode
                == 0
            )
        except subprocess.TimeoutExpired:
            answered = False
        if answered:
            return (
                "mode: local processes (a Docker engine answered; `docker compose up -d` "
                "runs the same stack from images instead)"
            )
        reason = "no Docker engine answered `docker info`"
    return f"mode: local processes ({reason})"


UP_WAIT_S = 1800.0  # a first `up` installs packages and downloads the Kafka jars


def cmd_up(config: StackConfig, layout: Layout) -> int:
    # Two `up` at once take turns: the second then finds every service running, instead
    # of formatting the same storage or racing for the same ports.
    with exclusive(
        layout.root / "up.lock",
        what="starting the stack",
        timeout_s=UP_WAIT_S,
        waiting=lambda holder: console.info(
            f"another `make up` ({holder}) is starting the stack: waiting for it"
        ),
    ):
        return _up(config, layout)


def _up(config: StackConfig, layout: Layout) -> int:
    console.info(f"Pulse local stack: {docker_mode_line()}; state in {layout.root}")
    started = time.monotonic()
    kafka.up(host=config.kafka_host, port=config.kafka_port, layout=layout)
    postgres.up(
        db=config.database,
        consumer=config.consumer_database,
        reader=config.reader_database,
        layout=layout,
        tuning=config.postgres_tuning,
    )
    if database_pairing.ensure_paired(config.database, config.kafka_bootstrap):
        postgres.provision(config.database, config.consumer_database, config.reader_database)
    prune.report_on_up(config.database)
    prometheus.up(layout=layout, metrics_host=config.metrics_host, metrics_port=config.metrics_port)
    # Last: it reads as pulse_reader, which postgres.up has just made sure of.
    api.up(layout=layout, host=config.api_host, port=config.api_port)
    if shutil.which("grafana-server") is None and shutil.which("grafana") is None:
        console.say(
            "grafana",
            "not installed here (no grafana-server on PATH): with Docker, "
            "`docker compose up -d grafana` serves the dashboards in grafana/",
        )
    console.info(
        f"stack is up in {time.monotonic() - started:.1f} s: Kafka "
        f"{config.kafka_bootstrap}, PostgreSQL {config.database.address}, Prometheus "
        f"{prometheus.URL}, API {api.url(config.api_host, config.api_port)} (docs /docs). "
        "Stop it with `make down`."
    )
    return 0


def cmd_down(config: StackConfig, layout: Layout) -> int:
    # Reverse start order: the API and Prometheus only read, Kafka before PostgreSQL so a
    # consumer still running sees its source go before its sink.
    api.down(layout=layout, port=config.api_port)
    prometheus.down(layout=layout)
    kafka.down(layout=layout)
    postgres.down(layout=layout)
    return 0


def collect_status(config: StackConfig, layout: Layout) -> list[ServiceStatus]:
    return [
        kafka.status(host=config.kafka_host, port=config.kafka_port, layout=layout),
        postgres.status(db=config.database, layout=layout),
        prometheus.status(layout=layout),
        api.status(layout=layout, host=config.api_host, port=config.api_port),
    ]


def cmd_status(config: StackConfig, layout: Layout) -> int:
    console.info(docker_mode_line())
    rows = collect_status(config, layout)
    console.info(render_table(rows))
    return 0 if all(row.is_healthy for row in rows) else 1


def log_files(service: str, layout: Layout) -> list[Path]:
    files: dict[str, Callable[[Layout], list[Path]]] = {
        kafka.NAME: kafka.log_files,
        postgres.NAME: postgres.log_files,
        prometheus.NAME: prometheus.log_files,
        api.NAME: api.log_files,
    }
    return files[service](layout)


def cmd_logs(services: Sequence[str], layout: Layout) -> int:
    for service in services:
        for path in log_files(service, layout):
            lines = tail(path, LOG_LINES)
            shown = f"last {len(lines)} lines" if lines else "empty or missing"
            console.info(f"==> {service}: {path} ({shown}) <==")
            for line in lines:
                console.info(line)
    return 0


def confirm(question: str) -> bool:
    """Ask on the terminal; without one, refuse rather than guess."""
    if not sys.stdin.isatty():
        raise StackError(
            "prune drops databases only after a confirmation, and there is no terminal to "
            "ask on: rerun with --yes (`make prune YES=1`) to drop them."
        )
    try:
        answer = input(question)
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def cmd_prune(config: StackConfig, assume_yes: bool) -> int:
    prune.prune(config.database, assume_yes=assume_yes, confirm=confirm)
    return 0


def cmd_demo(args: Sequence[str]) -> int:
    """Hand over to stack/demo.py (written separately) as `main(argv) -> int`."""
    try:
        demo = importlib.import_module("stack.demo")
    except ModuleNotFoundError as exc:
        if exc.name != "stack.demo":
            raise
        raise StackError(
            "the demo is not available in this checkout (stack/demo.py is "
            "missing): run the producer and consumer by hand."
        ) from None
    result = demo.main(list(args))
    return int(result or 0)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m stack",
        description="Run Pulse's services (Kafka, PostgreSQL, Prometheus, the HTTP API) as "
        "local processes.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("up", help="install what is missing, start every service, wait healthy")
    commands.add_parser("down", help="stop the services this stack started")
    commands.add_parser("status", help="one line per service; exit 1 unless all are healthy")
    logs = commands.add_parser("logs", help=f"the last {LOG_LINES} lines of each service log")
    logs.add_argument("service", nargs="?", choices=SERVICES, help="one service (default all)")
    prune_parser = commands.add_parser(
        "prune", help="list the databases `up` set aside, with size and age; drop them"
    )
    prune_parser.add_argument("--yes", action="store_true", help="drop without asking (scripts)")
    demo = commands.add_parser("demo", help="producer + consumer + live summary on the stack")
    demo.add_argument("--seconds", help="stop after this long (default DEMO_SECONDS)")
    demo.add_argument("--rate", help="producer events per second")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "demo":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    layout = Layout.default()
    try:
        if args.command == "logs":
            return cmd_logs([args.service] if args.service else SERVICES, layout)
        if args.command == "demo":
            forwarded = [
                item
                for flag, value in (("--seconds", args.seconds), ("--rate", args.rate))
                if value is not None
                for item in (flag, value)
            ]
            return cmd_demo(forwarded + extra)
        config = from_settings(load_settings())
        if args.command == "prune":
            return cmd_prune(config, args.yes)
        handler = {"up": cmd_up, "down": cmd_down, "status": cmd_status}[args.command]
        return handler(config, layout)
    except PulseError as exc:
        report(str(exc), getattr(exc, "log_tail", []))
    except subprocess.TimeoutExpired as exc:
        report(
            f"`{' '.join(map(str, exc.cmd))}` did not finish in {exc.timeout:.0f} s: "
            "retry, and check the machine's load and network.",
            [],
        )
    except OSError as exc:
        report(f"{exc}: check the permissions and free space of {layout.root}.", [])
    except KeyboardInterrupt:
        console.error("interrupted: services already started stay up (`make down` stops them)")
        return 130
    return 1


def report(message: str, log_tail: Sequence[str]) -> None:
    console.error(f"error: {message}")
    for line in log_tail:
        console.error(f"    {line}")


if __name__ == "__main__":
    sys.exit(main())
