"""The schema, as versioned sqlite-utils migrations. Append; never edit an applied one."""

from __future__ import annotations

import sqlite_utils
from sqlite_utils import Migrations

from researchjobs.posting import FACT_COLUMNS, POSTING_FIELDS

MIGRATIONS = Migrations("researchjobs")

_POSTING_TYPES: dict[str, type] = {
    "date_published_is_lower_bound": int,
}

#: Columns of ``postings`` beyond the Posting fields and facts.
BOOKKEEPING_COLUMNS: dict[str, type] = {
    "key": str,
    "first_seen": str,
    "last_seen": str,
    "changed_at": str,
    "closed_at": str,
    "content_hash": str,
    "last_run_id": str,
    # Raised inside the write transaction on every insert, change, close, reopen and
    # re-enrichment. Writes are serialised, so a reader's snapshot always holds every
    # posting up to its max(change_seq): a watermark that wall clocks cannot give.
    "change_seq": int,
}

FTS_COLUMNS = ("title", "employer", "description")


def known_migrations() -> list[str]:
    """Names of the migrations this version of the program has, in the order they apply."""
    return [migration.name for migration in MIGRATIONS._migrations]


def posting_columns() -> dict[str, type]:
    columns: dict[str, type] = {"key": str}
    for name in POSTING_FIELDS:
        columns[name] = _POSTING_TYPES.get(name, str)
    columns.update(FACT_COLUMNS)
    columns.update(BOOKKEEPING_COLUMNS)
    return columns


@MIGRATIONS()
def m001_postings(db: sqlite_utils.Database) -> None:
    db["postings"].create(posting_columns(), pk="key", not_null={"title", "source_id"})
    for columns in (
        ["source_id", "closed_at"],
        ["last_seen"],
        ["first_seen"],
        ["date_published"],
        ["employer", "title"],
        ["url"],
        ["cluster_id"],
        ["role_family", "role_level"],
        ["state"],
        ["lat"],
        ["change_seq"],
    ):
        db["postings"].create_index(columns)
    # "Newest first" is the default order of `jobs`; without this it scans the table.
    db.execute("CREATE INDEX idx_postings_newest ON postings (COALESCE(date_published, first_seen))")
    db.execute(
        """CREATE VIRTUAL TABLE postings_fts USING fts5(
               title, employer, description,
               content="postings", content_rowid="rowid", tokenize='porter unicode61')"""
    )
    cols = ", ".join(FTS_COLUMNS)
    new_cols = ", ".join(f"new.{c}" for c in FTS_COLUMNS)
    old_cols = ", ".join(f"old.{c}" for c in FTS_COLUMNS)
    db.execute(
        f"""CREATE TRIGGER postings_ai AFTER INSERT ON postings BEGIN
              INSERT INTO postings_fts (rowid, {cols}) VALUES (new.rowid, {new_cols});
            END"""
    )
    db.execute(
        f"""CREATE TRIGGER postings_ad AFTER DELETE ON postings BEGIN
              INSERT INTO postings_fts (postings_fts, rowid, {cols})
              VALUES ('delete', old.rowid, {old_cols});
            END"""
    )
    # Only re-index when indexed text changes: last_seen updates happen every crawl.
    db.execute(
        f"""CREATE TRIGGER postings_au AFTER UPDATE OF {cols} ON postings BEGIN
              INSERT INTO postings_fts (postings_fts, rowid, {cols})
              VALUES ('delete', old.rowid, {old_cols});
              INSERT INTO postings_fts (rowid, {cols}) VALUES (new.rowid, {new_cols});
            END"""
    )
    db["posting_history"].create(
        {
            "id": int,
            "posting_key": str,
            "at": str,
            "change": str,  # new | updated | closed | reopened
            "fields": str,  # JSON list of changed fields
            "run_id": str,
        },
        pk="id",
    )
    db["posting_history"].create_index(["posting_key"])
    db["crawl_runs"].create(
        {
            "run_id": str,
            "source_id": str,
            "family": str,
            "started": str,
            "finished": str,
            "outcome": str,  # running | ok | partial | failed | skipped | interrupted
            "complete": int,
            "seen": int,
            "new": int,
            "updated": int,
            "closed": int,
            "errors": int,
            "error_summary": str,
            "stats_json": str,
        },
        pk="run_id",
    )
    db["crawl_runs"].create_index(["source_id", "started"])


