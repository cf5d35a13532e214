"""The naive consumer of the seed pipelines: for every event, one INSERT and one COMMIT
into a simple table; broken records are skipped (no dead-letter topic). Stops after
`--limit` records: at a few hundred events/s it would take hours to drain a big topic,
so its rate is measured from its first record to its last commit and extrapolated.

`python -m bench.peers.naive.child --topic T --group G --database-url U --limit N`
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

import psycopg
from kafka import KafkaConsumer

from bench.peers.fetch import pulse_fetch_config
from pulse.settings import load_settings
from pulse.sqlfiles import load_sql


def _row(value: bytes) -> tuple[Any, ...] | None:
    try:
        event = json.loads(value)
        return (event["event_id"], event["event_type"], event["occurred_at"],
                event["user_id"], value.decode())  # fmt: skip
    except (ValueError, KeyError, TypeError):  # not JSON, not an object, missing a field
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.peers.naive.child")
    parser.add_argument("--bootstrap-servers")
    parser.add_argument("--topic", required=True)
    parser.add_argument("--group", required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--limit", type=int, required=True)
    args = parser.parse_args(argv)
    settings = load_settings(kafka_bootstrap_servers=args.bootstrap_servers)
    conn = psycopg.connect(args.database_url, application_name="pulse-bench-naive")
    conn.execute(load_sql("bench/naive/create_events"))
    conn.commit()
    consumer = KafkaConsumer(args.topic, **pulse_fetch_config(settings, group_id=args.group))
    insert = load_sql("bench/naive/insert_event")
    handled = inserted = skipped = refused = 0
    first_record_at: float | None = None
    while handled < args.limit:
        for records in consumer.poll(timeout_ms=200).values():
            if first_record_at is None:
                first_record_at = time.time()
            for record in records[: args.limit - handled]:
                handled += 1
                row = _row(record.value)
                if row is None:
                    skipped += 1
                    continue
                try:
                    inserted += conn.execute(insert, row).rowcount
                    conn.commit()
                except psycopg.Error:  # e.g. a field of the wrong type
                    conn.rollback()
                    refused += 1
            if handled >= args.limit:
                break
    done_at = time.time()
    consumer.close(autocommit=False)
    conn.close()
    result = {
        "records": handled,
        "inserted": inserted,
        "skipped": skipped,
        "refused": refused,
        "first_record_at": first_record_at,
        "done_at": done_at,
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
