"""The source registry: which employer boards exist, of which family, and how to reach them.

A TOML file of ``[[source]]`` tables. The packaged default (``data/sources.toml``) is
used until the user changes something; then a copy lives in the data directory and
is edited in place with tomlkit, so the user's comments survive ``add`` and ``remove``.
A bad entry is reported with file, line and what is wrong, and the rest still load.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomlkit

from researchjobs.config import PACKAGE_DATA
from researchjobs.files import read_regular, write_text_atomic
from researchjobs.hosts import check_public_host, check_public_url

DEFAULT_REGISTRY = PACKAGE_DATA / "sources.toml"

#: Identifiers each family needs in its entry (beyond id, family, employer).
FAMILY_PARAMS: dict[str, tuple[str, ...]] = {
    "greenhouse": ("board",),
    "lever": ("site",),
    "workday": ("host", "tenant", "site"),
    "smartrecruiters": ("company",),
    "ashby": ("board",),
    "usajobs": (),
    "oracle": ("host", "site"),
    "icims": ("host",),
    "jsonld": ("url",),
    "feeds": ("url",),
    "phenom": ("url",),
    "paylocity": ("company",),
    "jazzhr": ("company",),
    "jobvite": ("company",),
    "eightfold": ("host",),
    "personio": ("company",),
    "teamtailor": ("url",),
    "taleo": ("url",),
    "successfactors": ("url",),
    "ultipro": ("host", "tenant", "board"),
    "adp": ("cid",),
    "dayforce": ("client", "board"),
    "bamboohr": ("company",),
    "workable": ("account",),
    "breezy": ("company",),
    "recruitee": ("company",),
    "pinpoint": ("company",),
    "rippling": ("board",),
    "brassring": ("partnerid", "siteid"),
}

EMPLOYER_TYPES = (
    "university",
    "academic_medical_centre",
    "research_nonprofit",
    "childrens_hospital",
    "health_system",
    "government_research",
    "cro",
    "site_network",
    "pharma_biotech",
    "other",
)

#: ``verified`` is a person's word; the others are what ``sources check`` last observed
#: (``reachable`` is what older checks wrote for ``ok``).
VERIFICATION_STATES = (
    "unverified", "ok", "empty", "wrong_identifier", "moved", "blocked", "reachable", "verified",
)  # fmt: skip

ID_PATTERN = re.compile(r"^[a-z]+:[A-Za-z0-9_.\-/]{1,120}$")

#: Params that name a board inside its hiring system (the slug in its URL). Any family's
#: required params that are not URLs or hosts count too, so a new family is covered as is.
IDENTIFIER_PARAMS = frozenset({"board", "site", "tenant", "company", "account", "client", "cid", "namespace"})
IDENTIFIER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.~\-]{0,99}$")
CORE_KEYS = {"id", "family", "employer", "employer_type", "search", "verified", "enabled", "notes"}


class RegistryError(Exception):
    """The registry file as a whole cannot be used (missing, not TOML)."""


@dataclass(frozen=True)
class EntryError:
    file: Path
    line: int | None
    entry: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else str(self.file)
        return f"{where}: source {self.entry}: {self.message}"


@dataclass
class Source:
    id: str
    family: str
    employer: str
    employer_type: str = "other"
    search: list[str] = field(default_factory=list)
    verified: str = "unverified"
    enabled: bool = True
    params: dict[str, Any] = field(default_factory=dict)
    notes: str | None = None

    def to_table(self) -> dict[str, Any]:
        table: dict[str, Any] = {
            "id": self.id,
            "family": self.family,
            "employer": self.employer,
            "employer_type": self.employer_type,
        }
        table.update(self.params)
        if self.search:
            table["search"] = list(self.search)
        table["verified"] = self.verified
        if not self.enabled:
            table["enabled"] = False
        if self.notes:
            table["notes"] = self.notes
        return table

    def spider_args(self) -> dict[str, str]:
        return {"source": self.id}


@dataclass
class Registry:
    path: Path
    sources: dict[str, Source]
    errors: list[EntryError]

    def get(self, source_id: str) -> Source | None:
        return self.sources.get(source_id)

    def by_family(self, family: str) -> list[Source]:
        return [s for s in self.sources.values() if s.family == family]


def registry_path(data_root: Path) -> Path:
    """The user's registry if they have one, else the packaged default."""
    user = data_root / "sources.toml"
    return user if user.exists() else DEFAULT_REGISTRY