# ---------------------------------------------------------------- digests (m020+)


@MIGRATIONS()
def m020_digests(db: sqlite_utils.Database) -> None:
    """The digest ledger: one row per message, written *before* delivery is attempted.

    ``message`` keeps the exact bytes so a retry sends the same Message-ID and content.
    At most one daily digest per profile and local date (partial unique index), and a
    dedupe cluster is handed to a profile at most once (unique index on digest_items).
    """
    db.execute(
        """CREATE TABLE digests (
               id INTEGER PRIMARY KEY,
               profile TEXT NOT NULL,
               kind TEXT NOT NULL,              -- daily | manual
               local_date TEXT NOT NULL,        -- YYYY-MM-DD in the profile's time zone
               channel TEXT NOT NULL,           -- outbox | smtp
               state TEXT NOT NULL,             -- pending | sending | sent | uncertain | failed | skipped
               message_id TEXT UNIQUE,
               recipient TEXT,
               subject TEXT,
               item_count INTEGER NOT NULL DEFAULT 0,
               eligible_count INTEGER NOT NULL DEFAULT 0,
               message BLOB,
               html TEXT,
               created_at TEXT NOT NULL,
               updated_at TEXT NOT NULL,
               sent_at TEXT,
               attempts INTEGER NOT NULL DEFAULT 0,
               last_error TEXT,
               claimed_by TEXT,
               outbox_file TEXT
           )"""
    )
    db.execute("CREATE UNIQUE INDEX digests_one_daily ON digests (profile, local_date) WHERE kind = 'daily'")
    db.execute("CREATE INDEX digests_profile_state ON digests (profile, state)")
    db.execute(
        """CREATE TABLE digest_items (
               digest_id INTEGER NOT NULL REFERENCES digests (id),
               profile TEXT NOT NULL,
               posting_key TEXT NOT NULL,
               cluster_id TEXT NOT NULL,
               position INTEGER NOT NULL,
               eligible INTEGER,
               score REAL,
               item_json TEXT NOT NULL,
               PRIMARY KEY (digest_id, posting_key)
           )"""
    )
    db.execute("CREATE UNIQUE INDEX digest_items_cluster ON digest_items (profile, cluster_id)")
    db.execute("CREATE INDEX digest_items_key ON digest_items (profile, posting_key)")


# ---------------------------------------------------------------- matches (m010+)


@MIGRATIONS()
def m010_matches(db: sqlite_utils.Database) -> None:
    """One row per (profile, posting) the matcher judged relevant: eligibility, score, reasons.

    ``matched_at`` moves only when the result changes in substance (eligibility, gates,
    or the posting itself), so "new since the last digest" survives a rescoring;
    ``first_matched_at`` never moves; ``scored_at`` is the last computation.
    """
    db.execute(
        """CREATE TABLE matches (
               profile TEXT NOT NULL,
               posting_key TEXT NOT NULL REFERENCES postings (key),
               eligible INTEGER NOT NULL,
               gates TEXT NOT NULL,             -- JSON [{"gate": ..., "reason": ...}]
               score REAL NOT NULL,             -- 0-100
               components TEXT NOT NULL,        -- JSON {component: points}
               reasons TEXT NOT NULL,           -- JSON ["+ entry-level CRC", ...]
               matched_at TEXT NOT NULL,
               posting_changed_at TEXT,
               first_matched_at TEXT NOT NULL,
               scored_at TEXT NOT NULL,
               PRIMARY KEY (profile, posting_key)
           )"""
    )
    db.execute("CREATE INDEX matches_rank ON matches (profile, eligible, score DESC)")
    db.execute("CREATE INDEX matches_recent ON matches (profile, matched_at)")
    db.execute("CREATE INDEX matches_posting ON matches (posting_key)")


@MIGRATIONS()
def m011_match_runs(db: sqlite_utils.Database) -> None:
    """Per-profile matching state: what the last run saw, so the next one can be incremental."""
    db.execute(
        """CREATE TABLE match_runs (
               profile TEXT PRIMARY KEY,
               profile_hash TEXT NOT NULL,
               last_run_at TEXT NOT NULL,
               last_full_at TEXT,
               enrich_versions TEXT,            -- JSON list seen by the last run
               summary TEXT                     -- JSON of the last run's MatchSummary
           )"""
    )


