"""Slack words for `/disclosure`: a dry-run finding and the "not sponsored" answers, in French and English."""

from __future__ import annotations

from collections.abc import Sequence

from bot.adapters.slack.blocks import nudge_mrkdwn
from bot.charter.disclosure_model import DisclosurePolicy
from bot.disclosure.checker import DisclosureFinding
from bot.i18n import catalogs, pick, tr

ANSWER_NOTE_LIMIT = 200


def _signals(finding: DisclosureFinding, lang: str) -> str:
    known = catalogs()[pick(lang)]
    kinds = dict.fromkeys(signal.kind for signal in finding.signals if f"slack.signal.{signal.kind}" in known)
    listed = [tr(f"slack.signal.{kind}", lang) for kind in kinds]
    if len(listed) < 2:
        return "".join(listed)
    return ", ".join(listed[:-1]) + tr("slack.finding.and", lang) + listed[-1]


def finding_text(finding: DisclosureFinding, policy: DisclosurePolicy, lang: str) -> str:
    """The `/disclosure check` answer as mrkdwn: what was found, why it matters, the suggested text."""
    if not finding.sponsored:
        lines = [tr("slack.finding.not_sponsored", lang)]
        if any(signal.kind == "brand" for signal in finding.signals):
            lines.append(tr("slack.finding.brand_only", lang))
        return nudge_mrkdwn("\n".join([*lines, tr("slack.finding.private", lang)]))
    rules = policy.rules_for(finding.jurisdiction)
    values = {
        "signals": _signals(finding, lang),
        "label": finding.label or "",
        "audience": rules.name,
        "expected": finding.suggested_label,
    }
    key = "soft_link" if finding.soft_only and not finding.label else finding.severity.value
    lines = [tr(f"slack.finding.severity.{key}", lang, **values)]
    if finding.needs_nudge:
        lines.append(tr("slack.finding.why", lang, rule=rules.rule_text(pick(lang))))
        if finding.suggestion:
            quoted = [f"> {line}" if line else ">" for line in finding.suggestion.splitlines()]
            lines += ["", tr("slack.finding.suggest", lang), *quoted, ""]
    lines.append(tr("slack.finding.private", lang))
    return nudge_mrkdwn("\n".join(lines))


def answers_text(answers: Sequence[tuple[int, str, str, str, str | None]], lang: str) -> str:
    """The latest "not sponsored" statements: (nudge id, author name, date, post link, note) each, as mrkdwn."""
    if not answers:
        return tr("slack.finding.no_answers", lang)
    lines = [tr("slack.finding.answers", lang)]
    for nudge_id, author, when, link, note in answers:
        shown = note if note is None or len(note) <= ANSWER_NOTE_LIMIT else note[: ANSWER_NOTE_LIMIT - 1] + "…"
        quoted = f" “{shown}”" if shown else ""
        lines.append(tr("slack.finding.answer", lang, id=nudge_id, author=author, when=when, link=link, note=quoted))
    return nudge_mrkdwn("\n".join(lines))
