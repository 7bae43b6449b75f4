"""Statements of reasons and appeal outcomes, in the author's language, quoting nothing they wrote."""

from __future__ import annotations

from collections.abc import Iterable
from string import Template

from bot.charter.model import Charter, Rule
from bot.i18n import DEFAULT, catalogs, pick, tr
from bot.models import Action, ActionState, Case, CaseSource, CaseStatus, Statement

TEMPLATE_FIELDS = frozenset({"clause", "title", "case", "appeal", "window_days"})
"""The only placeholders a charter's explanation template may use."""


def _lang(charter: Charter, requested: str | None) -> str:
    lang = charter.language_for(requested)
    return lang if lang in catalogs() else DEFAULT


def reason_sentence(matchers: Iterable[str], lang: str) -> str:
    """One sentence saying why, built from the kinds of evidence only (never the matched words)."""
    known = catalogs()[pick(lang)]
    reasons: list[str] = []
    for matcher in matchers:
        reason = tr(f"why.{matcher}" if f"why.{matcher}" in known else "why.moderator", lang)
        if reason not in reasons:
            reasons.append(reason)
    if not reasons:
        return tr("why.moderator", lang)
    return tr("statement.reasons_joiner", lang).join(reasons[:2])


def appeal_hint(platform: str, case_id: int, lang: str) -> str:
    """How to appeal this case on this platform, in `lang`."""
    key = f"statement.hint_{platform}" if platform in {"discord", "slack"} else "statement.hint_other"
    return tr(key, lang, case=case_id)


def _case_matchers(case: Case) -> list[str]:
    if case.source is CaseSource.MODERATOR:
        return ["moderator"]
    if case.source is CaseSource.PLATFORM_AUTOMOD:
        return ["automod"]
    return [evidence.matcher for evidence in case.evidence]


def statement_for(case: Case, rule: Rule, charter: Charter, *, lang: str | None, removed: bool) -> Statement:
    """The statement of reasons for `case`, in the author's language.

    `removed` is False when a removal could not be carried out (the author is asked to edit or
    delete); it is ignored for warnings and reviews, which remove nothing.
    """
    language = _lang(charter, lang)
    title = rule.text(rule.title, language, charter.default_language)
    hint = appeal_hint(case.platform, case.id, language)
    values = {"clause": rule.number, "title": title, "case": case.id, "appeal": hint}
    values["window_days"] = charter.appeal_window_days
    kind = {Action.WARN: "warn", Action.REVIEW: "review"}.get(case.action, "removed" if removed else "unremoved")
    if case.status is CaseStatus.REVIEW:
        kind = "review"

    template = rule.text(rule.explanation, language, charter.default_language) if rule.explanation else ""
    why = (
        Template(template).safe_substitute({k: str(v) for k, v in values.items()})
        if template
        else tr("statement.why", language, why=reason_sentence(_case_matchers(case), language))
    )
    lines = [why, tr(f"statement.now_{kind}", language)]
    fix = rule.text(rule.fix, language, charter.default_language) if rule.fix else ""
    if fix and kind != "review":
        lines.append(tr("statement.fix", language, fix=fix))
    if kind != "review":
        lines.append(tr("statement.appeal", language, window_days=charter.appeal_window_days, appeal=hint))
    lines.append(
        tr("statement.automated" if case.automated else "statement.manual", language, version=case.charter_version)
    )
    lines.append(tr("statement.case", language, case=case.id))
    return Statement(lang=language, title=tr(f"statement.title_{kind}", language, **values), body="\n".join(lines))


def outcome_text(case: Case, charter: Charter, lang: str | None) -> str:
    """What the author is told once a moderator upheld or overturned their case."""
    language = _lang(charter, lang)
    rule = charter.rule(case.rule_id)
    title = rule.text(rule.title, language, charter.default_language) if rule else case.rule_id
    overturned = case.status is CaseStatus.OVERTURNED
    key = "statement.overturned" if overturned else "statement.upheld"
    lines = [tr(key, language, case=case.id, clause=case.clause, title=title)]
    if overturned and case.restore_state is ActionState.DONE:
        lines.append(tr("statement.overturned_restored", language))
    if case.decision_reason:
        lines.append(tr("statement.moderator_reason", language, reason=case.decision_reason))
    return "\n".join(lines)


def reversed_text(case: Case, charter: Charter, lang: str | None) -> str:
    """What a notice becomes once its case is overturned: the decision was reversed (no buttons left)."""
    language = _lang(charter, lang)
    rule = charter.rule(case.rule_id)
    title = rule.text(rule.title, language, charter.default_language) if rule else case.rule_id
    key = "statement.reversed_warn" if case.action is Action.WARN else "statement.reversed_removed"
    text = tr(key, language, case=case.id, clause=case.clause, title=title)
    if case.restore_state is ActionState.DONE:
        text += " " + tr("statement.reversed_back", language)
    return text


def verdict_reason(matchers: Iterable[str], rule: Rule, charter: Charter, lang: str | None) -> str:
    """The one-line reason used by the offline `screen` job: clause, title and why."""
    language = _lang(charter, lang)
    title = rule.text(rule.title, language, charter.default_language)
    return f"§{rule.number} {title}: {reason_sentence(matchers, language)}"
