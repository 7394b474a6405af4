"""What a digest says: selection, order, badges, the message's shape, and inert hostile input."""

from __future__ import annotations

import threading
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from test_digest_support import add_match, add_postings, html_part, outbox_messages, text_part, write_profile

from researchjobs.config import paths
from researchjobs.digest import build_feed, feed_path, run_digests
from researchjobs.digest.select import location_text, salary_text
from researchjobs.storage.db import open_db

NOW = datetime(2026, 11, 2, 14, 0, tzinfo=UTC)  # 09:00 in New York
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def db(home: Path):
    database = open_db(paths().ensure().db)
    yield database
    database.conn.close()


class TagAudit(HTMLParser):
    """Collects what a browser or mail client would act on."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.hrefs: list[str] = []
        self.handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(name)
            if name in ("href", "src", "action") and value is not None:
                self.hrefs.append(value)


def audit(html: str) -> TagAudit:
    parser = TagAudit()
    parser.feed(html)
    return parser


def assert_inert(html: str) -> None:
    found = audit(html)
    assert not {"script", "img", "iframe", "object", "svg", "form"} & set(found.tags), found.tags
    assert not found.handlers
    assert all(h.startswith(("https://", "http://", "mailto:")) for h in found.hrefs), found.hrefs


def test_digest_orders_eligible_first_with_badges_reasons_and_footer(home: Path, db) -> None:
    profile = write_profile(home, "amina", us_research_months=0)
    keys = add_postings(db, [
        {"id": "1", "title": "Clinical Research Coordinator I", "salary_min": 52000, "salary_max": 60000,
         "salary_period": "year", "cap_exempt": "likely", "visa": "possible", "date_published": "2026-10-30T00:00:00Z",
         "languages": '["English", "Spanish"]', "certifications_required": '["CCRP"]'},
        {"id": "2", "title": "Research Assistant", "remote": "remote", "city": None, "state": None, "visa": "explicit_no"},
        {"id": "3", "title": "Clinical Research Coordinator II", "experience_required_months": 24},
    ])  # fmt: skip
    add_match(db, "amina", keys["1"], score=70, reasons=["+ entry-level CRC", "− requires CCRP"])
    add_match(db, "amina", keys["2"], score=95, eligible=False,
              gates=[{"gate": "sponsorship", "reason": "will not sponsor a visa; you need an H-1B"}])  # fmt: skip
    add_match(db, "amina", keys["3"], score=88, reasons=["− asks 24 months' experience, you have 0"])
    [result] = run_digests(db, paths(), now=NOW)
    assert (result.state, result.items, result.eligible, result.kind) == ("sent", 3, 2, "manual")
    [message] = outbox_messages(paths().outbox)
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    assert message["Message-ID"] == result.message_id
    assert message["To"] == "amina@example.org"
    assert message["List-Unsubscribe"].startswith("<mailto:")
    assert "List-Unsubscribe-Post" not in message  # one-click needs an https endpoint (RFC 8058)
    assert message["Subject"] == "3 new research jobs for amina: 2 open to you (2026-11-02)"
    text = text_part(message)
    # eligible first (88 before 70), then the one a gate rules out, though it scores 95
    order = [
        text.index(t)
        for t in (
            "Clinical Research Coordinator II",
            "Clinical Research Coordinator I\n",
            "Research Assistant",
        )
    ]
    assert order == sorted(order)
    assert "$52,000–$60,000 a year" in text and "posted 2026-10-30" in text
    assert "likely cap-exempt employer" in text and "visa sponsorship possible" in text
    assert (
        "certification needed: CCRP" in text
        and "language: Spanish" in text
        and "language: English" not in text
    )
    assert "experience gap: asks 24 months, you have 0" in text
    assert "no visa sponsorship" in text and "Not open to you as posted: will not sponsor a visa" in text
    assert "Remote" in text and "+ entry-level CRC" in text
    assert str(profile.path) in text and "researchjobs profile show amina" in text
    assert "https://job-boards.greenhouse.io/harborviewresearch/jobs/1" in text
    html = html_part(message)
    assert "Open to you (2)" in html and "Worth a look" in html
    assert_inert(html)


def test_never_the_same_job_twice_across_reposts_and_sources(home: Path, db) -> None:
    write_profile(home, "amina")
    keys = add_postings(db, [
        {"id": "10", "cluster": "c-crc"},
        {"id": "11", "cluster": "c-crc", "source": "lever:lakeshorehealth"},  # the same job on another board
        {"id": "12"},
    ])  # fmt: skip
    for key in keys.values():
        add_match(db, "amina", key)
    first = run_digests(db, paths(), now=NOW)
    assert first[0].items == 2  # one of the two cluster members, plus job 12
    again = run_digests(db, paths(), now=NOW)
    assert again[0].state == "nothing"
    # re-posted under a new id, dedupe puts it in the sent cluster: still not sent
    repost = add_postings(
        db, [{"id": "13", "cluster": "c-crc", "title": "Clinical Research Coordinator I (re-posted)"}]
    )
    add_match(db, "amina", repost["13"], matched_at="2026-11-03T00:00:00Z")
    # and a posting whose cluster was later merged into one already sent
    merged = add_postings(db, [{"id": "14", "cluster": keys["12"]}])
    add_match(db, "amina", merged["14"], matched_at="2026-11-03T00:00:00Z")
    assert run_digests(db, paths(), now=NOW)[0].state == "nothing"
    fresh = add_postings(db, [{"id": "15"}])
    add_match(db, "amina", fresh["15"], matched_at="2026-11-03T00:00:00Z")
    [result] = run_digests(db, paths(), now=NOW)
    assert result.items == 1
    sent = [r["posting_key"] for r in db.query("SELECT posting_key FROM digest_items ORDER BY rowid")]
    assert len(sent) == len(set(sent)) == 3


def test_closed_postings_and_limits(home: Path, db) -> None:
    write_profile(home, "amina")
    (home / "config.toml").write_text("[digest]\nmax_items = 3\nmax_not_open = 1\n")
    keys = add_postings(db, [{"id": str(i)} for i in range(8)])
    for i, key in enumerate(keys.values()):
        add_match(db, "amina", key, score=90 - i, eligible=i < 5)
    db.conn.execute("UPDATE postings SET closed_at = '2026-11-01T13:00:00Z' WHERE key = ?", [keys["0"]])
    [first] = run_digests(db, paths(), now=NOW)
    assert (first.items, first.eligible) == (3, 3)  # jobs 1, 2, 3; 0 is closed; the open ones come first
    [message] = outbox_messages(paths().outbox)
    assert "1 more open to you wait for the next digest" in text_part(message)
    [second] = run_digests(db, paths(), now=NOW)
    assert (second.items, second.eligible) == (1, 1)  # job 4; the others were news before the first digest
    for key in (keys["5"], keys["6"], keys["7"]):  # their match changed in substance since
        add_match(db, "amina", key, eligible=False, matched_at="2026-11-03T00:00:00Z")
    [third] = run_digests(db, paths(), now=NOW)
    assert (third.items, third.eligible) == (1, 0)  # at most one that a requirement rules out


def test_concurrent_runs_neither_split_nor_duplicate_a_digest(home: Path, db) -> None:
    write_profile(home, "amina")
    keys = add_postings(db, [{"id": str(i)} for i in range(6)])
    for key in keys.values():
        add_match(db, "amina", key)
    results: list = []
    start = threading.Barrier(3)

    def run() -> None:
        own = open_db(paths().db)  # one connection per thread, as two processes would have
        start.wait()
        results.extend(run_digests(own, paths(), now=NOW))
        own.conn.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    states = sorted(r.state for r in results)
    assert states.count("sent") == 1 and set(states) <= {"nothing", "busy", "sent"}
    assert [r.items for r in results if r.state == "sent"] == [6]
    assert len(list(paths().outbox.glob("*.eml"))) == 1


def test_empty_day_skip_or_note(home: Path, db) -> None:
    write_profile(home, "quiet", digest_when_empty="skip")
    write_profile(home, "noted", digest_when_empty="note")
    results = {r.profile: r for r in run_digests(db, paths(), now=NOW)}
    assert results["quiet"].state == "nothing" and results["noted"].state == "sent"
    [note] = outbox_messages(paths().outbox)
    assert note["Subject"] == "No new research jobs for noted (2026-11-02)"
    assert "No new matching jobs" in text_part(note)
    # one note a day, not one per run
    results = {r.profile: r for r in run_digests(db, paths(), now=NOW)}
    assert results["noted"].state == "nothing"


def test_dry_run_records_and_writes_nothing(home: Path, db) -> None:
    write_profile(home, "amina")
    keys = add_postings(db, [{"id": "1"}])
    add_match(db, "amina", keys["1"])
    [result] = run_digests(db, paths(), dry_run=True, now=NOW)
    assert result.state == "dry-run" and result.items == 1
    assert "Clinical Research Coordinator I" in (result.preview or "")
    assert db.conn.execute("SELECT COUNT(*) FROM digests").fetchone()[0] == 0
    assert not list(paths().outbox.glob("*")) and not feed_path(paths(), "amina").exists()


XSS_TITLE = '<script>alert("t")</script>CRC <img src=x onerror=alert(1)>'
XSS_EMPLOYER = '"><svg onload=alert(2)>Evil & Sons'
XSS_DESCRIPTION = (
    '<p>Coordinate trials.<script>steal()</script><a href="javascript:alert(3)">apply</a>'
    '<img src="https://tracker.example/p.gif" onerror="x()"><iframe src="https://evil.example"></iframe></p>'
)


def test_hostile_postings_arrive_inert_in_email_outbox_and_feed(home: Path, db) -> None:
    write_profile(home, "amina")
    keys = add_postings(db, [
        {"id": "1", "title": XSS_TITLE, "employer": XSS_EMPLOYER, "url": "javascript:alert(4)",
         "apply_url": "JaVaScRiPt:alert(5)", "description_html_raw": XSS_DESCRIPTION, "description_html": XSS_DESCRIPTION},
        {"id": "2", "title": "Research Assistant", "url": "data:text/html,<script>alert(6)</script>"},
    ])  # fmt: skip
    add_match(db, "amina", keys["1"], reasons=['+ <b onmouseover="alert(7)">bold</b> reason'])
    add_match(db, "amina", keys["2"])
    [result] = run_digests(db, paths(), now=NOW)
    assert result.state == "sent"
    [message] = outbox_messages(paths().outbox)
    email_html = html_part(message)
    outbox_html = next(paths().outbox.glob("*.html")).read_text(encoding="utf-8")
    assert outbox_html == email_html
    for html in (email_html, outbox_html):
        assert_inert(html)
        assert "javascript:" not in html.lower() and "data:text" not in html
        assert "&lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt;CRC" in html  # shown as text, escaped
        assert "Evil &amp; Sons" in html
        assert "Coordinate trials." in html and "steal()" not in html  # nh3 dropped the script's body
    feed = feed_path(paths(), "amina").read_text(encoding="utf-8")
    root = ET.fromstring(feed)  # well-formed XML despite the payloads
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 2
    for entry in entries:
        for link in entry.findall(f"{ATOM}link"):
            assert link.get("href", "").startswith("https://")
        content = entry.find(f"{ATOM}content")
        assert content is not None and content.get("type") == "html"
        assert_inert(content.text or "")  # what a feed reader renders after one unescape
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert any(t and t.startswith('<script>alert("t")</script>CRC') for t in titles)  # text, not markup
    assert "javascript:" not in feed.lower()


def test_feed_is_valid_atom_with_stable_ids(home: Path, db) -> None:
    write_profile(home, "amina")
    keys = add_postings(db, [{"id": "1"}, {"id": "2"}])
    add_match(db, "amina", keys["1"])
    run_digests(db, paths(), now=NOW)
    add_match(db, "amina", keys["2"], matched_at="2026-11-03T00:00:00Z")
    run_digests(db, paths(), now=datetime(2026, 11, 3, 14, 0, tzinfo=UTC))
    root = ET.fromstring(build_feed(db, "amina"))
    assert root.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{tag}") is not None
    ids = [e.findtext(f"{ATOM}id") for e in root.findall(f"{ATOM}entry")]
    assert len(ids) == 2 and all(i and i.startswith("urn:uuid:") for i in ids)
    assert ET.fromstring(build_feed(db, "amina")).findall(f"{ATOM}entry")[0].findtext(f"{ATOM}id") == ids[0]
    assert root.findtext(f"{ATOM}updated") == "2026-11-03T14:00:00Z"


def test_one_click_unsubscribe_only_with_https_endpoint(home: Path, db) -> None:
    write_profile(home, "amina", digest_when_empty="note")
    (home / "config.toml").write_text(
        '[digest]\nunsubscribe_url = "https://jobs.example.org/unsubscribe/{profile}"\n'
    )
    run_digests(db, paths(), now=NOW)
    [message] = outbox_messages(paths().outbox)
    assert message["List-Unsubscribe"].startswith("<https://jobs.example.org/unsubscribe/amina>, <mailto:")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ({"salary_min": 24, "salary_max": 28.5, "salary_period": "hour"}, "$24–$28.50 an hour"),
        ({"salary_min": 50000, "salary_period": "year"}, "from $50,000 a year"),
        ({"salary_max": 60000, "salary_period": "year"}, "up to $60,000 a year"),
        (
            {"salary_min": 40000, "salary_max": 40000, "salary_currency": "CAD", "salary_period": "year"},
            "CAD 40,000 a year",
        ),
        ({}, None),
    ],
)
def test_salary_text(row: dict, expected: str | None) -> None:
    assert salary_text(row) == expected


def test_location_text() -> None:
    assert location_text({"remote": "remote", "state": "TX"}) == "Remote (TX)"
    assert location_text({"remote": "hybrid", "city": "Boston", "state": "MA"}) == "Boston, MA · hybrid"
    assert location_text({"remote": "onsite", "location_raw": "  Houston,   TX "}) == "Houston, TX"
    assert location_text({}) == "Location not given"


def test_cap_exempt_badge_comes_with_its_caveat(home: Path, db) -> None:
    from researchjobs.enrich.employers import CAP_EXEMPT_CAVEAT

    write_profile(home, "amina")
    keys = add_postings(db, [{"id": "1", "cap_exempt": "likely", "employer_type_inferred": "university"}])
    for key in keys.values():
        add_match(db, "amina", key)
    [result] = run_digests(db, paths(), now=NOW)
    [message] = outbox_messages(paths().outbox)
    text = " ".join(text_part(message).split())
    assert result.state == "sent" and "cap-exempt" in text
    assert CAP_EXEMPT_CAVEAT.split(";")[0] in text
