"""Board identifiers (board, site, tenant, company, ...) are checked at load and in `sources add`:
a value that could step out of the API path, add a query, or fill memory is refused with file:line."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import write_registry
from hypothesis import given
from hypothesis import strategies as st
from test_cli_foundation import cli

from researchjobs.sources import load_registry, parse_entry

BAD = ["..", "a/../b", "x/y", "board?x=1", "board#frag", "two words", "tab\there", "nul\x00", "a" * 100_000, "-lead",
       "a..b", ""]  # fmt: skip
GOOD = ["headlandsresearch", "Harvard_Careers", "CX_1", "veeva-systems", "UniversityofMiami1", "en-US", "a.b"]


def entry(**params: object) -> dict:
    return {"id": "greenhouse:x", "family": "greenhouse", "employer": "Harborview Clinical Research",
            "board": "harborviewresearch", **params}  # fmt: skip


@pytest.mark.parametrize("value", BAD)
def test_bad_identifiers_are_refused(value: str) -> None:
    with pytest.raises(ValueError, match="board"):
        parse_entry(entry(board=value))


@pytest.mark.parametrize("value", GOOD)
def test_real_identifiers_pass(value: str) -> None:
    assert parse_entry(entry(board=value)).params["board"] == value


@pytest.mark.parametrize("name", ["site", "tenant", "company", "account", "client", "cid", "namespace"])
def test_every_identifier_param_name_is_checked_whatever_the_family(name: str) -> None:
    with pytest.raises(ValueError, match=name):
        parse_entry(entry(**{name: "../../admin"}))
    assert parse_entry(entry(**{name: "research-board_2"})).params[name] == "research-board_2"
    assert parse_entry(entry(**{name: 20451})).params[name] == 20451  # a numeric id is an identifier too


def test_other_params_are_left_to_their_family() -> None:
    source = parse_entry(entry(department="Clinical Research Office", job_pattern=r"/jobs/\d+", page_size=50))
    assert source.params["department"] == "Clinical Research Office"


def test_a_hand_written_registry_names_file_and_line(home: Path) -> None:
    path = write_registry(home / "sources.toml", [entry(), entry(id="greenhouse:y", board="../../v1/admin")])
    registry = load_registry(path)
    assert list(registry.sources) == ["greenhouse:x"]
    [error] = registry.errors
    assert str(error).startswith(f"{path}:7: source greenhouse:y: board '../../v1/admin' is not")


def test_sources_add_refuses_a_bad_identifier_in_one_line(home: Path) -> None:
    result = cli("sources", "add", "https://boards.greenhouse.io/..", "--employer", "Harborview")
    assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "board '..' is not" in result.stderr
    assert not (home / "sources.toml").exists()


def test_source_ids_are_capped() -> None:
    with pytest.raises(ValueError, match="id"):
        parse_entry(entry(id="greenhouse:" + "a" * 100_000))


@given(st.text(max_size=300))
def test_any_identifier_text_is_accepted_or_refused_with_a_reason(value: str) -> None:
    try:
        source = parse_entry(entry(board=value))
    except ValueError as exc:
        assert "board" in str(exc) and len(str(exc)) < 400
        return
    board = source.params["board"]
    assert board == value and 0 < len(board) <= 100
    assert not set(board) & set("/?#% \t\r\n\\") and ".." not in board
