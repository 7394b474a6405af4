"""DNS resolvers for the crawl (Scrapy's ``TWISTED_DNS_RESOLVER`` setting).

- ``PublicOnlyResolver`` (the default): Scrapy's caching resolver, refusing any name that
  resolves to a private, loopback or link-local address. The registry and the redirect
  rules check how a host is *spelled*; this checks where it really points, so a board
  host (or a redirect target) that resolves to ``127.0.0.1`` is never contacted.
- ``NoNetworkResolver``: every lookup fails, exactly as on a laptop with no network.
  Rehearse what an offline crawl does without unplugging anything::

      researchjobs crawl --all --set TWISTED_DNS_RESOLVER=researchjobs.resolvers.NoNetworkResolver
"""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit
from urllib.request import getproxies

from scrapy.resolver import CachingThreadedResolver, HostResolution
from twisted.internet.error import DNSLookupError
from twisted.internet.interfaces import IHostnameResolver
from zope.interface import implementer

from researchjobs.hosts import private_host_reason


class PublicOnlyResolver(CachingThreadedResolver):
    """Resolve as Scrapy does, but fail lookups that land on a non-public address."""

    def __init__(self, reactor: Any, cache_size: int, timeout: float, allowed: frozenset[str] = frozenset()):
        super().__init__(reactor, cache_size, timeout)
        self.allowed = allowed

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> PublicOnlyResolver:
        settings = crawler.settings
        cache = settings.getint("DNSCACHE_SIZE") if settings.getbool("DNSCACHE_ENABLED") else 0
        # The replay server and a configured HTTP proxy are local by design: those hosts may be.
        local = [settings.get("REPLAY_URL") or "", *getproxies().values()]
        allowed = frozenset(h for h in (urlsplit(u if "://" in u else f"//{u}").hostname for u in local) if h)
        return cls(reactor, cache, settings.getfloat("DNS_TIMEOUT"), allowed)

    def getHostByName(self, name: str, timeout: Any = ()) -> Any:  # noqa: N802 (Twisted's name)
        deferred = super().getHostByName(name, timeout)
        if name in self.allowed:
            return deferred
        return deferred.addCallback(self._public, name)

    @staticmethod
    def _public(address: str, name: str) -> str:
        try:
            ipaddress.ip_address(address)
        except ValueError:
            return address
        if private_host_reason(address):
            raise DNSLookupError(f"{name} resolves to the non-public address {address}; not contacted")
        return address


@implementer(IHostnameResolver)
class NoNetworkResolver:
    """Every lookup finds nothing, as when the machine has no network."""

    def __init__(self, reactor: Any) -> None:
        self.reactor = reactor

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> NoNetworkResolver:
        return cls(reactor)

    def install_on_reactor(self) -> None:
        self.reactor.installNameResolver(self)

    def resolveHostName(  # noqa: N802 (Twisted's name)
        self, resolutionReceiver: Any, hostName: str, portNumber: int = 0,  # noqa: N803
        addressTypes: Any = None, transportSemantics: str = "TCP",  # noqa: N803
    ) -> Any:  # fmt: skip
        resolution = HostResolution(hostName)
        resolutionReceiver.resolutionBegan(resolution)
        resolutionReceiver.resolutionComplete()  # no addresses: the endpoint fails with DNSLookupError
        return resolution
