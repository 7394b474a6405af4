"""Turning a careers URL that a user pasted into a registry entry.

Users find boards in a browser, so the URL they paste is a human page (a job, a search,
a career-site home), seldom the API endpoint a spider needs. Each family's recogniser
pulls out the identifiers the spider needs and drops the rest (job ids, tracking
parameters), so that pasting any page of a board gives the same entry. Whatever cannot
be told apart falls back to ``jsonld``: most career pages carry schema.org JobPosting.

Every failure is a ValueError whose message says what was wrong and what to paste instead;
the CLI shows it as is.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit, urlunsplit

from researchjobs.sources import Source, check_public_url, parse_entry

Recognised = tuple[str, dict[str, Any], str]  # family, params, a short name for the id
_Recogniser = Callable[[str, list[str], dict[str, list[str]], str], Recognised | None]

_SLUG = re.compile(r"^[A-Za-z0-9_.\-]+$")
_LOCALE = re.compile(r"^[a-z]{2}[-_][a-z]{2}$", re.I)
_LOCALE_TAG = re.compile(r"^[a-z]{2}(?:-[A-Za-z]{2,4})?$")
_DNS_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_TLD = re.compile(r"^(?:[a-z][a-z0-9-]*[a-z0-9]|[a-z]|xn--[a-z0-9-]+)$")

_GREENHOUSE_HOSTS = {
    "boards.greenhouse.io",
    "job-boards.greenhouse.io",
    "boards.eu.greenhouse.io",
    "job-boards.eu.greenhouse.io",
    "boards-api.greenhouse.io",
    "api.greenhouse.io",
}
_LEVER_HOSTS = {"jobs.lever.co", "jobs.eu.lever.co", "api.lever.co", "api.eu.lever.co"}
_SMARTRECRUITERS_HOSTS = {
    "jobs.smartrecruiters.com",
    "careers.smartrecruiters.com",
    "api.smartrecruiters.com",
}
_WORKDAY_HOST = re.compile(r"^([a-z0-9][a-z0-9-]*)\.(wd\d+)\.myworkdayjobs\.com$")
_WORKDAY_SITE_HOST = re.compile(r"^wd\d+\.myworkdaysite\.com$")
#: Career sites the reference lists document as Phenom People front ends.
PHENOM_HOSTS = {
    "careers.thermofisher.com",
    "careers.labcorp.com",
    "careers.fortrea.com",
    "careers.covance.com",
    "careers.catalent.com",
    "jobs.chop.edu",
    "careers.medstarhealth.org",
    "careers.dukehealth.org",
}
#: iCIMS "Careers Site" (Jibe) boards on employers' own hosts: they serve /api/jobs like
#: ``{tenant}.jibeapply.com`` does, but nothing in the URL says so.
ICIMS_JIBE_HOSTS = {
    "careers.appliedmedical.com",
    "careers.carlehealth.org",
    "careers.certara.com",
    "careers.confluencehealth.org",
    "careers.covenanthealthcare.com",
    "careers.fairview.org",
    "careers.incyte.com",
    "careers.infirmaryhealth.org",
    "careers.jhuapl.edu",
    "careers.medpace.com",
    "careers.mymichigan.org",
    "careers.noblis.org",
    "careers.pacira.com",
    "careers.pnnl.gov",
    "careers.primehealthcare.com",
    "careers.promega.com",
    "careers.redeemerhealth.org",
    "careers.riversidehealthcare.org",
    "careers.rti.org",
    "careers.shrinerschildrens.org",
    "careers.smh.com",
    "careers.stlukes-stl.com",
    "careers.usoncology.com",
    "careers.versiti.org",
    "jobs.ardenthealth.com",
    "jobs.bassett.org",
    "jobs.tufts.edu",
    "jobs.ufhealth.org",
    "jobs.ynhhs.org",
    "talent.firsthealth.org",
}
#: SAP SuccessFactors career sites (Recruiting Marketing) on employers' own hosts.
SUCCESSFACTORS_HOSTS = {"careers.qorvo.com", "jobs.sap.com"}
ULTIPRO_HOSTS = {"recruiting.ultipro.com", "recruiting2.ultipro.com"}
_GUID = re.compile(r"^[0-9A-Fa-f]{8}-(?:[0-9A-Fa-f]{4}-){3}[0-9A-Fa-f]{12}$")
_FEED_WORDS = re.compile(r"(?i)(feed|rss|atom|jobs|postings|careers|vacanc)")


def source_from_url(
    url: str,
    *,
    employer: str | None = None,
    employer_type: str = "other",
    source_id: str | None = None,
    search: list[str] | None = None,
) -> Source:
    """Recognise the hiring system behind ``url``; ValueError when it cannot be told."""
    if not isinstance(url, str) or not url.strip():
        raise ValueError("no URL given: paste the address of a careers page, board or feed")
    url = url.strip()
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise ValueError(f"{url!r}: a URL cannot contain spaces or control characters")
    try:
        check_public_url(url)
    except ValueError as exc:
        raise ValueError(f"not a usable careers URL: {exc}") from None
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().rstrip(".")
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"{url}: not a valid URL ({exc})") from None
    _check_host(host, url)
    if parts.username is not None or parts.password is not None:
        raise ValueError(f"{url}: remove the user name / password from the URL; boards are public")
    if port not in (None, 80, 443):
        raise ValueError(f"{url}: careers sites are on the standard ports; this URL names port {port}")
    segments = [unquote(s) for s in parts.path.split("/") if s]
    query = parse_qs(parts.query, keep_blank_values=False)
    family, params, name = _recognise(host, segments, query, url)
    entry = Source(
        id=source_id or f"{family}:{_slug(name)}",
        family=family,
        employer=(employer or "").strip() or _employer_guess(name),
        employer_type=employer_type,
        search=list(search or []),
        params=params,
    )
    # The same validation a hand-written entry gets: one rule for what a good entry is.
    return parse_entry(entry.to_table())


def _check_host(host: str, url: str) -> None:
    """Refuse host spellings that check_public_url lets through but resolve privately.

    ``http://2130706433/`` and ``http://127.1/`` are 127.0.0.1 to the resolver, and a
    dot-less name is an intranet host: a real careers site has a DNS name with an
    alphabetic top-level domain, or a public IP literal.
    """
    try:
        ipaddress.ip_address(host)
        return  # a literal IP: check_public_url has already required it to be global
    except ValueError:
        pass
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValueError(f"{url}: {host!r} is not a valid host name") from None
    labels = ascii_host.split(".")
    if len(labels) < 2 or not all(_DNS_LABEL.match(label) for label in labels) or not _TLD.match(labels[-1]):
        raise ValueError(f"{url}: {host!r} is not a public host name")


def _recognise(host: str, segments: list[str], query: dict[str, list[str]], url: str) -> Recognised:
    for recogniser in _RECOGNISERS:
        found = recogniser(host, segments, query, url)
        if found is not None:
            return found
    return "jsonld", {"url": _without_fragment(url)}, host.removeprefix("www.")


# ------------------------------------------------------------------ per family


def _workday(host: str, segments: list[str], query: dict[str, list[str]], url: str) -> Recognised | None:
    match = _WORKDAY_HOST.match(host)
    if match:
        tenant = match.group(1)
        rest = _skip_locale(segments)
        if rest[:2] == ["wday", "cxs"] and len(rest) >= 4:
            site = rest[3]
        elif rest and rest[0] not in ("wday", "job", "details"):
            site = rest[0]
        else:
            site = ""
    elif _WORKDAY_SITE_HOST.match(host):
        # https://wd5.myworkdaysite.com/[en-US/]recruiting/{tenant}/{site}
        rest = _skip_locale(segments)
        if rest[:2] == ["wday", "cxs"] and len(rest) >= 4:
            tenant, site = rest[2], rest[3]
        elif rest[:1] == ["recruiting"] and len(rest) >= 3:
            tenant, site = rest[1], rest[2]
        else:
            tenant = site = ""
        if not tenant:
            raise ValueError(
                f"{url}: a Workday URL but not of a career site (expected /recruiting/TENANT/SITE)"
            )
    elif host.endswith((".myworkdayjobs.com", ".myworkdaysite.com")) or host in ("myworkdayjobs.com",):
        raise ValueError(f"{url}: a Workday address without a tenant.wdN host; paste the career site's URL")
    else:
        return None
    if _LOCALE.match(site):
        raise ValueError(f"{url}: {site!r} is a language, not a career site; paste the board's own address")
    if not site or not _SLUG.match(site) or not _SLUG.match(tenant):
        raise ValueError(
            f"{url}: a Workday URL but no career-site name in it; paste the board's address, "
            f"e.g. https://{host}/External"
        )
    name = tenant if site.lower() == tenant.lower() else f"{tenant}-{site}"
    return "workday", {"host": host, "tenant": tenant, "site": site}, name


def _greenhouse(host: str, segments: list[str], query: dict[str, list[str]], url: str) -> Recognised | None:
    if host not in _GREENHOUSE_HOSTS:
        return None
    if segments[:1] == ["embed"]:
        token = _first(query, "for")
    elif segments[:2] == ["v1", "boards"] and len(segments) > 2:
        token = segments[2]
    elif segments and segments[0] not in ("v1", "embed"):
        token = segments[0]
    else:
        token = _first(query, "for")
    if not token or not _SLUG.match(token):
        raise ValueError(
            f"{url}: a Greenhouse URL but no board token in it; paste the board's page, "
            "e.g. https://job-boards.greenhouse.io/TOKEN"
        )
    return "greenhouse", {"board": token}, token


def _lever(host: str, segments: list[str], query: dict[str, list[str]], url: str) -> Recognised | None:
    if host not in _LEVER_HOSTS:
        return None
    if segments[:2] == ["v0", "postings"]:
        site = segments[2] if len(segments) > 2 else ""
    else:
        site = segments[0] if segments else ""
    if not site or not _SLUG.match(site) or site == "v0":
        raise ValueError(f"{url}: a Lever URL but no site name in it; paste e.g. https://jobs.lever.co/SITE")
    params: dict[str, Any] = {"site": site}
    if ".eu." in host:
        params["eu"] = True
    return "lever", params, site


def _ashby(host: str, segments: list[str], query: dict[str, list[str]], url: str) -> Recognised | None:
    if host == "jobs.ashbyhq.com":
        board = segments[0] if segments else ""
    elif host == "api.ashbyhq.com":
        board = segments[2] if segments[:2] == ["posting-api", "job-board"] and len(segments) > 2 else ""
    elif host.endswith(".ashbyhq.com") or host == "ashbyhq.com":
        raise ValueError(
            f"{url}: an Ashby URL but not a job board; paste e.g. https://jobs.ashbyhq.com/BOARD"
        )
    else:
        return None
    if not board or not _SLUG.match(board):
        raise ValueError(
            f"{url}: an Ashby URL but no board name in it; paste e.g. https://jobs.ashbyhq.com/BOARD"
        )
    return "ashby", {"board": board}, board


def _smartrecruiters(
    host: str, segments: list[str], query: dict[str, list[str]], url: str
) -> Recognised | None:
    if host not in _SMARTRECRUITERS_HOSTS:
        return None
    if host == "api.smartrecruiters.com":
        company = segments[2] if segments[:2] == ["v1", "companies"] and len(segments) > 2 else ""
    elif segments[:2] == ["oneclick-ui", "company"] and len(segments) > 2:
        company = segments[2]
    else:
        company = segments[0] if segments else ""
    if not company or not _SLUG.match(company):
        raise ValueError(
            f"{url}: a SmartRecruiters URL but no company identifier in it; "
            "paste e.g. https://careers.smartrecruiters.com/COMPANY"
        )
    return "smartrecruiters", {"company": company}, company


#: usajobs.gov search-page parameters (and the API's names) → registry keys.
_USAJOBS_PARAMS = {
    "k": "keyword",
    "keyword": "keyword",
    "j": "series",
    "jobcategorycode": "series",
    "l": "location",
    "locationname": "location",
    "a": "organization",
    "organization": "organization",
}


def _usajobs(host: str, segments: list[str], query: dict[str, list[str]], url: str) -> Recognised | None:
    if host not in ("usajobs.gov", "www.usajobs.gov", "data.usajobs.gov"):
        return None
    params: dict[str, Any] = {}
    for raw_key, values in query.items():
        key = _USAJOBS_PARAMS.get(raw_key.lower())
        wanted = [v.strip() for v in values if v.strip()]
        if key and wanted and key not in params:
            params[key] = ";".join(wanted)
    if not params:
        raise ValueError(
            f"{url}: a USAJOBS page without search terms; paste a search URL such as "
            "https://www.usajobs.gov/Search/Results?k=clinical%20research&j=0601"
        )
    name = params.get("keyword") or params.get("series") or params.get("organization") or "search"
    if "series" in params and "keyword" in params:
        name = f"{params['keyword']}-{params['series']}"
    return "usajobs", params, name


def _oracle(host: str, segments: list[str], query: dict[str, list[str]], url: str) -> Recognised | None:
    if not host.endswith(".oraclecloud.com"):
        return None
    site = ""
    lowered = [s.lower() for s in segments]
    if "sites" in lowered and "candidateexperience" in lowered:
        index = lowered.index("sites", lowered.index("candidateexperience"))
        site = segments[index + 1] if index + 1 < len(segments) else ""
    if not site:
        # An API URL: the site is inside the finder, e.g. finder=findReqs;siteNumber=CX_1,limit=25
        match = re.search(r"siteNumber=([A-Za-z0-9_]+)", _first(query, "finder") or "")
        site = match.group(1) if match else ""
    if not site or not _SLUG.match(site):
        raise ValueError(
            f"{url}: an Oracle Cloud URL but no career site in it; paste the address of its job search, "
            f"e.g. https://{host}/hcmUI/CandidateExperience/en/sites/CX_1"
        )
    return "oracle", {"host": host, "site": site}, f"{host.split('.', 1)[0]}-{site}"


def _icims(host: str, segments: list[str], query: dict[str, list[str]], url: str) -> Recognised | None:
    if host.endswith(".jibeapply.com"):
        return "icims", {"host": host}, host.split(".")[0]
    if host in ICIMS_JIBE_HOSTS:
        return "icims", {"host": host}, host.split(".")[-2]
    if not host.endswith(".icims.com"):
        return None
    label = host.split(".")[0]
    if host in ("www.icims.com", "icims.com"):
        raise ValueError(
            f"{url}: this is iCIMS's own site, not an employer's portal (careers-NAME.icims.com)"
        )
    return "icims", {"host": host}, label.removeprefix("careers-").removeprefix("jobs-")


def _feeds(host: str, segments: list[str], query: dict[str, list[str]], url: str) -> Recognised | None:
    if host in (
        "recruitingbypaycor.com",
        "www.recruitingbypaycor.com",
        "newtonsoftware.com",
        "www.newtonsoftware.com",
    ):
        client = _first(query, "clientId") or _first(query, "clientid")
        if not client or not re.fullmatch(r"[0-9a-fA-F]{32}", client):
            raise ValueError(
                f"{url}: a Paycor Recruiting URL without a clientId; paste the career page or feed "
                "address, which carries ?clientId=..."
            )
        feed = "https://recruitingbypaycor.com/career/CareerAtomFeed.action?" + urlencode(
            {"clientId": client}
        )
        return "feeds", {"url": feed}, f"paycor-{client[:8].lower()}"
    if host.endswith(".peopleadmin.com"):
        # Every PeopleAdmin site publishes its whole board as one Atom feed.
        return "feeds", {"url": f"https://{host}/postings/all_jobs.atom"}, host.split(".")[0]
    path = "/" + "/".join(segments)
    last = segments[-1].lower() if segments else ""
    feedish = (
        last.endswith((".atom", ".rss"))
        or (last.endswith(".xml") and "sitemap" not in last and _FEED_WORDS.search(last) is not None)
        or any(s.lower() in ("rss", "jobsrss", "feed", "feeds", "atom") for s in segments)
        or (_first(query, "display") or "").lower() == "rss"
        or (_first(query, "format") or "").lower() in ("rss", "atom")
    )
    if not feedish or "sitemap" in path.lower():
        return None
    return "feeds", {"url": _without_fragment(url)}, host.removeprefix("www.")


def _phenom(host: str, segments: list[str], query: dict[str, list[str]], url: str) -> Recognised | None:
    lowered = [s.lower() for s in segments]
    marker = next((i for i, s in enumerate(lowered) if s in ("search-results", "job")), None)
    known = host in PHENOM_HOSTS or host.endswith((".phenompeople.com", ".phenompeople.net"))
    # /{country}/{lang}/search-results is Phenom's page layout; elsewhere only known hosts count.
    phenom_layout = (
        marker is not None
        and marker >= 2
        and lowered[marker] == "search-results"
        and all(re.fullmatch(r"[a-z]{2,6}", s) for s in lowered[marker - 2 : marker])
    )
    if not known and not phenom_layout:
        return None
    name = host.removeprefix("www.").removeprefix("careers.").removeprefix("jobs.").split(".")[0]
    if marker is not None and marker >= 1:
        locale = "/".join(segments[:marker])
        keep = urlencode({k: v[0] for k, v in query.items() if k.lower() in ("keywords", "location")})
        page = urlunsplit(("https", host, f"/{locale}/search-results", keep, ""))
        return "phenom", {"url": page}, name
    return "phenom", {"url": _without_fragment(url)}, name


#: First labels of vendor hosts that are the vendor's own site or app, not an employer's board.
_VENDOR_LABELS = {"www", "app", "api", "help", "support", "status", "blog", "login"}


def _paylocity(host: str, segments: list[str], query: dict[str, list[str]], url: str) -> Recognised | None:
    if host != "recruiting.paylocity.com":
        if host == "paylocity.com" or host.endswith(".paylocity.com"):
            raise ValueError(
                f"{url}: not a Paylocity job board; paste the board's address, "
                "https://recruiting.paylocity.com/recruiting/jobs/All/COMPANY-GUID"
            )
        return None
    index = next((i for i, s in enumerate(segments) if _GUID.match(s)), None)
    if index is None:
        raise ValueError(
            f"{url}: a Paylocity page without the company GUID (a job page does not name its board); "
            "paste the board's address, https://recruiting.paylocity.com/recruiting/jobs/All/COMPANY-GUID"
        )
    guid = segments[index].lower()
    tail = segments[index + 1] if index + 1 < len(segments) else ""
    name = tail if tail and _SLUG.match(tail) else guid[:8]
    return "paylocity", {"company": guid}, name


def _jazzhr(host: str, segments: list[str], query: dict[str, list[str]], url: str) -> Recognised | None:
    if host != "applytojob.com" and not host.endswith(".applytojob.com"):
        return None
    labels = host.split(".")
    if len(labels) != 3 or labels[0] in _VENDOR_LABELS:
        raise ValueError(f"{url}: not a JazzHR board; paste the board's address, https://COMPANY.applytojob.com/apply/")
    return "jazzhr", {"company": labels[0]}, labels[0]


def _jobvite(host: str, segments: list[str], query: dict[str, list[str]], url: str) -> Recognised | None:
    if host != "jobs.jobvite.com":
        if host == "jobvite.com" or host.endswith(".jobvite.com"):
            raise ValueError(
                f"{url}: not a Jobvite hosted career site; paste its address, https://jobs.jobvite.com/COMPANY/jobs"
            )
        return None
    rest = segments[1:] if segments[:1] == ["careers"] else segments
    company = rest[0] if rest else ""
    if not company or not _SLUG.match(company) or company.lower() in ("search", "careers", "job", "jobs"):
        raise ValueError(
            f"{url}: a Jobvite URL but no company name in it; paste e.g. https://jobs.jobvite.com/COMPANY/jobs"
        )
    return "jobvite", {"company": company}, company


def _eightfold(host: str, segments: list[str], query: dict[str, list[str]], url: str) -> Recognised | None:
    domain = _first(query, "domain").lower()
    path = "/".join(segments).lower()
    if host == "eightfold.ai" or host.endswith(".eightfold.ai"):
        label = host.split(".")[0]
        if len(host.split(".")) != 3 or label in _VENDOR_LABELS:
            raise ValueError(
                f"{url}: this is Eightfold's own site, not an employer's career site (COMPANY.eightfold.ai)"
            )
        name = label
    elif path.startswith(("api/apply/v2/jobs", "api/pcsx/")) or (segments[:1] == ["careers"] and domain):
        name = domain.split(".")[0] if domain else host.removeprefix("www.").split(".")[0]
    else:
        return None
    params: dict[str, Any] = {"host": host}
    if domain:
        if not re.fullmatch(r"[a-z0-9][a-z0-9.-]{0,252}\.[a-z]{2,63}", domain):
            raise ValueError(f"{url}: domain={domain!r} is not a domain name")
        params["domain"] = domain
    return "eightfold", params, name


def _personio(host: str, segments: list[str], query: dict[str, list[str]], url: str) -> Recognised | None:
    match = re.fullmatch(r"([a-z0-9](?:[a-z0-9-]*[a-z0-9])?)\.jobs\.personio\.(de|com)", host)
    if match is None:
        if host.endswith((".personio.de", ".personio.com")) or host in ("personio.de", "personio.com"):
            raise ValueError(
                f"{url}: not a Personio career site; paste its address, https://COMPANY.jobs.personio.de/"
            )
        return None
    company = match.group(1)
    params: dict[str, Any] = {"company": company}
    if match.group(2) == "com":
        params["host"] = host
    return "personio", params, company


def _teamtailor(host: str, segments: list[str], query: dict[str, list[str]], url: str) -> Recognised | None:
    if host == "teamtailor.com" or host.endswith(".teamtailor.com"):
        label = host.split(".")[0]
        if host == "teamtailor.com" or label in _VENDOR_LABELS:
            raise ValueError(
                f"{url}: this is Teamtailor's own site; paste the employer's career site (COMPANY.teamtailor.com)"
            )
    elif segments[-1:] != ["jobs.json"]:
        return None
    labels = host.removeprefix("www.").split(".")
    name = labels[1] if labels[0] in ("career", "careers", "jobs") and len(labels) > 2 else labels[0]
    return "teamtailor", {"url": f"https://{host}/"}, name
def _taleo(host: str, segments: list[str], query: dict[str, list[str]], url: str) -> Recognised | None:
    """TBE ``…/ats/careers/…?org=&cws=`` pages, and Enterprise ``/careersection/SECTION/…`` pages."""
    lowered = [s.lower() for s in segments]
    keys = {k.lower(): v for k, v in query.items()}
    if host.endswith(".tbe.taleo.net"):
        org, cws = _first(keys, "org"), _first(keys, "cws")
        if "ats" not in lowered or not _SLUG.match(org) or not cws.isdigit():
            raise ValueError(
                f"{url}: a Taleo Business Edition URL without its careers site (…/ats/careers/…?org=ORG&cws=N); "
                "paste the address of the careers page's job list"
            )
        prefix = "/".join(segments[: lowered.index("ats")])
        page = f"https://{host}/{prefix + '/' if prefix else ''}ats/careers/v2/searchResults?" + urlencode(
            {"org": org, "cws": cws}
        )
        return "taleo", {"url": page}, f"{org}-{cws}"
    if "careersection" in lowered:
        index = lowered.index("careersection")
        section = segments[index + 1] if index + 1 < len(segments) else ""
        if not section or lowered[index + 1] == "rest" or lowered[index + 1].endswith(".ftl"):
            section = ""
    elif host.endswith(".taleo.net"):
        section = ""
    else:
        return None
    if not section or not _SLUG.match(section):
        raise ValueError(
            f"{url}: a Taleo URL but no career section in it; paste the section's job search, "
            f"e.g. https://{host}/careersection/SECTION/jobsearch.ftl"
        )
    wanted = {"lang": _first(keys, "lang") or "en"}
    if _first(keys, "portal").isdigit():
        wanted["portal"] = _first(keys, "portal")
    page = f"https://{host}/careersection/{section}/jobsearch.ftl?{urlencode(wanted)}"
    return "taleo", {"url": page}, f"{host.split('.')[0]}-{section.lstrip('.')}"


def _successfactors(
    host: str, segments: list[str], query: dict[str, list[str]], url: str
) -> Recognised | None:
    """Known RMK hosts (any page), and RMK's own search and RSS paths on any host."""
    lowered = [s.lower() for s in segments]
    keys = {k.lower() for k in query}
    known = host in SUCCESSFACTORS_HOSTS or host.endswith(".jobs2web.com")
    search = lowered[:1] == ["search"] and bool(keys & {"startrow", "locationsearch"})
    rss = lowered[:3] == ["services", "rss", "job"]
    if not (known or search or rss):
        return None
    params: dict[str, Any] = {"url": f"https://{host}"}
    if rss or lowered[:1] == ["feeds"]:
        params["feed"] = _without_fragment(url)
    name = host.removeprefix("www.").removeprefix("careers.").removeprefix("jobs.").split(".")[0]
    return "successfactors", params, name