@MIGRATIONS()
def m012_match_runs_seq(db: sqlite_utils.Database) -> None:
    """The postings.change_seq watermark each profile's last run saw (NULL: time-based runs)."""
    db.execute("ALTER TABLE match_runs ADD COLUMN last_seq INTEGER")


# ---------------------------------------------------------------- crawl outcomes (m050+)


@MIGRATIONS()
def m050_crawl_run_cause(db: sqlite_utils.Database) -> None:
    """Why a run ended as it did (``cause``: offline, moved, blocked, wrong_identifier …) and a
    note for the reader (a suspicious drop, a followed move): what source health is built from."""
    db.execute("ALTER TABLE crawl_runs ADD COLUMN cause TEXT")
    db.execute("ALTER TABLE crawl_runs ADD COLUMN note TEXT")

# ---------------------------------------------------------------- eligibility facts (m070+)


#: Fact columns added with extractor 1.1 (level basis, clinical research, required
#: languages, citizens-or-residents only). A new database gets them from m001, which
#: builds ``postings`` from FACT_COLUMNS; an older one gets them here, empty until
#: ``researchjobs reenrich`` (the extractor version changed) fills them.
M070_FACT_COLUMNS = ("role_level_basis", "clinical_research", "languages_required",
                     "citizen_or_pr_required")


@MIGRATIONS()
def m070_eligibility_facts(db: sqlite_utils.Database) -> None:
    """Add the extractor-1.1 fact columns to ``postings`` where they are missing."""
    present = {row[1] for row in db.execute("PRAGMA table_info(postings)").fetchall()}
    for name in M070_FACT_COLUMNS:
        if name not in present:
            db["postings"].add_column(name, FACT_COLUMNS[name])

# ---------------------------------------------------------------- employer links and H-1B records (m080)


@MIGRATIONS()
def m080_employer_links(db: sqlite_utils.Database) -> None:
    """Our employers, the names that mean each, and links from any data set's names to them.

    ``employers`` and ``employer_names`` are rebuilt from the registry and postings on every
    linking run; ``employer_links`` keeps one row per (data set, normalised external name)
    with how it was linked. ``status``: linked (used), review (a candidate, not used),
    none, and the decisions people make: confirmed (used), rejected (never used again).
    """
    db.execute(
        """CREATE TABLE employers (
               key TEXT PRIMARY KEY,            -- normalised name of the employer (its alias group)
               name TEXT NOT NULL,              -- as shown
               employer_type TEXT,              -- from the source registry, when it lists the employer
               in_registry INTEGER NOT NULL DEFAULT 0
           )"""
    )
    db.execute(
        """CREATE TABLE employer_names (
               name TEXT PRIMARY KEY,           -- exactly as postings or the registry write it
               employer_key TEXT NOT NULL
           )"""
    )
    db.execute(
        """CREATE TABLE employer_links (
               dataset TEXT NOT NULL,           -- lca | uscis | ctgov ...
               external_key TEXT NOT NULL,      -- normalised name in that data set
               external_name TEXT NOT NULL,     -- one raw spelling of it
               employer_key TEXT,               -- our employer (NULL when none is near)
               method TEXT NOT NULL,            -- fein | exact | alias | trade_name | prefix | fuzzy | none | manual
               score REAL NOT NULL,             -- 0-100
               status TEXT NOT NULL,            -- linked | review | none | confirmed | rejected
               linker_version TEXT,
               linked_at TEXT NOT NULL,
               PRIMARY KEY (dataset, external_key)
           )"""
    )
    db.execute("CREATE INDEX employer_links_employer ON employer_links (employer_key, dataset, status)")
    db.execute("CREATE INDEX employer_links_status ON employer_links (status)")


