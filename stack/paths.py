"""Where the local stack keeps its state (.stack/, git-ignored) and which versions it runs.
Every path the stack writes is named here, so `down` and `logs` agree with `up`."""

from __future__ import annotations

import functools
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from pulse.errors import ConfigError

REPO_ROOT = Path(__file__).resolve().parent.parent

# The Maven pom is the one place the Kafka, log4j and SLF4J versions are pinned: Maven
# reads them from there, and this module reads them back for messages and the cache stamp.
KAFKA_POM = REPO_ROOT / "stack" / "kafka" / "pom.xml"
PROMETHEUS_CONFIG = REPO_ROOT / "prometheus" / "prometheus.yml"

POSTGRES_MAJOR = "15"
POSTGRES_CLUSTER = "main"

# Kafka's KRaft controller listens one port above the broker by convention; nothing but
# the broker itself talks to it, so it is not a setting.
KAFKA_CONTROLLER_PORT = 9093
PROMETHEUS_HOST = "127.0.0.1"
PROMETHEUS_PORT = 9090

_POM_NS = {"m": "http://maven.apache.org/POM/4.0.0"}


@dataclass(frozen=True)
class Versions:
    """Versions of the Java artifacts the broker runs with, as pinned in the pom."""

    kafka: str
    log4j: str
    slf4j: str

    def stamp(self) -> str:
        """One line that changes whenever the jar cache must be resolved again."""
        return f"kafka={self.kafka} log4j={self.log4j} slf4j={self.slf4j}"


def read_versions(pom: Path = KAFKA_POM) -> Versions:
    """Read the pinned versions from the pom's <properties>."""
    try:
        root = ET.parse(pom).getroot()  # our own file, not untrusted input
    except (OSError, ET.ParseError) as exc:
        raise ConfigError(f"cannot read {pom}: {exc}. Restore it from git.") from None
    props = root.find("m:properties", _POM_NS)

    def prop(name: str) -> str:
        node = props.find(f"m:{name}", _POM_NS) if props is not None else None
        if node is None or not (node.text or "").strip():
            raise ConfigError(f"{pom} has no <{name}> property. Restore it from git.")
        return (node.text or "").strip()

    return Versions(
        kafka=prop("kafka.version"), log4j=prop("log4j.version"), slf4j=prop("slf4j.version")
    )


@functools.cache
def versions() -> Versions:
    """The versions pinned in the repository's pom (read once per process)."""
    return read_versions(KAFKA_POM)


@dataclass(frozen=True)
class Layout:
    """The .stack/ tree. Tests build one under a temporary directory."""

    root: Path

    @classmethod
    def default(cls) -> Layout:
        return cls(REPO_ROOT / ".stack")

    # Kafka
    @property
    def kafka_dir(self) -> Path:
        return self.root / "kafka"

    @property
    def kafka_libs(self) -> Path:
        return self.kafka_dir / "libs"

    @property
    def kafka_libs_stamp(self) -> Path:
        return self.kafka_dir / "libs.stamp"

    @property
    def kafka_data(self) -> Path:
        return self.kafka_dir / "data"

    @property
    def kafka_logs(self) -> Path:
        return self.kafka_dir / "logs"

    @property
    def kafka_server_log(self) -> Path:
        return self.kafka_logs / "server.log"

    @property
    def kafka_console_log(self) -> Path:
        return self.kafka_logs / "console.log"

    @property
    def kafka_maven_log(self) -> Path:
        return self.kafka_logs / "maven.log"

    @property
    def kafka_properties(self) -> Path:
        return self.kafka_dir / "server.properties"

    @property
    def kafka_log4j(self) -> Path:
        return self.kafka_dir / "log4j2.properties"

    @property
    def kafka_pid(self) -> Path:
        return self.kafka_dir / "kafka.pid"

    # PostgreSQL: Debian's cluster keeps its own data and log; we keep only a marker.
    @property
    def postgres_dir(self) -> Path:
        return self.root / "postgres"

    @property
    def postgres_marker(self) -> Path:
        return self.postgres_dir / "started-by-stack"

    # Prometheus
    @property
    def prometheus_dir(self) -> Path:
        return self.root / "prometheus"

    @property
    def prometheus_data(self) -> Path:
        return self.prometheus_dir / "data"

    @property
    def prometheus_log(self) -> Path:
        return self.prometheus_dir / "prometheus.log"

    @property
    def prometheus_pid(self) -> Path:
        return self.prometheus_dir / "prometheus.pid"

    # The HTTP API (python -m api)
    @property
    def api_dir(self) -> Path:
        return self.root / "api"

    @property
    def api_log(self) -> Path:
        return self.api_dir / "api.log"

    @property
    def api_pid(self) -> Path:
        return self.api_dir / "api.pid"

    # apt-get output, kept out of the terminal unless something fails
    @property
    def apt_log(self) -> Path:
        return self.root / "apt.log"
