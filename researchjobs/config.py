"""Where researchjobs keeps its files, and the settings file.

Everything lives under one data directory so that a user can back it up, point
Datasette at it, or throw it away. ``RESEARCHJOBS_HOME`` overrides the default
(``$XDG_DATA_HOME/researchjobs``), which is also how tests and the demo isolate
themselves. Secrets never live here: they come from the environment only.
"""

from __future__ import annotations

import math
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from researchjobs.files import read_regular

PACKAGE_DIR = Path(__file__).resolve().parent
PACKAGE_DATA = PACKAGE_DIR / "data"
PROJECT_ROOT = PACKAGE_DIR.parent

#: Environment variables that hold secrets. Named here so logging can redact them.
SECRET_ENV_VARS = ("RESEARCHJOBS_SMTP_PASSWORD", "USAJOBS_API_KEY")


#: Allowed ranges (low, high, unit). A crawl more often than hourly is impolite to the
#: boards; beyond a year (or a day for the digest tick) the timer arithmetic overflows.
CRAWL_HOURS = (1.0, 24.0 * 365, "hours")
TICK_MINUTES = (1.0, 24.0 * 60, "minutes")


class ConfigError(Exception):
    """A broken settings file or path; the message says what and where."""


def data_dir() -> Path:
    override = os.environ.get("RESEARCHJOBS_HOME")
    if override:
        return Path(override).expanduser().resolve()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "researchjobs"


@dataclass
class Paths:
    root: Path

    @property
    def db(self) -> Path:
        return self.root / "researchjobs.db"

    @property
    def sources(self) -> Path:
        return self.root / "sources.toml"

    @property
    def profiles(self) -> Path:
        return self.root / "profiles"

    @property
    def outbox(self) -> Path:
        return self.root / "outbox"

    @property
    def feeds(self) -> Path:
        return self.root / "feeds"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def settings_file(self) -> Path:
        return self.root / "config.toml"

    def ensure(self) -> Paths:
        for path in (self.root, self.profiles, self.outbox, self.logs):
            path.mkdir(parents=True, exist_ok=True)
        return self


def paths() -> Paths:
    return Paths(data_dir())


@dataclass
class Settings:
    """The optional ``config.toml`` in the data directory."""

    crawl_interval_hours: float = 12.0
    crawl_overrides: dict[str, float] = field(default_factory=dict)  # family or source id → hours
    digest_tick_minutes: float = 5.0
    smtp: dict[str, Any] = field(default_factory=dict)  # host, port, security, user, sender
    user_agent_contact: str = "https://github.com/researchjobs/researchjobs"
    raw: dict[str, Any] = field(default_factory=dict)


def load_settings(path: Path | None = None) -> Settings:
    path = path or paths().settings_file
    if not path.exists():
        return Settings()
    try:
        data = tomllib.loads(read_regular(path).decode("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start}); save the file as UTF-8") from None
    settings = Settings(raw=data)
    crawl = data.get("crawl", {})
    if not isinstance(crawl, dict):
        raise ConfigError(f"{path}: [crawl] must be a table")
    if "interval_hours" in crawl:
        settings.crawl_interval_hours = _bounded(path, "crawl.interval_hours", crawl["interval_hours"], CRAWL_HOURS)
    overrides = crawl.get("overrides", {})
    if not isinstance(overrides, dict):
        raise ConfigError(f"{path}: crawl.overrides must be a table of name = hours")
    settings.crawl_overrides = {
        str(k): _bounded(path, f"crawl.overrides.{k}", v, CRAWL_HOURS) for k, v in overrides.items()
    }
    digest = data.get("digest", {})
    if isinstance(digest, dict) and "tick_minutes" in digest:
        settings.digest_tick_minutes = _bounded(path, "digest.tick_minutes", digest["tick_minutes"], TICK_MINUTES)
    smtp = data.get("smtp", {})
    if not isinstance(smtp, dict):
        raise ConfigError(f"{path}: [smtp] must be a table")
    if "password" in smtp:
        raise ConfigError(
            f"{path}: smtp.password must not be stored in a file; "
            "set RESEARCHJOBS_SMTP_PASSWORD in the environment"
        )
    settings.smtp = smtp
    return settings


def _bounded(path: Path, name: str, value: Any, bounds: tuple[float, float, str]) -> float:
    low, high, unit = bounds
    number = value if isinstance(value, int | float) and not isinstance(value, bool) else None
    if number is None or not math.isfinite(number) or not low <= number <= high:
        raise ConfigError(f"{path}: {name} must be between {low:g} and {high:g} {unit}, got {value!r}")
    return float(number)
