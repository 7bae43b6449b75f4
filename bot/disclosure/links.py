"""Links in a post and the charter's link patterns (`amazon.*?tag=`, `*.sjv.io/c/`, `/discount/`)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

# A scheme or www. link, or a bare `host.tld/path` (how amzn.to links are often pasted).
_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>|\"'`\])]+"
    r"|(?<![\w@./-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,24}/[^\s<>|\"'`\])]*",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?*_~"
_HOST = re.compile(r"^(?:\*\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*(?:\.\*)?$|^\*$")
_PARAM = re.compile(r"^[A-Za-z0-9_.\[\]-]+$")


@dataclass(frozen=True, slots=True)
class Link:
    """A link found in a post: its span in the original text and its parts."""

    start: int
    end: int
    url: str
    host: str  # lowercase, without port or a leading "www."
    path: str
    params: frozenset[str]  # query parameter names that have a value


def find_links(text: str) -> Iterator[Link]:
    """Every link in `text`, with trailing punctuation left out."""
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(_TRAILING)
        link = parse_link(url, match.start()) if url else None
        if link is not None:
            yield link


def parse_link(url: str, start: int = 0) -> Link | None:
    """The parts of one URL (with or without a scheme) as a Link at `start`; None when it has no host."""
    target = url if "://" in url else "http://" + url
    try:
        parts = urlsplit(target)
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    if not host:
        return None
    host = host.removeprefix("www.")
    # Slack writes "&" as "&amp;" inside <url|text>; unescaped, "?th=1&amp;tag=x" has its `tag` again.
    query = html.unescape(parts.query)
    params = frozenset(key.lower() for key, value in parse_qsl(query, keep_blank_values=True) if value)
    return Link(start, start + len(url), url, host, parts.path or "/", params)


@dataclass(frozen=True, slots=True)
class LinkPattern:
    """One charter link pattern: `[host][/path-prefix][?param]`.

    `host` matches itself and its subdomains (`*.sjv.io` reads the same as `sjv.io`);
    `amazon.*` matches any ending (`amazon.fr`, `amazon.co.uk`); no host matches any host.
    The path is a prefix; `?tag=` asks for a `tag` parameter with a value.
    """

    text: str
    host: re.Pattern[str] | None
    path: str
    param: str | None

    def matches(self, link: Link) -> bool:
        """Whether `link` is one this pattern describes."""
        if self.host is not None and not self.host.search(link.host):
            return False
        if self.path and not link.path.lower().startswith(self.path):
            return False
        return self.param is None or self.param in link.params


def link_pattern_problem(pattern: str) -> str | None:
    """Why a link pattern cannot be used, or None."""
    host, path, param = _split(pattern)
    if not (host or path or param):
        return f"expected a pattern such as 'amazon.*?tag=' or 'rstyle.me'; got {pattern!r}"
    if any(c.isspace() for c in pattern):
        return f"expected a pattern without spaces; got {pattern!r}"
    if host and not _HOST.match(host):
        return f"expected a host such as 'amzn.to', '*.sjv.io' or 'amazon.*' before any / or ?; got {host!r}"
    if param is not None and not _PARAM.match(param):
        return f"expected a parameter name after '?' such as '?tag='; got {pattern!r}"
    return None


def compile_link_pattern(pattern: str) -> LinkPattern:
    """A usable LinkPattern from a valid pattern (see link_pattern_problem)."""
    host, path, param = _split(pattern)
    return LinkPattern(pattern, _host_regex(host) if host and host != "*" else None, path.lower(), param)


def domain_matches(host: str, domain: str) -> bool:
    """Whether `host` is `domain` or one of its subdomains."""
    domain = domain.lower().removeprefix("www.")
    return host == domain or host.endswith("." + domain)


def _split(pattern: str) -> tuple[str, str, str | None]:
    text = pattern.strip()
    param: str | None = None
    if "?" in text:
        text, _, query = text.partition("?")
        param = query.rstrip("=").lower()
    slash = text.find("/")
    host, path = (text, "") if slash < 0 else (text[:slash], text[slash:])
    return host.lower().removeprefix("www."), path, param


def _host_regex(host: str) -> re.Pattern[str]:
    core = host.removeprefix("*.")
    any_ending = core.endswith(".*")
    core = core.removesuffix(".*")
    body = re.escape(core)
    if any_ending:
        body += r"\.[a-z0-9-]+(?:\.[a-z0-9-]+)?"
    return re.compile(r"(?:^|\.)" + body + "$")
