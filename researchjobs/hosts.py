"""Where a crawler may go: public hosts only, and redirects that stay with the board.

Two questions, answered from the URL alone (no DNS), so the registry loader, the
redirect middleware and ``sources check --fix`` all give the same answer:

- Is this host private? Every spelling counts: ``localhost.``, ``127.1``, ``2130706433``,
  ``0x7f000001``, ``0177.0.0.1``, ``[::ffff:127.0.0.1]``, ``[fe80::1%eth0]``. Browsers and
  C libraries read the short and numeric IPv4 forms as addresses, so we must too.
- May a redirect be followed? Only within the same registrable domain (per the Public
  Suffix List, private section included, so ``a.github.io`` is not ``b.github.io``) or
  between hosts of the same hiring system, which each spider family declares
  (``SourceSpider.hosts``). Anything else means the board has moved somewhere we did not agree
  to crawl.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

#: Names that only ever mean "this machine" or "this network".
_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".localdomain", ".home.arpa", ".lan")
_IPV4_PART = re.compile(r"^(?:0x[0-9a-f]*|0[0-7]*|[1-9][0-9]*)$")


def private_host_reason(host: str) -> str | None:
    """Why ``host`` is not a public internet host, or None when it is one.

    ``host`` is a URL's host part, brackets and IPv6 zone allowed.
    """
    name = host.strip().lower()
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    name = name.split("%", 1)[0].rstrip(".")
    if not name:
        return "has no host"
    if name == "localhost" or name.endswith(_LOCAL_SUFFIXES):
        return f"{host!r} is a local name"
    address = parse_address(name)
    if address is None:
        return None if "." in name else f"{host!r} is a single-label (intranet) name"
    inner = _embedded_ipv4(address)
    if inner is not None:
        address = inner
    if not address.is_global or address.is_multicast:
        return f"{host!r} is the non-public address {address}"
    return None


def parse_address(name: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """An IP address in any spelling a URL parser accepts, or None for a host name."""
    if ":" in name:
        try:
            return ipaddress.IPv6Address(name)
        except ValueError:
            return None
    return _legacy_ipv4(name)


def _legacy_ipv4(name: str) -> ipaddress.IPv4Address | None:
    """inet_aton's grammar: 1-4 dot-separated parts, each decimal, octal (0…) or hex (0x…)."""
    parts = name.split(".")
    if not 1 <= len(parts) <= 4 or not all(_IPV4_PART.match(p) for p in parts):
        return None
    *head, last = [_ipv4_number(p) for p in parts]
    if any(n > 255 for n in head) or last >= 256 ** (4 - len(head)):
        return None
    value = 0
    for n in head:
        value = value * 256 + n
    return ipaddress.IPv4Address(value * 256 ** (4 - len(head)) + last)


def _ipv4_number(part: str) -> int:
    if part.startswith("0x"):
        return int(part[2:] or "0", 16)
    if part.startswith("0") and part != "0":
        return int(part, 8)
    return int(part)


def _embedded_ipv4(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one stands for (mapped, compatible, 6to4, Teredo client)."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if 1 < int(address) < 2**32:  # ::a.b.c.d, the deprecated "IPv4-compatible" form
        return ipaddress.IPv4Address(int(address))
    return None


def check_public_url(value: object, name: str = "url") -> None:
    """Refuse anything a crawler should never be pointed at: other schemes, private hosts."""
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string")
    try:
        parts = urlsplit(value.strip())
        hostname = parts.hostname
    except ValueError:
        raise ValueError(f"{name} is not a URL: {value!r}") from None
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"{name} must be an http(s) URL, got {value!r}")
    host = hostname or ""
    if not host or "/" in host or " " in host:
        raise ValueError(f"{name} has no host: {value!r}")
    reason = private_host_reason(host)
    if reason:
        what = "address" if "address" in reason else "host"
        raise ValueError(f"{name} points at a private {what}: {reason}")


def check_public_host(value: object, name: str = "host") -> None:
    """A bare host name (``host = "x.wd1.myworkdayjobs.com"``), checked like a URL's host."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be a host name")
    if "/" in value or "@" in value or " " in value.strip():
        raise ValueError(f"{name} must be a bare host name, got {value!r}")
    host = value.strip()
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # a bare IPv6 address
    check_public_url(f"https://{host}/", name)


# ------------------------------------------------------------------ registrable domains


@lru_cache(maxsize=1)
def _extractor():  # tldextract is imported lazily: the CLI's fast paths never need it
    import tldextract

    # The Public Suffix List snapshot bundled with tldextract; never fetched at run time.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)


@lru_cache(maxsize=4096)
def registrable_domain(host: str) -> str:
    """``x.wd1.myworkdayjobs.com`` → ``myworkdayjobs.com``; an address or bare name is itself."""
    name = host.strip().lower().strip("[]").rstrip(".")
    if parse_address(name) is not None:
        return name
    parts = _extractor()(name)
    domain = getattr(parts, "top_domain_under_public_suffix", None) or parts.registered_domain
    return domain or name


def in_system(host: str, system_hosts: tuple[str, ...] | list[str]) -> bool:
    """True when ``host`` is one of a hiring system's domains or a sub-domain of one."""
    name = host.strip().lower().rstrip(".")
    return any(name == s or name.endswith("." + s) for s in (h.lower().strip(".") for h in system_hosts))


@dataclass(frozen=True)
class RedirectJudgement:
    allowed: bool
    reason: str


def judge_redirect(from_url: str, to_url: str, system_hosts: tuple[str, ...] | list[str] = ()) -> RedirectJudgement:
    """May a crawl follow ``from_url`` → ``to_url``? The reason reads after "redirect …"."""
    try:
        check_public_url(to_url, "target")
    except ValueError as exc:
        return RedirectJudgement(False, f"refused: {exc}")
    source = (urlsplit(from_url).hostname or "").lower()
    target = (urlsplit(to_url).hostname or "").lower()
    if registrable_domain(source) == registrable_domain(target):
        return RedirectJudgement(True, "within the same domain")
    if system_hosts and in_system(source, system_hosts) and in_system(target, system_hosts):
        return RedirectJudgement(True, "within the same hiring system")
    return RedirectJudgement(False, f"to another domain ({registrable_domain(target)})")
