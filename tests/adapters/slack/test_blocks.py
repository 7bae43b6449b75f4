"""Block Kit builders: what authors and moderators see, and what they never see."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.adapters.slack.blocks import (
    ACTION_APPEAL,
    ACTION_DISMISS,
    ACTION_NUDGE_FIXED,
    ACTION_NUDGE_NOT_SPONSORED,
    ACTION_OVERTURN,
    ACTION_REMOVE,
    ACTION_SEE,
    ACTION_UPHOLD,
    MODAL_TITLE_LIMIT,
    ModalContext,
    appeal_modal,
    card_blocks,
    case_text,
    decision_modal,
    not_sponsored_modal,
    notice_blocks,
    nudge_blocks,
    nudge_mrkdwn,
    quoted,
    remove_modal,
    report_modal,
    restored_blocks,
    thread_notice,
)
from bot.models import (
    SYSTEM_ACTOR,
    Action,
    AuditEntry,
    Case,
    CaseStatus,
    Evidence,
    Statement,
)
from bot.ports import CardKind
from tests.fakes import RESPECT, make_case, make_charter

AT = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
CHARTER = make_charter()
CASE = make_case(
    platform="slack",
    community="T1",
    channel="C1",
    message_id="1700000000.000100",
    author_id="UANN",
    author_name="Ann",
    evidence=(Evidence("term", 3, 9, "crétin"),),
    content="tu <@UBOB> es un crétin <https://evil.test|lien>",
    created_at=AT,
    updated_at=AT,
)


def texts(blocks: Any) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def action_ids(blocks: list[dict[str, Any]]) -> list[str]:
    return [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]


def test_notice_offers_appeal_and_see_my_message_for_removals_only() -> None:
    statement = Statement("fr", "Votre message a été retiré : §1 <Respect>", "Pourquoi : …\n/appeal 42 <votre raison>")
    assert action_ids(notice_blocks(CASE, statement)) == [ACTION_APPEAL, ACTION_SEE]
    assert action_ids(notice_blocks(replace(CASE, action=Action.WARN), statement)) == [ACTION_APPEAL]
    rendered = texts(notice_blocks(CASE, statement))
    assert "&lt;votre raison&gt;" in rendered
    assert "<votre raison>" not in rendered


@pytest.mark.parametrize(
    ("case", "removed", "expected"),
    [
        (CASE, True, "votre message a été retiré au titre du §1"),
        (CASE, False, "Merci de le modifier ou de le supprimer"),
        (replace(CASE, action=Action.WARN), False, "un petit rappel du §1"),
        (replace(CASE, action=Action.REVIEW, status=CaseStatus.REVIEW), False, "attend l'avis d'un modérateur"),
    ],
)
def test_thread_notice_names_the_clause_and_only_the_author(case: Case, removed: bool, expected: str) -> None:
    text = thread_notice(case, "Respect des personnes", "fr", removed=removed)
    assert expected in text
    assert set(re.findall(r"<@(\w+)", text)) == {"UANN"}
    assert "crétin" not in text


@pytest.mark.parametrize(
    ("kind", "status", "buttons"),
    [
        ("review", CaseStatus.REVIEW, [ACTION_REMOVE, ACTION_DISMISS]),
        ("report", CaseStatus.REVIEW, [ACTION_REMOVE, ACTION_DISMISS]),
        ("appeal", CaseStatus.APPEALED, [ACTION_UPHOLD, ACTION_OVERTURN]),
        ("degraded", CaseStatus.ACTIONED, [ACTION_OVERTURN]),
        ("review", CaseStatus.DISMISSED, []),
        ("appeal", CaseStatus.OVERTURNED, []),
    ],
)
def test_card_buttons_only_while_waiting(kind: CardKind, status: CaseStatus, buttons: list[str]) -> None:
    case = replace(CASE, status=status, decided_by="UMOD", decision_reason="ok")
    blocks = card_blocks(case, RESPECT, kind, CHARTER, "en", link="https://vigie.test/m")
    assert action_ids(blocks) == buttons
    values = {e["value"] for b in blocks if b["type"] == "actions" for e in b["elements"]}
    assert values <= {f"42:{kind}"}
    if not buttons:
        assert "<@UMOD>: ok" in texts(blocks)


def test_card_shows_content_inert() -> None:
    blocks = card_blocks(
        replace(CASE, status=CaseStatus.APPEALED, appeal_reason="<!channel> c'était une blague"),
        RESPECT,
        "appeal",
        CHARTER,
        "en",
        link=None,
    )
    rendered = texts(blocks)
    # Shown as a reader sees it, pinging nobody: no raw markup, escaped or not.
    assert "@user" in rendered  # a member whose name is not known
    assert "<@UBOB>" not in rendered
    assert "&lt;@UBOB&gt;" not in rendered
    assert "@\u200dchannel c'était une blague" in rendered
    assert "<!channel>" not in rendered
    assert "&lt;!channel&gt;" not in rendered
    assert "Appeal to decide: case #42" in rendered
    named = texts(card_blocks(CASE, RESPECT, "review", CHARTER, "en", link=None, names={"UBOB": "Bob"}))
    assert "@Bob" in named


def test_card_without_content_says_it_was_purged() -> None:
    blocks = card_blocks(
        replace(CASE, content=None, status=CaseStatus.APPEALED), RESPECT, "appeal", CHARTER, "fr", link=None
    )
    assert "contenu effacé" in texts(blocks)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_modals_fit_slack_limits(lang: str) -> None:
    context = ModalContext(case_id=123456, channel="C1")
    for view in (
        appeal_modal(123456, lang, context),
        decision_modal(123456, 1, "overturn", lang, context),
        remove_modal(CHARTER, lang, context),
        report_modal(lang, context),
        not_sponsored_modal(lang, context),
    ):
        assert len(view["title"]["text"]) <= MODAL_TITLE_LIMIT
        assert len(view["private_metadata"]) <= 3000
        assert ModalContext.load(view["private_metadata"]) == context


def test_remove_modal_lists_every_clause_in_order() -> None:
    select = remove_modal(CHARTER, "en", ModalContext())["blocks"][0]["element"]
    assert [o["value"] for o in select["options"]] == ["respect", "tone", "scam", "spam"]
    assert select["options"][0]["text"]["text"] == "§1 Respect"


def test_modal_context_ignores_unknown_keys() -> None:
    assert ModalContext.load('{"case_id": 3, "evil": "x"}') == ModalContext(case_id=3)
    assert ModalContext.load(None) == ModalContext()


def test_case_text_has_status_content_and_trail() -> None:
    trail = [
        AuditEntry(42, AT, SYSTEM_ACTOR, "created"),
        AuditEntry(42, AT, "UMOD", "overridden", "context <matters>"),
    ]
    text = case_text(CASE, trail, CHARTER, "en")
    assert text.startswith("*Case #42: §1 Respect*")
    assert "vigie · created" in text
    assert "<@UMOD> · overridden: context &lt;matters&gt;" in text
    assert quoted(CASE.content or "") in text


def test_restored_long_message_is_not_cut() -> None:
    content = "a" * 7000
    blocks = restored_blocks(CASE, content, "en")
    assert "".join(b["text"]["text"] for b in blocks[:-1]) == content
    assert "Restored after review (case #42)." in texts(blocks[-1])


def test_restored_text_pings_nobody() -> None:
    content = "<!channel> <!here|here> <!everyone> <!subteam^S1|@mods> <@U1> and <@U2|bo> said hi"
    shown = texts(restored_blocks(CASE, content, "en", {"U1": "Ann"}))
    for token in ("<!", "<@"):
        assert token not in shown
    assert "@mods" in shown
    assert "@Ann" in shown
    assert "@user said hi" in shown


@pytest.mark.parametrize(
    ("lang", "labels"), [("fr", ["C'est corrigé", "Pas sponsorisé"]), ("en", ["I've fixed it", "Not sponsored"])]
)
def test_nudge_has_the_two_buttons_in_the_authors_language(lang: str, labels: list[str]) -> None:
    blocks = nudge_blocks(12, "Bonjour !", lang)
    assert blocks[0]["text"]["text"] == "Bonjour !"
    actions = blocks[-1]["elements"]
    assert [(b["action_id"], b["value"]) for b in actions] == [
        (ACTION_NUDGE_FIXED, "12"),
        (ACTION_NUDGE_NOT_SPONSORED, "12"),
    ]
    assert [b["text"]["text"] for b in actions] == labels


def test_a_long_nudge_is_spread_over_sections_between_lines() -> None:
    lines = [f"{n:04d} " + "x" * 985 for n in range(7)]  # three lines and their breaks fit in 3,000
    blocks = nudge_blocks(1, "\n".join(lines), "en")
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert all(len(text) <= 3000 for text in sections)
    assert "\n".join(sections) == "\n".join(lines)
    assert len(sections) == 3


def test_nudge_mrkdwn_keeps_quotes_and_makes_the_post_inert() -> None:
    text = "Hi <@U1>\n> Ad — <!here> code &lt;MAYA20&gt;\n>\n> <https://x.test|x.test>"
    assert nudge_mrkdwn(text, {"U1": "Ann"}) == "Hi @Ann\n> Ad — @\u200dhere code &lt;MAYA20&gt;\n>\n> https://x.test"
