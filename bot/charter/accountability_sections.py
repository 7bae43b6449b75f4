"""Validation of the charter's `[privacy]` (the privacy notice) and `[transparency]` tables."""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.charter.accountability_model import RETENTION_PLACEHOLDER, PrivacyNotice, TransparencyPolicy
from bot.charter.fields import ParseContext, expected
from bot.transparency.dsa import EEA_COUNTRIES

PRIVACY_KEYS = frozenset(
    {"controller", "contact", "purposes", "legal_basis", "stored", "retention", "rights", "erasure"}
)
TRANSPARENCY_KEYS = frozenset({"territorial_scope", "url", "period_days"})
PLACEHOLDERS = ("$retention_days", "$appeal_window_days", "$disclosure_retention_days")
_CONTACT = re.compile(r"^(?:[^@\s]+@[^@\s]+\.[^@\s]+|https://\S+)$")
_URL = re.compile(r"^https?://\S+$")
_PLACEHOLDER = re.compile(r"\$[a-z_]+")


def parse_privacy_section(data: Mapping[str, object], ctx: ParseContext) -> PrivacyNotice | None:
    """The `[privacy]` table as a PrivacyNotice, or None after reporting its problems to `ctx`."""
    before = len(ctx.issues)
    r = ctx.reader(data, ("privacy",), field="privacy")
    r.check_keys(PRIVACY_KEYS)
    controller = r.string("controller", required=True)
    contact = r.string("contact", required=True)
    if contact is not None and not _CONTACT.match(contact):
        r.issue("contact", expected("an e-mail address or an https:// link members can write to", contact))
    purposes = r.texts("purposes", required=True)
    stored = r.texts("stored", required=True)
    retention = r.texts("retention", required=True)
    rights = r.texts("rights", required=True)
    legal_basis = r.texts("legal_basis")
    erasure = r.texts("erasure")
    for key, texts in (("retention", retention), ("purposes", purposes), ("stored", stored), ("rights", rights)):
        for lang, text in (texts or {}).items():
            for unknown in sorted(set(_PLACEHOLDER.findall(text)) - set(PLACEHOLDERS)):
                r.issue(f"{key}.{lang}", expected(f"placeholders among {', '.join(PLACEHOLDERS)}", unknown))
    for lang, text in (retention or {}).items():
        if RETENTION_PLACEHOLDER not in text:
            r.issue(
                f"retention.{lang}",
                f"expected the text to say {RETENTION_PLACEHOLDER} (filled in from charter.retention_days, so the "
                "notice always tells the retention in force); got a text without it",
            )
    if len(ctx.issues) > before or controller is None or contact is None:
        return None
    if purposes is None or stored is None or retention is None or rights is None:
        return None
    return PrivacyNotice(
        controller=controller,
        contact=contact,
        purposes=purposes,
        stored=stored,
        retention=retention,
        rights=rights,
        legal_basis=legal_basis or {},
        erasure=erasure or {},
    )


def parse_transparency_section(data: Mapping[str, object], ctx: ParseContext) -> TransparencyPolicy | None:
    """The `[transparency]` table; with it, every clause must map a DSA `category`."""
    before = len(ctx.issues)
    r = ctx.reader(data, ("transparency",), field="transparency")
    r.check_keys(TRANSPARENCY_KEYS)
    scope = r.strings("territorial_scope", max_items=len(EEA_COUNTRIES))
    if scope is None and not r.has("territorial_scope"):
        r.missing("territorial_scope", 'a list of EEA country codes such as ["FR", "BE"]')
    for code in scope or ():
        if code not in EEA_COUNTRIES:
            r.issue("territorial_scope", expected("upper-case EEA country codes such as 'FR'", code), needle=code)
    url = r.string("url")
    if url is not None and not _URL.match(url):
        r.issue("url", expected("a link starting with https://", url))
    period = r.integer("period_days", minimum=1, maximum=3650)
    for rule in ctx.rules:
        if rule.category is None:
            ctx.report(
                ("transparency",),
                f'expected every clause to map a DSA statement category (category = "STATEMENT_CATEGORY_...") '
                f"when [transparency] is set; got none on clause {rule.number}",
                rule=rule.id,
                field="category",
            )
    if len(ctx.issues) > before or scope is None:
        return None
    return TransparencyPolicy(territorial_scope=scope, url=url, period_days=period or 90)
