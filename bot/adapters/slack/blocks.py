"""Pure Block Kit builders: notices, review and appeal cards, modals and case summaries."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.adapters.slack.convert import defuse_mentions, escape, readable
from bot.charter.model import Charter, Rule
from bot.i18n import tr
from bot.models import SYSTEM_ACTOR, Action, AuditEntry, Case, CaseStatus, Statement
from bot.ports import CardKind

Block = dict[str, Any]

ACTION_APPEAL = "vigie_appeal"
ACTION_SEE = "vigie_see"
ACTION_REMOVE = "vigie_remove"
ACTION_DISMISS = "vigie_dismiss"
ACTION_UPHOLD = "vigie_uphold"
ACTION_OVERTURN = "vigie_overturn"
DECISION_ACTIONS = {
    ACTION_REMOVE: "remove",
    ACTION_DISMISS: "dismiss",
    ACTION_UPHOLD: "uphold",
    ACTION_OVERTURN: "overturn",
}

ACTION_NUDGE_FIXED = "vigie_nudge_fixed"
ACTION_NUDGE_NOT_SPONSORED = "vigie_nudge_not_sponsored"

MODAL_APPEAL = "vigie_appeal_modal"
MODAL_DECIDE = "vigie_decision_modal"
MODAL_REMOVE = "vigie_remove_modal"
MODAL_REPORT = "vigie_report_modal"
MODAL_NOT_SPONSORED = "vigie_not_sponsored_modal"
SHORTCUT_REPORT = "vigie_report"
SHORTCUT_REMOVE = "vigie_remove_message"

INPUT_REASON = "reason"
INPUT_CLAUSE = "clause"
INPUT_NOTE = "note"

SECTION_LIMIT = 3000  # Slack's limit for one section's text
NUDGE_SECTIONS = 10
CONTENT_LIMIT = 2500
MODAL_TITLE_LIMIT = 24

# Which status leaves a card waiting for a moderator's click.
_OPEN_STATUS: dict[str, CaseStatus] = {
    "review": CaseStatus.REVIEW,
    "report": CaseStatus.REVIEW,
    "appeal": CaseStatus.APPEALED,
    "degraded": CaseStatus.ACTIONED,
}


def clip(text: str, limit: int = SECTION_LIMIT) -> str:
    """Cut `text` to Slack's `limit`, marking the cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def unescape(text: str) -> str:
    """Undo Slack's three escapes, so text can be escaped once again for display."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def quoted(text: str, limit: int = CONTENT_LIMIT, names: Mapping[str, str] | None = None) -> str:
    """A member's words as a reader sees them, block-quoted and inert: `<!channel>` shows as "@channel"
    and `<@U…>` as "@their-name" (from `names`) without pinging anyone, a typed "@channel" is broken up
    too, links are spelled out; no raw markup reaches the reader."""
    safe = readable(clip(text, limit), names)
    return "\n".join(f"> {line}" for line in safe.splitlines() or [""])


def words_of(case: Case) -> str:
    """Everything a member wrote on a case (content and appeal reason), to look up the names it mentions."""
    return f"{case.content or ''}\n{case.appeal_reason or ''}"


def decision_text(case: Case, lang: str) -> str | None:
    """The person's decision that stands (who, when, why), or None while only automation decided."""
    if not case.human_decision:
        return None
    when = f"{case.decided_at:%Y-%m-%d %H:%M} UTC" if case.decided_at else "—"
    line = tr("appeals.decision_line", lang, moderator=f"<@{case.decided_by}>", when=when)
    return f"{line}\n{escape(case.decision_reason)}" if case.decision_reason else line


def _acted_by(case: Case, lang: str) -> str:
    if case.automated or case.actor_id == SYSTEM_ACTOR:
        return tr("slack.automated", lang, confidence=f"{case.confidence:.2f}")
    return f"<@{case.actor_id}>"


def _plain(text: str, limit: int = 75) -> Block:
    return {"type": "plain_text", "text": clip(text, limit), "emoji": True}


def _mrkdwn(text: str) -> Block:
    return {"type": "mrkdwn", "text": clip(text)}


def section(text: str) -> Block:
    """A mrkdwn section block (cut to Slack's limit)."""
    return {"type": "section", "text": _mrkdwn(text)}


