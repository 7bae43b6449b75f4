"""Pure builders of the /disclosure replies: a dry-run finding and the moderators' report."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.adapters.discord.convert import jump_url
from bot.adapters.discord.render import FIELD_LIMIT, MESSAGE_LIMIT, clip
from bot.charter.disclosure_model import DisclosurePolicy
from bot.disclosure.checker import DisclosureFinding, Severity
from bot.disclosure.messages import report_text
from bot.i18n import tr
from bot.models import Nudge, NudgeReport

MAX_ANSWERS = 10
_NOTE_LIMIT = 200


def _signal_lines(finding: DisclosureFinding, lang: str) -> str:
    """One line per signal kind with what was found, commercial signals first; brands alone explain nothing."""
    found: dict[str, list[str]] = {}
    for signal in finding.signals:
        found.setdefault(signal.kind, [])
        if signal.detail and signal.detail not in found[signal.kind]:
            found[signal.kind].append(signal.detail)
    kinds = sorted(found, key=lambda kind: kind == "brand")
    lines = []
    for kind in kinds:
        details = ", ".join(found[kind][:3])
        lines.append(f"• {tr('discord.signal_' + kind, lang)}" + (f": {details}" if details else ""))
    return clip("\n".join(lines), FIELD_LIMIT)


def finding_reply(
    finding: DisclosureFinding | None, policy: DisclosurePolicy | None, lang: str
) -> tuple[str | None, discord.Embed | None]:
    """The private answer to `/disclosure check`: a sentence, and an embed when a label is needed."""
    if policy is None:
        return tr("discord.no_disclosure", lang), None
    if finding is None or not finding.sponsored:
        return tr("discord.nothing_sponsored", lang), None
    rules = policy.rules_for(finding.jurisdiction)
    if finding.severity is Severity.OK:
        return tr("discord.well_labelled", lang, label=finding.label or "", audience=rules.name), None
    key = "soft_link" if finding.soft_only and not finding.label else finding.severity.value
    severity = tr(f"discord.severity_{key}", lang)
    embed = discord.Embed(
        title=clip(tr("discord.check_title", lang, audience=rules.name, severity=severity), 256),
        colour=discord.Colour.gold(),
    )
    embed.add_field(name=tr("discord.field_signals", lang), value=_signal_lines(finding, lang) or "—", inline=False)
    label = tr("discord.no_label", lang)
    if finding.label:
        label = finding.label if finding.placement_ok else tr("discord.label_misplaced", lang, label=finding.label)
    embed.add_field(name=tr("discord.field_label", lang), value=clip(label, FIELD_LIMIT), inline=False)
    if rule := rules.rule_text(lang):
        embed.add_field(name=tr("discord.field_rule", lang), value=clip(rule, FIELD_LIMIT), inline=False)
    if finding.suggestion:
        quoted = "\n".join("> " + line for line in finding.suggestion.splitlines())
        embed.add_field(name=tr("discord.field_suggestion", lang), value=clip(quoted, FIELD_LIMIT), inline=False)
    embed.set_footer(text=tr("discord.check_private", lang))
    return None, embed


def report_reply(report: NudgeReport, answers: Sequence[Nudge], lang: str) -> str:
    """The moderators' report, then the latest "not sponsored" answers with their post links."""
    lines = [report_text(report, lang)]
    if answers:
        lines += ["", tr("discord.not_sponsored_answers", lang, count=len(answers))]
        for nudge in answers[:MAX_ANSWERS]:
            note = f" — “{clip(nudge.note, _NOTE_LIMIT)}”" if nudge.note else ""
            link = jump_url(nudge.community, nudge.channel, nudge.message_id)
            author = f"<@{nudge.author_id}>"
            lines.append(
                "• " + tr("discord.not_sponsored_line", lang, id=nudge.id, author=author, link=link, note=note)
            )
    return clip("\n".join(lines), MESSAGE_LIMIT)
