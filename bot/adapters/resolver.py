"""Live resolution of shortened links: HEAD only, at most 3 hops and 2 s, no cookies, public addresses only, cached."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
from collections import OrderedDict
from typing import Any
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

log = logging.getLogger(__name__)

MAX_HOPS = 3
TIMEOUT = 2.0
CACHE_SIZE = 2048
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


class RefusedAddress(OSError):
    """The link leads to an address the bot must never contact (private, loopback, link-local...)."""


def allowed_address(address: str, *, allow_loopback: bool = False) -> bool:
    """Whether an IP address is a public one (loopback only when a test opted in)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return allow_loopback
    return ip.is_global and not ip.is_multicast


class _VettingResolver(AbstractResolver):
    """DNS answers are checked before any connection, so a name cannot point the bot at a private address."""

    def __init__(self, *, allow_loopback: bool) -> None:
        self._inner = DefaultResolver()
        self._allow_loopback = allow_loopback

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        answers = await self._inner.resolve(host, port, family)
        refused = [a["host"] for a in answers if not allowed_address(a["host"], allow_loopback=self._allow_loopback)]
        if refused or not answers:
            raise RefusedAddress(f"{host} resolves to a refused address")
        return answers

    async def close(self) -> None:
        await self._inner.close()


class HttpLinkResolver:
    """Follows short links with HEAD requests for the disclosure check (see bot.ports.LinkResolver).

    At most `max_hops` requests and `timeout` seconds in all per link; no cookies are kept or
    sent; every address, named or literal, must be public. `allow_loopback` exists for tests
    against a local server: the running bot never sets it. Results (None included) are cached
    per URL, so a link posted twice is looked up once.
    """

    def __init__(
        self,
        *,
        max_hops: int = MAX_HOPS,
        timeout: float = TIMEOUT,
        allow_loopback: bool = False,
        cache_size: int = CACHE_SIZE,
    ) -> None:
        """Nothing is opened before the first lookup."""
        self._max_hops = max_hops
        self._timeout = timeout
        self._allow_loopback = allow_loopback
        self._cache: OrderedDict[str, str | None] = OrderedDict()
        self._cache_size = cache_size
        self._session: aiohttp.ClientSession | None = None

    async def resolve(self, url: str) -> str | None:
        """Where `url` lands after at most `max_hops` redirects; None when refused, broken or too slow."""
        if url in self._cache:
            self._cache.move_to_end(url)
            return self._cache[url]
        try:
            async with asyncio.timeout(self._timeout):
                found: str | None = await self._follow(url)
        except RefusedAddress as exc:
            log.info("short link not resolved: %s", exc)
            found = None
        except (TimeoutError, aiohttp.ClientError, OSError, ValueError):
            found = None
        self._cache[url] = found
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return found

    async def close(self) -> None:
        """Close the HTTP session."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _follow(self, url: str) -> str:
        current = url if "://" in url else "https://" + url
        session = self._open()
        for _ in range(self._max_hops):
            self._check_literal(current)
            async with session.head(current, allow_redirects=False) as response:
                location = response.headers.get("Location")
                if response.status not in _REDIRECTS or not location:
                    return current
            current = urljoin(current, location)
        self._check_literal(current)
        return current

    def _check_literal(self, url: str) -> None:
        """Refuse other schemes, and IP literals that are not public (aiohttp does not resolve those)."""
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise RefusedAddress(f"not an http(s) link: {parts.scheme}")
        host = parts.hostname
        try:
            ipaddress.ip_address(host.split("%", 1)[0])
        except ValueError:
            if (host == "localhost" or host.endswith(".localhost")) and not self._allow_loopback:
                raise RefusedAddress(f"{host} is a loopback name") from None
            return
        if not allowed_address(host, allow_loopback=self._allow_loopback):
            raise RefusedAddress(f"{host} is not a public address")

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None:
            connector = aiohttp.TCPConnector(
                resolver=_VettingResolver(allow_loopback=self._allow_loopback), use_dns_cache=False
            )
            headers: dict[str, Any] = {"User-Agent": "Vigie disclosure check (HEAD only)"}
            self._session = aiohttp.ClientSession(
                connector=connector, cookie_jar=aiohttp.DummyCookieJar(), headers=headers, trust_env=False
            )
        return self._session
