"""Links and Discord invites: domains a rule denies (with their subdomains) and invites to other servers."""

from __future__ import annotations

import contextlib
import re

from bot.charter.model import LinkPolicy
from bot.models import Evidence
from bot.screening.normalize import CharFold, fold_chars

_MAX_EVIDENCE = 10
# Scheme optional so bare `example.com/path` counts; the lookbehind keeps e-mail domains and the middle
# of longer names out, and makes every start position cheap, so the scan stays linear on hostile text.
_LINK = re.compile(
    r"(?<![\w.@-])(?:[a-z][a-z0-9+.-]{0,15}://)?((?:[\w-]{1,63}\.)+[^\W\d_]{2,63})(?![\w-])"
    r"(?::\d{1,5})?(?:/[^\s<>]*)?",
    re.IGNORECASE,
)
# Opening the invite pattern with the literal "discord" lets the engine skip ahead; the scheme is added after.
_SCHEME_BEFORE = re.compile(r"(?:https?://)?(?:www\.)?$", re.IGNORECASE)
_LINK_HINT = re.compile(r"\.[^\W\d_]{2}")
_DOT = r"\s*(?:\.|\[\.\]|\(\.\)|\[dot\]|\(dot\)|\sdot\s)\s*"
_INVITE = re.compile(
    rf"discord(?:app)?{_DOT}(?:gg|com\s*/\s*invite|com\s*/\s*invites)\s*/\s*([\w-]{{2,40}})",
    re.IGNORECASE,
)


def normalize_domain(domain: str) -> str:
    """`https://www.Example.COM/x` -> `example.com`: what deny and allow lists compare.

    Punycode is decoded and look-alike letters folded, so `xn--` and Cyrillic twins of a denied
    domain are denied too.
    """
    host = domain.strip().split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    if "xn--" in host.casefold():
        with contextlib.suppress(UnicodeError):
            host = host.encode("ascii").decode("idna")
    return fold_chars(host.casefold()).replace(" ", "").strip(".").removeprefix("*.").removeprefix("www.")


def _covers(domain: str, host: str) -> bool:
    return host == domain or host.endswith("." + domain)


class LinkMatcher:
    """Checks one rule's link policy."""

    def __init__(self, policy: LinkPolicy) -> None:
        self._deny = tuple(d for d in (normalize_domain(x) for x in policy.deny_domains) if d)
        self._allow = tuple(d for d in (normalize_domain(x) for x in policy.allow_domains) if d)
        self._block_invites = policy.block_invites
        self._allowed_invites = frozenset(code.strip().casefold() for code in policy.allowed_invites)

    def find(self, chars: CharFold) -> list[Evidence]:
        """Denied links and blocked invites in the message, with their spans in the original text."""
        found: list[Evidence] = []
        if self._block_invites:
            for match in chars.finditer(_INVITE):
                code = match.group(1)
                # Vanity invite codes are case-insensitive on Discord; random ones cannot be chosen.
                if code.casefold() not in self._allowed_invites:
                    start, end = chars.span(*match.span())
                    scheme = _SCHEME_BEFORE.search(chars.text, max(0, start - 12), start)
                    start = scheme.start() if scheme is not None else start
                    found.append(Evidence("invite", start, end, f"invite {code}"))
                    if len(found) >= _MAX_EVIDENCE:
                        return found
        if self._deny and _LINK_HINT.search(chars.folded) is not None:
            for match in chars.finditer(_LINK):
                domain = normalize_domain(match.group(1))
                if any(_covers(d, domain) for d in self._allow):
                    continue
                if any(_covers(d, domain) for d in self._deny):
                    found.append(Evidence("link", *chars.span(*match.span()), domain))
                    if len(found) >= _MAX_EVIDENCE:
                        break
        return found
