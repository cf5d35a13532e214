"""The corpus, built once per session, and the JavaScript validator's packages, installed
from the pinned `js/package-lock.json` when they are missing or older than the lock."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime

import pytest

from tests.conformance.corpus import Case, build_corpus
from tests.conformance.verdicts import JS_DIR, REPORT


@pytest.fixture(scope="session")
def corpus() -> list[Case]:
    return build_corpus(datetime.now(UTC))


@pytest.fixture(scope="session")
def ajv_installed() -> None:
    installed = JS_DIR / "node_modules" / ".package-lock.json"
    lock = JS_DIR / "package-lock.json"
    if installed.exists() and installed.stat().st_mtime >= lock.stat().st_mtime:
        return
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail(
            "npm is missing: the contract's second-language check runs ajv in Node.js. "
            "Install Node.js 18 or later (with npm) and run the tests again."
        )
    result = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--prefix", str(JS_DIR)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"`npm ci` in {JS_DIR} failed:\n{result.stdout}\n{result.stderr}")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if REPORT:
        terminalreporter.section("contract conformance")
        for line in REPORT:
            terminalreporter.write_line(line)
