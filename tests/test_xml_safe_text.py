"""Characters XML 1.0 forbids (NUL, most C0 controls, lone surrogates, U+FFFE/FFFF) never reach
storage: a crawled title with a NUL must not make the Atom feed unreadable."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from conftest import crawl_with
from hypothesis import given
from hypothesis import strategies as st
from test_crawl_greenhouse_lever import DEMO, GH, GH_URL

from researchjobs.enrich.normalise import normalise
from researchjobs.posting import Posting

ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def test_a_nul_in_a_crawled_title_leaves_the_feed_well_formed(tmp_path: Path, home: Path) -> None:
    from test_digest_support import write_profile

    from researchjobs.config import paths
    from researchjobs.digest import build_feed, run_digests
    from researchjobs.matcher import run_matching
    from researchjobs.replay import Recordings
    from researchjobs.storage.db import open_db

    board = json.loads((DEMO / "greenhouse_harborviewresearch.json").read_text())
    job = board["jobs"][0]
    job["title"] = "Clinical Research\x00 Coordinator\x0b I"
    job["company_name"] = "Harborview\x1b Clinical Research"
    job["location"] = {"name": "Boston,\x08 MA"}
    job["content"] = job["content"] + "&lt;p&gt;Shift\x0c notes\x01&lt;/p&gt;"
    path = tmp_path / "board.json"
    path.write_text(json.dumps(board))
    recordings = Recordings()
    recordings.add({"url": GH_URL.format("harborviewresearch"), "file": str(path)})
    result = crawl_with(tmp_path, recordings, [GH], db_path=paths().ensure().db)
    assert result.runs[GH["id"]]["outcome"] == "ok"
    rows = result.postings(GH["id"])
    for row in rows:
        assert not any(ILLEGAL.search(v) for v in row.values() if isinstance(v, str)), row
    assert "Clinical Research Coordinator I" in {r["title"] for r in rows}
    profile = write_profile(home, "amina")
    db = open_db(paths().db)
    run_matching(db, profile)
    [digest] = run_digests(db, paths(), profiles=["amina"])
    assert digest.state == "sent" and digest.items
    feed = build_feed(db, "amina")
    db.conn.close()
    titles = [t.text for t in ET.fromstring(feed).iter("{http://www.w3.org/2005/Atom}title")]
    assert "Clinical Research Coordinator I — Harborview Clinical Research" in titles


TEXT = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=40)


@given(title=TEXT, employer=TEXT, location=TEXT, extra=TEXT)
def test_normalised_postings_hold_only_xml_legal_text(title: str, employer: str, location: str, extra: str) -> None:
    posting = Posting(source_family="greenhouse", source_id="greenhouse:t", source_job_id="1", title=title or "x",
                      url="https://job-boards.greenhouse.io/t/jobs/1", employer=employer, location_raw=location,
                      locations_raw=[location], description_html_raw=f"<p>{extra}</p>",
                      extra={"note": extra, "nested": [extra]})  # fmt: skip
    clean = normalise(posting)
    assert not [text for text in _strings(clean.to_dict()) if ILLEGAL.search(text)]


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for key, item in value.items() for s in _strings(key) + _strings(item)]
    if isinstance(value, list | tuple):
        return [s for item in value for s in _strings(item)]
    return []


def test_a_feed_built_from_rows_stored_before_the_cleaning_is_still_well_formed(home: Path) -> None:
    from test_digest_support import add_match, add_postings, write_profile

    from researchjobs.config import paths
    from researchjobs.digest import build_feed, run_digests
    from researchjobs.storage.db import open_db

    write_profile(home, "amina")
    db = open_db(paths().ensure().db)
    keys = add_postings(db, [{"id": "1", "title": "Clinical Research\x00 Coordinator I"}])  # stored raw
    add_match(db, "amina", keys["1"])
    run_digests(db, paths(), profiles=["amina"])
    feed = build_feed(db, "amina")
    db.conn.close()
    assert ET.fromstring(feed) is not None and "\x00" not in feed