def _ultipro(host: str, segments: list[str], query: dict[str, list[str]], url: str) -> Recognised | None:
    if host not in ULTIPRO_HOSTS:
        return None
    lowered = [s.lower() for s in segments]
    if len(segments) < 3 or lowered[1] != "jobboard" or not _GUID.match(segments[2]):
        raise ValueError(
            f"{url}: a UKG Pro Recruiting URL but no job board in it; paste the board's address, "
            f"e.g. https://{host}/TENANT/JobBoard/BOARD-GUID/"
        )
    tenant = segments[0]
    if not _SLUG.match(tenant):
        raise ValueError(f"{url}: {tenant!r} is not a UKG Pro Recruiting tenant code")
    return "ultipro", {"host": host, "tenant": tenant, "board": segments[2].lower()}, tenant


def _adp(host: str, segments: list[str], query: dict[str, list[str]], url: str) -> Recognised | None:
    if host != "workforcenow.adp.com":
        return None
    keys = {k.lower(): v for k, v in query.items()}
    cid, cc_id = _first(keys, "cid"), _first(keys, "ccid")
    if not _GUID.match(cid):
        raise ValueError(
            f"{url}: an ADP Workforce Now URL without its career centre (?cid=…); paste the address of "
            "the employer's career centre page"
        )
    params: dict[str, Any] = {"cid": cid.lower()}
    if cc_id and _SLUG.match(cc_id):
        params["ccId"] = cc_id
    return "adp", params, cid[:8].lower()


