"""Resolving the Connect worker's jars (connect-runtime at the broker's Kafka version, the
Debezium JDBC sink, the PostgreSQL driver) from Maven Central, once, into .stack/connect."""

from __future__ import annotations

import hashlib
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from stack import console
from stack.errors import InstallError, MissingToolError
from stack.kafka.maven import RESOLVE_WAIT_S, _run_with_progress
from stack.locks import exclusive
from stack.paths import Layout, read_versions
from stack.process import tail

POM = Path(__file__).resolve().parent / "pom.xml"


@dataclass(frozen=True, slots=True)
class ConnectLibs:
    root: Path  # .stack/connect

    @classmethod
    def default(cls) -> ConnectLibs:
        return cls(Layout.default().root / "connect")

    @property
    def libs(self) -> Path:
        return self.root / "libs"

    @property
    def stamp_file(self) -> Path:
        return self.root / "libs.stamp"

    @property
    def maven_log(self) -> Path:
        return self.root / "maven.log"


def stamp() -> str:
    """What the cache must have been resolved for: the broker's Kafka version and the pom."""
    pom = hashlib.sha256(POM.read_bytes()).hexdigest()[:16]
    return f"kafka={read_versions().kafka} pom={pom}"


def jar_version(libs: Path, artifact: str) -> str | None:
    """The version in `<artifact>-<version>.jar` in the cache, if there is one."""
    for jar in libs.glob(f"{artifact}-*.jar"):
        rest = jar.name[len(artifact) + 1 : -len(".jar")]
        if rest[:1].isdigit():
            return rest
    return None


def _current(where: ConnectLibs, wanted: str) -> bool:
    try:
        return where.stamp_file.read_text(encoding="utf-8").strip() == wanted
    except OSError:
        return False


def ensure_libs(where: ConnectLibs | None = None) -> Path:
    """The folder of jars, resolving them first unless the cache is current. Two processes
    at once take turns on a file lock (see stack.kafka.maven.ensure_libs)."""
    where = where or ConnectLibs.default()
    wanted = stamp()
    if _current(where, wanted):
        return where.libs
    with exclusive(
        where.root / "libs.lock",
        what="resolving the Kafka Connect jars",
        timeout_s=RESOLVE_WAIT_S,
        waiting=lambda holder: console.say(
            "connect", f"another process ({holder}) is resolving the jars: waiting for it"
        ),
    ):
        if _current(where, wanted):
            return where.libs
        return _resolve(where, wanted)


def _resolve(where: ConnectLibs, wanted: str) -> Path:
    mvn = shutil.which("mvn")
    if mvn is None:
        raise MissingToolError(
            "Maven (mvn) is missing; it fetches the Kafka Connect and Debezium jars: install "
            "it with `apt-get install -y maven` (or `make up` does), then retry."
        )
    # Resolve into a scratch folder and rename at the end, like the broker's jars, so an
    # interrupted download never passes for a complete cache.
    scratch = where.root / "libs.partial"
    shutil.rmtree(scratch, ignore_errors=True)
    where.root.mkdir(parents=True, exist_ok=True)
    kafka = read_versions().kafka
    console.say("connect", f"resolving Kafka Connect {kafka} + Debezium JDBC sink with Maven")
    started = time.monotonic()
    argv = [
        mvn, "-B", "-f", str(POM), "dependency:copy-dependencies", "-DincludeScope=runtime",
        f"-Dconnect.version={kafka}", f"-DoutputDirectory={scratch}",
    ]  # fmt: skip
    if _run_with_progress(argv, log_file=where.maven_log) < 0:
        raise InstallError(
            f"Maven could not resolve the Kafka Connect / Debezium jars; see {where.maven_log}.",
            log_tail=tail(where.maven_log, 20),
        )
    shutil.rmtree(where.libs, ignore_errors=True)
    scratch.replace(where.libs)
    where.stamp_file.write_text(wanted + "\n", encoding="utf-8")
    console.say("connect", f"jars in {where.libs} ({time.monotonic() - started:.0f} s)")
    return where.libs
