"""What the CLI says when it is given something odd: one line, no traceback, no markup surprises."""

from __future__ import annotations

from pathlib import Path

from test_cli_foundation import cli

from researchjobs import __version__


def test_version_flag_prints_the_version() -> None:
    result = cli("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"researchjobs {__version__}"


def _one_line_error(result, *needles: str) -> None:
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and "MarkupError" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


def test_square_brackets_in_arguments_are_text_not_markup(home: Path) -> None:
    _one_line_error(cli("crawl", "[/x]"), "unknown source '[/x]'")
    _one_line_error(cli("show", "[/x]"), "[/x]")
    _one_line_error(cli("profile", "check", "[/x]"), "'[/x]' cannot be a profile name")


def test_square_brackets_in_files_are_shown_as_they_are(home: Path) -> None:
    (home / "sources.toml").write_text(
        '[[source]]\nid = "[/x]"\nfamily = "greenhouse"\nemployer = "Bracket Research"\nboard = "b"\n'
    )
    listed = cli("sources", "list")
    assert listed.returncode == 0 and "MarkupError" not in listed.stderr
    assert "source [/x]: id must look like" in listed.stderr
    profiles = home / "profiles"
    profiles.mkdir()
    (profiles / "[bold]x.toml").write_text('roles = ["crc"]\nwork_authorization = "needs_h1b"\n')
    checked = cli("profile", "check")
    assert checked.returncode == 1 and "[bold]x.toml" in checked.stderr


def test_intervals_out_of_bounds_are_refused_with_the_allowed_range(home: Path) -> None:
    import pytest

    from researchjobs.config import ConfigError, load_settings

    settings_file = home / "config.toml"
    for text, name in [
        ("[crawl]\ninterval_hours = 1e300\n", "crawl.interval_hours"),
        ("[crawl]\ninterval_hours = 1e-12\n", "crawl.interval_hours"),
        ("[crawl]\ninterval_hours = nan\n", "crawl.interval_hours"),
        ('[crawl]\noverrides = { workday = 0.001 }\n', "crawl.overrides.workday"),
        ("[digest]\ntick_minutes = 1e-9\n", "digest.tick_minutes"),
        ("[digest]\ntick_minutes = inf\n", "digest.tick_minutes"),
    ]:
        settings_file.write_text(text)
        with pytest.raises(ConfigError, match=rf"{name} must be between"):
            load_settings(settings_file)
    settings_file.write_text("[crawl]\ninterval_hours = 1e300\n")
    _one_line_error(cli("status"), "config.toml", "crawl.interval_hours must be between 1 and 8760 hours")
    settings_file.write_text("[crawl]\ninterval_hours = 1\n[digest]\ntick_minutes = 1\n")
    assert load_settings(settings_file).crawl_interval_hours == 1.0


def test_filter_help_lists_real_choices() -> None:
    from researchjobs.storage.queries import VISA_CLAUSES

    text = " ".join(cli("jobs", "--help").stdout.split())
    visa = text.split("--visa", 1)[1].split("--cap-exempt", 1)[0]
    assert all(choice in visa for choice in VISA_CLAUSES), visa
    types = text.split("--employer-type", 1)[1].split("--profile", 1)[0]
    named = {word.strip(".,:;") for word in types.replace(",", " ").split() if "_" in word or word.islower()}
    assert "hospital" not in named and "university" in named and "health_system" in named, types


def test_a_very_long_search_is_refused_quickly(home: Path) -> None:
    import time

    from researchjobs.config import paths
    from researchjobs.storage.db import open_db

    open_db(paths().ensure().db).conn.close()
    started = time.monotonic()
    result = cli("jobs", "--q", " ".join(["coordinator"] * 10_000))
    assert time.monotonic() - started < 20
    _one_line_error(result, "--q")
    ok = cli("jobs", "--q", "clinical research coordinator oncology")
    assert ok.returncode == 0, ok.stderr
