"""The command lines the tests start Pulse with, built in one place, and the unique names
(consumer groups) that keep tests apart."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Sequence


def unique_group() -> str:
    return f"g-{uuid.uuid4().hex[:8]}"


def consumer_command(*subcommand: str, **flags: object) -> list[str]:
    """`python -m consumer <subcommand> --some-flag value ...`; a flag is given by its
    Python name (metrics_port=0 is --metrics-port 0), True alone, None left out."""
    args = [sys.executable, "-m", "consumer", *subcommand]
    for name, value in flags.items():
        if value is None or value is False:
            continue
        args.append("--" + name.replace("_", "-"))
        if value is not True:
            args.append(str(value))
    return args


def consumer_run(
    *,
    bootstrap: str,
    database_url: str,
    topic: str,
    dlq_topic: str,
    group: str,
    metrics_port: int | str,
    metrics_host: str | None = None,
    batch_max_records: int = 2000,
    batch_max_age_ms: int = 200,
    exit_when_idle_s: float | None = None,
    catalog_topic: str | None = None,
    extra: Sequence[str] = (),
) -> list[str]:
    """The consumer as the integration and chaos tests run it: small, quick batches. The
    catalog topic is the test's own too (by default `<topic>.catalog`, which nothing
    creates: the catalog loop then idles), never the shared `activity.catalog`."""
    catalog_topic = catalog_topic or f"{topic}.catalog"
    return [
        *consumer_command(
            "run",
            bootstrap_servers=bootstrap,
            database_url=database_url,
            topic=topic,
            dlq_topic=dlq_topic,
            catalog_topic=catalog_topic,
            catalog_dlq_topic=f"{catalog_topic}.dlq",
            group=group,
            metrics_host=metrics_host,
            metrics_port=metrics_port,
            batch_max_records=batch_max_records,
            batch_max_age_ms=batch_max_age_ms,
            exit_when_idle=exit_when_idle_s,
        ),
        *extra,
    ]