def load_registry(path: Path) -> Registry:
    try:
        text = read_regular(path).decode("utf-8")
    except OSError as exc:
        raise RegistryError(f"{path}: cannot read the source registry: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise RegistryError(f"{path}: not UTF-8 text (byte {exc.start}); save the file as UTF-8") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RegistryError(f"{path}: not valid TOML: {exc}") from None
    tables = data.get("source", [])
    if not isinstance(tables, list):
        raise RegistryError(f"{path}: expected [[source]] tables")
    lines = _entry_lines(text)
    sources: dict[str, Source] = {}
    errors: list[EntryError] = []
    for index, table in enumerate(tables):
        line = lines[index] if index < len(lines) else None
        label = str(table.get("id") or f"#{index + 1}") if isinstance(table, dict) else f"#{index + 1}"
        try:
            source = parse_entry(table)
        except ValueError as exc:
            errors.append(EntryError(path, line, label, str(exc)))
            continue
        if source.id in sources:
            errors.append(EntryError(path, line, label, "duplicate id (first one kept)"))
            continue
        sources[source.id] = source
    return Registry(path, sources, errors)


def _entry_lines(text: str) -> list[int]:
    return [n for n, line in enumerate(text.splitlines(), 1) if line.strip().startswith("[[source]]")]


def parse_entry(table: Any) -> Source:
    """Validate one registry table; ValueError says what is wrong."""
    if not isinstance(table, dict):
        raise ValueError("must be a table")
    source_id = table.get("id")
    if not isinstance(source_id, str) or not ID_PATTERN.fullmatch(source_id):
        raise ValueError(f"id must look like 'family:name', got {source_id!r}")
    family = table.get("family") or source_id.split(":", 1)[0]
    if not isinstance(family, str) or family not in FAMILY_PARAMS:
        raise ValueError(f"unknown family {family!r}; known: {', '.join(sorted(FAMILY_PARAMS))}")
    if not source_id.startswith(family + ":"):
        raise ValueError(f"id must start with its family '{family}:'")
    employer = table.get("employer")
    if not isinstance(employer, str) or not employer.strip():
        raise ValueError("employer (the employer's name) is required")
    employer_type = table.get("employer_type", "other")
    if employer_type not in EMPLOYER_TYPES:
        raise ValueError(f"employer_type {employer_type!r} is not one of {', '.join(EMPLOYER_TYPES)}")
    search = table.get("search", [])
    if isinstance(search, str):
        search = [search]
    if not isinstance(search, list) or not all(isinstance(s, str) for s in search):
        raise ValueError("search must be a list of strings")
    verified = table.get("verified", "unverified")
    if verified not in VERIFICATION_STATES:
        raise ValueError(f"verified must be one of {', '.join(VERIFICATION_STATES)}")
    enabled = table.get("enabled", True)
    if not isinstance(enabled, bool):
        raise ValueError("enabled must be true or false")
    notes = table.get("notes")
    if notes is not None and not isinstance(notes, str):
        raise ValueError("notes must be a string")
    params = {k: v for k, v in table.items() if k not in CORE_KEYS}
    for name in FAMILY_PARAMS[family]:
        value = params.get(name)
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{family} sources need '{name}'")
    check_entry_hosts(params)
    identifiers = IDENTIFIER_PARAMS | {n for n in FAMILY_PARAMS[family] if not _is_address(n)}
    for name, value in params.items():
        if name in identifiers:
            check_identifier(value, name)
    return Source(
        id=source_id,
        family=family,
        employer=employer.strip(),
        employer_type=employer_type,
        search=list(search),
        verified=verified,
        enabled=enabled,
        params=params,
        notes=notes,
    )


def _is_address(name: str) -> bool:
    return name in ("url", "sitemap", "feed", "host") or name.endswith("_url")


def check_identifier(value: Any, name: str) -> None:
    """A board's slug goes into API paths as is: it may not step out of them (``..``, ``/``),
    add a query or fragment, or be large enough to matter."""
    if isinstance(value, int) and not isinstance(value, bool):
        return
    if not isinstance(value, str):
        raise ValueError(f"{name} must be text, the identifier in the careers URL")
    if not IDENTIFIER.fullmatch(value) or ".." in value:
        shown = repr(value[:40] + "…" if len(value) > 40 else value)
        raise ValueError(
            f"{name} {shown} is not a board identifier: use 1-100 letters, digits, '-', '_', '.' or '~'"
            " as in the careers URL (no '/', '?', '#', '..' or spaces)"
        )


def check_entry_hosts(params: dict[str, Any]) -> None:
    """Every host an entry names must be public, however it is spelled (see ``hosts``).

    Hand-written entries get the same checks as ``sources add``: ``host``/``hosts`` are
    bare host names, and any ``url``/``urls``/``sitemap``/``feed``/``*_url`` value, or any
    string that looks like a URL, must be an http(s) URL on a public host.
    """
    for name, value in params.items():
        values = value if isinstance(value, list) else [value]
        for item in values:
            if name in ("host", "hosts"):
                check_public_host(item, name)
            elif name in ("url", "urls", "sitemap", "feed") or name.endswith("_url"):
                check_public_url(item, name)
            elif isinstance(item, str) and "://" in item:
                check_public_url(item, name)


def _user_registry(data_root: Path) -> Path:
    """Copy the packaged default into the data directory before the first edit."""
    path = data_root / "sources.toml"
    if not path.exists():
        data_root.mkdir(parents=True, exist_ok=True)
        write_text_atomic(path, DEFAULT_REGISTRY.read_text(encoding="utf-8"))
    return path


def add_source(data_root: Path, source: Source) -> Path:
    parse_entry(source.to_table())
    path = _user_registry(data_root)
    registry = load_registry(path)
    if source.id in registry.sources:
        raise ValueError(f"source {source.id} already exists in {path}")
    doc = tomlkit.parse(path.read_text(encoding="utf-8"))
    if "source" not in doc:
        doc["source"] = tomlkit.aot()
    table = tomlkit.table()
    for key, value in source.to_table().items():
        table[key] = value
    doc["source"].append(table)
    write_text_atomic(path, tomlkit.dumps(doc))
    return path


def remove_source(data_root: Path, source_id: str) -> Path:
    path = _user_registry(data_root)
    doc = tomlkit.parse(path.read_text(encoding="utf-8"))
    tables = doc.get("source", [])
    keep = [t for t in tables if t.get("id") != source_id]
    if len(keep) == len(tables):
        raise KeyError(source_id)
    aot = tomlkit.aot()
    for table in keep:
        aot.append(table)
    doc["source"] = aot
    write_text_atomic(path, tomlkit.dumps(doc))
    return path


def set_verification(data_root: Path, source_id: str, state: str) -> None:
    set_verifications(data_root, {source_id: state})


def set_verifications(data_root: Path, states: dict[str, str]) -> None:
    """Record check results for many sources in one rewrite of the registry."""
    for state in states.values():
        if state not in VERIFICATION_STATES:
            raise ValueError(f"unknown verification state {state!r}")
    path = _user_registry(data_root)
    doc = tomlkit.parse(path.read_text(encoding="utf-8"))
    for table in doc.get("source", []):
        if table.get("id") in states:
            table["verified"] = states[table.get("id")]
    write_text_atomic(path, tomlkit.dumps(doc))


def set_params(
    data_root: Path, source_id: str, changes: dict[str, Any], verified: str | None = None, why: str | None = None
) -> Path:
    """Change identifier values of one source in place, checked like a new entry.

    Comments are kept, and each changed value gets one saying what it was and ``why``.
    """
    path = _user_registry(data_root)
    doc = tomlkit.parse(path.read_text(encoding="utf-8"))
    for table in doc.get("source", []):
        if table.get("id") == source_id:
            for key, value in changes.items():
                old = table.get(key)
                table[key] = value
                if why:
                    table[key].comment(f"was {old!r}; {why}")
            if verified:
                table["verified"] = verified
            parse_entry(table.unwrap())
            break
    else:
        raise KeyError(source_id)
    write_text_atomic(path, tomlkit.dumps(doc))
    return path


def registry_summary(sources: Iterable[Source]) -> dict[str, Any]:
    """Counts of a registry's entries by employer type, family and verification state.

    Every known type, family and state is listed, zeros included, so a gap in coverage
    (no site networks, a family with no board) shows as a zero rather than as an absence.
    Each group row also splits its entries into enabled and disabled, because a disabled
    entry is listed but never crawled.
    """
    chosen = list(sources)

    def group(key: str, names: Iterable[str]) -> dict[str, dict[str, int]]:
        rows = {name: {"total": 0, "enabled": 0, "disabled": 0} for name in names}
        for source in chosen:
            row = rows.setdefault(getattr(source, key), {"total": 0, "enabled": 0, "disabled": 0})
            row["total"] += 1
            row["enabled" if source.enabled else "disabled"] += 1
        return rows

    enabled = sum(1 for s in chosen if s.enabled)
    return {
        "total": len(chosen),
        "enabled": enabled,
        "disabled": len(chosen) - enabled,
        "by_type": group("employer_type", EMPLOYER_TYPES),
        "by_family": group("family", FAMILY_PARAMS),
        "by_verification": group("verified", VERIFICATION_STATES),
    }
