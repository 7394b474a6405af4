"""Digest messages (text + HTML in one multipart message) and Atom feeds, from templates.

Jinja2 autoescapes ``.html`` and ``.xml`` templates, and nothing from a posting is
ever wrapped in ``Markup``: titles, employers and reasons arrive as text and leave
escaped. Links were filtered to http(s) in ``select``, because autoescape does not
make a ``javascript:`` URL harmless.
"""

from __future__ import annotations

import functools
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, getaddresses
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2

from researchjobs import addresses
from researchjobs.digest.select import Item, SiteItem
from researchjobs.enrich.employers import CAP_EXEMPT_CAVEAT
from researchjobs.enrich.text import xml_legal
from researchjobs.h1b.record import CAVEAT as SPONSOR_CAVEAT

DEFAULT_SENDER = "researchjobs <researchjobs@localhost>"

#: CRLF line ends and 7-bit bodies (quoted-printable), so no relay has to re-encode it.
WIRE = SMTP.clone(cte_type="7bit")


@functools.cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("researchjobs.digest", "templates"),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@dataclass
class DigestView:
    """Everything a digest template shows, already in words."""

    profile: str
    local_date: str
    items: list[Item]
    profile_path: str
    feed_path: str | None = None
    more: int = 0  # unsent matches left for the next digest
    since: str | None = None  # when the previous digest was made (UTC ISO)
    footer_extra: list[str] = field(default_factory=list)
    sites: list[SiteItem] = field(default_factory=list)  # "Research sites near you"

    @property
    def sites_source(self) -> str:
        """Where the research sites come from, and when they were retrieved."""
        from researchjobs.trials.leads import source_line

        return source_line(max((s.retrieved for s in self.sites if s.retrieved), default=None))

    @property
    def open_items(self) -> list[Item]:
        return [i for i in self.items if i.eligible]

    @property
    def other_items(self) -> list[Item]:
        return [i for i in self.items if not i.eligible]

    @property
    def sections(self) -> list[tuple[str, list[Item]]]:
        pairs = [
            ("Open to you", self.open_items),
            ("Worth a look, but a requirement may rule you out", self.other_items),
        ]
        return [(name, items) for name, items in pairs if items]

    @property
    def header(self) -> str:
        since = f" since your last digest ({self.since[:10]})" if self.since else ""
        if not self.items:
            return f"No new matching jobs{since}. We will keep looking."
        count = len(self.items)
        words = f"{count} new job{'s' if count != 1 else ''}{since}: {len(self.open_items)} open to you"
        if self.other_items:
            words += f", {len(self.other_items)} where a requirement may rule you out"
        if self.more:
            words += f". {self.more} more open to you wait for the next digest"
        return words + "."

    @property
    def footer(self) -> list[str]:
        lines = [
            f"Change what you get: edit {self.profile_path}",
            f"See your profile: researchjobs profile show {self.profile}",
        ]
        if self.feed_path:
            lines.append(f"The same jobs as an Atom feed: {self.feed_path}")
        lines.append("To stop these e-mails, remove the email line from that profile.")
        if self.sites:
            lines.append("No research sites in these e-mails: research_sites = false in that profile.")
        if any("cap-exempt" in badge.label for item in self.items for badge in item.badges):
            lines.append(CAP_EXEMPT_CAVEAT)
        if any(item.sponsor for item in self.items):
            lines.append(SPONSOR_CAVEAT)
        return lines + self.footer_extra

    @property
    def subject(self) -> str:
        if not self.items and self.sites:
            count = len(self.sites)
            return f"{count} research site{'s' if count != 1 else ''} near you for {self.profile} ({self.local_date})"
        if not self.items:
            return f"No new research jobs for {self.profile} ({self.local_date})"
        count = len(self.items)
        return (
            f"{count} new research job{'s' if count != 1 else ''} for {self.profile}: "
            f"{len(self.open_items)} open to you ({self.local_date})"
        )


def render_html(view: DigestView) -> str:
    return environment().get_template("digest.html").render(view=view, subject=view.subject)


def render_text(view: DigestView) -> str:
    return environment().get_template("digest.txt").render(view=view)


