"""Precision and recall of the employer-name linker on the labelled pairs, per threshold.

    python tests/data/linking/evaluate.py            # the tables in docs/linking.md

name_pairs.csv: one external name per row (as DOL, USCIS or a registry spells it), an
optional FEIN, and the employer it must link to — or nothing, when linking it to any of
our employers would be wrong. Our side is the source registry's employers as they were
when the pairs were labelled (registry_employers.txt, frozen: an expected link is only
right against the names it was judged on) plus our_employers.txt. A link to the wrong employer counts against precision (and recall).

facility_pairs.csv: research-site facility names as ClinicalTrials.gov lists them, linked
with ``link_facilities`` (placeholders, investigators, units and branches); our side adds
facility_employers.txt.
"""

from __future__ import annotations

import csv
import sys
from dataclasses import dataclass
from pathlib import Path

from researchjobs.linking import Linker, group_names, link_facilities, name_key

HERE = Path(__file__).resolve().parent


@dataclass
class Scores:
    threshold: float
    links: int
    correct: int
    positives: int
    wrong: list[tuple[str, str | None, str]]
    missed: list[tuple[str, str, str, float]]

    @property
    def precision(self) -> float:
        return self.correct / self.links if self.links else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.positives if self.positives else 1.0


def load_pairs(name: str = "name_pairs.csv") -> list[dict[str, str]]:
    with (HERE / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]  # fmt: skip


def our_names() -> tuple[list[str], list[str]]:
    return _lines(HERE / "registry_employers.txt"), _lines(HERE / "our_employers.txt")


def our_facility_names() -> tuple[list[str], list[str]]:
    registry, extra = our_names()
    return registry, extra + _lines(HERE / "facility_employers.txt")

def evaluate(threshold: float | None = None, *, facilities: bool = False) -> Scores:
    registry, extra = our_facility_names() if facilities else our_names()
    employers = group_names(extra, preferred=registry)
    linker = Linker(employers) if threshold is None else Linker(employers, threshold=threshold)
    pairs = load_pairs("facility_pairs.csv" if facilities else "name_pairs.csv")
    if facilities:
        links = link_facilities(linker, [p["external_name"] for p in pairs])
    else:
        links = linker.link_many([(p["external_name"], p["fein"] or None) for p in pairs])
    expected_key = {e.name: e.key for e in employers}
    made = correct = positives = 0
    wrong, missed = [], []
    for pair, link in zip(pairs, links, strict=True):
        want = pair["expected"].strip()
        want_key = expected_key.get(want) or (name_key(want) if want else None)
        positives += bool(want)
        if link.linked:
            made += 1
            if link.employer_key == want_key:
                correct += 1
            else:
                wrong.append((pair["external_name"], link.employer, want))
        elif want:
            missed.append((pair["external_name"], want, link.method, link.score))
    return Scores(linker.threshold, made, correct, positives, wrong, missed)


def main() -> None:
    for facilities, title in ((False, "employer names (name_pairs.csv)"), (True, "facility names (facility_pairs.csv)")):
        print(f"\n{title}\n\n| threshold | links | correct | precision | recall |")
        print("|---|---|---|---|---|")
        for threshold in (80, 84, 86, 88, 90, 92, 94, 96, 100.1):
            s = evaluate(threshold, facilities=facilities)
            print(f"| {threshold:g} | {s.links} | {s.correct} | {s.precision:.3f} | {s.recall:.3f} |")
        chosen = evaluate(facilities=facilities)
        pairs = len(load_pairs("facility_pairs.csv" if facilities else "name_pairs.csv"))
        print(f"\nchosen threshold {chosen.threshold:g}: precision {chosen.precision:.3f}, recall {chosen.recall:.3f}"
              f" ({chosen.correct} of {chosen.positives} positives, {pairs} pairs)")
        for name, got, want in chosen.wrong:
            print(f"  wrong: {name!r} -> {got!r} (want {want!r})")
        if "-v" in sys.argv:
            for name, want, method, score in chosen.missed:
                print(f"  missed: {name!r} (want {want!r}; {method} {score})")


if __name__ == "__main__":
    main()