_section = section


def _button(text: str, action_id: str, value: str, style: str | None = None) -> Block:
    button: Block = {"type": "button", "text": _plain(text), "action_id": action_id, "value": value}
    if style:
        button["style"] = style
    return button


def rule_title(rule: Rule | None, charter: Charter, lang: str, fallback: str = "") -> str:
    """A clause's public title in `lang`, falling back to the charter's default language."""
    if rule is None:
        return fallback
    return rule.text(rule.title, lang, charter.default_language)


def notice_blocks(case: Case, statement: Statement) -> list[Block]:
    """The author's private statement of reasons, with Appeal and See my message."""
    title = escape(statement.title)
    body = escape(statement.body)
    buttons = [_button(tr("slack.appeal", statement.lang), ACTION_APPEAL, str(case.id), "primary")]
    if case.action is Action.REMOVE:
        buttons.append(_button(tr("slack.see", statement.lang), ACTION_SEE, str(case.id)))
    return [_section(f"*{title}*\n{body}"), {"type": "actions", "block_id": f"notice:{case.id}", "elements": buttons}]


def appealable_blocks(cases: Sequence[Case], charter: Charter, lang: str) -> list[Block]:
    """The member's open cases, each with the same Appeal button as their notices (`/appeal` alone)."""
    blocks: list[Block] = [_section(tr("appeals.pick", lang))]
    for case in cases[:20]:
        title = rule_title(charter.rule(case.rule_id), charter, lang, case.rule_id)
        when = f"{case.created_at:%Y-%m-%d}"
        line = tr("appeals.pick_line", lang, case=case.id, clause=case.clause, title=escape(title), when=when)
        button = _button(tr("appeals.button", lang, case=case.id, clause=case.clause), ACTION_APPEAL, str(case.id))
        blocks.append({"type": "section", "text": _mrkdwn(line), "accessory": button})
    return blocks


def thread_notice(case: Case, title: str, lang: str, *, removed: bool) -> str:
    """The public reply: names the author and the clause, quotes nothing, mentions nobody else."""
    if case.status is CaseStatus.REVIEW or case.action is Action.REVIEW:
        key = "slack.thread_review"
    elif case.action is Action.WARN:
        key = "slack.thread_warn"
    else:
        key = "slack.thread_removed" if removed else "slack.thread_unremoved"
    return tr(key, lang, user=case.author_id, clause=case.clause, title=escape(title), case=case.id)


def thread_notice_blocks(case: Case, text: str, lang: str) -> list[Block]:
    """The public reply with the same buttons as the private notice (the author alone can use them)."""
    buttons = [_button(tr("slack.appeal", lang), ACTION_APPEAL, str(case.id))]
    if case.action is Action.REMOVE:
        buttons.append(_button(tr("slack.see", lang), ACTION_SEE, str(case.id)))
    return [_section(text), {"type": "actions", "block_id": f"thread:{case.id}", "elements": buttons}]


def restored_blocks(case: Case, content: str, lang: str, names: Mapping[str, str] | None = None) -> list[Block]:
    """The author's restored text, its mentions made inert, followed by a visible "restored after review" mark.

    `names` gives the display names of the members the text mentions (see `defuse_mentions`).
    """
    content = defuse_mentions(content, names)
    # A section holds 3000 characters; a long message is spread over several rather than cut.
    sections = [_section(content[i : i + SECTION_LIMIT]) for i in range(0, len(content), SECTION_LIMIT)][:49]
    mark = _mrkdwn(f":leftwards_arrow_with_hook: {tr('slack.restored', lang, case=case.id)}")
    return [*sections, {"type": "context", "elements": [mark]}]


def status_name(status: CaseStatus, lang: str) -> str:
    """A case status in words."""
    return tr(f"slack.status_{status.value}", lang)


def _evidence_lines(case: Case) -> str:
    lines = []
    for item in case.evidence[:10]:
        detail = f": {escape(unescape(item.detail))}" if item.detail else ""
        lines.append(f"• {item.matcher}{detail}")
    return "\n".join(lines) or "•"


