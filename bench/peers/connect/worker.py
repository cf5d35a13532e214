"""The Connect standalone worker and its one connector, the Debezium JDBC sink: their
property files and the java command line. Settings a user would tune are named here."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from psycopg.conninfo import conninfo_to_dict

from stack.errors import MissingToolError

REST_PORT = 18083  # the worker's REST listener; the stack's services use none near it
BATCH_SIZE = 5_000  # rows per JDBC batch (Debezium's default is 500)
MAX_POLL_RECORDS = 5_000  # so that one poll can fill one batch
CONNECTOR = "pulse-bench-jdbc-sink"


@dataclass(frozen=True, slots=True)
class SinkJob:
    bootstrap_servers: str
    topic: str
    dlq_topic: str
    database_url: str  # libpq form, of the scratch database
    table: str
    workdir: Path
    rest_port: int = REST_PORT
    batch_size: int = BATCH_SIZE


def jdbc_url(database_url: str) -> tuple[str, str, str]:
    """(JDBC URL, user, password) of a libpq URL. stringtype=unspecified lets PostgreSQL
    cast the string fields into the uuid, timestamptz and numeric columns;
    reWriteBatchedInserts sends a JDBC batch of upserts as multi-row statements."""
    parts = conninfo_to_dict(database_url)
    host, port = parts.get("host", "127.0.0.1"), parts.get("port", "5432")
    options = "stringtype=unspecified&reWriteBatchedInserts=true"
    url = f"jdbc:postgresql://{host}:{port}/{parts['dbname']}?{options}"
    return url, str(parts.get("user", "")), str(parts.get("password", ""))


def worker_properties(job: SinkJob) -> dict[str, str]:
    return {
        "bootstrap.servers": job.bootstrap_servers,
        "listeners": f"http://127.0.0.1:{job.rest_port}",
        "offset.storage.file.filename": str(job.workdir / "connect.offsets"),
        # Sink offsets go to the group in Kafka; flushed often so the end is seen early.
        "offset.flush.interval.ms": "1000",
        "key.converter": "org.apache.kafka.connect.storage.StringConverter",
        "value.converter": "org.apache.kafka.connect.json.JsonConverter",
        "value.converter.schemas.enable": "true",
        "consumer.max.poll.records": str(MAX_POLL_RECORDS),
        "consumer.auto.offset.reset": "earliest",
    }


def connector_properties(job: SinkJob) -> dict[str, str]:
    url, user, password = jdbc_url(job.database_url)
    return {
        "name": CONNECTOR,
        "connector.class": "io.debezium.connector.jdbc.JdbcSinkConnector",
        "tasks.max": "1",
        "topics": job.topic,
        "connection.url": url,
        "connection.username": user,
        "connection.password": password,
        "insert.mode": "upsert",
        "primary.key.mode": "record_value",
        "primary.key.fields": "event_id",
        "schema.evolution": "none",
        "table.name.format": job.table,
        "batch.size": str(job.batch_size),
        # Each event_id once per batch (its last state), so that the driver may rewrite a
        # batch into multi-row upserts (reWriteBatchedInserts in the URL). Debezium's
        # dialect.postgres.unnest.insert.enabled is not used: it binds text[] arrays
        # without a cast, which PostgreSQL refuses for the uuid column event_id.
        "use.reduction.buffer": "true",
        # The facts table's columns: location.country -> country, the payload's short
        # names to the table's, and the Kafka coordinates as provenance.
        "transforms": "flatten,rename,source",
        "transforms.flatten.type": "org.apache.kafka.connect.transforms.Flatten$Value",
        "transforms.flatten.delimiter": "_",
        "transforms.rename.type": "org.apache.kafka.connect.transforms.ReplaceField$Value",
        "transforms.rename.exclude": "schema_version",
        "transforms.rename.renames": (
            "location_country:country,location_city:city,element:click_element,"
            "text:comment_text,channel:share_channel,query:search_query"
        ),
        "transforms.source.type": "org.apache.kafka.connect.transforms.InsertField$Value",
        "transforms.source.topic.field": "source_topic",
        "transforms.source.partition.field": "source_partition",
        "transforms.source.offset.field": "source_offset",
        # Records the converter or a transform refuses go to the dead-letter topic.
        "errors.tolerance": "all",
        "errors.deadletterqueue.topic.name": job.dlq_topic,
        "errors.deadletterqueue.topic.replication.factor": "1",
        "errors.deadletterqueue.context.headers.enable": "true",
    }


def write_properties(path: Path, values: dict[str, str]) -> Path:
    lines = [f"{key}={_escape(value)}" for key, value in values.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n")


def java_command(job: SinkJob, libs: Path) -> list[str]:
    java = shutil.which("java")
    if java is None:
        raise MissingToolError("java is missing; `make up` installs it for the broker.")
    worker = write_properties(job.workdir / "worker.properties", worker_properties(job))
    sink = write_properties(job.workdir / "sink.properties", connector_properties(job))
    log4j = write_properties(job.workdir / "log4j2.properties", _log4j(job.workdir))
    return [
        java, "-Xms256m", "-Xmx1g", f"-Dlog4j2.configurationFile={log4j}",
        "-cp", f"{libs}/*",
        "org.apache.kafka.connect.cli.ConnectStandalone", str(worker), str(sink),
    ]  # fmt: skip


def _log4j(workdir: Path) -> dict[str, str]:
    """INFO to a file in the workdir, so a failed run can be read afterwards."""
    return {
        "rootLogger.level": "INFO",
        "rootLogger.appenderRef.file.ref": "file",
        "appender.file.type": "File",
        "appender.file.name": "file",
        "appender.file.fileName": str(workdir / "connect.log"),
        "appender.file.layout.type": "PatternLayout",
        "appender.file.layout.pattern": "%d{ISO8601} %-5p [%t] %c{1} - %m%n",
    }
