"""Link knowledge shipped as data: affiliate networks (extended by the charter), shorteners and link-in-bio hosts."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from bot.disclosure.links import Link, LinkPattern, compile_link_pattern, link_pattern_problem

SHORTENER, LINK_IN_BIO = "shortener", "link_in_bio"


@dataclass(frozen=True, slots=True)
class Network:
    """One affiliate network or shop programme from `data/affiliate_networks.toml`."""

    name: str
    patterns: tuple[str, ...]
    source: str


@cache
def networks() -> tuple[Network, ...]:
    """The shipped affiliate networks (read once)."""
    data = _load("affiliate_networks.toml")
    entries: list[dict[str, Any]] = data["network"]
    found = tuple(
        Network(str(entry["name"]), tuple(str(p) for p in entry["patterns"]), str(entry["source"])) for entry in entries
    )
    for network in found:
        for pattern in network.patterns:
            problem = link_pattern_problem(pattern)
            if problem is not None:
                raise ValueError(f"affiliate_networks.toml, {network.name}: {problem}")
    return found


@cache
def short_hosts() -> dict[str, tuple[str, ...]]:
    """The shipped shortener and link-in-bio hosts, keyed by kind."""
    data = _load("link_hosts.toml")
    return {
        kind: tuple(str(host) for host in data.get(f"{kind}s" if kind == SHORTENER else kind, ()))
        for kind in (SHORTENER, LINK_IN_BIO)
    }


class LinkKnowledge:
    """The shipped link data plus a charter's own `affiliate_patterns`, compiled once."""

    def __init__(self, extra_affiliate: Iterable[str] = ()) -> None:
        """Compile the shipped networks, then the charter's patterns (named "charter")."""
        self._affiliate: list[tuple[str, LinkPattern]] = [
            (network.name, compile_link_pattern(p)) for network in networks() for p in network.patterns
        ]
        self._affiliate += [("charter", compile_link_pattern(p)) for p in extra_affiliate]
        self._short = [(kind, compile_link_pattern(host)) for kind, hosts in short_hosts().items() for host in hosts]

    def affiliate(self, link: Link) -> tuple[str, LinkPattern] | None:
        """The network and pattern that make `link` an affiliate link, if any."""
        return next(((name, p) for name, p in self._affiliate if p.matches(link)), None)

    def short_kind(self, link: Link) -> str | None:
        """ "shortener" or "link_in_bio" when the link's destination cannot be read offline."""
        return next((kind for kind, p in self._short if p.matches(link)), None)


def _load(name: str) -> dict[str, Any]:
    text = resources.files("bot.disclosure").joinpath("data", name).read_text(encoding="utf-8")
    return tomllib.loads(text)