def _dayforce(host: str, segments: list[str], query: dict[str, list[str]], url: str) -> Recognised | None:
    if not (host == "dayforcehcm.com" or host.endswith(".dayforcehcm.com")):
        return None
    lowered = [s.lower() for s in segments]
    client = board = ""
    if host == "jobs.dayforcehcm.com":
        rest = segments[1:] if segments and _LOCALE_TAG.match(segments[0]) and len(segments) > 2 else segments
        if len(rest) >= 2 and rest[0].lower() not in ("api", "_next"):
            client, board = rest[0], rest[1]
    elif lowered[:1] == ["candidateportal"]:
        # Older portal links: /CandidatePortal/{locale}/{client}/Site/{board}/...
        rest = segments[2:] if len(segments) > 1 and _LOCALE_TAG.match(segments[1]) else segments[1:]
        site = [s.lower() for s in rest]
        if rest and "site" in site and site.index("site") + 1 < len(rest):
            client, board = rest[0], rest[site.index("site") + 1]
    if not client or not board or not _SLUG.match(client) or not _SLUG.match(board):
        raise ValueError(
            f"{url}: a Dayforce URL but no candidate-portal job board in it; paste the board's address, "
            "e.g. https://jobs.dayforcehcm.com/en-US/CLIENT/BOARD"
        )
    name = client if board.upper() == "CANDIDATEPORTAL" else f"{client}-{board}"
    return "dayforce", {"client": client, "board": board}, name
