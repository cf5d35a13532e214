"""Raw consumption, the ceiling: poll the whole topic with kafka-python and `json.loads`
every value, nothing else. Stops once `--records` records were read.

`python -m bench.peers.raw.child --topic T --group G --records N`
"""

from __future__ import annotations

import argparse
import json
import time

from kafka import KafkaConsumer

from bench.peers.fetch import pulse_fetch_config
from pulse.settings import load_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.peers.raw.child")
    parser.add_argument("--bootstrap-servers")
    parser.add_argument("--topic", required=True)
    parser.add_argument("--group", required=True)
    parser.add_argument("--records", type=int, required=True)
    args = parser.parse_args(argv)
    settings = load_settings(kafka_bootstrap_servers=args.bootstrap_servers)
    consumer = KafkaConsumer(args.topic, **pulse_fetch_config(settings, group_id=args.group))
    read = decoded = value_bytes = 0
    first_record_at: float | None = None
    while read < args.records:
        for records in consumer.poll(timeout_ms=200).values():
            if first_record_at is None:
                first_record_at = time.time()
            for record in records:
                value_bytes += len(record.value)
                try:
                    json.loads(record.value)
                except ValueError:  # broken JSON and broken UTF-8 alike
                    continue
                decoded += 1
            read += len(records)
    done_at = time.time()
    consumer.close(autocommit=False)
    result = {
        "records": read,
        "decoded": decoded,
        "value_bytes": value_bytes,
        "first_record_at": first_record_at,
        "done_at": done_at,
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
