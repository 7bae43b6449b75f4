"""Pure builders of Discord texts and embeds: notices, review and appeal cards, case details."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import discord

from bot.adapters.discord.convert import jump_url
from bot.charter.model import Charter, Rule
from bot.i18n import tr
from bot.models import SYSTEM_ACTOR, AuditEntry, Case, CaseStatus, Statement
from bot.ports import CardKind

MESSAGE_LIMIT = 2000
FIELD_LIMIT = 1024
DESCRIPTION_LIMIT = 4096

_COLOURS: dict[str, discord.Colour] = {
    "review": discord.Colour.orange(),
    "report": discord.Colour.gold(),
    "appeal": discord.Colour.blurple(),
    "degraded": discord.Colour.red(),
}


def clip(value: str, limit: int) -> str:
    """`value` cut to `limit` characters, marking the cut."""
    return value if len(value) <= limit else value[: limit - 1] + "…"


def chunks(value: str, limit: int = MESSAGE_LIMIT) -> Iterator[str]:
    """Split a long text on line boundaries into pieces Discord accepts."""
    piece = ""
    for line in value.splitlines(keepends=True):
        while len(line) > limit:
            if piece:
                yield piece
                piece = ""
            yield line[:limit]
            line = line[limit:]
        if len(piece) + len(line) > limit:
            yield piece
            piece = ""
        piece += line
    if piece.strip():
        yield piece


def rule_title(rule: Rule | None, charter: Charter, lang: str, fallback: str = "") -> str:
    """A clause's public title in `lang`."""
    return rule.text(rule.title, lang, charter.default_language) if rule else fallback


def notice_text(case: Case, statement: Statement) -> str:
    """The public notice: mentions the author, names the clause, quotes nothing they wrote."""
    head = f"<@{case.author_id}> **{statement.title}**\n"
    return head + clip(statement.body, MESSAGE_LIMIT - len(head))


def private_notice_text(case: Case, statement: Statement) -> str:
    """The durable private notice (a DM): the same statement, without a mention."""
    head = f"**{statement.title}**\n"
    return head + clip(statement.body, MESSAGE_LIMIT - len(head))


def notice_mentions(case: Case) -> discord.AllowedMentions:
    """Only the author may be pinged by a notice."""
    return discord.AllowedMentions(
        users=[discord.Object(id=int(case.author_id))], everyone=False, roles=False, replied_user=True
    )


def evidence_lines(case: Case, *, limit: int = FIELD_LIMIT) -> str:
    """Evidence for moderators: what fired and, while the content is kept, the matched words."""
    lines = []
    for evidence in case.evidence:
        excerpt = ""
        if case.content is not None and 0 <= evidence.start < evidence.end <= len(case.content):
            excerpt = f" «{discord.utils.escape_markdown(case.content[evidence.start : evidence.end])}»"
        detail = f" ({evidence.detail})" if evidence.detail else ""
        lines.append(f"- {evidence.matcher}{excerpt}{detail}")
    return clip("\n".join(lines) or "-", limit)


def actor_label(actor_id: str, lang: str) -> str:
    """Who acted, as moderators read it."""
    return tr("discord.automated_by", lang) if actor_id == SYSTEM_ACTOR else f"<@{actor_id}>"


def decision_text(case: Case, lang: str) -> str | None:
    """The human decision that stands (who, when, why), or None while only automation has decided."""
    if not case.human_decision:
        return None
    when = discord.utils.format_dt(case.decided_at, "f") if case.decided_at else "—"
    line = tr("appeals.decision_line", lang, moderator=f"<@{case.decided_by}>", when=when)
    return clip(f"{line}\n{case.decision_reason}" if case.decision_reason else line, FIELD_LIMIT)


