"""The CLI boundary: one-line errors with exit code 1, and the status table."""

from __future__ import annotations

import pytest

from stack.__main__ import main
from stack.service import ServiceStatus, State, render_table


def test_a_config_error_is_one_line_and_exit_code_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "kafka.example.com:9092")
    assert main(["status"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: KAFKA_BOOTSTRAP_SERVERS points at kafka.example.com")
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_unknown_service_for_logs_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["logs", "zookeeper"])
    assert exit_info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_status_table_is_aligned() -> None:
    table = render_table(
        [
            ServiceStatus("kafka", State.HEALTHY, 123, "127.0.0.1:9092"),
            ServiceStatus("prometheus", State.NOT_OURS, None, "127.0.0.1:9090", "port held"),
        ]
    )
    header, kafka, prom = table.splitlines()
    assert header.split() == ["SERVICE", "STATE", "PID", "ADDRESS", "NOTE"]
    assert kafka.split() == ["kafka", "healthy", "123", "127.0.0.1:9092"]
    assert prom.startswith("prometheus  not ours  -  ")
    assert header.index("STATE") == kafka.index("healthy") == prom.index("not ours")