#: Subdomains the small-business vendors keep for themselves (marketing, help, API, login).
_VENDOR_OWN = frozenset(
    {"www", "app", "api", "help", "support", "blog", "docs", "documentation", "developer",
     "developers", "status", "marketplace", "partners", "login"}
)  # fmt: skip


def _company_subdomain(host: str, suffix: str, vendor: str, example: str, url: str) -> str | None:
    """The employer's label in ``{company}.{suffix}``; None for another host.

    The vendor's own subdomains (www, help, api...) and the bare domain are not boards.
    """
    if host != suffix and not host.endswith("." + suffix):
        return None
    label = host[: -len(suffix) - 1] if host != suffix else ""
    if not label or "." in label or label in _VENDOR_OWN or not _SLUG.match(label):
        raise ValueError(
            f"{url}: this is {vendor}'s own site, not an employer's careers site; paste e.g. {example}"
        )
    return label


def _bamboohr(host: str, segments: list[str], query: dict[str, list[str]], url: str) -> Recognised | None:
    example = "https://COMPANY.bamboohr.com/careers"
    if host == "api.bamboohr.com" and segments[:2] == ["api", "gateway.php"] and len(segments) > 2:
        company = segments[2]  # the API gateway names the company in its path
        if not _SLUG.match(company):
            raise ValueError(f"{url}: a BambooHR API URL but no company in it; paste e.g. {example}")
    else:
        company = _company_subdomain(host, "bamboohr.com", "BambooHR", example, url)
    if company is None:
        return None
    return "bamboohr", {"company": company}, company


