"""The capacity arithmetic of docs/scaling.md (`bench/scaling/`): formulas checked against
sums done by hand, the document's derived section against its own inputs, and the ways
the inputs table or a benchmark's JSON can be wrong."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.scaling import cli
from bench.scaling.doc import ScalingDocError, read_inputs, with_derived, with_inputs
from bench.scaling.model import QUANTITIES, UNITS, evaluate, worked

DOC = Path(__file__).resolve().parents[2] / "docs" / "scaling.md"

# Round numbers, so that every expected value below can be worked out on paper.
WRITTEN = {
    "C_consumer": "50", "C_pg": "100", "C_hot": "5", "C_replay": "10", "C_produce": "4",
    "C_fetch": "1", "B_kafka": "100", "B_fact": "300", "B_aggr": "50", "B_dedup": "40",
    "B_wal": "1,000", "S_fpi": "6,000", "M_consumer": "128", "Q_round": "500", "u": "0.5",
    "u_replay": "0.5", "N_cores": "8", "RF": "3", "D_kafka": "2", "D_facts": "1",
    "T_ckpt": "300", "Q_rate": "2",
}  # fmt: skip


def _table(written: dict[str, str]) -> str:
    rows = [f"| `{s}` | {v} | {UNITS[s][0]} | what | source |" for s, v in written.items()]
    header = "| symbol | value | unit | what | source |\n| --- | ---: | --- | --- | --- |"
    return "\n".join(
        ["# t", "<!-- scaling:inputs -->", header, *rows, "<!-- /scaling:inputs -->", "",
         "<!-- scaling:derived -->", "stale", "<!-- /scaling:derived -->", ""]
    )  # fmt: skip


def test_each_quantity_matches_the_sum_done_by_hand_at_100k_events_per_s() -> None:
    v = evaluate(read_inputs(_table(WRITTEN)).values, 100_000)
    assert v["T_proc"] == pytest.approx(5_000)  # 0.5 / max(50 µs, 100 µs)
    assert v["n"] == 20  # 100,000 / 5,000
    assert v["cores_consumer"] == pytest.approx(5.0)  # 100,000 * 50 µs
    assert v["hosts"] == 2  # ceil(5 / (0.5 * 8))
    assert v["mem_consumer"] == 20 * 128 * 2**20
    assert v["P"] == 48  # 12 * ceil(40 / 12)
    assert v["cores_kafka"] == pytest.approx(3.0)  # 100,000 * 3 * 5 µs / 0.5
    assert v["disk_rate_kafka"] == pytest.approx(30e6)  # 100,000 * 100 B * 3
    assert v["disk_kafka"] == pytest.approx(30e6 * 2 * 86_400)
    assert v["cores_pg"] == pytest.approx(20.0)  # 100,000 * 100 µs / 0.5
    assert v["hot"] == pytest.approx(0.5)
    assert v["replay"] == pytest.approx(1.0)
    assert v["N"] == 3  # ceil(max(20 / 8, 0.5 / 0.5, 1.0 / 0.5))
    assert v["P_idx"] == pytest.approx(100_000 * 86_400 * 40 / 8192)
    assert v["facts_day"] == pytest.approx(100_000 * 300 * 86_400)
    assert v["mem_dedup"] == pytest.approx(100_000 * 40 * 86_400)
    assert v["cores_replica"] == pytest.approx(2.0)  # 2 * 0.5 s / 0.5
    assert v["max_wal"] == pytest.approx(1.9 * v["wal"] * 300 / 3)


def test_page_images_of_the_dedup_index_follow_its_size_against_one_interval_of_inserts() -> None:
    small = read_inputs(_table(WRITTEN | {"D_facts": "0.0001"})).values  # 8.64 s of facts
    v = evaluate(small, 1_000)
    # 1,000/s * 8.64 s * 40 B = 42 pages; 300,000 inserts hit each once per interval.
    assert v["fpi"] == pytest.approx(6_000 * v["P_idx"] / 300_000, rel=1e-6)
    big = evaluate(read_inputs(_table(WRITTEN | {"D_facts": "1000"})).values, 1_000)
    # A vast index: nearly every insert has a page of its own.
    assert big["fpi"] == pytest.approx(6_000, rel=1e-3)
    assert big["wal"] == pytest.approx(1_000 * (1_000 + big["fpi"]))


def test_the_worked_arithmetic_puts_each_number_in_its_own_place() -> None:
    inputs = read_inputs(_table(WRITTEN))
    values = evaluate(inputs.values, 100_000)
    lines = {q.symbol: worked(q, inputs.written, values) for q in QUANTITIES}
    assert lines["cores_consumer"] == (
        "cores_consumer = R * C_consumer = 100,000/s * 50 µs = 5.0 cores"
    )
    # `N` inside `N_cores`, `wal` inside `B_wal` and `u` inside `u_replay` stay whole.
    assert lines["N"].endswith("= ceil(max(20 cores / 8, 50 % / 0.5, 100 % / 0.5)) = 3")
    assert "1,000 B + " in lines["wal"]


def test_the_documents_derived_section_follows_from_its_inputs_table() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert with_derived(text) == text, "run `python -m bench.scaling --write`"


def test_the_inputs_table_must_name_every_symbol_in_its_unit() -> None:
    with pytest.raises(ScalingDocError, match="lacks C_hot"):
        read_inputs(_table({k: v for k, v in WRITTEN.items() if k != "C_hot"}))
    with pytest.raises(ScalingDocError, match="C_pg must be given in µs, not 'ms'"):
        read_inputs(_table(WRITTEN).replace("| `C_pg` | 100 | µs |", "| `C_pg` | 100 | ms |"))
    with pytest.raises(ScalingDocError, match="'about 3' is not a number"):
        read_inputs(_table(WRITTEN | {"RF": "about 3"}))
    with pytest.raises(ScalingDocError, match="no <!-- scaling:inputs -->"):
        read_inputs("no table here")


def _consumer_json(path: Path, *, filled: bool) -> Path:
    rows = [
        {"contender": "raw kafka-python + json.loads", "cpu_per_1k_s": 0.017,
         "broker_cpu_per_1k_s": 0.001, "postgres_cpu_per_1k_s": None},
        {"contender": "Pulse, every aggregate", "cpu_per_1k_s": 0.040,
         "broker_cpu_per_1k_s": 0.002, "postgres_cpu_per_1k_s": 0.030},
    ]  # fmt: skip
    if filled:
        rows.append(
            {"contender": "Pulse, every aggregate, on 10,000,000 facts", "cpu_per_1k_s": 0.041,
             "broker_cpu_per_1k_s": 0.002, "postgres_cpu_per_1k_s": 0.0345}
        )  # fmt: skip
    path.write_text(json.dumps({"summary": rows}), encoding="utf-8")
    return path


def test_consumer_results_give_c_pg_from_the_filled_database_when_there_is_one(
    tmp_path: Path,
) -> None:
    with_filled = cli.consumer_inputs(_consumer_json(tmp_path / "a-consumer.json", filled=True))
    assert with_filled["C_consumer"][0] == pytest.approx(40)
    assert with_filled["C_fetch"][0] == pytest.approx(2)
    assert with_filled["C_pg"][0] == pytest.approx(34.5)
    assert "on 10,000,000 facts" in with_filled["C_pg"][1]
    empty_only = cli.consumer_inputs(_consumer_json(tmp_path / "b-consumer.json", filled=False))
    assert empty_only["C_pg"][0] == pytest.approx(30)
    assert empty_only["C_consumer"][1] == "`bench/results/b-consumer.md`"


def test_consumer_results_without_pulse_say_what_is_missing(tmp_path: Path) -> None:
    path = tmp_path / "c-consumer.json"
    path.write_text(json.dumps({"summary": []}), encoding="utf-8")
    with pytest.raises(ScalingDocError, match="no 'Pulse, every aggregate' run"):
        cli.consumer_inputs(path)
    path.write_text("[1, 2", encoding="utf-8")
    with pytest.raises(ScalingDocError, match="not a consumer benchmark's JSON"):
        cli.consumer_inputs(path)


def test_write_replaces_the_inputs_and_the_derived_section_and_check_then_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = tmp_path / "scaling.md"
    doc.write_text(_table(WRITTEN), encoding="utf-8")
    assert cli.main(["--doc", str(doc), "--check"]) == 1
    assert "is stale" in capsys.readouterr().err
    results = _consumer_json(tmp_path / "d-consumer.json", filled=True)
    assert cli.main(["--doc", str(doc), "--consumer-results", str(results), "--write"]) == 0
    text = doc.read_text(encoding="utf-8")
    assert "| `C_pg` | 34.5 | µs | what | `bench/results/d-consumer.md`, Pulse, every" in text
    assert "cores_pg = R * C_pg / u = 100,000/s * 34.5 µs / 0.5 = 6.9 cores" in text
    assert cli.main(["--doc", str(doc), "--check"]) == 0


def test_a_missing_document_is_one_line_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["--doc", str(tmp_path / "nowhere.md")]) == 1
    assert capsys.readouterr().err.startswith(f"error: cannot read {tmp_path / 'nowhere.md'}")


def test_with_inputs_leaves_other_rows_alone() -> None:
    text = _table(WRITTEN)
    changed = with_inputs(text, {"RF": (2.0, "assumption")})
    assert "| `RF` | 2 |  | what | assumption |" in changed
    assert changed.replace("| `RF` | 2 |  | what | assumption |", "") == text.replace(
        "| `RF` | 3 |  | what | source |", ""
    )
