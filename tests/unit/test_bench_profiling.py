"""The py-spy summary of a profiled benchmark run, read from hand-written collapsed stacks."""

from __future__ import annotations

import sys
from pathlib import Path

from bench.common.profiling import py_spy_command, read_collapsed, top_functions

_PYDANTIC = "validate_json (/x/.venv/lib/python3.11/site-packages/pydantic/type_adapter.py:10)"
_LOOP = "thread (101);<module> (consumer/__main__.py:3);run (consumer/ingest/loop.py:{line})"
_WRITER = "thread (202);_bootstrap (threading.py:1);_work (consumer/store/writer_thread.py:9)"
_COLLAPSED = "\n".join(
    [
        f"{_LOOP.format(line=40)};{_PYDANTIC} 60",
        f"{_LOOP.format(line=41)};fact_row (consumer/store/facts.py:7) 20",
        f"{_WRITER};wait (/x/site-packages/psycopg/connection.py:5) 15",
        "thread (303);select (selectors.py:1) 5",
        "not a stack line",
    ]
)


def _write(tmp_path: Path) -> Path:
    raw = tmp_path / "profile.txt"
    raw.write_text(_COLLAPSED, encoding="utf-8")
    return raw


def test_samples_are_summed_per_thread_with_line_numbers_and_site_packages_dropped(
    tmp_path: Path,
) -> None:
    threads = read_collapsed(_write(tmp_path))
    main = threads["thread (101)"]
    assert main.samples == 80
    assert main.own["validate_json (pydantic/type_adapter.py)"] == 60
    assert main.own["fact_row (consumer/store/facts.py)"] == 20
    # Two lines of the same function count once per sample, not once per line.
    assert main.anywhere["run (consumer/ingest/loop.py)"] == 80
    assert threads["thread (202)"].samples == 15
    assert sum(t.samples for t in threads.values()) == 100


def test_summary_gives_shares_and_leaves_out_nearly_idle_threads(tmp_path: Path) -> None:
    text = top_functions(_write(tmp_path), limit=5)
    assert text.startswith("100 samples at 100 Hz (1.0 s of CPU)")
    assert "thread (101), entered at <module> (consumer/__main__.py): 80% of all samples" in text
    assert "75.0%  validate_json (pydantic/type_adapter.py)" in text
    assert "15% of all samples" in text
    assert "thread (202), entered at _work (consumer/store/writer_thread.py)" in text
    # 5 of 100 samples is above the 2% floor; the thread is listed.
    assert "thread (303), entered at select (selectors.py)" in text


def test_command_wraps_the_child_and_writes_collapsed_stacks(tmp_path: Path) -> None:
    out = tmp_path / "p.txt"
    command = py_spy_command(out, [sys.executable, "-m", "consumer", "run"])
    assert command[1:4] == ["record", "--format", "raw"]
    separator = command.index("--")
    assert command[separator + 1 :] == [sys.executable, "-m", "consumer", "run"]
    assert command[command.index("--output") + 1] == str(out)