def _workable(host: str, segments: list[str], query: dict[str, list[str]], url: str) -> Recognised | None:
    example = "https://apply.workable.com/ACCOUNT/"
    if host == "apply.workable.com":
        if segments[:1] == ["j"]:
            raise ValueError(f"{url}: a Workable short link names a job, not its employer; paste e.g. {example}")
        if segments[:1] == ["api"]:
            # /api/v3/accounts/{a}/jobs, /api/v1/widget/accounts/{a}, /api/v2/accounts/{a}/jobs/{code}
            at = segments.index("accounts") if "accounts" in segments else -1
            account = segments[at + 1] if 0 <= at < len(segments) - 1 else ""
        else:
            account = segments[0] if segments else ""
    elif host in ("www.workable.com", "workable.com") and segments[:2] == ["api", "accounts"]:
        account = segments[2] if len(segments) > 2 else ""
    elif host == "jobs.workable.com":
        raise ValueError(f"{url}: jobs.workable.com searches every employer's jobs; paste one board, e.g. {example}")
    else:
        # {account}.workable.com is the older address of the same board.
        account = _company_subdomain(host, "workable.com", "Workable", example, url)
        if account is None:
            return None
        if account in ("apply", "jobs"):
            account = ""
    if not account or not _SLUG.match(account):
        raise ValueError(f"{url}: a Workable URL but no account name in it; paste e.g. {example}")
    return "workable", {"account": account}, account


