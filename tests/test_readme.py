"""The README documents every command and option the CLI has (Datasette's habit: docs that cannot drift)."""

from pathlib import Path

import click
import pytest

from crawler.cli import main

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_readme_starts_with_the_two_setup_commands():
    head = README[:1500]
    assert "make demo" in head and "make test" in head


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_command_and_option_is_documented(name):
    command = main.commands[name]
    assert f"linkverifier {name}" in README or f"`{name}`" in README
    for parameter in command.params:
        if isinstance(parameter, click.Option):
            assert any(opt in README for opt in parameter.opts), f"{name} {parameter.opts} is not in README.md"


def test_the_cli_reference_is_the_programs_own_help():
    from tests.cli_reference import README, reference, section

    assert section(README.read_text(encoding="utf-8")) == reference(), "run python -m tests.cli_reference"
