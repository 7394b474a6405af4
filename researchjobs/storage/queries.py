"""Read queries behind ``jobs``, ``show``, ``export``, ``status`` and friends.

Every filter a user can type ends up here as a parameterised clause over the fact
columns of ``postings``; nothing user-supplied is ever pasted into SQL text. Full-text
input goes through ``fts_query``, which turns anything a person might type into a
valid FTS5 expression, so a stray quote or a bare ``NEAR`` can never reach the user
as a syntax error.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlite_utils

_SINCE = re.compile(r"^\s*(\d+)\s*([hdwm])\s*$", re.I)
_UNITS = {"h": "hours", "d": "days", "w": "weeks"}

#: Mean Earth radius; a spherical Earth is ample for "within 50 miles".
EARTH_RADIUS_MILES = 3958.8
MILES_PER_DEGREE_LAT = 69.05

#: ``--visa`` choices. "not-refused" keeps unknown: most postings never mention visas,
#: and only an explicit refusal closes a door for an IMG.
VISA_CLAUSES: dict[str, str] = {
    "not-refused": "(p.visa IS NULL OR p.visa != 'explicit_no')",
    "possible": "p.visa = 'possible'",
    "unknown": "(p.visa IS NULL OR p.visa = 'unknown')",
    "refused": "p.visa = 'explicit_no'",
}

#: Cap-exempt likelihoods that ``--cap-exempt`` keeps: worth applying to after a lost lottery.
CAP_EXEMPT_KEEP = ("likely", "possible")


def parse_since(text: str, now: datetime | None = None) -> str:
    """'7d', '12h', '2w', '1m' or an ISO date → ISO UTC lower bound."""
    now = now or datetime.now(UTC)
    match = _SINCE.match(text or "")
    if match:
        amount, unit = int(match.group(1)), match.group(2).lower()
        delta = timedelta(days=30 * amount) if unit == "m" else timedelta(**{_UNITS[unit]: amount})
        return (now - delta).strftime("%Y-%m-%dT%H:%M:%SZ")
    try:
        moment = datetime.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        raise ValueError(f"--since wants '7d', '12h', '2w', '1m' or a date like 2026-11-01, got {text!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# A balanced "quoted phrase", or a word (letters/digits joined by ' - . _) with an optional
# trailing * for prefix search. Everything else a user types is treated as a separator.
_FTS_TOKEN = re.compile(r'"(?P<phrase>[^"]*)"|(?P<word>[^\W_](?:[\w\'\-\.]*[^\W_])?)(?P<star>\*)?', re.UNICODE)


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def fts_query(text: str) -> str:
    """User words as an FTS5 expression that cannot be a syntax error.

    Every word becomes a quoted string, so FTS5 operators (AND, NOT, NEAR, column
    filters, parentheses, ``^``) are plain text. Three conveniences survive because people
    expect them from search boxes: balanced "quoted phrases", a trailing ``*`` for a
    prefix (``coord*``), and an upper-case ``OR`` between two terms. A bare upper-case
    ``AND`` is dropped since terms are ANDed anyway. Hyphenated words ("co-ordinator",
    "covid-19") stay one quoted string, which FTS5 matches as adjacent tokens.
    """
    terms: list[str] = []
    pending_or = False
    for match in _FTS_TOKEN.finditer(text or ""):
        phrase, word = match.group("phrase"), match.group("word")
        if phrase is not None:
            words = re.findall(r"[^\W_]+", phrase, flags=re.UNICODE)
            if not words:
                continue
            term = _quoted(" ".join(words))
        elif word == "AND":
            continue
        elif word == "OR":
            pending_or = bool(terms)
            continue
        else:
            term = _quoted(word) + ("*" if match.group("star") else "")
        if pending_or:
            terms.append("OR")
            pending_or = False
        terms.append(term)
    return " ".join(terms)


def haversine_miles(lat1: float | None, lon1: float | None, lat2: float | None, lon2: float | None) -> float | None:
    """Great-circle distance; None when either point lacks coordinates (SQL NULL)."""
    if lat1 is None or lon1 is None or lat2 is None or lon2 is None:
        return None
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class Near:
    """A circle to search in: a point and a radius in miles."""

    lat: float
    lon: float
    miles: float
    label: str = ""

    def bounding_box(self) -> tuple[float, float, float, float]:
        """(lat_lo, lat_hi, lon_lo, lon_hi) that contains the circle, for an indexable prefilter."""
        dlat = self.miles / MILES_PER_DEGREE_LAT
        cos_lat = max(math.cos(math.radians(self.lat)), 0.01)
        dlon = min(self.miles / (MILES_PER_DEGREE_LAT * cos_lat), 360.0)
        return self.lat - dlat, self.lat + dlat, self.lon - dlon, self.lon + dlon


@dataclass
class JobFilter:
    """What a user asked for. Empty fields filter nothing; list fields mean "any of"."""

    q: str | None = None
    employer: str | None = None
    since: str | None = None  # ISO lower bound on first_seen
    include_closed: bool = False
    limit: int | None = 50  # None: every match (export)
    where: list[str] = field(default_factory=list)  # extra clauses from richer filters
    params: dict[str, Any] = field(default_factory=dict)
    roles: Sequence[str] = ()  # role_family
    levels: Sequence[str] = ()  # role_level
    states: Sequence[str] = ()  # two-letter codes
    employer_types: Sequence[str] = ()  # employer_type_inferred, else the registry's
    near: Near | None = None
    remote: bool = False
    visa: str | None = None  # a key of VISA_CLAUSES
    cap_exempt: bool = False
    max_experience_months: int | None = None  # unknown requirement counts as none stated
    salary_min: float | None = None  # annualised; postings without pay are left out
    keys: Sequence[str] | None = None  # only these postings (e.g. a profile's matches)


LIST_COLUMNS = (
    "key", "title", "employer", "location_raw", "date_published", "first_seen", "last_seen",
    "closed_at", "url", "source_id", "role_family", "role_level", "visa", "cap_exempt",
    "salary_min", "salary_max", "salary_period", "remote", "city", "state",
    "salary_annual_min", "salary_annual_max", "experience_required_months",
    "employer_type_inferred", "employer_type", "lat", "lon", "cluster_id", "apply_url",
)  # fmt: skip

#: Columns ``export`` writes: everything but the raw and sanitised HTML and bookkeeping hashes.
EXPORT_EXCLUDE = frozenset({"description_html_raw", "description_html", "content_hash", "extra"})


def _in_clause(column: str, name: str, values: Sequence[str], params: dict[str, Any]) -> str:
    marks = []
    for i, value in enumerate(values):
        params[f"{name}{i}"] = value
        marks.append(f":{name}{i}")
    return f"{column} IN ({', '.join(marks)})"


def filter_clauses(flt: JobFilter) -> tuple[list[str], dict[str, Any]]:
    """WHERE clauses (over alias ``p``) and their parameters for every fact filter."""
    where = list(flt.where)
    params = dict(flt.params)
    if flt.employer:
        where.append("p.employer LIKE :employer")
        params["employer"] = f"%{flt.employer}%"
    if flt.since:
        where.append("p.first_seen >= :since")
        params["since"] = flt.since
    if not flt.include_closed:
        # Unary + keeps the planner off a skip-scan of (source_id, closed_at): most postings are
        # open, so that plan is a full scan plus a random row lookup each (2-4x slower than a
        # plain scan in bench/bench_query.py) and it hides the first_seen index from --since.
        where.append("+p.closed_at IS NULL")
    if flt.roles:
        where.append(_in_clause("p.role_family", "role", flt.roles, params))
    if flt.levels:
        where.append(_in_clause("p.role_level", "level", flt.levels, params))
    if flt.states:
        where.append(_in_clause("p.state", "state", flt.states, params))
    if flt.employer_types:
        where.append(_in_clause("COALESCE(p.employer_type_inferred, p.employer_type)", "etype",
                                flt.employer_types, params))  # fmt: skip
    if flt.remote:
        where.append("p.remote = 'remote'")
    if flt.visa:
        if flt.visa not in VISA_CLAUSES:
            raise ValueError(f"--visa must be one of {', '.join(VISA_CLAUSES)}, got {flt.visa!r}")
        where.append(VISA_CLAUSES[flt.visa])
    if flt.cap_exempt:
        where.append(_in_clause("p.cap_exempt", "capx", CAP_EXEMPT_KEEP, params))
    if flt.max_experience_months is not None:
        where.append("(p.experience_required_months IS NULL OR p.experience_required_months <= :max_exp)")
        params["max_exp"] = flt.max_experience_months
    if flt.salary_min is not None:
        where.append("COALESCE(p.salary_annual_max, p.salary_annual_min) >= :salary_min")
        params["salary_min"] = flt.salary_min
    if flt.keys is not None:
        where.append("p.key IN (SELECT value FROM json_each(:keys))")
        params["keys"] = json.dumps(list(flt.keys))
    if flt.near is not None:
        lat_lo, lat_hi, lon_lo, lon_hi = flt.near.bounding_box()
        where.append("p.lat BETWEEN :lat_lo AND :lat_hi")
        if lon_hi - lon_lo < 360:
            if lon_lo < -180:
                where.append("(p.lon >= :lon_lo OR p.lon <= :lon_hi)")
                lon_lo += 360
            elif lon_hi > 180:
                where.append("(p.lon >= :lon_lo OR p.lon <= :lon_hi)")
                lon_hi -= 360
            else:
                where.append("p.lon BETWEEN :lon_lo AND :lon_hi")
        where.append("rj_miles(:near_lat, :near_lon, p.lat, p.lon) <= :near_miles")
        params.update(lat_lo=lat_lo, lat_hi=lat_hi, lon_lo=lon_lo, lon_hi=lon_hi,
                      near_lat=flt.near.lat, near_lon=flt.near.lon, near_miles=flt.near.miles)  # fmt: skip
    return where, params


def _register_functions(db: sqlite_utils.Database) -> None:
    db.conn.create_function("rj_miles", 4, haversine_miles, deterministic=True)


def _select(db: sqlite_utils.Database, flt: JobFilter, columns: Sequence[str]) -> tuple[str, dict[str, Any]]:
    where, params = filter_clauses(flt)
    select = ", ".join(f"p.{c}" for c in columns)
    if flt.near is not None:
        _register_functions(db)
        select += ", round(rj_miles(:near_lat, :near_lon, p.lat, p.lon), 1) AS miles"
    order = "COALESCE(p.date_published, p.first_seen) DESC, p.key"
    source = "postings p"
    match = fts_query(flt.q) if flt.q else ""
    if match:
        source = "postings p JOIN postings_fts f ON f.rowid = p.rowid"
        where.append("postings_fts MATCH :q")
        params["q"] = match
        order = "f.rank, p.key"
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    sql = f"SELECT {select} FROM {source} {clause} ORDER BY {order}"
    if flt.limit is not None:
        sql += " LIMIT :limit"
        params["limit"] = flt.limit
    return sql, params


def search_jobs(db: sqlite_utils.Database, flt: JobFilter, columns: Sequence[str] = LIST_COLUMNS) -> list[dict[str, Any]]:
    """Postings matching every filter: best FTS rank first with ``q``, else newest first.

    With ``near`` each row gains ``miles`` from the search point.
    """
    sql, params = _select(db, flt, columns)
    return list(db.query(sql, params))


def export_columns(db: sqlite_utils.Database) -> list[str]:
    """Every postings column worth handing to a spreadsheet, in table order."""
    return [c.name for c in db["postings"].columns if c.name not in EXPORT_EXCLUDE]


def count_jobs(db: sqlite_utils.Database, flt: JobFilter) -> int:
    """How many postings match, ignoring the limit: "showing 50 of 1,204"."""
    sql, params = _select(db, dataclasses.replace(flt, limit=None), ["key"])
    return int(db.execute(f"SELECT COUNT(*) FROM ({sql})", params).fetchone()[0])


def distinct_values(db: sqlite_utils.Database, column: str) -> list[str]:
    """Values present in a fact column, so a typo in ``--role crx`` can be told apart from "none today"."""
    if column not in {"role_family", "role_level", "state", "employer_type_inferred", "employer_type",
                      "visa", "cap_exempt", "remote", "source_id"}:  # fmt: skip
        raise ValueError(f"not a filterable column: {column}")
    sql = f"SELECT DISTINCT {column} AS v FROM postings WHERE {column} IS NOT NULL ORDER BY v"
    return [r["v"] for r in db.query(sql)]


class PostingLookupError(LookupError):
    """No posting, or more than one, for what the user typed; the message says which."""


def get_posting(db: sqlite_utils.Database, key: str) -> dict[str, Any] | None:
    rows = list(db.query("SELECT * FROM postings WHERE key = ? OR key LIKE ?", [key, f"{key}%"]))
    return rows[0] if len(rows) == 1 else None


def find_posting(db: sqlite_utils.Database, key: str) -> dict[str, Any]:
    """The posting a full key or a unique key prefix names (as git does with commits)."""
    key = (key or "").strip()
    if not key or not re.fullmatch(r"[0-9a-fA-F]+", key):
        raise PostingLookupError(f"{key!r} is not a posting id (ids are hex, e.g. 3f2a9c01b7d4e655)")
    exact = list(db.query("SELECT * FROM postings WHERE key = ?", [key.lower()]))
    if exact:
        return exact[0]
    # A range rather than LIKE: LIKE is case-insensitive, so it cannot use the primary-key index.
    # Keys are lower-case hex, so every key starting with the prefix sorts below prefix + "g".
    prefix = key.lower()
    rows = list(db.query("SELECT * FROM postings WHERE key >= ? AND key < ? ORDER BY key LIMIT 6", [prefix, prefix + "g"]))
    if not rows:
        raise PostingLookupError(f"no posting with id {key!r} (see `researchjobs jobs`)")
    if len(rows) > 1:
        raise PostingLookupError(f"id {key!r} is ambiguous ({', '.join(r['key'] for r in rows[:5])}, ...); type more of it")
    return rows[0]


def posting_history(db: sqlite_utils.Database, key: str) -> list[dict[str, Any]]:
    """Observed changes oldest first; ``fields`` decoded from its JSON list."""
    rows = list(db.query(
        "SELECT at, change, fields, run_id FROM posting_history WHERE posting_key = ? ORDER BY at, id", [key]
    ))  # fmt: skip
    for row in rows:
        try:
            row["fields"] = json.loads(row["fields"]) if row["fields"] else []
        except ValueError:
            row["fields"] = [row["fields"]]
    return rows


def cluster_duplicates(db: sqlite_utils.Database, posting: dict[str, Any]) -> list[dict[str, Any]]:
    """Other postings dedupe put in the same cluster: the same job on another board."""
    if not posting.get("cluster_id"):
        return []
    return list(db.query(
        "SELECT key, title, employer, source_id, location_raw, first_seen, closed_at, url"
        " FROM postings WHERE cluster_id = ? AND key != ? ORDER BY first_seen, key",
        [posting["cluster_id"], posting["key"]],
    ))  # fmt: skip


def counts(db: sqlite_utils.Database) -> dict[str, int]:
    row = next(
        db.query(
            "SELECT COUNT(*) AS total, SUM(closed_at IS NULL) AS open,"
            " SUM(closed_at IS NOT NULL) AS closed, COUNT(DISTINCT source_id) AS sources"
            " FROM postings"
        )
    )
    return {k: int(v or 0) for k, v in row.items()}
