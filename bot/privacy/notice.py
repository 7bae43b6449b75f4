"""The privacy notice rendered from the charter's `[privacy]` section, in French or English Markdown."""

from __future__ import annotations

from collections.abc import Mapping

from bot.charter.accountability_model import PrivacyNotice
from bot.charter.model import Charter
from bot.i18n import tr


def _label(lang: str, key: str) -> str:
    return tr(f"privacy.notice.{key}", lang)


def fill(charter: Charter, text: str) -> str:
    """Replace the notice's placeholders with the charter's values."""
    disclosure_days = charter.disclosure.retention_days if charter.disclosure is not None else charter.retention_days
    return (
        text.replace("$retention_days", str(charter.retention_days))
        .replace("$appeal_window_days", str(charter.appeal_window_days))
        .replace("$disclosure_retention_days", str(disclosure_days))
    )


def _text(charter: Charter, part: Mapping[str, str], lang: str) -> str:
    chosen = part.get(lang) or part.get(charter.default_language) or next(iter(part.values()), "")
    return fill(charter, chosen)


def _field(lang: str, key: str, value: str) -> str:
    colon = " :" if lang == "fr" else ":"
    return f"- **{_label(lang, key)}**{colon} {value}"


def render_privacy(charter: Charter, lang: str) -> str:
    """The privacy notice as Markdown in `lang` (or the closest charter language)."""
    lang = charter.language_for(lang)
    notice: PrivacyNotice | None = charter.privacy
    if notice is None:
        return f"## {_label(lang, 'title')}\n\n{_label(lang, 'missing')}\n"
    lines = [
        f"## {_label(lang, 'title')}",
        "",
        _field(lang, "controller", notice.controller),
        _field(lang, "contact", notice.contact),
    ]
    parts: list[tuple[str, Mapping[str, str]]] = [
        ("purposes", notice.purposes),
        ("legal_basis", notice.legal_basis),
        ("stored", notice.stored),
        ("retention", notice.retention),
        ("rights", notice.rights),
        ("erasure", notice.erasure),
    ]
    for key, part in parts:
        if part:
            lines += ["", f"### {_label(lang, key)}", "", _text(charter, part, lang)]
    return "\n".join(lines) + "\n"
