"""The poison corpus's own parts, without a broker: the spec the Java producer reads, the
marker accounting, the raw header keys, and verdicts that do flag what they must."""

from __future__ import annotations

import base64

from tests.poison.corpus import OVERSIZED_BYTES, build
from tests.poison.dlq_reader import Letter
from tests.poison.raw_header_keys import RawKey
from tests.poison.spec import Fate, Group, Header, Mode, PoisonRecord, Run, spec_lines
from tests.poison.verdict import check_dead_letters, expected_ledger

TOPIC = "poison.t"


def _letter(origin: tuple[int, int], reason: bytes, headers: tuple[Header, ...] = ()) -> Letter:
    pulse = (
        (b"pulse.reason", reason),
        (b"pulse.origin.topic", TOPIC.encode()),
        (b"pulse.origin.partition", str(origin[0]).encode()),
        (b"pulse.origin.offset", str(origin[1]).encode()),
    )
    kept = tuple((h.key, h.value) for h in headers)
    return Letter(0, 0, b"k", b"{", (*kept, *pulse))


def _run(*records: PoisonRecord, mode: Mode = Mode.NONE) -> Run:
    run = Run()
    run.add_group(0, Group(mode, records), [(0, i) for i in range(len(records))])
    return run


def test_spec_lines_use_dash_for_null_and_base64_for_bytes() -> None:
    record = PoisonRecord(
        "x", None, b"\xff", Fate.DEAD, "undecodable", headers=(Header(b"h", None),), partition=2
    )
    lines = spec_lines([Group(Mode.ABORT, (record,))])
    value, key = (base64.b64encode(b).decode() for b in (b"\xff", b"h"))
    assert lines == ["begin\tabort", f"record\t2\t-\t{value}\t{key}:-", "end"]


def test_a_transaction_leaves_one_marker_on_each_partition_it_wrote_to() -> None:
    records = tuple(PoisonRecord("v", b"k", b"{}", Fate.STORED) for _ in range(3))
    run = Run()
    run.add_group(4, Group(Mode.COMMIT, records), [(0, 0), (2, 0), (0, 1)])
    run.add_group(5, Group(Mode.NONE, records), [(1, 0), (1, 1), (1, 2)])
    assert run.markers == [(4, 0), (4, 2)]
    ledger = expected_ledger(run, {0: 3, 1: 3, 2: 2})
    assert [ledger[p]["skipped_markers"] for p in range(3)] == [1, 0, 1]


def test_raw_header_key_encodes_to_its_bytes() -> None:
    assert RawKey(b"\xff\xfe-k").encode("utf-8") == b"\xff\xfe-k"


def test_corpus_sends_every_shape_in_every_mode() -> None:
    corpus = build(1, partitions=3)
    plain, committed, _, aborted, last = corpus.groups
    assert {r.fate for r in aborted.records} == {Fate.ABORTED}
    assert [r.partition for r in last.records] == [0, 1, 2]
    for group in (plain, committed):
        assert any(r.key is None and r.value is None for r in group.records)
        assert any(len(r.value or b"") == OVERSIZED_BYTES for r in group.records)
        assert any(any(h.value is None for h in r.headers) for r in group.records)
    assert any(
        any(not _is_utf8(h.key) for h in r.headers)
        for r in corpus.raw_key_records
        if r.fate is Fate.STORED
    )


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def test_dead_letter_verdict_flags_a_wrong_reason_lost_headers_and_an_aborted_letter() -> None:
    headers = (Header(b"\xff-k", None),)
    bad = PoisonRecord("bad", b"k", b"{", Fate.DEAD, "malformed_json", headers=headers)
    good = PoisonRecord("good", b"k", b"{", Fate.ABORTED)
    run = _run(bad, good, mode=Mode.COMMIT)
    assert check_dead_letters(run, [_letter((0, 0), b"malformed_json", headers)],
                              topic=TOPIC, exactly_once=True) == []  # fmt: skip
    problems = check_dead_letters(
        run, [_letter((0, 0), b"undecodable"), _letter((0, 1), b"malformed_json")],
        topic=TOPIC, exactly_once=True,
    )  # fmt: skip
    assert len(problems) == 3, problems
    assert "reason b'undecodable'" in problems[0]
    assert "original headers not kept" in problems[1]
    assert "'good' (aborted, commit) at 0:1" in problems[2]


def test_dead_letter_verdict_flags_a_missing_letter_and_a_repeat_when_exactly_once() -> None:
    run = _run(
        PoisonRecord("a", b"k", b"{", Fate.DEAD, "malformed_json"),
        PoisonRecord("b", b"k", b"{", Fate.DEAD, "malformed_json"),
    )
    twice = [_letter((0, 0), b"malformed_json")] * 2
    assert check_dead_letters(run, twice, topic=TOPIC, exactly_once=False) == [
        "not dead-lettered: 'b' (dead, none) at 0:1, reason malformed_json"
    ]
    assert len(check_dead_letters(run, twice, topic=TOPIC, exactly_once=True)) == 2
