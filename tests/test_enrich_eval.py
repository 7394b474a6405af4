"""Accuracy of the enrichment extractors on a hand-labelled set of posting texts.

``tests/data/enrich_labelled.jsonl`` holds short clinical-research postings written for
this project (no copied text), each labelled by hand for every signal, including the
traps (EEO "citizenship status", "OPT welcome", study sponsors, "RN preferred",
non-clinical "research coordinator" and "data coordinator"). The test prints precision
and recall per signal and fails when a floor the product relies on is missed.

Rows without a ``split`` ("dev", 192) were written first and used while writing the
extractors. Two batches were written afterwards and scored once before any change:
"holdout" (38 rows) first scored explicit_no P/R 1.00/1.00, role family 0.97, experience
exact 0.95, licence precision 0.33 (two false positives); "holdout2" (30 rows) scored
explicit_no P/R 1.00/0.83, role family 0.97, experience exact 0.80, licence precision
1.00, "possible" recall 0.25. The gaps they exposed were then fixed as general rules, so
today's figures on them are no longer independent: expect new text to score somewhere
between those first figures and the table printed here.

Run ``python tests/test_enrich_eval.py [-v]`` to print the table (and the mismatches).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from researchjobs.enrich.facts import JSON_LIST_COLUMNS, extract_facts
from researchjobs.posting import Posting

DATA = Path(__file__).parent / "data" / "enrich_labelled.jsonl"

FLOORS = {
    "visa explicit_no precision": 0.95,
    "visa explicit_no recall": 0.90,
    "role family accuracy": 0.90,
    "experience required exact": 0.90,
    "licence precision": 0.95,
}


def load_rows() -> list[dict[str, Any]]:
    with DATA.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def predict(row: dict[str, Any]) -> dict[str, Any]:
    posting = Posting(
        source_family="labelled",
        source_id="labelled:set",
        source_job_id=row["id"],
        title=row["title"],
        url=f"https://example.org/jobs/{row['id']}",
        employer=row.get("employer"),
        employer_type=row.get("employer_type"),
        location_raw=row.get("location_raw"),
        description=row["text"],
    )
    facts = extract_facts(posting)
    for name in JSON_LIST_COLUMNS:
        facts[name] = json.loads(facts[name])
    return facts


@dataclass
class Binary:
    """Counts for one positive class."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, truth: bool, guess: bool, row_id: str) -> None:
        if truth and guess:
            self.tp += 1
        elif guess:
            self.fp += 1
            self.misses.append(f"{row_id}: false positive")
        elif truth:
            self.fn += 1
            self.misses.append(f"{row_id}: missed")

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class Exact:
    """Exact-match accuracy."""

    right: int = 0
    total: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, truth: Any, guess: Any, row_id: str) -> None:
        self.total += 1
        if truth == guess:
            self.right += 1
        else:
            self.misses.append(f"{row_id}: want {truth!r}, got {guess!r}")

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 1.0