def _breezy(host: str, segments: list[str], query: dict[str, list[str]], url: str) -> Recognised | None:
    if host == "api.breezy.hr":
        raise ValueError(f"{url}: Breezy's API needs a token; paste the careers site, e.g. https://COMPANY.breezy.hr")
    company = _company_subdomain(host, "breezy.hr", "Breezy HR", "https://COMPANY.breezy.hr", url)
    return None if company is None else ("breezy", {"company": company}, company)


def _recruitee(host: str, segments: list[str], query: dict[str, list[str]], url: str) -> Recognised | None:
    company = _company_subdomain(host, "recruitee.com", "Recruitee", "https://COMPANY.recruitee.com", url)
    return None if company is None else ("recruitee", {"company": company}, company)


def _pinpoint(host: str, segments: list[str], query: dict[str, list[str]], url: str) -> Recognised | None:
    company = _company_subdomain(host, "pinpointhq.com", "Pinpoint", "https://COMPANY.pinpointhq.com", url)
    return None if company is None else ("pinpoint", {"company": company}, company)


def _rippling(host: str, segments: list[str], query: dict[str, list[str]], url: str) -> Recognised | None:
    example = "https://ats.rippling.com/BOARD/jobs"
    if host == "ats.rippling.com":
        rest = segments if segments[1:2] == ["jobs"] else _skip_locale(segments)
        if rest[:1] == ["api"]:
            # the board page's own JSON: /api/v2/board/{board}/jobs
            at = rest.index("board") if "board" in rest else -1
            board = rest[at + 1] if 0 <= at < len(rest) - 1 else ""
        else:
            board = rest[0] if rest else ""
    elif host == "api.rippling.com":
        prefix = ["platform", "api", "ats", "v1", "board"]
        board = segments[5] if segments[:5] == prefix and len(segments) > 5 else ""
    elif host == "rippling.com" or host.endswith(".rippling.com"):
        raise ValueError(f"{url}: a Rippling address but not a job board; paste e.g. {example}")
    else:
        return None
    if not board or not _SLUG.match(board) or board in ("jobs", "api"):
        raise ValueError(f"{url}: a Rippling URL but no board name in it; paste e.g. {example}")
    return "rippling", {"board": board}, board


