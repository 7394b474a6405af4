"""Write the demo's generated LCA file: researchjobs/data/demo/h1b/.

    python tests/data/h1b/make_demo_lca.py

Fictional filings by the demo's fictional employers (data/demo/sources.toml) in the real
FY2025 Q4 layout (98 columns), so ``researchjobs demo`` can show a sponsorship line
without a 100 MB download. Generated, not DOL data: the file name and the README say so.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from data.h1b.lca_files import EMPLOYERS, LCA_FY2025_Q2, OTHER_TITLES, RESEARCH_TITLES, lca_row, write_csv

TARGET = Path(__file__).resolve().parents[3] / "researchjobs" / "data" / "demo" / "h1b"
NAME = "LCA_Disclosure_Data_FY2025_Q4_GENERATED_DEMO.csv"

#: (employer index in EMPLOYERS, research filings, other filings): Lakeshore files many, Meridian
#: some, Bayou Trials a couple of non-research ones, Harborview none at all.
PLAN = [(0, 9, 32), (1, 6, 2), (2, 0, 2)]


def rows() -> list[list]:
    rng = random.Random(2025)
    out, n = [], 800_000
    for employer_index, research, other in PLAN:
        employer = EMPLOYERS[employer_index]
        for i in range(research + other):
            title = RESEARCH_TITLES[0 if i < 4 else i % len(RESEARCH_TITLES)] if i < research else OTHER_TITLES[i % len(OTHER_TITLES)]
            out.append(lca_row(LCA_FY2025_Q2, n, fy=2025, quarter=4, rng=rng, employer=employer, title=title,
                               status="Certified" if i % 10 else ("Certified" if i < research else "Withdrawn")))
            n += 1
    return out


def main() -> None:
    TARGET.mkdir(parents=True, exist_ok=True)
    write_csv(TARGET / NAME, LCA_FY2025_Q2, rows())
    print(TARGET / NAME)


if __name__ == "__main__":
    main()
