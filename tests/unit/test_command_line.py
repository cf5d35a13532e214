"""The command line people expect: every option of the consumer explains itself, names
its environment variable and default, and a .env file in the working directory is read
(the environment wins over it, a flag over both)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from consumer.cli import build_parser
from producer.cli import build_parser as build_producer_parser
from pulse.settings import Settings, load_settings


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _options(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    return [a for a in parser._actions if a.option_strings and a.dest != "help"]


@pytest.mark.parametrize("command", ["run", "migrate", "reconcile"])
def test_every_consumer_option_has_help(command: str) -> None:
    parser = _subcommands(build_parser())[command]
    options = _options(parser)
    assert options
    for action in options:
        assert action.help, f"{command} {action.option_strings[0]} has no help text"
        if action.dest in Settings.model_fields:
            assert f"env {action.dest.upper()}" in action.help
            assert "default:" in action.help


def test_secrets_are_never_shown_as_defaults() -> None:
    run = _subcommands(build_parser())["run"]
    url = next(a for a in _options(run) if a.dest == "database_url")
    assert url.help is not None
    assert "pulse:pulse" not in url.help
    assert "default: the local stack's" in url.help


def test_the_producer_validation_limits_name_their_settings() -> None:
    options = {a.dest: a for a in _options(build_producer_parser())}
    help_text = options["late_horizon_days"].help or ""
    assert "env LATE_HORIZON_DAYS" in help_text


def test_a_dotenv_file_is_read_and_the_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KAFKA_TOPIC", raising=False)
    monkeypatch.delenv("KAFKA_GROUP_ID", raising=False)
    (tmp_path / ".env").write_text("KAFKA_TOPIC=from.dotenv\nKAFKA_GROUP_ID=dotenv-group\n")
    assert Settings().kafka_topic == "from.dotenv"
    monkeypatch.setenv("KAFKA_GROUP_ID", "from-env")
    settings = load_settings(kafka_topic="from.flag")
    assert (settings.kafka_topic, settings.kafka_group_id) == ("from.flag", "from-env")


def test_a_bad_value_in_dotenv_is_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BATCH_MAX_RECORDS", raising=False)
    (tmp_path / ".env").write_text("BATCH_MAX_RECORDS=many\n")
    with pytest.raises(ValueError, match="BATCH_MAX_RECORDS"):
        load_settings()
