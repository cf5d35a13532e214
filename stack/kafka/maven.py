"""Resolving the broker's jars from Maven Central with Maven, once, into .stack/kafka/libs;
later starts reuse the cache until the versions pinned in the pom change."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

from stack import console
from stack.errors import InstallError, MissingToolError
from stack.locks import exclusive
from stack.paths import KAFKA_POM, Layout, Versions
from stack.process import tail

_PROGRESS_EVERY_S = 5.0  # between progress lines when output is a log, not a terminal
# Longest wait for another process resolving the same jars (a first download on a slow
# network takes minutes).
RESOLVE_WAIT_S = 1800.0


def libs_ready(layout: Layout, versions: Versions) -> bool:
    """True when the cache holds the jars of exactly the pinned versions."""
    try:
        stamp = layout.kafka_libs_stamp.read_text(encoding="utf-8").strip()
    except OSError:
        return False
    return stamp == versions.stamp() and any(layout.kafka_libs.glob("kafka_2.13-*.jar"))


def ensure_libs(layout: Layout, versions: Versions, *, pom: Path = KAFKA_POM) -> bool:
    """Resolve the jars unless the cache is current. Returns True when it downloaded.

    Two processes at once (two `make up`, or a test's broker during `make up`) take turns
    on a file lock: both would otherwise empty and fill the same libs.partial, and one
    would rename it into place while the other still writes. The second one then finds
    the cache current."""
    if libs_ready(layout, versions):
        return False
    with exclusive(
        layout.kafka_dir / "libs.lock",
        what="resolving the Kafka jars",
        timeout_s=RESOLVE_WAIT_S,
        waiting=lambda holder: console.say(
            "kafka", f"another process ({holder}) is resolving the Kafka jars: waiting for it"
        ),
    ):
        if libs_ready(layout, versions):
            return False
        return _resolve(layout, versions, pom=pom)


def _resolve(layout: Layout, versions: Versions, *, pom: Path) -> bool:
    mvn = shutil.which("mvn")
    if mvn is None:
        raise MissingToolError(
            "Maven (mvn) is missing; it fetches the Kafka broker's jars: install it with "
            "`apt-get install -y maven`, then retry."
        )
    # Copy into a scratch folder and rename at the end, so an interrupted download never
    # leaves a half-filled libs/ that a later start would take for complete.
    scratch = layout.kafka_dir / "libs.partial"
    shutil.rmtree(scratch, ignore_errors=True)
    layout.kafka_logs.mkdir(parents=True, exist_ok=True)
    console.say(
        "kafka",
        f"resolving Kafka {versions.kafka} and its runtime jars from Maven Central with "
        f"Maven (first run only; log in {layout.kafka_maven_log})",
    )
    started = time.monotonic()
    argv = [
        mvn,
        "-B",
        "-f",
        str(pom),
        "dependency:copy-dependencies",
        "-DincludeScope=runtime",
        f"-DoutputDirectory={scratch}",
    ]
    downloads = _run_with_progress(argv, log_file=layout.kafka_maven_log)
    if downloads < 0:
        raise InstallError(
            f"Maven could not resolve the Kafka {versions.kafka} jars: if Maven Central "
            f"cannot be reached the local broker cannot run; see {layout.kafka_maven_log}.",
            log_tail=tail(layout.kafka_maven_log, 20),
        )
    shutil.rmtree(layout.kafka_libs, ignore_errors=True)
    scratch.replace(layout.kafka_libs)
    layout.kafka_libs_stamp.write_text(versions.stamp() + "\n", encoding="utf-8")
    jars = list(layout.kafka_libs.glob("*.jar"))
    size_mb = sum(jar.stat().st_size for jar in jars) / 1e6
    console.say(
        "kafka",
        f"{len(jars)} jars ({size_mb:.0f} MB) in {layout.kafka_libs}, {downloads} files "
        f"downloaded, {time.monotonic() - started:.0f} s",
    )
    return True


def _run_with_progress(argv: list[str], *, log_file: Path) -> int:
    """Run Maven, copying its output to log_file and showing a download counter.

    Returns the number of files downloaded, or -1 when Maven failed."""
    interactive = sys.stdout.isatty()
    downloads = 0
    last_line_at = time.monotonic()
    with (
        log_file.open("w", encoding="utf-8") as log,
        subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
        ) as proc,
    ):
        assert proc.stdout is not None  # PIPE was requested
        for line in proc.stdout:
            log.write(line)
            if "] Downloaded from " not in line and not line.startswith("Downloaded from"):
                continue
            downloads += 1
            if interactive:
                print(f"\r{'':<11} downloaded {downloads} files", end="", flush=True)
            elif time.monotonic() - last_line_at >= _PROGRESS_EVERY_S:
                console.say("kafka", f"downloaded {downloads} files ...")
                last_line_at = time.monotonic()
        status = proc.wait()
    if interactive and downloads:
        print(flush=True)  # end the \r counter line
    return downloads if status == 0 else -1
