"""Facility names in the linker: placeholders, investigators, units and branches, and the
labelled facility pairs (precision first: a wrong link is worse than none)."""

from __future__ import annotations

import pytest
from data.linking.evaluate import evaluate, load_pairs
from hypothesis import given, settings
from hypothesis import strategies as st

from researchjobs.linking import (
    Employer,
    Linker,
    facility_kind,
    link_facilities,
    parent_name,
    placeholder_reason,
)
from researchjobs.linking.dataset import link_facility_dataset
from researchjobs.storage import links as store
from researchjobs.storage.db import open_db


@pytest.mark.parametrize("name, reason", [
    ("Research Site", "a generic site label"),
    ("Clinical Research Site 0123", "a generic site label"),
    ("Investigational Site Number 8400012", "a generic site label"),
    ("Site 840-001", "a generic site label"),
    ("Local Institution - 0012", "a generic site label"),
    ("Novartis Investigative Site", "a sponsor's label for an unnamed site"),
    ("For additional information regarding investigative sites for this trial, contact 1-877-CTLILLY",
     "a message, not a name"),
    ("US-0042", "an identifier, not a name"),
    ("Boston Clinical Research Center", None),
    ("Katmai Oncology Group", None),
    ("Site Public Contact", None),
    ("Location 2 Pediatric Associates", None),
])  # fmt: skip
def test_placeholders(name: str, reason: str | None) -> None:
    assert placeholder_reason(name) == reason


@pytest.mark.parametrize("name, kind", [
    ("Aisha Rahman, MD", "investigator"), ("Dr. Tomasz Nowak", "investigator"), ("Jane Doe, M.D., P.A.", "investigator"),
    ("John Smith MD", "investigator"), ("Smith Cardiology Associates, MD", "organisation"),
    ("MD Anderson Cancer Center", "organisation"), ("Dr Reddys Laboratories", "organisation"),
    ("Research Site", "placeholder"),
])  # fmt: skip
def test_kinds(name: str, kind: str) -> None:
    assert facility_kind(name) == kind


def test_investigators_link_only_by_identical_names_and_units_through_their_organisation() -> None:
    linker = Linker([Employer("aisha rahman md", "Aisha Rahman, MD", names=("Aisha Rahman, MD",)),
                     Employer("dana farber cancer institute", "Dana-Farber Cancer Institute"),
                     Employer("boston medical center", "Boston Medical Center")])  # fmt: skip
    links = link_facilities(linker, ["AISHA RAHMAN MD", "Aisha Rahmann, MD", "Research Site",
                                     "Dana-Farber Cancer Institute at Boston Medical Center - Brighton"])  # fmt: skip
    same, typo, placeholder, unit = links
    assert same.linked and same.method == "exact"
    assert not typo.linked and typo.employer_key is None  # people's names: no fuzzy links
    assert placeholder.method == "placeholder" and not placeholder.linked
    assert unit.linked and unit.employer == "Dana-Farber Cancer Institute" and unit.method == "parent_exact"
    assert unit.name == "Dana-Farber Cancer Institute at Boston Medical Center - Brighton"


def test_parent_names() -> None:
    assert parent_name("Henry Ford Cancer Institute-Downriver") == "Henry Ford Cancer Institute"
    assert parent_name("Care Access - Boston") == "Care Access"
    assert parent_name("Mayo Clinic in Florida") == "Mayo Clinic"
    assert parent_name("Banner University Medical Center - Tucson") == "Banner University Medical Center"
    assert parent_name("University of Michigan - Flint") is None  # a campus is another employer
    assert parent_name("University of Texas at Austin") is None
    assert parent_name("Dana-Farber Cancer Institute") is None
    assert parent_name("Memorial Hermann-Texas Medical Center") is None


def test_link_facility_dataset_stores_links_like_link_dataset(tmp_path) -> None:
    db = open_db(tmp_path / "links.db")
    names = ["Harborview Clinical Research - Lawrence", "Research Site", "Harborview Medical Center"]
    summary = link_facility_dataset(db, "ctgov", names, [("Harborview Clinical Research", "site_network")])
    assert summary.by_status == {"linked": 1, "none": 2} and summary.by_method["parent_exact"] == 1
    assert "parent_exact 1" in summary.describe() and "placeholder" not in summary.describe()
    key = store.employer_key_for(db, "Harborview Clinical Research")
    assert store.linked_external_keys(db, "ctgov", key) == ["harborview clinical research lawrence"]


def test_labelled_facility_pairs_precision_and_recall(capsys: pytest.CaptureFixture[str]) -> None:
    """On ClinicalTrials.gov facility names: no wrong link at the chosen threshold."""
    pairs = load_pairs("facility_pairs.csv")
    assert len(pairs) >= 100 and sum(1 for p in pairs if not p["expected"]) >= 40
    scores = evaluate(facilities=True)
    with capsys.disabled():
        print(f"\nlinker on {len(pairs)} labelled facility pairs at threshold {scores.threshold:g}: "
              f"precision {scores.precision:.3f}, recall {scores.recall:.3f}")
    assert scores.precision == 1.0, scores.wrong
    assert scores.recall >= 0.80, scores.missed


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_facility_rules_never_raise(text: str) -> None:
    assert facility_kind(text) in ("organisation", "investigator", "placeholder")
    parent = parent_name(text)
    assert parent is None or (parent and parent in " ".join(text.split()))


def test_facilities_link_to_employers_that_only_postings_name(tmp_path) -> None:
    from test_digest_support import add_postings

    db = open_db(tmp_path / "links.db")
    add_postings(db, [{"id": "1", "employer": "Back Bay Dermatology Research", "source": "lever:backbayderm"}])
    summary = link_facility_dataset(db, "ctgov", ["Back Bay Dermatology Research", "Back Bay Skin Institute"],
                                    [("Harborview Clinical Research", "site_network")])  # fmt: skip
    assert summary.by_status == {"linked": 1, "none": 1}
    key = store.employer_key_for(db, "Back Bay Dermatology Research")
    assert store.linked_external_keys(db, "ctgov", key) == ["back bay dermatology research"]
    assert store.employer(db, key)["in_registry"] == 0