def card_blocks(
    case: Case,
    rule: Rule | None,
    kind: CardKind,
    charter: Charter,
    lang: str,
    *,
    link: str | None,
    names: Mapping[str, str] | None = None,
) -> list[Block]:
    """A moderator card for the review channel; buttons only while the case waits for a decision.

    Once a person decided, their decision (who, when, why) replaces "Decided by: Vigie (automated)".
    `names` are the display names of the members the author's words mention.
    """
    title = rule_title(rule, charter, lang, case.rule_id)
    fields = [
        _mrkdwn(f"*{tr('slack.clause', lang)}*\n§{case.clause} {escape(title)}"),
        _mrkdwn(f"*{tr('slack.author', lang)}*\n<@{case.author_id}>"),
        _mrkdwn(f"*{tr('slack.channel', lang)}*\n<#{case.channel}>"),
    ]
    decision = decision_text(case, lang)
    if decision is None:
        fields.append(_mrkdwn(f"*{tr('slack.decided_by', lang)}*\n{_acted_by(case, lang)}"))
    else:
        fields.append(_mrkdwn(f"*{tr('appeals.field_decision', lang)}*\n{decision}"))
        if case.actor_id != case.decided_by:
            fields.append(_mrkdwn(f"*{tr('appeals.field_first', lang)}*\n{_acted_by(case, lang)}"))
    blocks: list[Block] = [
        {"type": "header", "text": _plain(tr(f"slack.card_{kind}", lang, case=case.id), 150)},
        {"type": "section", "fields": fields},
    ]
    if kind == "degraded":
        blocks.append(_section(tr("slack.card_degraded_help", lang)))
    blocks.append(_section(f"*{tr('slack.evidence', lang)}*\n{_evidence_lines(case)}"))
    content = quoted(case.content, names=names) if case.content is not None else tr("slack.content_gone", lang)
    blocks.append(_section(f"*{tr('slack.content', lang)}*\n{content}"))
    if kind == "appeal" and case.appeal_reason:
        reason = quoted(case.appeal_reason, 1500, names)
        blocks.append(_section(f"*{tr('slack.appeal_reason', lang)}*\n{reason}"))
    context = [_mrkdwn(f"{tr('slack.charter', lang)} {escape(case.charter_version)} · {case.charter_hash[:12]}")]
    if link:
        context.append(_mrkdwn(f"<{link}|{tr('slack.jump', lang)}>"))
    blocks.append({"type": "context", "elements": context})
    if case.status is _OPEN_STATUS[kind]:
        blocks.append({"type": "actions", "block_id": f"card:{case.id}", "elements": _card_buttons(case, kind, lang)})
    else:
        blocks.append({"type": "context", "elements": [_mrkdwn(outcome_line(case, lang))]})
    return blocks


def _card_buttons(case: Case, kind: CardKind, lang: str) -> list[Block]:
    value = f"{case.id}:{kind}"
    if kind in ("review", "report"):
        return [
            _button(tr("slack.remove_under", lang, clause=case.clause), ACTION_REMOVE, value, "danger"),
            _button(tr("slack.dismiss", lang), ACTION_DISMISS, value),
        ]
    overturn = _button(tr("slack.overturn", lang), ACTION_OVERTURN, value, "primary")
    if kind == "degraded":
        # The removal stands until a person acts; only reversing it is a decision left to take here.
        return [overturn]
    return [_button(tr("slack.uphold", lang), ACTION_UPHOLD, value), overturn]


def outcome_line(case: Case, lang: str) -> str:
    """Who decided what and why, for a card that no longer needs buttons."""
    status = status_name(case.status, lang).capitalize()
    if case.decided_by and case.decided_by != SYSTEM_ACTOR:
        reason = escape(case.decision_reason or "")
        return tr("slack.outcome", lang, status=status, moderator=case.decided_by, reason=reason)
    return tr("slack.outcome_system", lang, status=status)