@MIGRATIONS()
def m080_h1b(db: sqlite_utils.Database) -> None:
    """DOL LCA filings, USCIS Data Hub rows, the files they came from, and per-employer records."""
    db.execute(
        """CREATE TABLE lca_filings (
               case_number TEXT PRIMARY KEY,
               case_status TEXT, visa_class TEXT, received_date TEXT, decision_date TEXT,
               fiscal_year INTEGER,             -- federal fiscal year (1 October - 30 September) of the decision
               job_title TEXT, soc_code TEXT, soc_title TEXT, full_time INTEGER,
               begin_date TEXT, end_date TEXT, total_workers INTEGER,
               employer_name TEXT, employer_key TEXT, trade_name TEXT, employer_fein TEXT,
               employer_city TEXT, employer_state TEXT, naics_code TEXT,
               worksite_city TEXT, worksite_state TEXT, worksite_postal_code TEXT,
               wage_from REAL, wage_to REAL, wage_unit TEXT, wage_annual REAL,
               prevailing_wage REAL, pw_unit TEXT, pw_wage_level TEXT,
               h1b_dependent TEXT, research INTEGER NOT NULL DEFAULT 0,
               source_file TEXT NOT NULL,
               source_order TEXT NOT NULL       -- which file's row wins: the latest period
           )"""
    )
    for columns in ("employer_key, fiscal_year", "fiscal_year", "worksite_state", "employer_fein"):
        db.execute(f"CREATE INDEX lca_filings_{columns.split(',')[0]} ON lca_filings ({columns})")
    db.execute(
        """CREATE TABLE uscis_approvals (
               id INTEGER PRIMARY KEY,
               fiscal_year INTEGER NOT NULL,
               employer_name TEXT, employer_key TEXT, tax_id TEXT, naics TEXT,
               state TEXT, city TEXT, zip TEXT,
               initial_approvals INTEGER NOT NULL DEFAULT 0, initial_denials INTEGER NOT NULL DEFAULT 0,
               continuing_approvals INTEGER NOT NULL DEFAULT 0, continuing_denials INTEGER NOT NULL DEFAULT 0,
               source_file TEXT NOT NULL, layout TEXT NOT NULL
           )"""
    )
    db.execute("CREATE INDEX uscis_approvals_employer ON uscis_approvals (employer_key, fiscal_year)")
    db.execute("CREATE INDEX uscis_approvals_year ON uscis_approvals (fiscal_year)")
    db.execute(
        """CREATE TABLE h1b_imports (
               id INTEGER PRIMARY KEY,
               source_file TEXT NOT NULL, sha256 TEXT NOT NULL, bytes INTEGER NOT NULL,
               kind TEXT NOT NULL,              -- lca | uscis
               layout TEXT NOT NULL,
               rows_read INTEGER NOT NULL, rows_kept INTEGER NOT NULL, rows_skipped INTEGER NOT NULL,
               fiscal_years TEXT,               -- JSON list
               imported_at TEXT NOT NULL
           )"""
    )
    db.execute("CREATE UNIQUE INDEX h1b_imports_sha ON h1b_imports (sha256, kind)")
    db.execute(
        """CREATE TABLE sponsor_records (
               employer_key TEXT NOT NULL,
               fiscal_year INTEGER NOT NULL,
               lca_filed INTEGER NOT NULL DEFAULT 0,
               lca_certified INTEGER NOT NULL DEFAULT 0,
               lca_no_status INTEGER NOT NULL DEFAULT 0,      -- filings in files without CASE_STATUS
               lca_research INTEGER NOT NULL DEFAULT 0,       -- certified (or no status given), research titles or SOC codes
               research_median_wage REAL,                     -- annual, certified research filings
               example_title TEXT, example_level TEXT, example_wage REAL,
               wage_levels TEXT,                              -- JSON {"I": n, ...} of certified filings
               worksite_states TEXT,                          -- JSON {"MA": n, ...}
               naics TEXT,                                    -- JSON {"611310": n, ...}
               last_filing_date TEXT,
               uscis_initial_approvals INTEGER, uscis_initial_denials INTEGER,
               uscis_continuing_approvals INTEGER, uscis_continuing_denials INTEGER,
               PRIMARY KEY (employer_key, fiscal_year)
           )"""
    )
    db.execute(
        """CREATE VIEW sponsor_history AS
           SELECT e.name AS employer, e.employer_type, r.*
           FROM sponsor_records r JOIN employers e ON e.key = r.employer_key"""
    )


# ---------------------------------------------------------------- research sites from ClinicalTrials.gov (m090)


