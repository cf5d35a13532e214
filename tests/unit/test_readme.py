"""The README's promises that can drift: every setting is documented with its default."""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr

from pulse.settings import Settings

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_in_the_configuration_table_with_its_default() -> None:
    for name, field in Settings.model_fields.items():
        default = field.default
        shown = default.get_secret_value() if isinstance(default, SecretStr) else default
        assert f"| `{name.upper()}` | `{shown}` |" in README, name


def test_quickstart_is_exactly_two_commands() -> None:
    quickstart = README.split("## Quickstart", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in quickstart.strip().splitlines()]
    assert commands == ["make demo", "make test"]