@dataclass(frozen=True, slots=True)
class ModalContext:
    """What a modal must remember between opening and submission (sent through Slack, then verified)."""

    case_id: int | None = None
    decision: str | None = None
    kind: str | None = None
    channel: str | None = None  # where to answer the person who submits
    card_channel: str | None = None
    card_ts: str | None = None
    team: str | None = None
    message_channel: str | None = None
    message_ts: str | None = None
    thread_ts: str | None = None
    author: str | None = None
    text: str | None = None
    nudge_id: int | None = None

    def dump(self) -> str:
        """Compact JSON for a view's `private_metadata`."""
        fields = {name: getattr(self, name) for name in self.__slots__}
        return json.dumps({k: v for k, v in fields.items() if v is not None}, separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def load(cls, raw: str | None) -> ModalContext:
        """Read `private_metadata` back; unknown keys are ignored."""
        data = json.loads(raw) if raw else {}
        if not isinstance(data, dict):
            return cls()
        return cls(**{name: data.get(name) for name in cls.__slots__})


def _modal(callback_id: str, title: str, lang: str, blocks: list[Block], context: ModalContext) -> Block:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": _plain(title, MODAL_TITLE_LIMIT),
        "submit": _plain(tr("slack.send", lang), 24),
        "close": _plain(tr("slack.cancel", lang), 24),
        "private_metadata": context.dump(),
        "blocks": blocks,
    }


def _text_input(block_id: str, label: str, *, optional: bool = False, min_length: int = 3) -> Block:
    element: Block = {"type": "plain_text_input", "action_id": block_id, "multiline": True, "max_length": 2000}
    if not optional:
        element["min_length"] = min_length
    return {
        "type": "input",
        "block_id": block_id,
        "label": _plain(label, 2000),
        "element": element,
        "optional": optional,
    }


def appeal_modal(case_id: int, lang: str, context: ModalContext) -> Block:
    """The author's appeal form."""
    return _modal(
        MODAL_APPEAL,
        tr("slack.modal_appeal", lang, case=case_id),
        lang,
        [_text_input(INPUT_REASON, tr("slack.appeal_label", lang))],
        context,
    )


def decision_modal(case_id: int, clause: int, decision: str, lang: str, context: ModalContext) -> Block:
    """A moderator's reason for removing, dismissing, upholding or overturning."""
    intro = _section(tr("slack.decision_intro", lang, decision=decision, case=case_id, clause=clause))
    return _modal(
        MODAL_DECIDE,
        tr("slack.modal_decide", lang, case=case_id),
        lang,
        [intro, _text_input(INPUT_REASON, tr("slack.reason_label", lang))],
        context,
    )


def clause_options(rules: Iterable[Rule], charter: Charter, lang: str) -> list[Block]:
    """One select option per clause (Slack allows 100)."""
    return [
        {"text": _plain(f"§{rule.number} {rule_title(rule, charter, lang)}"), "value": rule.id}
        for rule in sorted(rules, key=lambda r: r.number)[:100]
    ]


def remove_modal(charter: Charter, lang: str, context: ModalContext) -> Block:
    """A moderator picks the clause a message breaks and says why."""
    select = {
        "type": "input",
        "block_id": INPUT_CLAUSE,
        "label": _plain(tr("slack.clause_label", lang)),
        "element": {
            "type": "static_select",
            "action_id": INPUT_CLAUSE,
            "options": clause_options(charter.rules, charter, lang),
        },
    }
    return _modal(
        MODAL_REMOVE,
        tr("slack.modal_remove", lang),
        lang,
        [select, _text_input(INPUT_REASON, tr("slack.reason_label", lang))],
        context,
    )


def report_modal(lang: str, context: ModalContext) -> Block:
    """A member sends a message to the moderators with an optional note."""
    return _modal(
        MODAL_REPORT,
        tr("slack.modal_report", lang),
        lang,
        [_text_input(INPUT_NOTE, tr("slack.note_label", lang), optional=True)],
        context,
    )