def _add_decision(embed: discord.Embed, case: Case, lang: str) -> None:
    """ "Decision" (a person's) in place of "Decided by", whose automated first decision stays beside it."""
    decision = decision_text(case, lang)
    acted = tr("discord.field_acted", lang)
    if decision is None:
        embed.add_field(name=acted, value=actor_label(case.actor_id, lang))
        return
    embed.add_field(name=tr("appeals.field_decision", lang), value=decision, inline=False)
    if case.actor_id != case.decided_by:
        embed.add_field(name=tr("appeals.field_first", lang), value=f"{actor_label(case.actor_id, lang)}")


def card_embed(case: Case, rule: Rule | None, charter: Charter, kind: CardKind, lang: str) -> discord.Embed:
    """A review, report, appeal or could-not-remove card for the review channel."""
    title = tr(
        f"discord.card_{kind}",
        lang,
        clause=case.clause,
        title=rule_title(rule, charter, lang, case.rule_id),
        case=case.id,
    )
    embed = discord.Embed(title=clip(title, 256), colour=_COLOURS[kind], timestamp=case.created_at)
    message_link = jump_url(case.community, case.channel, case.message_id)
    if kind == "appeal":
        content = case.content if case.content is not None else tr("discord.no_content", lang)
        embed.description = f"**{tr('discord.field_content', lang)}**\n{clip(content, DESCRIPTION_LIMIT - 100)}"
    else:
        embed.url = message_link
    embed.add_field(name=tr("discord.field_case", lang), value=f"#{case.id} · {case.status.value}")
    embed.add_field(name=tr("discord.field_author", lang), value=f"<@{case.author_id}> ({clip(case.author_name, 80)})")
    embed.add_field(name=tr("discord.field_channel", lang), value=f"<#{case.channel}>")
    embed.add_field(name=tr("discord.field_evidence", lang), value=evidence_lines(case), inline=False)
    if case.confidence < 1:
        embed.add_field(name=tr("discord.field_confidence", lang), value=f"{case.confidence:.0%}")
    _add_decision(embed, case, lang)
    if kind == "appeal" and case.appeal_reason:
        embed.add_field(
            name=tr("discord.field_appeal_reason", lang), value=clip(case.appeal_reason, FIELD_LIMIT), inline=False
        )
    if kind == "degraded" and case.action_error:
        embed.add_field(name=tr("discord.field_error", lang), value=clip(case.action_error, FIELD_LIMIT), inline=False)
    if kind != "appeal":
        embed.add_field(name=tr("discord.jump", lang), value=message_link, inline=False)
    embed.set_footer(text=f"{charter.name} {case.charter_version}")
    return embed


def decided_embed(original: discord.Embed | None, case: Case, summary: str, lang: str) -> discord.Embed:
    """The card once a moderator acted on it: same content, status updated, the person's decision
    (who, when, why) in place of "Decided by: Vigie (automated)", outcome appended."""
    embed = original.copy() if original is not None else discord.Embed()
    embed.colour = discord.Colour.dark_grey() if case.status is CaseStatus.DISMISSED else discord.Colour.green()
    decision = decision_text(case, lang)
    acted, named = tr("discord.field_acted", lang), tr("appeals.field_decision", lang)
    for index, field in enumerate(embed.fields):
        if field.value and field.value.startswith(f"#{case.id} "):
            embed.set_field_at(index, name=field.name or "", value=f"#{case.id} · {case.status.value}")
        elif decision is not None and field.name in (acted, named):
            embed.set_field_at(index, name=named, value=decision, inline=False)
            decision = None
    if decision is not None:
        embed.add_field(name=named, value=decision, inline=False)
    embed.add_field(name="✔", value=clip(summary, FIELD_LIMIT), inline=False)
    return embed


def _latest_lines(lines: Sequence[str], limit: int = FIELD_LIMIT) -> str:
    """As many of the latest lines as fit, oldest first (a long trail keeps its end)."""
    kept: list[str] = []
    size = 0
    for line in reversed(lines):
        line = clip(line, limit)
        if size + len(line) + 1 > limit:
            break
        kept.append(line)
        size += len(line) + 1
    return "\n".join(reversed(kept)) or "-"


