"""Installing Quix Streams, once, into its own venv under .stack/quix: its dependencies
(confluent-kafka, rocksdict, psycopg2-binary, pydantic < 2.14) must not enter the project's
venv. The venv is rebuilt whenever bench/peers/quix/requirements.txt changes."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from stack import console
from stack.errors import InstallError
from stack.paths import Layout
from stack.process import run, tail

REQUIREMENTS = Path(__file__).resolve().parent / "requirements.txt"
_PIP_TIMEOUT_S = 900.0


@dataclass(frozen=True, slots=True)
class QuixVenv:
    root: Path  # .stack/quix

    @classmethod
    def default(cls) -> QuixVenv:
        return cls(Layout.default().root / "quix")

    @property
    def venv(self) -> Path:
        return self.root / "venv"

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    @property
    def stamp_file(self) -> Path:
        return self.root / "venv.stamp"

    @property
    def pip_log(self) -> Path:
        return self.root / "pip.log"


def stamp(requirements: Path = REQUIREMENTS) -> str:
    """What the venv must have been installed from: the requirements file's digest."""
    return "requirements=" + hashlib.sha256(requirements.read_bytes()).hexdigest()[:16]


def pinned_versions(text: str) -> dict[str, str]:
    """`name==version` lines of a requirements file, names lower-cased with `_` as `-`."""
    pins: dict[str, str] = {}
    for line in text.splitlines():
        name, sep, version = line.split("#", 1)[0].strip().partition("==")
        if sep and name and version:
            pins[name.strip().lower().replace("_", "-")] = version.strip()
    return pins


def quix_versions(requirements: Path = REQUIREMENTS) -> dict[str, str | None]:
    """The versions the report names next to the Quix figures."""
    pins = pinned_versions(requirements.read_text(encoding="utf-8"))
    return {name: pins.get(name) for name in ("quixstreams", "confluent-kafka", "psycopg2-binary")}


def ensure_venv(where: QuixVenv | None = None) -> Path:
    """The venv's python, creating the venv first unless it is current."""
    where = where or QuixVenv.default()
    wanted = stamp()
    try:
        if where.stamp_file.read_text(encoding="utf-8").strip() == wanted and where.python.exists():
            return where.python
    except OSError:
        pass
    where.root.mkdir(parents=True, exist_ok=True)
    # The stamp goes last, so an interrupted install is redone from scratch next time.
    where.stamp_file.unlink(missing_ok=True)
    shutil.rmtree(where.venv, ignore_errors=True)
    pins = pinned_versions(REQUIREMENTS.read_text(encoding="utf-8"))
    console.say(
        "quix",
        f"installing Quix Streams {pins.get('quixstreams')} into {where.venv} "
        f"(first run only; log in {where.pip_log})",
    )
    started = time.monotonic()
    steps = [
        [sys.executable, "-m", "venv", str(where.venv)],
        [str(where.python), "-m", "pip", "install", "--no-input", "-r", str(REQUIREMENTS)],
    ]
    with where.pip_log.open("w", encoding="utf-8") as log:
        for argv in steps:
            if (failure := _run_logged(argv, log)) is not None:
                raise InstallError(
                    f"could not install Quix Streams into {where.venv} ({failure}): "
                    f"is PyPI reachable? See {where.pip_log}",
                    log_tail=tail(where.pip_log, 20),
                )
    where.stamp_file.write_text(wanted + "\n", encoding="utf-8")
    console.say("quix", f"installed in {time.monotonic() - started:.0f} s")
    return where.python


def _run_logged(argv: list[str], log: TextIO) -> str | None:
    """Runs argv with its output appended to log; None, or what went wrong in a few words."""
    what = f"{Path(argv[0]).name} {' '.join(argv[1:3])}"
    log.write(f"$ {' '.join(argv)}\n")
    try:
        done = run(argv, timeout_s=_PIP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        log.flush()
        return f"{what} timed out after {_PIP_TIMEOUT_S:.0f} s"
    log.write(f"{done.stdout}{done.stderr}\n")
    log.flush()  # the error's log tail reads the file
    return None if done.returncode == 0 else f"{what} exited with {done.returncode}"