def case_text(
    case: Case,
    trail: Sequence[AuditEntry],
    charter: Charter,
    lang: str,
    *,
    names: Mapping[str, str] | None = None,
    copy_link: str | None = None,
) -> str:
    """A case and its audit trail as mrkdwn, for `/case` (moderators only): the person's decision as
    the decision, refused attempts apart, and a link to the restored copy when there is one."""
    title = rule_title(charter.rule(case.rule_id), charter, lang, case.rule_id)
    content = quoted(case.content, 1500, names) if case.content is not None else tr("slack.content_gone", lang)
    lines = [
        f"*{tr('slack.case_header', lang, case=case.id, clause=case.clause, title=escape(title))}*",
        tr(
            "slack.case_status",
            lang,
            status=status_name(case.status, lang),
            action=case.action.value,
            state=case.action_state.value,
            source=case.source.value,
        ),
        f"{tr('slack.author', lang)}: <@{case.author_id}> · {tr('slack.channel', lang)}: <#{case.channel}> · "
        f"{tr('slack.charter', lang)} {escape(case.charter_version)}",
    ]
    decision = decision_text(case, lang)
    if decision is None:
        lines.append(f"*{tr('slack.decided_by', lang)}*: {_acted_by(case, lang)}")
    else:
        lines.append(f"*{tr('appeals.field_decision', lang)}*: {decision}")
        if case.actor_id != case.decided_by:
            lines.append(f"*{tr('appeals.field_first', lang)}*: {_acted_by(case, lang)}")
    if copy_link:
        lines.append(f"<{copy_link}|{tr('appeals.jump_copy_slack', lang)}>")
    lines += [
        f"*{tr('slack.evidence', lang)}*\n{_evidence_lines(case)}",
        f"*{tr('slack.content', lang)}*\n{content}",
    ]
    if case.appeal_reason:
        lines.append(f"*{tr('slack.appeal_reason', lang)}*\n{quoted(case.appeal_reason, 500, names)}")
    refused = [entry for entry in trail if entry.event == "refused"]
    if refused:
        lines.append(f"*{tr('appeals.field_refusals', lang)}*")
        for entry in refused[-10:]:
            lines.append(f"• {entry.at:%Y-%m-%d %H:%M} UTC · <@{entry.actor_id}> · {escape(entry.detail or '')}")
    lines.append(f"*{tr('slack.trail', lang)}*")
    for entry in [entry for entry in trail if entry.event != "refused"][-20:]:
        who = entry.actor_id if entry.actor_id == SYSTEM_ACTOR else f"<@{entry.actor_id}>"
        why = f": {escape(entry.reason)}" if entry.reason else ""
        lines.append(f"• {entry.at:%Y-%m-%d %H:%M} UTC · {who} · {entry.event}{why}")
    return clip("\n".join(lines), 3900)


def nudge_mrkdwn(text: str, names: Mapping[str, str] | None = None) -> str:
    """A private disclosure note as mrkdwn: the author's words shown inert and readable, "> " quotes kept."""
    lines = []
    for line in text.splitlines():
        if line.startswith("> "):
            lines.append("> " + readable(line[2:], names))
        elif line == ">":
            lines.append(">")
        else:
            lines.append(readable(line, names))
    return "\n".join(lines)


def _sections(text: str) -> list[Block]:
    """`text` over as many sections as it needs, cut between lines where it can."""
    chunks: list[str] = []
    current = ""
    for line in text.splitlines():
        while len(line) > SECTION_LIMIT:
            if current:
                chunks.append(current)
                current = ""
            chunks.append(line[:SECTION_LIMIT])
            line = line[SECTION_LIMIT:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > SECTION_LIMIT:
            chunks.append(current)
            candidate = line
        current = candidate
    if current.strip():
        chunks.append(current)
    return [_section(chunk) for chunk in chunks if chunk.strip()]


def nudge_blocks(nudge_id: int, text: str, lang: str) -> list[Block]:
    """The private disclosure note (mrkdwn from `nudge_mrkdwn`) with "I've fixed it" and "Not sponsored"."""
    buttons = [
        _button(tr("slack.nudge_fixed", lang), ACTION_NUDGE_FIXED, str(nudge_id), "primary"),
        _button(tr("slack.nudge_not_sponsored", lang), ACTION_NUDGE_NOT_SPONSORED, str(nudge_id)),
    ]
    sections = _sections(text)[:NUDGE_SECTIONS]
    return [*sections, {"type": "actions", "block_id": f"nudge:{nudge_id}", "elements": buttons}]


def not_sponsored_modal(lang: str, context: ModalContext) -> Block:
    """The author says the post is not sponsored, with an optional note for the person who decides."""
    return _modal(
        MODAL_NOT_SPONSORED,
        tr("slack.modal_not_sponsored", lang),
        lang,
        [
            _section(tr("slack.not_sponsored_intro", lang)),
            _text_input(INPUT_NOTE, tr("slack.not_sponsored_label", lang), optional=True),
        ],
        context,
    )