@dataclass
class SetScore:
    """Micro precision / recall over list-valued facts."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, truth: Iterable[str], guess: Iterable[str], row_id: str) -> None:
        want, got = set(truth), set(guess)
        self.tp += len(want & got)
        self.fp += len(got - want)
        self.fn += len(want - got)
        if want != got:
            self.misses.append(f"{row_id}: want {sorted(want)}, got {sorted(got)}")

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def evaluate(rows: list[dict[str, Any]], predictions: dict[str, dict[str, Any]] | None = None
             ) -> tuple[dict[str, float], dict[str, list[str]], str]:
    visa_no, visa_yes = Binary(), Binary()
    licence, citizenship, clearance = Binary(), Binary(), Binary()
    md_yes = Binary()
    family, level = Exact(), Exact()
    exp_req, exp_pref, degree, md, remote, salary, cap = (Exact() for _ in range(7))
    certs_req, certs_pref, languages = SetScore(), SetScore(), SetScore()
    for row in rows:
        want = row["labels"]
        got = predictions[row["id"]] if predictions else predict(row)
        rid = row["id"]
        visa_no.add(want["visa"] == "explicit_no", got["visa"] == "explicit_no", rid)
        visa_yes.add(want["visa"] == "possible", got["visa"] == "possible", rid)
        licence.add(bool(want["licence_required"]), bool(got["licence_required"]), rid)
        citizenship.add(bool(want["citizenship_required"]), bool(got["citizenship_required"]),
                        rid)
        clearance.add(bool(want["clearance_required"]), bool(got["clearance_required"]), rid)
        md_yes.add(want["md_accepted"] == 1, got["md_accepted"] == 1, rid)
        family.add(want["role_family"], got["role_family"], rid)
        level.add(want["role_level"], got["role_level"], rid)
        exp_req.add(want["experience_required_months"], got["experience_required_months"], rid)
        exp_pref.add(want["experience_preferred_months"], got["experience_preferred_months"],
                     rid)
        degree.add(want["degree_min"], got["degree_min"], rid)
        md.add(want["md_accepted"], got["md_accepted"], rid)
        remote.add(want["remote"], got["remote"], rid)
        got_salary = None
        if got["salary_min"] is not None or got["salary_max"] is not None:
            got_salary = {"min": got["salary_min"], "max": got["salary_max"],
                          "period": got["salary_period"]}
        salary.add(want["salary"], got_salary, rid)
        if "cap_exempt" in want:
            cap.add(want["cap_exempt"], got["cap_exempt"], rid)
        certs_req.add(want["certifications_required"], got["certifications_required"], rid)
        certs_pref.add(want["certifications_preferred"], got["certifications_preferred"], rid)
        languages.add(want["languages"], got["languages"], rid)

    scores = {
        "visa explicit_no precision": visa_no.precision,
        "visa explicit_no recall": visa_no.recall,
        "visa possible precision": visa_yes.precision,
        "visa possible recall": visa_yes.recall,
        "citizenship precision": citizenship.precision,
        "citizenship recall": citizenship.recall,
        "clearance precision": clearance.precision,
        "clearance recall": clearance.recall,
        "role family accuracy": family.accuracy,
        "role level accuracy": level.accuracy,
        "experience required exact": exp_req.accuracy,
        "experience preferred exact": exp_pref.accuracy,
        "degree floor accuracy": degree.accuracy,
        "md_accepted accuracy": md.accuracy,
        "md_accepted=1 precision": md_yes.precision,
        "md_accepted=1 recall": md_yes.recall,
        "licence precision": licence.precision,
        "licence recall": licence.recall,
        "certifications required precision": certs_req.precision,
        "certifications required recall": certs_req.recall,
        "certifications preferred precision": certs_pref.precision,
        "certifications preferred recall": certs_pref.recall,
        "languages precision": languages.precision,
        "languages recall": languages.recall,
        "salary exact": salary.accuracy,
        "remote accuracy": remote.accuracy,
        "cap_exempt accuracy": cap.accuracy,
    }
    misses = {
        "visa explicit_no": visa_no.misses, "visa possible": visa_yes.misses,
        "citizenship": citizenship.misses, "clearance": clearance.misses,
        "role family": family.misses, "role level": level.misses,
        "experience required": exp_req.misses, "experience preferred": exp_pref.misses,
        "degree": degree.misses, "md_accepted": md.misses, "licence": licence.misses,
        "certifications required": certs_req.misses,
        "certifications preferred": certs_pref.misses, "languages": languages.misses,
        "salary": salary.misses, "remote": remote.misses, "cap_exempt": cap.misses,
    }
    width = max(len(name) for name in scores)
    lines = [f"enrichment eval on {len(rows)} labelled postings"]
    for name, value in scores.items():
        floor = FLOORS.get(name)
        mark = f"  (floor {floor:.2f})" if floor is not None else ""
        lines.append(f"  {name:<{width}}  {value:6.3f}{mark}")
    return scores, misses, "\n".join(lines)


def split_lines(rows: list[dict[str, Any]], predictions: dict[str, dict[str, Any]]) -> str:
    """Floor metrics per split: "dev" rows were used while writing the extractors; the
    "holdout" batches were written afterwards and first scored before any change."""
    lines = []
    for split in sorted({row.get("split", "dev") for row in rows}):
        subset = [row for row in rows if row.get("split", "dev") == split]
        scores = evaluate(subset, predictions)[0]
        cells = ", ".join(f"{name} {scores[name]:.3f}" for name in FLOORS)
        lines.append(f"  [{split}, n={len(subset)}] {cells}")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def evaluation() -> tuple[dict[str, float], dict[str, list[str]], str]:
    rows = load_rows()
    predictions = {row["id"]: predict(row) for row in rows}
    scores, misses, table = evaluate(rows, predictions)
    return scores, misses, table + "\n" + split_lines(rows, predictions)


def test_labelled_set_is_big_enough_and_well_formed() -> None:
    rows = load_rows()
    assert len(rows) >= 150
    assert len({row["id"] for row in rows}) == len(rows)
    visas = [row["labels"]["visa"] for row in rows]
    assert visas.count("explicit_no") >= 30 and visas.count("possible") >= 10
    assert sum(row["labels"]["licence_required"] for row in rows) >= 10


def test_floors(evaluation: tuple[dict[str, float], dict[str, list[str]], str],
                capsys: pytest.CaptureFixture[str]) -> None:
    scores, misses, table = evaluation
    with capsys.disabled():
        print("\n" + table)
    failed = {name: scores[name] for name, floor in FLOORS.items() if scores[name] < floor}
    assert not failed, (failed, {k: v for k, v in misses.items() if v})


if __name__ == "__main__":
    all_rows = load_rows()
    all_predictions = {row["id"]: predict(row) for row in all_rows}
    result_scores, result_misses, result_table = evaluate(all_rows, all_predictions)
    print(result_table)
    print(split_lines(all_rows, all_predictions))
    if "-v" in sys.argv:
        for signal, items in result_misses.items():
            for item in items:
                print(f"  [{signal}] {item}")
