"""`make demo`: runs the producer (live clock, moderate rate) and the consumer on the
local stack, shows a short live summary, and says where to look next."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import psycopg
from prometheus_client.parser import text_string_to_metric_families
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from producer.records import Defect
from pulse.settings import Settings, load_settings
from stack import api as stack_api
from stack.config import DEMO_READER_URL, load_stack_settings
from stack.errors import StackError
from stack.paths import PROMETHEUS_HOST, PROMETHEUS_PORT, REPO_ROOT

DEMO_DIR = REPO_ROOT / ".stack" / "demo"
EXAMPLES_DIR = REPO_ROOT / "sql" / "demo"
_SUMMARY_EVERY_S = 3.0


@dataclass(frozen=True)
class Snapshot:
    at: float
    records: float
    stored: float
    duplicates: float
    dead_lettered: float
    lag: float


# The demo's traffic: every defect kind and exact re-sends, each at this ratio per valid event.
DEFECT_RATIO = 0.01
DUPLICATE_RATIO = 0.01


def main(argv: Sequence[str]) -> int:
    args = _parse(argv)
    settings = load_settings()
    # The summaries read as the read-only role, as a person following the hints would.
    stack_settings = load_stack_settings()
    reader_url = stack_settings.reader_database_url.get_secret_value()
    api_url = stack_api.url(stack_settings.api_host, stack_settings.api_port)
    DEMO_DIR.mkdir(parents=True, exist_ok=True)
    _migrate()
    consumer = _spawn("consumer", [sys.executable, "-m", "consumer", "run"])
    producer = _spawn("producer", _producer_command(args.rate))
    print(
        f"demo: producer at {args.rate:g} events/s ({_injected()}) and consumer "
        f"running; logs in {DEMO_DIR.relative_to(REPO_ROOT)}/. "
        + ("Ctrl-C stops them." if args.seconds is None else f"Stops in {args.seconds:g} s."),
        flush=True,
    )
    try:
        _watch(settings, reader_url, args.seconds, consumer, producer)
    except KeyboardInterrupt:
        print("\nstopping producer and consumer ...", flush=True)
    finally:
        _stop(producer)
        _stop(consumer)
    _final_summary(settings, reader_url, api_url)
    return 0


def _parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m stack demo")
    env_seconds = os.environ.get("DEMO_SECONDS")
    parser.add_argument(
        "--seconds",
        type=float,
        default=float(env_seconds) if env_seconds else None,
        help="stop after this long (default: DEMO_SECONDS, else run until Ctrl-C)",
    )
    parser.add_argument("--rate", type=float, default=50.0, help="producer events per second")
    return parser.parse_args(list(argv))


def _injected() -> str:
    """What the demo's producer sends besides valid events, as a share of all records."""
    kinds = len(Defect)
    per_valid = 1 + kinds * DEFECT_RATIO + DUPLICATE_RATIO
    return (
        f"{kinds} defect kinds at {DEFECT_RATIO:.0%} of valid events each: about "
        f"{kinds * DEFECT_RATIO / per_valid:.0%} of records are dead-lettered, and "
        f"{DUPLICATE_RATIO / per_valid:.0%} are re-sent duplicates"
    )


def _producer_command(rate: float) -> list[str]:
    return [
        sys.executable, "-m", "producer", "--live", "--rate", f"{rate:g}",
        "--defects-ratio", f"{DEFECT_RATIO:g}", "--duplicate-ratio", f"{DUPLICATE_RATIO:g}",
        "--no-progress",
    ]  # fmt: skip


