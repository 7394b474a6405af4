"""What the CLI says when it is given something odd: one line, no traceback, no markup surprises."""

from __future__ import annotations

from pathlib import Path

from test_cli_foundation import cli

from researchjobs import __version__


def test_version_flag_prints_the_version() -> None:
    result = cli("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"researchjobs {__version__}"