def case_embed(case: Case, trail: Sequence[AuditEntry], charter: Charter, lang: str) -> discord.Embed:
    """Everything about a case, for moderators, with its audit trail."""
    rule = charter.rule(case.rule_id)
    title = tr(
        "discord.case_title",
        lang,
        case=case.id,
        clause=case.clause,
        title=rule_title(rule, charter, lang, case.rule_id),
    )
    embed = discord.Embed(title=clip(title, 256), timestamp=case.created_at)
    content = case.content if case.content is not None else tr("discord.no_content", lang)
    embed.description = f"**{tr('discord.field_content', lang)}**\n{clip(content, 1500)}"
    embed.add_field(
        name=tr("discord.field_status", lang),
        value=f"{case.status.value} · {case.action.value} · {case.action_state.value}",
    )
    embed.add_field(name=tr("discord.field_author", lang), value=f"<@{case.author_id}> ({clip(case.author_name, 80)})")
    embed.add_field(name=tr("discord.field_channel", lang), value=f"<#{case.channel}>")
    _add_decision(embed, case, lang)
    embed.add_field(name=tr("discord.field_evidence", lang), value=evidence_lines(case), inline=False)
    if case.appeal_reason:
        embed.add_field(
            name=tr("discord.field_appeal_reason", lang), value=clip(case.appeal_reason, FIELD_LIMIT), inline=False
        )
    refusals = [
        f"{discord.utils.format_dt(entry.at, 'f')} · <@{entry.actor_id}> · {entry.detail or ''}"
        for entry in trail
        if entry.event == "refused"
    ]
    if refusals:
        embed.add_field(name=tr("appeals.field_refusals", lang), value=_latest_lines(refusals), inline=False)
    if case.action_error:
        embed.add_field(name=tr("discord.field_error", lang), value=clip(case.action_error, FIELD_LIMIT), inline=False)
    lines = [
        f"{discord.utils.format_dt(entry.at, 'f')} · {actor_label(entry.actor_id, lang)} · {entry.event}"
        + (f" · {entry.reason}" if entry.reason else "")
        for entry in trail
        if entry.event != "refused"
    ]
    embed.add_field(name=tr("discord.trail", lang), value=_latest_lines(lines), inline=False)
    if case.restored_message_id:
        # The original was deleted; the copy posted back after the overturn is what moderators can open.
        copy = jump_url(case.community, case.channel, case.restored_message_id)
        embed.add_field(name=tr("appeals.jump_copy", lang), value=copy, inline=False)
    else:
        original = jump_url(case.community, case.channel, case.message_id)
        embed.add_field(name=tr("discord.jump", lang), value=original, inline=False)
    embed.set_footer(text=f"{charter.name} {case.charter_version}")
    return embed


def appealable_lines(cases: Sequence[Case], charter: Charter, lang: str) -> str:
    """The author's open cases, one line each, for `/appeal` without a case number."""
    lines = [tr("appeals.pick", lang)]
    for case in cases[:25]:
        title = rule_title(charter.rule(case.rule_id), charter, lang, case.rule_id)
        when = discord.utils.format_dt(case.created_at, "R")
        lines.append("- " + tr("appeals.pick_line", lang, case=case.id, clause=case.clause, title=title, when=when))
    return clip("\n".join(lines), MESSAGE_LIMIT)


def case_line(case: Case) -> str:
    """One line of a member's case list."""
    when = discord.utils.format_dt(case.created_at, "d")
    return f"`#{case.id}` {when} §{case.clause} {case.action.value} · {case.status.value}"


def charter_header(charter: Charter, lang: str) -> str:
    """The charter's name, version and hash, as shown above any render."""
    return tr("discord.charter_title", lang, name=charter.name, version=charter.version, hash=charter.short_hash)
