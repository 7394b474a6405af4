"""Research-site leads: which sites near a user recruit for which trials, ranked for a job seeker.

A lead is one site with its open trials inside the user's circles. It is ranked by what
tells an IMG that the site hires coordinators:

- recruiting trials within reach (each is work for a coordinator);
- phase 1 trials (phase I units run many visits per patient and hire many coordinators);
- industry-sponsored trials (sponsors pay sites per patient; such sites hire CRCs);
- a published contact (name, role, e-mail or phone, exactly as published);
- a job board we crawl with open research postings.

``score = trials + 2 × phase-1 trials + industry trials`` (each count capped at 25, so a
large academic hospital does not bury every private site), ``+ 3`` for a contact with an
e-mail or phone, ``+ 2`` for open research postings on a board we crawl. The reasons list
says which of these apply, so a reader can rank differently.

Reads through ``storage.trials`` only; pure apart from ``find_leads`` and ``digest_leads``.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from researchjobs.storage import trials as store
from researchjobs.storage.queries import Near
from researchjobs.trials import SOURCE_NAME, STUDY_URL

CAP = 25
WEIGHTS = {"trial": 1.0, "phase1": 2.0, "industry": 1.0, "contact": 3.0, "open_postings": 2.0}
PHASE1 = frozenset({"EARLY_PHASE1", "PHASE1"})
#: Digest section: at most this many sites, and a site shown again only after this many days
#: (sooner only when its employer has a new posting).
DIGEST_SITES = 5
REPEAT_DAYS = 30
ROLE_ORDER = {"CONTACT": 0, "BACKUP": 1, "PRINCIPAL_INVESTIGATOR": 2, "SUB_INVESTIGATOR": 3}


@dataclass
class Lead:
    site_id: str
    facility: str
    name_kind: str
    city: str | None
    state: str | None
    zip: str | None
    miles: float | None
    site_first_seen: str
    nct_ids: list[str] = field(default_factory=list)
    titles: dict[str, str | None] = field(default_factory=dict)
    phases: Counter[str] = field(default_factory=Counter)
    sponsor_classes: Counter[str] = field(default_factory=Counter)
    phase1_trials: int = 0
    industry_trials: int = 0
    new_trials: int = 0  # opened after ``since``
    contacts: list[dict[str, str]] = field(default_factory=list)
    employer: str | None = None
    employer_key: str | None = None
    link_method: str | None = None
    in_registry: bool = False
    boards: list[str] = field(default_factory=list)
    open_postings: int = 0
    newest_posting: str | None = None
    newest_posting_url: str | None = None
    retrieved: str | None = None  # the latest sighting of any of its trials (UTC)
    is_new: bool = False  # the site itself first appeared after ``since``

    @property
    def trials(self) -> int:
        return len(self.nct_ids)

    @property
    def reachable_contact(self) -> bool:
        return any(c.get("email") or c.get("phone") for c in self.contacts)

    @property
    def score(self) -> float:
        points = (min(self.trials, CAP) * WEIGHTS["trial"] + min(self.phase1_trials, CAP) * WEIGHTS["phase1"]
                  + min(self.industry_trials, CAP) * WEIGHTS["industry"])  # fmt: skip
        if self.reachable_contact:
            points += WEIGHTS["contact"]
        if self.open_postings:
            points += WEIGHTS["open_postings"]
        return points

    @property
    def place(self) -> str:
        return ", ".join(p for p in (self.city, self.state) if p) or "place not given"

    @property
    def board_text(self) -> str:
        if self.boards:
            jobs = f"{self.open_postings} open research job{'s' if self.open_postings != 1 else ''}"
            return f"we crawl its board ({', '.join(self.boards)}): {jobs}"
        if self.in_registry:
            return "its board is in our registry (not crawled yet)"
        return ""

    def reasons(self) -> list[str]:
        out = [f"{self.trials} recruiting trial{'s' if self.trials != 1 else ''}"]
        if self.phase1_trials:
            out.append(f"{self.phase1_trials} phase 1")
        if self.industry_trials:
            out.append(f"{self.industry_trials} industry-sponsored")
        if self.reachable_contact:
            out.append("contact published")
        if self.board_text:
            out.append(self.board_text)
        if self.name_kind == "investigator":
            out.append("an investigator's own site")
        elif self.name_kind == "placeholder":
            out.append("the sponsor does not name this site")
        return out

    def study_links(self) -> list[str]:
        return [STUDY_URL.format(nct_id=n) for n in self.nct_ids]


def _json_list(value: Any) -> list[Any]:
    try:
        data = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return []
    return data if isinstance(data, list) else []


def build(rows: list[dict[str, Any]], jobs: dict[str, dict[str, Any]] | None = None,
          registry_keys: set[str] | None = None, since: str | None = None) -> list[Lead]:  # fmt: skip
    """Leads from open (site, trial) rows (``storage.trials.open_trials_near``), best first."""
    leads: dict[str, Lead] = {}
    contact_counts: dict[str, Counter[tuple[str, ...]]] = {}
    for row in rows:
        lead = leads.get(row["site_id"])
        if lead is None:
            lead = leads[row["site_id"]] = Lead(
                site_id=row["site_id"], facility=row["facility"], name_kind=row["name_kind"], city=row["city"],
                state=row["state"], zip=row["zip"], miles=row.get("miles"), site_first_seen=row["site_first_seen"],
                employer=row.get("employer"), employer_key=row.get("employer_key"), link_method=row.get("link_method"),
                is_new=since is None or row["site_first_seen"] > since,
            )  # fmt: skip
            contact_counts[row["site_id"]] = Counter()
        if row["nct_id"] in lead.titles:
            continue
        lead.nct_ids.append(row["nct_id"])
        lead.titles[row["nct_id"]] = row.get("title")
        phases = [str(p) for p in _json_list(row.get("phases"))]
        lead.phases.update(phases or ["NOT_GIVEN"])
        lead.phase1_trials += bool(PHASE1 & set(phases))
        sponsor_class = row.get("sponsor_class") or "UNKNOWN"
        lead.sponsor_classes[sponsor_class] += 1
        lead.industry_trials += sponsor_class == "INDUSTRY"
        lead.new_trials += since is None or (row.get("opened_at") or "") > since
        lead.retrieved = max(filter(None, (lead.retrieved, row.get("last_seen"))), default=None)
        for contact in _json_list(row.get("contacts")):
            if isinstance(contact, dict):
                item = {k: str(v) for k, v in contact.items() if k in ("name", "role", "email", "phone", "phone_ext") and v}
                if item:
                    contact_counts[row["site_id"]][tuple(sorted(item.items()))] += 1  # type: ignore[arg-type]
    for site_id, lead in leads.items():
        ranked = sorted(contact_counts[site_id].items(),
                        key=lambda kv: (ROLE_ORDER.get(dict(kv[0]).get("role", ""), 9), -kv[1], kv[0]))  # fmt: skip
        lead.contacts = [dict(pairs) for pairs, _n in ranked]
        job = (jobs or {}).get(lead.employer_key or "")
        if job:
            lead.open_postings = int(job.get("open_postings") or 0)
            lead.newest_posting = job.get("newest_posting")
            lead.newest_posting_url = job.get("newest_posting_url")
            lead.boards = sorted(b for b in str(job.get("boards") or "").split(",") if b)
        lead.in_registry = bool(lead.employer_key and lead.employer_key in (registry_keys or set()))
    return sorted(leads.values(), key=lambda x: (-x.score, x.miles if x.miles is not None else 1e9, x.facility))


def find_leads(conn: Any, circles: list[Near], states: list[str] | None = None, *, since: str | None = None) -> list[Lead]:
    """Every lead within the circles (and states), ranked."""
    rows = store.open_trials_near(conn, circles, states or [])
    keys = {r["employer_key"] for r in rows if r.get("employer_key")}
    return build(rows, store.employer_jobs(conn, keys), store.registry_employer_keys(conn, keys), since)


def covering_crawl(conn: Any, circle: Near) -> dict[str, Any] | None:
    """The newest complete crawl of an area that contains the circle (its data answer the search)."""
    from researchjobs.storage.queries import haversine_miles

    for area in store.last_complete(conn):
        gap = haversine_miles(area["lat"], area["lon"], circle.lat, circle.lon) or 0.0
        if gap + circle.miles <= area["miles"] + 0.5:  # 0.5 mi: the same city typed twice
            return area
    return None


def source_line(retrieved: str | None) -> str:
    date = f", retrieved {retrieved[:10]}" if retrieved else ""
    return f"Source: {SOURCE_NAME}{date}. Contacts as published there."


def lead_row(lead: Lead, rank: int) -> dict[str, Any]:
    """One lead as a flat row for tables, CSV and JSON (source and date on every row)."""
    return {
        "rank": rank, "facility": lead.facility, "kind": lead.name_kind, "city": lead.city, "state": lead.state,
        "zip": lead.zip, "miles": round(lead.miles, 1) if lead.miles is not None else None, "trials": lead.trials,
        "phase1_trials": lead.phase1_trials, "industry_trials": lead.industry_trials,
        "phases": dict(sorted(lead.phases.items())), "sponsor_classes": dict(sorted(lead.sponsor_classes.items())),
        "contacts": lead.contacts, "employer": lead.employer, "boards": lead.boards,
        "open_research_postings": lead.open_postings, "newest_posting_url": lead.newest_posting_url,
        "nct_ids": lead.nct_ids, "score": lead.score, "why": "; ".join(lead.reasons()),
        "source": SOURCE_NAME, "retrieved": (lead.retrieved or "")[:10] or None,
    }  # fmt: skip


def contact_text(contact: dict[str, str]) -> str:
    """"Site Public Contact (contact) · research@… · 617-555-0100 ext. 12", as published."""
    role = (contact.get("role") or "").replace("_", " ").lower()
    parts = [f"{contact.get('name') or 'unnamed'}" + (f" ({role})" if role else "")]
    if contact.get("email"):
        parts.append(contact["email"])
    if contact.get("phone"):
        parts.append(contact["phone"] + (f" ext. {contact['phone_ext']}" if contact.get("phone_ext") else ""))
    return " · ".join(parts)


# ---------------------------------------------------------------- the digest's section


def profile_circles(profile: Any) -> tuple[list[Near], list[str]]:
    """The circles and states (places without a city) a profile wants."""
    from researchjobs.trials.areas import for_profile

    areas, _notes = for_profile(profile)
    states = [p["state"] for p in getattr(profile, "locations", None) or [] if not p.get("city") and p.get("state")]
    return [Near(a.lat, a.lon, a.miles, a.label) for a in areas], states


def digest_leads(conn: Any, profile: str, circles: list[Near], states: list[str], since: str | None,
                 now: datetime, *, limit: int = DIGEST_SITES, repeat_days: int = REPEAT_DAYS) -> list[Lead]:  # fmt: skip
    """Sites for a profile's digest: new, or with new recruiting trials since ``since``; named
    ones only; none shown to this profile in the last ``repeat_days`` days unless its
    employer has posted a research job since; best first, at most ``limit``."""
    if not circles and not states:
        return []
    shown = store.shown_sites(conn, profile)
    cutoff = (now - timedelta(days=repeat_days)).strftime("%Y-%m-%dT%H:%M:%SZ")
    chosen = []
    for lead in find_leads(conn, circles, states, since=since):
        if lead.name_kind == "placeholder" or not (lead.is_new or lead.new_trials):
            continue
        last = shown.get(lead.site_id)
        if last and last >= cutoff and not (lead.newest_posting and lead.newest_posting > last):
            continue
        chosen.append(lead)
        if len(chosen) >= limit:
            break
    return chosen
