"""Publishable Markdown renders of a charter and human summaries of what changed between versions."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from bot.charter.model import Charter, Rule
from bot.charter.render_text import EN_MONTHS, FR_MONTHS
from bot.i18n import tr
from bot.models import Action


def _count(lang: str, n: int, unit: str) -> str:
    """`1 jour`, `180 jours`, `2 hours`."""
    key = f"charter.unit.{unit}" if n == 1 else f"charter.unit.{unit}s"
    return f"{n} {tr(key, lang)}"


def _duration_days(lang: str, days: int) -> str:
    """Days in plain words, with months or years when they read better."""
    text = _count(lang, days, "day")
    if days >= 365 and days % 365 == 0:
        years = days // 365
        return f"{text} ({tr('charter.about_years', lang, n=years, s='s' if years > 1 else '')})"
    if days >= 60 and days % 30 == 0:
        return f"{text} ({tr('charter.about_months', lang, n=days // 30)})"
    return text


def _format_date(lang: str, day: date) -> str:
    if lang == "fr":
        first = "1er" if day.day == 1 else str(day.day)
        return f"{first} {FR_MONTHS[day.month - 1]} {day.year}"
    if lang == "en":
        return f"{day.day} {EN_MONTHS[day.month - 1]} {day.year}"
    return day.isoformat()


def render_markdown(charter: Charter, lang: str) -> str:
    """The whole charter as a Markdown page in `lang` (or the closest charter language).

    Only public text is rendered: no term lists, patterns, domains or thresholds, which would
    hand evaders the means to slip past the rules.
    """
    lang = charter.language_for(lang)
    meta = [tr("charter.version", lang, version=charter.version)]
    if charter.published is not None:
        meta.append(tr("charter.published", lang, date=_format_date(lang, charter.published)))
    meta.append(tr("charter.hash", lang, hash=charter.short_hash))
    parts = [f"# {charter.name}", " · ".join(meta)]
    description = _text(charter, charter.description, lang)
    if description:
        parts.append(description)
    parts.append(f"## {tr('charter.in_short', lang)}")
    parts.append(
        "\n".join(
            [
                "- " + tr("charter.retention", lang, days=_duration_days(lang, charter.retention_days)),
                "- " + tr("charter.appeal", lang, days=_count(lang, charter.appeal_window_days, "day")),
                "- " + tr("charter.trace", lang),
            ]
        )
    )
    parts.extend(render_clause(charter, rule, lang) for rule in sorted(charter.rules, key=lambda r: r.number))
    return "\n\n".join(parts) + "\n"


def render_clause(charter: Charter, rule: Rule, lang: str) -> str:
    """One clause as Markdown: heading, description, why, what happens, how to fix and appeal."""
    lang = charter.language_for(lang)
    lines = [f"## §{rule.number} — {_text(charter, rule.title, lang)}", "", _text(charter, rule.description, lang)]
    rationale = _text(charter, rule.rationale, lang)
    if rationale:
        lines += ["", _label(lang, "why", rationale)]
    happens = tr(f"charter.happens_{rule.action.value}", lang)
    if rule.escalation is not None and rule.action is not Action.REVIEW:
        happens += tr(
            "charter.escalation",
            lang,
            count=rule.escalation.count,
            hours=_count(lang, rule.escalation.window_hours, "hour"),
            minutes=_minutes(lang, rule.escalation.timeout_minutes),
        )
    lines += ["", _label(lang, "happens", happens)]
    fix = _text(charter, rule.fix, lang)
    if fix:
        lines += ["", _label(lang, "fix", fix)]
    appeal = tr("charter.appeal_clause", lang, days=_count(lang, charter.appeal_window_days, "day"))
    lines += ["", _label(lang, "appeal_how", appeal)]
    return "\n".join(lines)


def _label(lang: str, key: str, text: str) -> str:
    """`**Label** : text` in French typography (no capital after a colon), `**Label:** Text` in English."""
    label = tr(f"charter.label.{key}", lang)
    if lang == "fr":
        return f"**{label}** : {text}"
    return f"**{label}:** {text[:1].upper()}{text[1:]}"


def _minutes(lang: str, minutes: int) -> str:
    if minutes % (24 * 60) == 0:
        return _count(lang, minutes // (24 * 60), "day")
    if minutes % 60 == 0:
        return _count(lang, minutes // 60, "hour")
    return _count(lang, minutes, "minute")


def _text(charter: Charter, part: Mapping[str, str], lang: str) -> str:
    return part.get(lang) or part.get(charter.default_language) or next(iter(part.values()), "")


def charter_changes(old: Charter, new: Charter, lang: str) -> list[str]:
    """Human lines, in `lang`, for what changed between two versions of the charter.

    Clauses are matched by rule id, so a renumbered clause reads as renumbered, not as removed
    and added. Matching internals (terms, patterns, thresholds) are not reported.
    """
    lang = new.language_for(lang)
    lines: list[str] = []
    if old.version != new.version:
        lines.append(tr("charter.change_version", lang, old=old.version, new=new.version))
    if old.retention_days != new.retention_days:
        lines.append(
            tr(
                "charter.change_retention",
                lang,
                old=_count(lang, old.retention_days, "day"),
                new=_count(lang, new.retention_days, "day"),
            )
        )
    if old.appeal_window_days != new.appeal_window_days:
        lines.append(
            tr(
                "charter.change_appeal",
                lang,
                old=_count(lang, old.appeal_window_days, "day"),
                new=_count(lang, new.appeal_window_days, "day"),
            )
        )
    old_rules = {rule.id: rule for rule in old.rules}
    new_rules = {rule.id: rule for rule in new.rules}
    for rule in sorted(new.rules, key=lambda r: r.number):
        before = old_rules.get(rule.id)
        title = _text(new, rule.title, lang)
        if before is None:
            lines.append(tr("charter.change_added", lang, number=rule.number, title=title))
            continue
        if before.number != rule.number:
            lines.append(tr("charter.change_renumbered", lang, old=before.number, new=rule.number, title=title))
        old_title = _text(old, before.title, lang)
        if old_title != title:
            lines.append(tr("charter.change_retitled", lang, number=rule.number, old=old_title, new=title))
        if _text_changed(before, rule, same_title=old_title == title):
            lines.append(tr("charter.change_text", lang, number=rule.number, title=title))
        if before.action is not rule.action:
            lines.append(
                tr(
                    "charter.change_action",
                    lang,
                    number=rule.number,
                    title=title,
                    old=tr(f"charter.action_{before.action.value}", lang),
                    new=tr(f"charter.action_{rule.action.value}", lang),
                )
            )
    for rule in sorted(old.rules, key=lambda r: r.number):
        if rule.id not in new_rules:
            lines.append(tr("charter.change_removed", lang, number=rule.number, title=_text(old, rule.title, lang)))
    return lines


def _text_changed(before: Rule, after: Rule, *, same_title: bool) -> bool:
    """Any public text changed in any language (a title change in this language is reported apart)."""
    if same_title and dict(before.title) != dict(after.title):
        return True
    return any(dict(getattr(before, part)) != dict(getattr(after, part)) for part in _PUBLICTEXTS)


_PUBLICTEXTS = ("description", "rationale", "fix", "explanation")
