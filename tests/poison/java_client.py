"""The official Apache Kafka Java producer as a poison client: PoisonProducer.java is
compiled against the kafka-clients jar the stack resolved from Maven Central (once per
source version, into a cache folder) and run with `java`."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Sequence
from pathlib import Path

import pytest

from stack.paths import Layout
from tests.poison.spec import Group, Run, spec_lines

SOURCE = Path(__file__).resolve().parent / "java" / "PoisonProducer.java"
CACHE = Path(tempfile.gettempdir()) / "pulse-poison-java"
TIMEOUT_S = 300


def _libs() -> Path:
    libs = Layout.default().kafka_libs
    if not any(libs.glob("kafka-clients-*.jar")):
        pytest.fail(
            f"no kafka-clients jar in {libs}: run `make up` once so the stack resolves the "
            "Kafka jars from Maven Central, then retry."
        )
    return libs


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(
            f"`{name}` is not on PATH: the poison corpus compiles a Java producer. Install a "
            "JDK 17 (Debian: `apt-get install openjdk-17-jdk-headless`), then retry."
        )
    return found


def compiled_classes() -> Path:
    """The folder holding PoisonProducer.class, compiled now if this source is new."""
    digest = hashlib.sha256(SOURCE.read_bytes()).hexdigest()[:16]
    target = CACHE / digest
    if (target / "PoisonProducer.class").exists():
        return target
    CACHE.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{digest}-", dir=CACHE))
    result = subprocess.run(
        [_tool("javac"), "-cp", f"{_libs()}/*", "-d", str(staging), str(SOURCE)],
        capture_output=True, text=True, timeout=TIMEOUT_S, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        pytest.fail(f"javac failed on {SOURCE}:\n{result.stderr}")
    try:
        os.rename(staging, target)  # atomic: a concurrent compile of the same source wins
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def send(
    bootstrap: str,
    topic: str,
    groups: Sequence[Group],
    *,
    compression: str,
    transactional_id: str,
    work_dir: Path,
) -> Run:
    """Send `groups` in order with the Java client; where each record landed."""
    for group in groups:
        for record in group.records:
            for header in record.headers:
                header.key.decode("utf-8")  # Java header keys are Strings: UTF-8 only
    spec = work_dir / f"spec-{topic}-{uuid.uuid4().hex[:6]}.tsv"
    spec.write_text("\n".join(spec_lines(groups)) + "\n", encoding="utf-8")
    classpath = f"{compiled_classes()}{os.pathsep}{_libs()}/*"
    result = subprocess.run(
        [_tool("java"), "-cp", classpath, "PoisonProducer",
         bootstrap, topic, compression, transactional_id, str(spec)],
        capture_output=True, text=True, timeout=TIMEOUT_S, check=False,
    )  # fmt: skip
    lines = result.stdout.splitlines()
    if result.returncode != 0 or lines[-1:] != ["done"]:
        raise AssertionError(
            f"the Java producer exited {result.returncode}:\n{result.stderr[-4000:]}"
        )
    places: dict[int, list[tuple[int, int]]] = {}
    for line in lines:
        if line.startswith("sent\t"):
            _, index, _, partition, offset = line.split("\t")
            places.setdefault(int(index), []).append((int(partition), int(offset)))
    run = Run()
    for number, group in enumerate(groups):
        run.add_group(number, group, places.get(number, []))
    return run
