"""Host checks: every spelling of a private address is refused, in the registry and in redirects."""

from __future__ import annotations

import ipaddress
import socket
from pathlib import Path

import pytest
from conftest import write_registry
from hypothesis import given
from hypothesis import strategies as st

from researchjobs.hosts import check_public_url, judge_redirect, private_host_reason, registrable_domain
from researchjobs.sources import load_registry

#: Each spelling of a private host a hand-written registry might carry, and what it is.
PRIVATE_SPELLINGS = [
    ("127.1", "127.0.0.1"),
    ("2130706433", "127.0.0.1"),
    ("0x7f000001", "127.0.0.1"),
    ("0177.0.0.1", "127.0.0.1"),
    ("0x7f.1", "127.0.0.1"),
    ("[::ffff:127.0.0.1]", "127.0.0.1"),
    ("[::ffff:7f00:1]", "127.0.0.1"),
    ("[::1]", "::1"),
    ("[fe80::1%25eth0]", "fe80::1"),
    ("169.254.169.254", "169.254.169.254"),
    ("10.1", "10.0.0.1"),
    ("0", "0.0.0.0"),
    ("localhost.", "local name"),
    ("LocalHost", "local name"),
    ("jobs.localhost", "local name"),
    ("intranet", "single-label"),
]


@pytest.mark.parametrize(("host", "meaning"), PRIVATE_SPELLINGS, ids=[h for h, _ in PRIVATE_SPELLINGS])
def test_every_private_spelling_is_refused(host: str, meaning: str) -> None:
    reason = private_host_reason(host)
    assert reason is not None and meaning in reason
    with pytest.raises(ValueError, match="private"):
        check_public_url(f"https://{host}/careers")


@pytest.mark.parametrize("host", ["boards-api.greenhouse.io", "gdit.wd5.myworkdayjobs.com", "8.8.8.8", "123.example.org"])
def test_public_hosts_pass(host: str) -> None:
    assert private_host_reason(host) is None
    check_public_url(f"https://{host}/jobs")


@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_numeric_ipv4_spellings_agree_with_the_c_library(value: int) -> None:
    address = ipaddress.IPv4Address(value)
    for spelling in (str(value), hex(value), f"{value >> 24}.{value & 0xFFFFFF}"):
        assert socket.inet_aton(spelling) == address.packed  # what a resolver would connect to
        assert (private_host_reason(spelling) is None) == (address.is_global and not address.is_multicast)


@given(st.text(min_size=1, max_size=40))
def test_any_text_gets_an_answer_not_a_crash(text: str) -> None:
    try:
        check_public_url(f"https://{text}/")
    except ValueError:
        pass


def entry(source_id: str, **params: str | list[str]) -> dict:
    return {"id": source_id, "employer": "Bayou Clinical Trials", **params}


def test_registry_refuses_each_private_spelling_at_load_with_file_and_line(tmp_path: Path) -> None:
    entries = [entry("greenhouse:bayoutrials", board="bayoutrials")]
    for n, (host, _) in enumerate(PRIVATE_SPELLINGS):
        if n % 3 == 0:
            entries.append(entry(f"workday:w{n}", host=host.strip("[]"), tenant="t", site="s"))
        elif n % 3 == 1:
            entries.append(entry(f"jsonld:j{n}", url=f"https://{host}/careers"))
        else:
            entries.append(entry(f"feeds:f{n}", url="https://careers.bayoutrials.org/jobs.rss",
                                 urls=[f"http://{host}/feed.xml"]))  # fmt: skip
    path = write_registry(tmp_path / "sources.toml", entries)
    registry = load_registry(path)
    assert list(registry.sources) == ["greenhouse:bayoutrials"]
    assert len(registry.errors) == len(PRIVATE_SPELLINGS)
    lines = [n for n, text in enumerate(path.read_text().splitlines(), 1) if text == "[[source]]"][1:]
    for error, line in zip(registry.errors, lines, strict=True):
        text = str(error)
        assert text.startswith(f"{path}:{line}: source ")
        assert "private" in text and "\n" not in text


def test_same_domain_and_same_system_redirects_are_followed_others_are_not() -> None:
    workday = ("myworkdayjobs.com", "myworkdaysite.com")
    assert judge_redirect("https://t.wd1.myworkdayjobs.com/a", "https://t.wd5.myworkdayjobs.com/a").allowed
    assert judge_redirect("https://t.wd1.myworkdayjobs.com/a", "https://t.myworkdaysite.com/a", workday).allowed
    assert not judge_redirect("https://t.wd1.myworkdayjobs.com/a", "https://t.myworkdaysite.com/a").allowed
    other = judge_redirect("https://boards-api.greenhouse.io/v1", "https://careers.rivalpharma.com/")
    assert not other.allowed and "rivalpharma.com" in other.reason
    assert not judge_redirect("https://a.github.io/jobs", "https://b.github.io/jobs").allowed
    for target in ("http://127.0.0.1:9/x", "http://2130706433/", "file:///etc/passwd", "http://[::1]/"):
        judgement = judge_redirect("https://boards-api.greenhouse.io/v1", target)
        assert not judgement.allowed and judgement.reason.startswith("refused")


def test_registrable_domain_uses_the_public_suffix_list() -> None:
    assert registrable_domain("gdit.wd5.myworkdayjobs.com") == "myworkdayjobs.com"
    assert registrable_domain("jobs.nhs.uk") == "jobs.nhs.uk"
    assert registrable_domain("careers.dukehealth.org.") == "dukehealth.org"


def test_the_crawls_resolver_refuses_names_that_land_on_private_addresses() -> None:
    from twisted.internet.error import DNSLookupError

    from researchjobs.resolvers import PublicOnlyResolver

    assert PublicOnlyResolver._public("93.184.215.14", "careers.harborviewresearch.org") == "93.184.215.14"
    for address in ("127.0.0.1", "10.2.3.4", "169.254.169.254", "::1"):
        with pytest.raises(DNSLookupError, match="non-public address"):
            PublicOnlyResolver._public(address, "jobs.rebound-to-loopback.com")
