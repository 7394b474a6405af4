"""One posting in full for ``researchjobs show``: facts beside their evidence, history, duplicates.

An IMG deciding whether to apply needs to see *why* a posting was judged open or closed
to them (the sentence that refuses sponsorship, the reason an employer looks
cap-exempt), so every fact is shown next to the text it came from.
"""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils
from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from researchjobs.posting import FACT_COLUMNS
from researchjobs.storage.queries import cluster_duplicates, find_posting, posting_history

#: Fact columns that are bookkeeping, not facts about the job.
NOT_SHOWN_AS_FACTS = frozenset({"facts_json", "enrich_version", "cluster_id", "visa_evidence", "cap_exempt_reason"})

#: Evidence keys an extractor may have filed a fact under, besides the fact's own name.
EVIDENCE_ALIASES: dict[str, tuple[str, ...]] = {
    "city": ("location",),
    "state": ("location",),
    "country": ("country", "location"),
    "postal_code": ("location",),
    "lat": ("lat_lon", "location"),
    "lon": ("lat_lon", "location"),
    "multi_location": ("location",),
    "salary_min": ("salary",),
    "salary_max": ("salary",),
    "salary_currency": ("salary",),
    "salary_period": ("salary",),
    "salary_annual_min": ("salary",),
    "salary_annual_max": ("salary",),
    "role_level": ("role_family", "role"),
    "role_level_basis": ("role_level",),
    "role_family": ("role",),
    "visa": ("visa_evidence",),
    "cap_exempt": ("cap_exempt_reason", "employer_type_inferred"),
}

POSTING_FIELDS_SHOWN = (
    "key", "title", "employer", "department", "source_id", "source_job_id", "url", "apply_url",
    "location_raw", "employment_type", "date_published", "date_published_raw", "valid_through",
    "salary_raw", "requisition_id",
)  # fmt: skip


def _load_json(text: Any) -> Any:
    if not isinstance(text, str) or not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def _as_text(value: Any) -> str:
    if isinstance(value, dict) and "evidence" in value:
        value = value["evidence"]
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def evidence_for(facts: dict[str, Any], name: str, row: dict[str, Any]) -> str | None:
    """The evidence recorded for one fact, whichever of the usual shapes facts_json uses.

    Accepted shapes: ``{"visa": {"value": ..., "evidence": "..."}}``,
    ``{"evidence": {"visa": "..."}}`` and ``{"visa": "..."}`` (evidence text only).
    """
    for key in (name, *EVIDENCE_ALIASES.get(name, ())):
        entry = facts.get(key)
        if isinstance(entry, dict):
            for field in ("evidence", "span", "text", "reason", "source"):
                if entry.get(field):
                    return _as_text(entry[field])
        elif isinstance(entry, str) and entry and entry != str(row.get(name)):
            return entry
        nested = facts.get("evidence")
        if isinstance(nested, dict) and nested.get(key):
            return _as_text(nested[key])
        if key in ("visa_evidence", "cap_exempt_reason") and row.get(key):
            return str(row[key])
    return None


def fact_rows(row: dict[str, Any]) -> list[dict[str, Any]]:
    """Every known fact with its value and evidence; unknown facts are left out."""
    facts = _load_json(row.get("facts_json"))
    facts = facts if isinstance(facts, dict) else {}
    out = []
    for name in FACT_COLUMNS:
        if name in NOT_SHOWN_AS_FACTS or row.get(name) is None:
            continue
        value = row[name]
        decoded = _load_json(value) if isinstance(value, str) and value[:1] in "[{" else None
        out.append({"fact": name, "value": decoded if decoded is not None else value,
                    "evidence": evidence_for(facts, name, row)})  # fmt: skip
    for name, entry in facts.items():  # facts an extractor recorded that have no column yet
        if name in FACT_COLUMNS or name == "evidence" or name in {f["fact"] for f in out}:
            continue
        if name in {a for aliases in EVIDENCE_ALIASES.values() for a in aliases}:
            continue
        if isinstance(entry, dict) and "value" in entry:
            out.append({"fact": name, "value": entry["value"], "evidence": evidence_for(facts, name, row)})
    return out


def posting_detail(db: sqlite_utils.Database, key: str) -> dict[str, Any]:
    """Everything ``show`` prints, JSON-ready. Raises PostingLookupError."""
    row = find_posting(db, key)
    history = posting_history(db, row["key"])
    return {
        "posting": {name: row.get(name) for name in POSTING_FIELDS_SHOWN},
        "status": {
            "first_seen": row.get("first_seen"),
            "last_seen": row.get("last_seen"),
            "changed_at": row.get("changed_at"),
            "closed_at": row.get("closed_at"),
            "open": row.get("closed_at") is None,
        },
        "facts": fact_rows(row),
        "history": history,
        "cluster_id": row.get("cluster_id"),
        "duplicates": cluster_duplicates(db, row),
        "description": row.get("description"),
        "enrich_version": row.get("enrich_version"),
    }


def _kv_table(pairs: list[tuple[str, Any]]) -> Table:
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    for name, value in pairs:
        if value not in (None, ""):
            table.add_row(name.replace("_", " "), Text(str(value)))
    return table


def print_detail(detail: dict[str, Any], console: Console) -> None:
    """Scraped text is printed as Text, never as markup: a title cannot restyle the terminal."""
    posting, status = detail["posting"], detail["status"]
    state = "[green]open[/]" if status["open"] else f"[red]closed {escape(str(status['closed_at']))}[/]"
    console.print(Panel(_kv_table(list(posting.items())),
                        title=Text(posting.get("title") or posting["key"]), subtitle=state, expand=True))  # fmt: skip
    facts = Table(title="facts (with evidence)", header_style="bold", title_justify="left", expand=True)
    facts.add_column("fact", no_wrap=True)
    facts.add_column("value", overflow="fold", max_width=30)
    facts.add_column("evidence", overflow="fold")
    for fact in detail["facts"]:
        value = fact["value"]
        shown = json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else str(value)
        facts.add_row(fact["fact"], Text(shown), Text(fact["evidence"] or "", style="dim"))
    if not detail["facts"]:
        facts.add_row("(none)", Text("not enriched yet"), Text(""))
    history = Table(title="history", header_style="bold", title_justify="left", expand=True)
    for column in ("at", "change", "fields", "run_id"):
        history.add_column(column, overflow="fold")
    for event in detail["history"]:
        history.add_row(Text(str(event["at"])), Text(str(event["change"])),
                        Text(", ".join(event["fields"] or [])), Text(str(event["run_id"] or "")))  # fmt: skip
    seen = _kv_table([(k, status[k]) for k in ("first_seen", "last_seen", "changed_at", "closed_at")])
    console.print(facts)
    console.print(Group(history, seen))
    if detail["duplicates"]:
        dupes = Table(title=f"same job elsewhere (cluster {detail['cluster_id']})", header_style="bold",
                      title_justify="left", expand=True)  # fmt: skip
        for column in ("key", "title", "employer", "source_id", "first_seen", "closed_at", "url"):
            dupes.add_column(column, overflow="fold")
        for dup in detail["duplicates"]:
            dupes.add_row(*[Text(str(dup.get(c) or "")) for c in
                            ("key", "title", "employer", "source_id", "first_seen", "closed_at", "url")])  # fmt: skip
        console.print(dupes)
    else:
        console.print("no duplicates on other boards", style="dim")
    if detail.get("description"):
        console.print(Panel(Text(detail["description"]), title="description", title_align="left"))