#: BrassRing's default host; others (``krb-sjobs``) are kept in the entry as ``host``.
BRASSRING_HOST = "sjobs.brassring.com"


def _brassring(host: str, segments: list[str], query: dict[str, list[str]], url: str) -> Recognised | None:
    """Any Talent Gateway page (``TGnewUI`` search or job page, older ``TGWebHost`` pages):
    the gateway is the ``partnerid``/``siteid`` pair in its query."""
    if host != "brassring.com" and not host.endswith(".brassring.com"):
        return None
    keys = {k.lower(): v for k, v in query.items()}
    partner, site = _first(keys, "partnerid"), _first(keys, "siteid")
    if not re.fullmatch(r"\d{1,9}", partner) or not re.fullmatch(r"\d{1,9}", site):
        raise ValueError(
            f"{url}: a BrassRing URL without its Talent Gateway (?partnerid=…&siteid=…); paste the address "
            f"of the gateway's job search, e.g. https://{BRASSRING_HOST}/TGnewUI/Search/Home/Home?partnerid=P&siteid=S"
        )
    params: dict[str, Any] = {"partnerid": partner, "siteid": site}
    if host != BRASSRING_HOST:
        params["host"] = host
    return "brassring", params, f"{partner}-{site}"


#: Order matters: hosts first (exact vendors), then path shapes (feeds, Phenom layout).
#: SuccessFactors comes before feeds: its career-site feed URLs look like any feed's.
_RECOGNISERS: tuple[_Recogniser, ...] = (
    _workday,
    _greenhouse,
    _lever,
    _ashby,
    _smartrecruiters,
    _usajobs,
    _oracle,
    _icims,
    _taleo,
    _successfactors,
    _ultipro,
    _adp,
    _dayforce,
    _feeds,
    _phenom,
    _paylocity,
    _jazzhr,
    _jobvite,
    _eightfold,
    _personio,
    _teamtailor,
    _bamboohr,
    _workable,
    _breezy,
    _recruitee,
    _pinpoint,
    _rippling,
    _brassring,
)


# ------------------------------------------------------------------ helpers


def _skip_locale(segments: list[str]) -> list[str]:
    """Drop a leading ``en-US``; a lone segment is the site even if it looks like one."""
    return segments[1:] if len(segments) > 1 and _LOCALE.match(segments[0]) else segments


def _first(query: dict[str, list[str]], key: str) -> str:
    values = query.get(key) or []
    return values[0].strip() if values else ""


def _without_fragment(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))


def _employer_guess(name: str) -> str:
    """A placeholder the user can correct later; the entry needs some employer name."""
    return name.strip() or "unknown employer"


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.\-]+", "-", str(text)).strip("-.").lower() or "source"
