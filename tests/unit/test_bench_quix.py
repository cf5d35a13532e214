"""The Quix Streams peer's pieces that need neither Quix nor its venv: when its app is done,
the pinned requirements, the expected count from the pre-load summary, and the report's
sections for more than one peer."""

from __future__ import annotations

from pathlib import Path

from bench.consumer.compare import peer_section
from bench.peers.measurement import Measurement
from bench.peers.quix.contender import valid_with_duplicates
from bench.peers.quix.progress import Progress
from bench.peers.quix.venv import REQUIREMENTS, QuixVenv, ensure_venv, pinned_versions, stamp

SUMMARY = """sent 3,000 records to bench.consumer.da6e70d672 in 0.2 s, seed 1

event type                                                        records
login                                                                 315
valid events                                                        2,791
  of which late                                                         0
duplicates                                                             61
defects                                                               148
  oversized -> oversized                                                1
acknowledged                                                        3,000
"""


def test_done_once_every_partition_is_read_and_every_valid_record_windowed() -> None:
    progress = Progress({0: 2, 1: 1, 2: 0})  # partition 2 is empty
    assert progress.records == 3
    progress.source(0, 0, valid=True)
    progress.source(1, 0, valid=False)
    progress.windowed()
    assert not progress.done  # partition 0 has one more record
    progress.source(0, 1, valid=True)
    assert not progress.done  # read, but not through the window yet
    progress.windowed()
    assert progress.done
    assert (progress.read, progress.accepted, progress.aggregated) == (3, 2, 2)


def test_an_invalid_last_record_ends_the_run_when_the_window_has_caught_up() -> None:
    progress = Progress({0: 2})
    progress.source(0, 0, valid=True)
    progress.windowed()
    progress.source(0, 1, valid=False)
    assert progress.done


def test_an_empty_topic_is_done_at_once() -> None:
    assert Progress({0: 0, 1: 0}).done


def test_every_requirement_is_pinned_to_an_exact_version() -> None:
    lines = [
        line.strip()
        for line in REQUIREMENTS.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    pins = pinned_versions(REQUIREMENTS.read_text(encoding="utf-8"))
    assert len(pins) == len(lines)
    assert {"quixstreams", "psycopg2-binary", "confluent-kafka"} <= set(pins)


def test_pins_are_read_with_normalized_names() -> None:
    text = "# comment\ntyping_extensions==4.16.0\nPygments==2.21.0  # why\nrich>=15\n"
    assert pinned_versions(text) == {"typing-extensions": "4.16.0", "pygments": "2.21.0"}


def test_a_current_venv_is_reused_without_pip(tmp_path: Path) -> None:
    where = QuixVenv(tmp_path)
    where.python.parent.mkdir(parents=True)
    where.python.touch()
    where.stamp_file.write_text(stamp() + "\n", encoding="utf-8")
    assert ensure_venv(where) == where.python


def test_the_expected_count_is_valid_events_plus_duplicates() -> None:
    assert valid_with_duplicates(SUMMARY) == 2_791 + 61
    assert valid_with_duplicates("sent 3,000 records\n") is None


def _run(contender: str, seconds: float, versions: dict[str, str] | None = None) -> Measurement:
    return Measurement(
        contender=contender, run=1, records=1000, seconds=seconds, cpu_s=1.0,
        peak_rss_bytes=0, broker_cpu_s=None, postgres_cpu_s=None, complete=True,
        details={"versions": versions} if versions is not None else {},
    )  # fmt: skip


def test_every_measured_peer_gets_a_section_with_its_versions() -> None:
    runs = [
        _run("pulse", 1.0),
        _run("connect", 4.0, {"connect-runtime": "4.3.1"}),
        _run("quix", 3.0, {"quixstreams": "3.28.1", "psycopg2-binary": "2.9.13"}),
    ]
    section = "\n".join(peer_section(runs, ["pulse"], "connect"))
    assert "| pulse | 4.00x | 1 | **PASS** |" in section
    assert "## Pulse against quix" in section
    assert "| pulse | 3.00x | 1 |\n" in section + "\n"  # no target against Quix
    assert "Versions: quixstreams 3.28.1, psycopg2-binary 2.9.13." in section
    # Without Connect, Quix still gets its section.
    alone = "\n".join(peer_section([runs[0], runs[2]], ["pulse"], "connect"))
    assert "## Pulse against quix" in alone
    assert "## Pulse against connect" not in alone