def _migrate() -> None:
    """Migrations run as the owner role (MIGRATIONS_DATABASE_URL); the consumer's own role
    may only read and write the tables."""
    log = DEMO_DIR / "migrate.log"
    with log.open("ab") as out:
        result = subprocess.run(
            [sys.executable, "-m", "consumer", "migrate"],
            cwd=REPO_ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if result.returncode != 0:
        raise StackError(
            f"`python -m consumer migrate` failed (exit {result.returncode}); its log "
            f"{log.relative_to(REPO_ROOT)} ends:",
            log_tail=_tail(log, 5).splitlines(),
        )


def _spawn(name: str, command: list[str]) -> subprocess.Popen[bytes]:
    log = (DEMO_DIR / f"{name}.log").open("ab")
    # Own process group: Ctrl-C reaches the demo only, which stops both children in order.
    return subprocess.Popen(
        command, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def _watch(
    settings: Settings,
    reader_url: str,
    seconds: float | None,
    consumer: subprocess.Popen[bytes],
    producer: subprocess.Popen[bytes],
) -> None:
    deadline = None if seconds is None else time.monotonic() + seconds
    previous: Snapshot | None = None
    while deadline is None or time.monotonic() < deadline:
        time.sleep(_SUMMARY_EVERY_S if deadline is None else min(_SUMMARY_EVERY_S, seconds or 1))
        for name, process in (("consumer", consumer), ("producer", producer)):
            if process.poll() is not None:
                raise StackError(
                    f"the {name} exited with code {process.returncode}; last lines of "
                    f"{DEMO_DIR / (name + '.log')}:\n{_tail(DEMO_DIR / (name + '.log'))}"
                )
        current = _scrape(settings)
        if current is not None:
            print(_summary_line(previous, current, reader_url), flush=True)
            previous = current


def _scrape(settings: Settings) -> Snapshot | None:
    url = f"http://{settings.metrics_host}:{settings.metrics_port}/metrics"
    try:
        text = urllib.request.urlopen(url, timeout=2).read().decode()
    except OSError:
        return None  # the consumer is still starting
    values: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "pulse_records_total":
                values[sample.labels["outcome"]] = sample.value
            elif sample.name == "pulse_consumer_lag_records":
                values["lag"] = values.get("lag", 0.0) + sample.value
    stored, duplicates = values.get("stored", 0.0), values.get("duplicate", 0.0)
    dead = values.get("dead_lettered", 0.0)
    return Snapshot(
        time.monotonic(), stored + duplicates + dead, stored, duplicates, dead, values.get("lag", 0)
    )


def _summary_line(previous: Snapshot | None, current: Snapshot, reader_url: str) -> str:
    rate = 0.0
    if previous is not None and current.at > previous.at:
        rate = (current.records - previous.records) / (current.at - previous.at)
    top = _top_types(reader_url)
    return (
        f"{rate:7.1f} events/s | stored {current.stored:,.0f} | duplicates "
        f"{current.duplicates:,.0f} | dead letters {current.dead_lettered:,.0f} | lag "
        f"{current.lag:,.0f} | last 5 min: {top}"
    )


def _top_types(reader_url: str) -> str:
    query = (EXAMPLES_DIR / "1_events_by_type_last_5_minutes.sql").read_text()
    try:
        with psycopg.connect(reader_url, connect_timeout=2) as c:
            rows = c.execute(query).fetchall()
    except psycopg.Error:
        return "(database not ready)"
    return ", ".join(f"{event_type} {events}" for event_type, events, _ in rows[:4]) or "-"


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _final_summary(settings: Settings, reader_url: str, api_url: str) -> None:
    snapshot_query = (EXAMPLES_DIR / "3_ingest_outcomes.sql").read_text()
    try:
        with psycopg.connect(reader_url, connect_timeout=2) as c:
            rows = c.execute(snapshot_query).fetchall()
    except psycopg.Error as exc:
        rows = []
        print(f"(could not read the final counts: {str(exc).strip()})")
    print("\nfinal summary (all runs so far):")
    for topic, read, stored, duplicates, dead, adds_up in rows:
        # The catalog's records become versions of the dimensions, the events' facts.
        what = "dimension versions" if topic == settings.kafka_catalog_topic else "facts"
        print(
            f"  {topic}: {read:,} records read = {stored:,} {what} + {duplicates:,} duplicates"
            f" + {dead:,} dead letters ({'adds up' if adds_up else 'DOES NOT ADD UP'})"
        )
    _where_to_look(settings, reader_url, api_url)


def psql_hint(reader_url: str) -> str:
    """How to open psql as the read-only role. The demo default URL is shown whole (its
    password is documented); any other is shown without its password, which psql asks for."""
    if reader_url == DEMO_READER_URL:
        return f"psql '{reader_url}'"
    params = conninfo_to_dict(reader_url)
    params.pop("password", None)
    return f"psql '{make_conninfo('', **params)}'"


def _where_to_look(settings: Settings, reader_url: str, api_url: str) -> None:
    print("\nwhere to look:")
    print(
        f"  {psql_hint(reader_url)} (the read-only role pulse_reader: it reads the "
        "analytics and changes nothing) and paste, for example:"
    )
    for path in sorted(EXAMPLES_DIR.glob("*.sql")):
        print(f"    -- {path.relative_to(REPO_ROOT)}")
        print("    " + path.read_text().strip().replace("\n", "\n    "))
    print(f"  metrics:    http://{settings.metrics_host}:{settings.metrics_port}/metrics")
    print(f"  Prometheus: http://{PROMETHEUS_HOST}:{PROMETHEUS_PORT}")
    print(f"  HTTP API:   {api_url} (docs {api_url}/docs), e.g. curl {api_url}/categories/top")
    print("  Grafana:    not installable here; with Docker, `docker compose up -d grafana`")
    print("              then http://127.0.0.1:3000 (dashboards in grafana/)")
    print("  The stack stays up: `make down` stops it.")


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"
