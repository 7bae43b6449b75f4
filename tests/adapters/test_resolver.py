"""Short-link resolution against a local server: HEAD only, 3 hops, no cookies, private addresses refused, cached."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import pytest
from aiohttp import web

from bot.adapters.resolver import HttpLinkResolver, allowed_address

Handler = Callable[[web.Request], Awaitable[web.Response]]


@dataclass
class Seen:
    """What the local server received."""

    requests: list[tuple[str, str]] = field(default_factory=list)  # (method, path)
    cookies: list[str] = field(default_factory=list)


@dataclass
class Server:
    base: str
    seen: Seen


def _app(seen: Seen) -> web.Application:
    async def record(request: web.Request) -> None:
        seen.requests.append((request.method, request.path))
        if "Cookie" in request.headers:
            seen.cookies.append(request.headers["Cookie"])

    def redirect(to: str, status: int = 302, *, cookie: bool = False) -> Handler:
        async def handler(request: web.Request) -> web.Response:
            await record(request)
            response = web.Response(status=status, headers={"Location": to})
            if cookie:
                response.set_cookie("session", "abc")
            return response

        return handler

    async def ok(request: web.Request) -> web.Response:
        await record(request)
        return web.Response(text="product page")

    async def slow(request: web.Request) -> web.Response:
        await record(request)
        await asyncio.sleep(1)
        return web.Response()

    app = web.Application()
    app.router.add_route("*", "/s/short", redirect("/s/hop", 301))
    app.router.add_route("*", "/s/hop", redirect("/dp/B07XJ8C8F5?tag=creator-20", 302, cookie=True))
    app.router.add_route("*", "/dp/B07XJ8C8F5", ok)
    app.router.add_route("*", "/loop/1", redirect("/loop/2"))
    app.router.add_route("*", "/loop/2", redirect("/loop/3"))
    app.router.add_route("*", "/loop/3", redirect("/loop/4"))
    app.router.add_route("*", "/loop/4", redirect("/loop/5"))
    app.router.add_route("*", "/private", redirect("http://10.1.2.3/dp/X?tag=t-20"))
    app.router.add_route("*", "/link-local", redirect("http://169.254.169.254/latest/meta-data/"))
    app.router.add_route("*", "/ftp", redirect("ftp://files.example/x"))
    app.router.add_route("*", "/slow", slow)
    return app


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    seen = Seen()
    runner = web.AppRunner(_app(seen))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield Server(f"http://127.0.0.1:{port}", seen)
    finally:
        await runner.cleanup()


@pytest.fixture
async def resolver() -> AsyncIterator[HttpLinkResolver]:
    # Loopback is opted in here only, for the local server: the running bot never sets it.
    found = HttpLinkResolver(allow_loopback=True, timeout=1.0)
    try:
        yield found
    finally:
        await found.close()


async def test_a_short_link_is_followed_with_head_requests_only(server: Server, resolver: HttpLinkResolver) -> None:
    final = await resolver.resolve(server.base + "/s/short")
    assert final == server.base + "/dp/B07XJ8C8F5?tag=creator-20"
    assert {method for method, _ in server.seen.requests} == {"HEAD"}
    assert [path for _, path in server.seen.requests] == ["/s/short", "/s/hop", "/dp/B07XJ8C8F5"]


async def test_no_cookie_is_sent_back(server: Server, resolver: HttpLinkResolver) -> None:
    await resolver.resolve(server.base + "/s/short")
    assert server.seen.cookies == []


async def test_at_most_three_requests_per_link(server: Server, resolver: HttpLinkResolver) -> None:
    final = await resolver.resolve(server.base + "/loop/1")
    assert len(server.seen.requests) == 3
    assert final == server.base + "/loop/4"  # where the third redirect points, never requested


@pytest.mark.parametrize("path", ["/private", "/link-local", "/ftp"])
async def test_a_redirect_to_a_private_address_is_refused(
    server: Server, resolver: HttpLinkResolver, path: str
) -> None:
    assert await resolver.resolve(server.base + path) is None
    assert [p for _, p in server.seen.requests] == [path]  # nothing was sent to the refused address


async def test_loopback_is_refused_unless_a_test_opts_in(server: Server) -> None:
    production = HttpLinkResolver()
    try:
        assert await production.resolve(server.base + "/s/short") is None
        assert await production.resolve(server.base.replace("127.0.0.1", "localhost") + "/s/short") is None
    finally:
        await production.close()
    assert server.seen.requests == []


async def test_results_are_cached_per_url(server: Server, resolver: HttpLinkResolver) -> None:
    first = await resolver.resolve(server.base + "/s/short")
    count = len(server.seen.requests)
    assert await resolver.resolve(server.base + "/s/short") == first
    assert len(server.seen.requests) == count


async def test_a_slow_link_gives_up_within_the_budget(server: Server) -> None:
    quick = HttpLinkResolver(allow_loopback=True, timeout=0.2)
    try:
        assert await quick.resolve(server.base + "/slow") is None
    finally:
        await quick.close()


@pytest.mark.parametrize(
    ("address", "loopback", "allowed"),
    [
        ("93.184.216.34", False, True),
        ("10.0.0.1", False, False),
        ("172.16.5.4", False, False),
        ("192.168.1.1", False, False),
        ("169.254.169.254", False, False),
        ("100.64.0.1", False, False),
        ("127.0.0.1", False, False),
        ("127.0.0.1", True, True),
        ("::1", False, False),
        ("fe80::1", False, False),
        ("fd00::1", False, False),
        ("::ffff:10.0.0.1", False, False),
        ("2606:4700:4700::1111", False, True),
        ("224.0.0.1", False, False),
        ("0.0.0.0", False, False),
        ("not-an-ip", False, False),
    ],
)
def test_only_public_addresses_are_allowed(address: str, loopback: bool, allowed: bool) -> None:
    assert allowed_address(address, allow_loopback=loopback) is allowed