def render_item_html(item: Item) -> str:
    return environment().get_template("_item.html").render(item=item)


def sender_address(sender: str | None) -> tuple[str, str]:
    """(display header value, bare address) of the configured sender."""
    value = (sender or DEFAULT_SENDER).strip()
    pairs = getaddresses([value])
    address = pairs[0][1] if pairs and pairs[0][1] else "researchjobs@localhost"
    return value, address


def new_message_id(profile: str, local_date: str, sender: str | None) -> str:
    """Globally unique, and short enough that the header is never folded."""
    _, address = sender_address(sender)
    domain = address.rpartition("@")[2] or "localhost"
    slug = re.sub(r"[^A-Za-z0-9]+", "-", profile).strip("-")[:24] or "profile"
    return f"<{local_date.replace('-', '')}.{uuid.uuid4().hex[:20]}.{slug}@{domain}>"


def unsubscribe_header(profile: str, sender: str | None, url_template: str | None) -> tuple[str, bool]:
    """``List-Unsubscribe`` value, and whether one-click POST (RFC 8058, https only) applies."""
    _, address = sender_address(sender)
    parts = [f"<mailto:{address}?subject={quote('unsubscribe ' + profile)}>"]
    one_click = False
    if url_template:
        url = url_template.replace("{profile}", quote(profile, safe=""))
        if url.lower().startswith("https://"):
            parts.insert(0, f"<{url}>")
            one_click = True
    return ", ".join(parts), one_click


def build_message(
    view: DigestView,
    *,
    sender: str | None,
    recipient: str | None,
    message_id: str,
    when: datetime,
    unsubscribe_url: str | None = None,
) -> tuple[bytes, str]:
    """The exact bytes to deliver (CRLF, as on the wire) and the HTML part for the outbox."""
    html = render_html(view)
    message = EmailMessage(policy=WIRE)
    message["Subject"] = view.subject
    message["From"] = sender_address(sender)[0]
    if recipient:
        message["To"] = recipient
    message["Date"] = format_datetime(when)
    message["Message-ID"] = message_id
    slug = re.sub(r"[^A-Za-z0-9]+", "-", view.profile).strip("-").lower() or "profile"
    message["List-Id"] = f"researchjobs digest for {view.profile} <{slug}.digest.researchjobs>"
    unsubscribe, one_click = unsubscribe_header(view.profile, sender, unsubscribe_url)
    message["List-Unsubscribe"] = unsubscribe
    if one_click:
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"
    message["X-Researchjobs-Profile"] = view.profile
    message.set_content(render_text(view))
    message.add_alternative(html, subtype="html")
    return message.as_bytes(), html


def valid_recipient(value: str | None) -> str | None:
    """The profile's e-mail if the header parser that builds ``To`` accepts it, else None."""
    return addresses.valid_recipient(value) if value else None


# ---------------------------------------------------------------- Atom


@dataclass
class FeedEntry:
    id: str
    updated: str
    item: Item
    summary: str
    html: str


@dataclass
class FeedView:
    id: str
    profile: str
    updated: str
    entries: list[FeedEntry]


def render_feed(feed: FeedView) -> str:
    # Rows stored before text was cleaned at normalisation may still hold a NUL or the like.
    return xml_legal(environment().get_template("feed.xml").render(feed=feed))


def item_summary(item: Item) -> str:
    parts = [item.employer, item.location]
    if item.salary:
        parts.append(item.salary)
    if item.posted:
        parts.append(f"posted {item.posted}")
    parts.append(f"fit {item.score}/100")
    parts += [b.label for b in item.badges]
    if item.sponsor:
        parts.append(item.sponsor)
    if item.blockers:
        parts.append("not open to you as posted: " + "; ".join(item.blockers))
    return " · ".join(parts)


def template_dir() -> Path:
    return Path(__file__).resolve().parent / "templates"


def as_dict(view: DigestView) -> dict[str, Any]:
    """A JSON-friendly summary (dry runs, tests)."""
    return {
        "profile": view.profile,
        "local_date": view.local_date,
        "subject": view.subject,
        "items": [i.to_json() for i in view.items],
        "more": view.more,
    }
