"""Installing Debian packages the stack needs (PostgreSQL, Prometheus) with apt-get, on
first use only, with its output kept in .stack/apt.log."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Sequence
from pathlib import Path

from stack import console
from stack.errors import InstallError, MissingToolError
from stack.process import run, tail

_updated = False  # `apt-get update` runs at most once per command


def install(packages: Sequence[str], *, what: str, log_file: Path) -> None:
    """apt-get install packages, non-interactively, without Recommends.

    Recommends are left out on purpose: Prometheus recommends prometheus-node-exporter,
    which Debian would start as a daemon on port 9100 that the stack never asked for."""
    names = " ".join(packages)
    if shutil.which("apt-get") is None:
        raise MissingToolError(
            f"{what} is not installed and apt-get is unavailable: install {names} with "
            "this system's package manager, then retry."
        )
    if os.geteuid() != 0:
        raise MissingToolError(
            f"{what} is not installed and installing it needs root: run "
            f"`sudo apt-get install -y {names}` (or `sudo make up`), then retry."
        )
    log_file.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    console.say("apt", f"installing {names} with apt-get (first run only; output in {log_file})")
    started = time.monotonic()
    global _updated  # noqa: PLW0603 - a once-per-process latch, nothing more
    if not _updated:
        # A fresh machine may have no package lists at all; install would find nothing.
        _run_logged(["apt-get", "update", "-q"], env=env, log_file=log_file, names=names)
        _updated = True
    _run_logged(
        ["apt-get", "install", "-y", "-q", "--no-install-recommends", *packages],
        env=env,
        log_file=log_file,
        names=names,
    )
    console.say("apt", f"installed {names} in {time.monotonic() - started:.0f} s")


def _run_logged(argv: list[str], *, env: dict[str, str], log_file: Path, names: str) -> None:
    result = run(argv, env=env, timeout_s=900)
    with log_file.open("a", encoding="utf-8") as log:
        log.write(f"$ {' '.join(argv)}\n{result.stdout}{result.stderr}\n")
    if result.returncode != 0:
        raise InstallError(
            f"`{' '.join(argv)}` failed (exit {result.returncode}): fix the apt problem "
            f"below (see {log_file}) or install {names} by hand, then retry.",
            log_tail=tail(log_file, 20),
        )