@MIGRATIONS()
def m090_trial_sites(db: sqlite_utils.Database) -> None:
    """Research sites, their recruiting trials, the areas searched, and the sites digests showed.

    A (site, trial) row is open while the site recruits for the trial; like a posting it is
    closed only by a complete, successful crawl of an area that contains the site and no
    longer lists it as recruiting, and reopened if it comes back. ``opened_at`` is when it
    last became open ("new trials since the last digest").
    """
    db.execute(
        """CREATE TABLE trial_sites (
               site_id TEXT PRIMARY KEY,        -- hash of normalised facility name, city, state (+ ZIP for placeholders)
               facility TEXT NOT NULL,          -- as published (latest spelling)
               name_key TEXT NOT NULL,          -- linking.name_key(facility); joins employer_links (dataset 'ctgov')
               name_kind TEXT NOT NULL,         -- organisation | investigator | placeholder
               city TEXT, state TEXT, state_raw TEXT, zip TEXT, country TEXT,
               lat REAL NOT NULL, lon REAL NOT NULL,  -- the study's geoPoint for the site
               first_seen TEXT NOT NULL, last_seen TEXT NOT NULL,
               closed_at TEXT                   -- set while the site has no open trial
           )"""
    )
    db.execute("CREATE INDEX trial_sites_lat ON trial_sites (lat, lon)")
    db.execute("CREATE INDEX trial_sites_name ON trial_sites (name_key)")
    db.execute(
        """CREATE TABLE site_trials (
               site_id TEXT NOT NULL REFERENCES trial_sites (site_id),
               nct_id TEXT NOT NULL,
               title TEXT,
               phases TEXT,                     -- JSON list: EARLY_PHASE1, PHASE1 ... PHASE4, NA
               conditions TEXT,                 -- JSON list
               lead_sponsor TEXT,
               sponsor_class TEXT,              -- INDUSTRY, NIH, FED, OTHER_GOV, NETWORK, INDIV, OTHER, UNKNOWN
               overall_status TEXT,
               site_status TEXT,                -- the site's own status when last seen
               contacts TEXT,                   -- JSON list of {name, role, email, phone, phone_ext}, as published
               study_first_posted TEXT, study_last_updated TEXT,
               first_seen TEXT NOT NULL, last_seen TEXT NOT NULL,
               opened_at TEXT NOT NULL,         -- first seen, or reopened
               closed_at TEXT, close_reason TEXT,
               last_run_id TEXT,
               PRIMARY KEY (site_id, nct_id)
           )"""
    )
    db.execute("CREATE INDEX site_trials_open ON site_trials (closed_at, site_id)")
    db.execute("CREATE INDEX site_trials_nct ON site_trials (nct_id)")
    db.execute(
        """CREATE TABLE trial_areas (
               area_id TEXT PRIMARY KEY,        -- crawl_runs.source_id of the area's runs
               label TEXT NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL, miles REAL NOT NULL,
               last_run_id TEXT, last_outcome TEXT, last_crawled TEXT,
               last_complete TEXT               -- finish of the last complete, successful crawl
           )"""
    )
    db.execute(
        """CREATE TABLE digest_sites (
               digest_id INTEGER NOT NULL REFERENCES digests (id),
               profile TEXT NOT NULL,
               site_id TEXT NOT NULL,
               position INTEGER NOT NULL,
               shown_at TEXT NOT NULL,
               item_json TEXT NOT NULL,
               PRIMARY KEY (digest_id, site_id)
           )"""
    )
    db.execute("CREATE INDEX digest_sites_profile ON digest_sites (profile, site_id, shown_at)")
    db.execute(
        """CREATE VIEW research_site_trials AS
           SELECT s.facility, s.city, s.state, s.zip, s.name_kind, t.nct_id, t.title, t.phases, t.conditions,
                  t.lead_sponsor, t.sponsor_class, t.site_status, t.contacts, e.name AS employer,
                  t.first_seen, t.last_seen, s.lat, s.lon, s.site_id,
                  'https://clinicaltrials.gov/study/' || t.nct_id AS study_url,
                  'ClinicalTrials.gov API v2 (U.S. National Library of Medicine)' AS source
           FROM site_trials t JOIN trial_sites s ON s.site_id = t.site_id
           LEFT JOIN employer_links l ON l.dataset = 'ctgov' AND l.external_key = s.name_key
                AND l.status IN ('linked', 'confirmed')
           LEFT JOIN employers e ON e.key = l.employer_key
           WHERE t.closed_at IS NULL"""
    )
