"""Verdict → case → actions: record the case first, then act through the platform, then record the outcome."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from bot.charter.model import Charter, Rule
from bot.errors import NotFoundError, PlatformError, PlatformFailure, TransitionError, VigieError
from bot.explain import outcome_text, statement_for
from bot.models import (
    SYSTEM_ACTOR,
    Action,
    ActionState,
    Actor,
    AuditEntry,
    Case,
    CaseDraft,
    CaseSource,
    CaseStatus,
    Evidence,
    Message,
    Verdict,
)
from bot.ports import CardKind, Clock, Platform, Store

log = logging.getLogger(__name__)

MAX_REASON = 1000
AUTOMOD_ACTOR = "automod"
"""The actor id recorded for removals the platform's own filter carried out."""

ENFORCED = frozenset({CaseStatus.ACTIONED, CaseStatus.APPEALED, CaseStatus.UPHELD})
"""Statuses in which a removal or warning stands."""


class Screener(Protocol):
    """Anything that screens a message against the charter in force."""

    def screen(self, message: Message) -> Verdict:
        """The verdict for one message."""
        ...


class PolicySource(Protocol):
    """The charter in force and its engine, read at call time so that a reload takes effect."""

    @property
    def charter(self) -> Charter:
        """The charter in force."""
        ...

    @property
    def engine(self) -> Screener:
        """The engine compiled from that charter."""
        ...


@dataclass(frozen=True, slots=True)
class Outcome:
    """What `handle_message` did: the verdict, the case (if any) and whether this call created it."""

    verdict: Verdict
    case: Case | None
    created: bool


def require_reason(reason: str | None, what: str = "A reason") -> str:
    """The trimmed reason, or a TransitionError if it is empty or longer than MAX_REASON characters."""
    text = (reason or "").strip()
    if not text:
        raise TransitionError(f"{what} is required.")
    if len(text) > MAX_REASON:
        raise TransitionError(f"{what} must be at most {MAX_REASON} characters (got {len(text)}).")
    return text


def require_moderator(actor: Actor, doing: str) -> None:
    """Refuse anyone whom the platform glue did not mark as a moderator of a known community."""
    if not actor.is_moderator:
        raise TransitionError(f"Only a moderator can {doing}.")
    if not actor.community:
        # The flag holds only in the community where the glue computed it; unknown means none.
        raise TransitionError(f"Only a moderator can {doing}; Vigie could not tell which community you act in.")


def moderates(actor: Actor, platform: str, community: str) -> bool:
    """True when `actor` is a moderator of exactly this community of this platform."""
    return actor.is_moderator and bool(actor.community) and actor.platform == platform and actor.community == community


class Effects:
    """Carries out a recorded case's side effects on its platform and records each outcome.

    Every platform call is caught: a failure is audited on the case (and moderators are
    alerted when a human must step in); it never loses or rolls back the case.

    Side effects on a case are claimed first (`Store.claim_action`): a caller that finds the
    case claimed leaves it to the holder, who re-reads the case after each platform call, so a
    reconnect's `resume_pending` never acts twice and an overturn or an edit that landed while
    the platform was busy is honoured.
    """

    def __init__(self, store: Store, policy: PolicySource, clock: Clock, platforms: Mapping[str, Platform]) -> None:
        """Keep a reference to `platforms`: adapters register themselves after the services are built."""
        self.store = store
        self.policy = policy
        self.clock = clock
        self.platforms = platforms

    def entry(
        self,
        case: Case,
        event: str,
        *,
        actor_id: str = SYSTEM_ACTOR,
        reason: str | None = None,
        detail: str | None = None,
    ) -> AuditEntry:
        """An audit entry stamped with the injected clock."""
        return AuditEntry(case.id, self.clock.now(), actor_id, event, reason, detail)

    def rule_for(self, case: Case) -> Rule:
        """The case's rule in the charter in force, or a stand-in if that rule was since removed."""
        charter = self.policy.charter
        rule = charter.rule(case.rule_id)
        if rule is not None:
            return rule
        # Cases outlive charter versions; a retired rule still needs a card and a notice.
        label = f"{case.rule_id} (charter {case.charter_version})"
        return Rule(
            id=case.rule_id,
            number=case.clause,
            action=case.action,
            title={charter.default_language: label},
            description={},
        )

    async def _call(self, case: Case, step: str, call: Callable[[Platform], Awaitable[None]]) -> PlatformError | None:
        platform = self.platforms.get(case.platform)
        if platform is None:
            return PlatformError(PlatformFailure.UNSUPPORTED, f"no {case.platform} connection is registered")
        try:
            await call(platform)
        except PlatformError as exc:
            log.warning("case %d: %s failed on %s: %s", case.id, step, case.platform, exc)
            return exc
        except Exception as exc:
            # An adapter bug must not stop the remaining steps; the traceback goes to the log.
            log.exception("case %d: %s raised on %s", case.id, step, case.platform)
            return PlatformError(PlatformFailure.UNAVAILABLE, f"unexpected {type(exc).__name__}")
        return None

    async def _audit(self, case: Case, entry: AuditEntry) -> Case:
        return await self.store.update_case(case.id, entry)

    async def notice(self, case: Case, *, removed: bool) -> PlatformError | None:
        """Post the statement of reasons to the author; audited either way."""
        statement = statement_for(case, self.rule_for(case), self.policy.charter, lang=case.lang, removed=removed)
        err = await self._call(case, "notice", lambda p: p.post_notice(case, statement, removed=removed))
        if err is None:
            await self._audit(case, self.entry(case, "notice_posted", detail=f"removed={removed}"))
        else:
            await self._audit(case, self.entry(case, "notice_failed", detail=str(err)))
        return err

    async def card(self, case: Case, kind: CardKind) -> PlatformError | None:
        """Put the case in front of moderators; if the card cannot be posted, alert instead."""
        err = await self._call(case, f"{kind} card", lambda p: p.send_card(case, self.rule_for(case), kind))
        if err is None:
            await self._audit(case, self.entry(case, "card_sent", detail=kind))
            return None
        await self._audit(case, self.entry(case, "card_failed", detail=f"{kind}: {err}"))
        await self.alert(case, f"Case #{case.id} needs a moderator ({kind}), but its card could not be posted: {err}.")
        return err

    async def alert(self, case: Case, text: str) -> PlatformError | None:
        """Tell the community's moderators; `text` never carries message content."""
        err = await self._call(case, "alert", lambda p: p.alert(case.community, text))
        await self._audit(
            case, self.entry(case, "alert_sent" if err is None else "alert_failed", detail=str(err or text))
        )
        return err

    async def notify(self, case: Case, text: str) -> PlatformError | None:
        """Tell the author privately (appeal outcomes)."""
        err = await self._call(case, "notify", lambda p: p.notify_author(case, text))
        if err is None:
            await self._audit(case, self.entry(case, "author_notified"))
        else:
            await self._audit(case, self.entry(case, "notify_failed", detail=str(err)))
        return err

    async def _claimed(self, case: Case, work: Callable[[Case], Awaitable[Case]]) -> Case:
        """Run `work` holding the case's claim; another holder means it is already being carried out."""
        if not self.store.claim_action(case.id):
            log.debug("case %d: its side effects are already being carried out", case.id)
            return case
        try:
            return await work(case)
        finally:
            self.store.release_action(case.id)

    async def enforce(self, case: Case) -> Case:
        """Carry out a recorded removal or warning whose action is still pending, then escalate."""
        return await self._claimed(case, self.enforce_claimed)

    async def enforce_claimed(self, case: Case) -> Case:
        """`enforce` for a caller that holds the case's claim; acts until nothing is pending."""
        acted: Case | None = None
        while True:
            case = await self.store.get_case(case.id) or case
            if case.status not in ENFORCED or case.action_state is not ActionState.PENDING:
                break
            if case.action is Action.REMOVE:
                case = await self._delete(case)
            elif case.action is Action.WARN:
                case = await self._warn(case)
            else:
                break
            log.info(
                "case %d on %s: %s under clause %d (%s), %s",
                case.id,
                case.platform,
                case.action.value,
                case.clause,
                case.rule_id,
                case.action_state.value,
            )
            acted = case
        if acted is not None:
            await self.escalate(acted)
        return case

    async def _delete(self, case: Case) -> Case:
        err = await self._call(case, "delete", lambda p: p.delete_message(case))
        # The platform may have taken a while (rate limits): a decision taken meanwhile wins.
        current = await self.store.get_case(case.id) or case
        stands = current.status in ENFORCED
        if err is None or err.failure is PlatformFailure.NOT_FOUND:
            detail = "the message was already gone" if err else None
            changes: dict[str, Any] = {"action_state": ActionState.DONE, "action_error": None}
            if not stands:
                detail = f"{detail or 'deleted'}; the case was {current.status.value} meanwhile"
                if current.status is CaseStatus.OVERTURNED and current.restore_state is not ActionState.DONE:
                    changes["restore_state"] = ActionState.PENDING
            case = await self.store.update_case(case.id, self.entry(case, "deleted", detail=detail), **changes)
            if stands:
                await self.notice(case, removed=True)
            elif case.restore_state is ActionState.PENDING:
                case = await self.restore_claimed(case)
            return case
        case = await self.store.update_case(
            case.id,
            self.entry(case, "action_failed", detail=str(err)),
            action_state=ActionState.FAILED,
            action_error=str(err),
        )
        if not stands:
            return case  # nothing to remove any more: no alert, no notice
        # Degraded path: a human removes it, and the author is asked to edit or delete it.
        await self.alert(
            case,
            f"Case #{case.id}: Vigie could not remove message {case.message_id} in channel {case.channel} "
            f"(clause {case.clause}): {err}. Please remove it by hand or fix Vigie's permissions.",
        )
        await self.card(case, "degraded")
        await self.notice(case, removed=False)
        return case

    async def _warn(self, case: Case) -> Case:
        err = await self.notice(case, removed=False)
        # `if_action`: an edit may have escalated the warning to a removal while the notice was posted.
        if err is None:
            return await self.store.update_case(
                case.id, self.entry(case, "warned"), if_action=Action.WARN, action_state=ActionState.DONE
            )
        case = await self.store.update_case(
            case.id,
            self.entry(case, "action_failed", detail=str(err)),
            if_action=Action.WARN,
            action_state=ActionState.FAILED,
            action_error=str(err),
        )
        if case.action is Action.WARN and case.status in ENFORCED:
            await self.alert(
                case, f"Case #{case.id}: the warning under clause {case.clause} could not be posted: {err}."
            )
        return case

    async def escalate(self, case: Case) -> None:
        """Time the author out when the rule's escalation threshold is reached."""
        if case.status not in ENFORCED or case.action not in (Action.REMOVE, Action.WARN):
            return
        rule = self.policy.charter.rule(case.rule_id)
        escalation = rule.escalation if rule else None
        if rule is None or escalation is None:
            return
        now = self.clock.now()
        since = now - timedelta(hours=escalation.window_hours)
        count = await self.store.count_enforced(case.platform, case.community, case.author_id, since)
        if count < escalation.count:
            return
        until = now + timedelta(minutes=escalation.timeout_minutes)
        reason = (
            f"Charter clause {rule.number}: {count} enforced cases within {escalation.window_hours} h (case #{case.id})"
        )
        err = await self._call(case, "timeout", lambda p: p.timeout_member(case, until, reason))
        if err is None:
            await self._audit(case, self.entry(case, "timeout", reason=reason, detail=f"until {until.isoformat()}"))
        else:
            await self._audit(case, self.entry(case, "timeout_failed", reason=reason, detail=str(err)))

    async def restore(self, case: Case) -> Case:
        """Post an overturned removal back in its channel; a failure is kept on the case and alerted."""
        return await self._claimed(case, self.restore_claimed)

    async def restore_claimed(self, case: Case) -> Case:
        """`restore` for a caller that holds the case's claim."""
        case = await self.store.get_case(case.id) or case
        if case.restore_state is not ActionState.PENDING:
            return case
        if case.content is None:
            err: PlatformError | None = PlatformError(
                PlatformFailure.NOT_FOUND, "the content snapshot was already deleted (retention period)"
            )
        else:
            err = await self._call(case, "restore", lambda p: p.restore_message(case))
        if err is None:
            case = await self.store.update_case(case.id, self.entry(case, "restored"), restore_state=ActionState.DONE)
            if case.status is not CaseStatus.OVERTURNED:
                # Re-imposed while the copy was being posted; taking it down is left to a person.
                await self.alert(
                    case,
                    f"Case #{case.id} was re-imposed while its message was being restored; "
                    "please delete the restored copy by hand.",
                )
            return case
        case = await self.store.update_case(
            case.id,
            self.entry(case, "restore_failed", detail=str(err)),
            restore_state=ActionState.FAILED,
            action_error=str(err),
        )
        if case.status is CaseStatus.OVERTURNED:
            await self.alert(case, f"Case #{case.id} was overturned but the message could not be restored: {err}.")
        return case

    async def remove_by_moderator(
        self,
        case: Case,
        moderator: Actor,
        reason: str,
        *,
        expected: tuple[CaseStatus, ...],
        event: str,
        rule: Rule | None = None,
    ) -> Case:
        """A moderator's removal of an already recorded message: record it as theirs, then act."""
        changes: dict[str, object] = {
            "status": CaseStatus.ACTIONED,
            "action": Action.REMOVE,
            "action_state": ActionState.PENDING,
            "action_error": None,
            "actor_id": moderator.id,
            "automated": False,
            "decided_by": moderator.id,
            "decision_reason": reason,
        }
        if rule is not None and rule.id != case.rule_id:
            charter = self.policy.charter
            changes |= {
                "rule_id": rule.id,
                "clause": rule.number,
                "charter_version": charter.version,
                "charter_hash": charter.content_hash,
            }
        entry = self.entry(
            case, event, actor_id=moderator.id, reason=reason, detail=f"clause {changes.get('clause', case.clause)}"
        )
        case = await self.store.transition(case.id, expected=expected, entry=entry, **changes)
        return await self.enforce(case)


def _automation_may_escalate(case: Case) -> bool:
    """Whether an edit may still move this case: recorded by Vigie itself, decided by nobody, and
    either held for review or standing as a warning."""
    held = case.status is CaseStatus.REVIEW
    warned = case.status is CaseStatus.ACTIONED and case.action is Action.WARN
    return case.source is CaseSource.AUTOMATED and case.automated and case.decided_by is None and (held or warned)


class ModerationService:
    """Turns screened messages, moderator removals, member reports and platform filters into cases."""

    def __init__(self, store: Store, policy: PolicySource, clock: Clock, platforms: Mapping[str, Platform]) -> None:
        """Wire the service; `platforms` may gain entries later (adapters register on connect)."""
        self._store = store
        self._policy = policy
        self._clock = clock
        self._effects = Effects(store, policy, clock, platforms)

    def _draft(
        self,
        message: Message,
        rule: Rule,
        *,
        action: Action,
        evidence: tuple[Evidence, ...],
        confidence: float,
        automated: bool,
        actor_id: str,
        source: CaseSource,
        charter_version: str = "",
    ) -> CaseDraft:
        charter = self._policy.charter
        return CaseDraft(
            platform=message.platform,
            community=message.community,
            channel=message.channel,
            message_id=message.id,
            author_id=message.author.id,
            author_name=message.author.name,
            rule_id=rule.id,
            clause=rule.number,
            charter_version=charter_version or charter.version,
            charter_hash=charter.content_hash,
            action=action,
            evidence=evidence,
            confidence=confidence,
            automated=automated,
            actor_id=actor_id,
            source=source,
            content=message.text,
            lang=message.author.locale or message.lang,
            created_at=self._clock.now(),
        )

    def _verdict_rule(self, verdict: Verdict) -> Rule:
        charter = self._policy.charter
        rule = charter.rule(verdict.rule_id) if verdict.rule_id else None
        if rule is None and verdict.clause is not None:
            rule = charter.clause(verdict.clause)
        if rule is None:
            raise VigieError(f"the verdict names no rule of charter {charter.version} ({verdict.rule_id!r})")
        return rule

    async def handle_message(self, message: Message) -> Outcome:
        """Screen a new or edited message; record a case before any action; act at most once per message."""
        verdict = self._policy.engine.screen(message)
        if verdict.allowed:
            # Nothing is stored for allowed messages: we keep only what an appeal would need.
            return Outcome(verdict, None, False)
        rule = self._verdict_rule(verdict)
        review = verdict.action is Action.REVIEW
        draft = self._draft(
            message,
            rule,
            action=verdict.action,
            evidence=verdict.evidence,
            confidence=verdict.confidence,
            automated=verdict.automated,
            actor_id=SYSTEM_ACTOR,
            source=CaseSource.AUTOMATED,
            charter_version=verdict.charter_version,
        )
        case, created = await self._store.create_case(
            draft,
            CaseStatus.REVIEW if review else CaseStatus.ACTIONED,
            ActionState.NONE if review else ActionState.PENDING,
        )
        if not created:
            # Gateway replays, Slack retries and edits: a message is acted on at most once, unless an
            # edit makes it worse while automation alone has handled it (see `_escalate_edit`).
            if message.edited:
                escalated = await self._escalate_edit(case, message, verdict, rule)
                if escalated is not None:
                    return Outcome(verdict, escalated, False)
            log.debug("case %d already covers message %s on %s", case.id, message.id, message.platform)
            return Outcome(verdict, case, False)
        if review:
            log.info(
                "case %d on %s: held for review under clause %d (%s)", case.id, case.platform, case.clause, case.rule_id
            )
            await self._effects.card(case, "review")
        else:
            case = await self._effects.enforce(case)
        return Outcome(verdict, await self._current(case), True)

    async def _escalate_edit(self, case: Case, message: Message, verdict: Verdict, rule: Rule) -> Case | None:
        """Act on an edit that makes a held or merely warned message worse (post mild, then edit in
        an insult); None when the case stays as it is. A human decision is never undone."""
        if not _automation_may_escalate(case) or verdict.action.severity <= case.action.severity:
            return None
        review = verdict.action is Action.REVIEW
        draft = self._draft(
            message,
            rule,
            action=verdict.action,
            evidence=verdict.evidence,
            confidence=verdict.confidence,
            automated=True,
            actor_id=SYSTEM_ACTOR,
            source=CaseSource.AUTOMATED,
            charter_version=verdict.charter_version,
        )
        detail = (
            f"{case.action.value} → {verdict.action.value}, clause {case.clause} ({case.rule_id}) → "
            f"clause {draft.clause} ({draft.rule_id}), charter {draft.charter_version}"
        )
        try:
            case = await self._store.escalate_case(
                case.id,
                draft,
                expected=(case.status,),
                expected_action=case.action,
                status=CaseStatus.REVIEW if review else CaseStatus.ACTIONED,
                action_state=ActionState.NONE if review else ActionState.PENDING,
                entry=self._effects.entry(case, "edited", detail=detail),
            )
        except TransitionError:
            # A moderator (or another edit) got there first; theirs stands.
            log.debug("case %d changed while its edit was screened", case.id)
            return None
        log.info(
            "case %d on %s: edited message escalated to %s under clause %d (%s)",
            case.id,
            case.platform,
            case.action.value,
            case.clause,
            case.rule_id,
        )
        if review:
            await self._effects.card(case, "review")
        else:
            case = await self._effects.enforce(case)
        return await self._current(case)

    async def _current(self, case: Case) -> Case:
        fresh = await self._store.get_case(case.id)
        return fresh or case

    async def remove_manually(self, message: Message, rule_id: str, moderator: Actor, reason: str) -> Case:
        """A moderator removes a message under a clause (context menu); the case records them as the decider."""
        require_moderator(moderator, "remove a message")
        if not moderates(moderator, message.platform, message.community):
            raise TransitionError("Only a moderator of this message's community can remove it.")
        text = require_reason(reason)
        charter = self._policy.charter
        rule = charter.rule(rule_id)
        if rule is None:
            raise NotFoundError(f"Charter {charter.version} has no rule '{rule_id}'.")
        draft = self._draft(
            message,
            rule,
            action=Action.REMOVE,
            evidence=(Evidence("moderator", 0, len(message.text), text),),
            confidence=1.0,
            automated=False,
            actor_id=moderator.id,
            source=CaseSource.MODERATOR,
        )
        case, created = await self._store.create_case(draft, CaseStatus.ACTIONED, ActionState.PENDING)
        if created:
            case = await self._store.update_case(
                case.id,
                self._effects.entry(case, "removal_decided", actor_id=moderator.id, reason=text),
                decided_by=moderator.id,
                decision_reason=text,
            )
            return await self._current(await self._effects.enforce(case))
        return await self._current(await self._remove_existing(case, rule, moderator, text))

    async def _remove_existing(self, case: Case, rule: Rule, moderator: Actor, reason: str) -> Case:
        if case.status in (CaseStatus.REVIEW, CaseStatus.DISMISSED):
            return await self._effects.remove_by_moderator(
                case, moderator, reason, expected=(case.status,), event="removed_by_moderator", rule=rule
            )
        if case.status is CaseStatus.ACTIONED and (
            case.action is Action.WARN or case.action_state is ActionState.FAILED
        ):
            # A warning upgraded to a removal, or a failed removal retried by a person.
            return await self._effects.remove_by_moderator(
                case, moderator, reason, expected=(CaseStatus.ACTIONED,), event="removed_by_moderator", rule=rule
            )
        if case.status is CaseStatus.APPEALED:
            raise TransitionError(
                f"Case #{case.id} covers this message and is under appeal; decide the appeal instead."
            )
        if case.status is CaseStatus.OVERTURNED:
            raise TransitionError(
                f"Case #{case.id} covering this message was overturned; use override to re-impose the decision."
            )
        raise TransitionError(f"This message was already removed (case #{case.id}).")

    async def report(self, message: Message, reporter: Actor, note: str) -> Case:
        """A member asks moderators to look at a message: always a review case, never an automatic removal."""
        if reporter.platform != message.platform or (reporter.community and reporter.community != message.community):
            raise TransitionError("You can only report a message of the community you are in.")
        existing = await self._store.case_for_message(message.platform, message.community, message.channel, message.id)
        if existing is not None:
            await self._store.update_case(
                existing.id,
                self._effects.entry(existing, "reported", actor_id=reporter.id, detail=note.strip()[:MAX_REASON]),
            )
            return await self._current(existing)
        verdict = self._policy.engine.screen(message)
        rule = self._verdict_rule(verdict) if not verdict.allowed else self._report_rule()
        evidence = (*verdict.evidence, Evidence("report", 0, len(message.text), note.strip()[:MAX_REASON]))
        draft = self._draft(
            message,
            rule,
            action=Action.REVIEW,
            evidence=evidence,
            confidence=verdict.confidence if not verdict.allowed else 1.0,
            automated=False,
            actor_id=reporter.id,
            source=CaseSource.REPORT,
        )
        case, created = await self._store.create_case(draft, CaseStatus.REVIEW, ActionState.NONE)
        if created:
            log.info(
                "case %d on %s: reported for review under clause %d (%s)",
                case.id,
                case.platform,
                case.clause,
                case.rule_id,
            )
            await self._effects.card(case, "report")
        return await self._current(case)

    def _report_rule(self) -> Rule:
        """For a report the engine does not flag: the lowest-numbered review clause, else the first clause."""
        rules = sorted(self._policy.charter.rules, key=lambda r: r.number)
        if not rules:
            raise NotFoundError("The charter has no clauses to report under.")
        return next((r for r in rules if r.action is Action.REVIEW), rules[0])

    async def record_platform_automod(self, message: Message, rule_name: str) -> Case:
        """Record a removal the platform's own filter already made, and explain it to the author."""
        rule = self._automod_rule(rule_name)
        draft = self._draft(
            message,
            rule,
            action=Action.REMOVE,
            evidence=(Evidence("automod", 0, len(message.text), rule_name),),
            confidence=1.0,
            automated=True,
            actor_id=AUTOMOD_ACTOR,
            source=CaseSource.PLATFORM_AUTOMOD,
        )
        case, created = await self._store.create_case(draft, CaseStatus.ACTIONED, ActionState.DONE)
        if created:
            log.info(
                "case %d on %s: platform filter removal under clause %d (%s)",
                case.id,
                case.platform,
                case.clause,
                rule.id,
            )
            await self._effects.notice(case, removed=True)
        return await self._current(case)

    def _automod_rule(self, rule_name: str) -> Rule:
        rules = sorted(self._policy.charter.rules, key=lambda r: r.number)
        if not rules:
            raise NotFoundError("The charter has no clauses to record a platform removal under.")
        wanted = rule_name.strip().casefold()
        for rule in rules:
            if wanted == rule.id.casefold() or wanted in {t.strip().casefold() for t in rule.title.values()}:
                return rule
        return next((r for r in rules if r.action is Action.REMOVE), rules[0])

    async def resume_pending(self, platform: str | None = None) -> int:
        """Finish removals, warnings and restores recorded before a crash but never carried out.

        `platform` limits the work to the cases of a platform that has just connected. Cases whose
        side effects this process is carrying out right now (a reconnect during a slow delete) are
        left to that caller, so nothing is done twice.
        """
        done = 0
        for listed in await self._store.pending_actions():
            if platform is not None and listed.platform != platform:
                continue
            if not self._store.claim_action(listed.id):
                continue
            try:
                if await self._resume(listed):
                    done += 1
            finally:
                self._store.release_action(listed.id)
        if done:
            log.info("resumed %d pending case action(s)", done)
        return done

    async def _resume(self, listed: Case) -> bool:
        """Finish or call off what is still pending once the claim is held; False if nothing was."""
        case = await self._store.get_case(listed.id) or listed
        pending = ActionState.PENDING in (case.action_state, case.restore_state)
        if case.action_state is ActionState.PENDING:
            if case.status in ENFORCED:
                case = await self._effects.enforce_claimed(case)
            else:
                # The decision changed before the action ran (e.g. overturned): call it off.
                case = await self._store.update_case(
                    case.id,
                    self._effects.entry(case, "action_cancelled", detail=f"case is {case.status.value}"),
                    action_state=ActionState.NONE,
                )
        if case.restore_state is ActionState.PENDING:
            if case.status is CaseStatus.OVERTURNED:
                case = await self._effects.restore_claimed(case)
                await self._effects.notify(case, outcome_text(case, self._policy.charter, case.lang))
            else:
                await self._store.update_case(
                    case.id,
                    self._effects.entry(case, "restore_cancelled", detail=f"case is {case.status.value}"),
                    restore_state=ActionState.NONE,
                )
        return pending

    async def purge_expired(self) -> int:
        """Delete content snapshots older than the charter's retention period (open cases keep theirs)."""
        now = self._clock.now()
        purged = await self._store.purge_content(now - timedelta(days=self._policy.charter.retention_days), now)
        if purged:
            log.info("purged the content of %d case(s) past %d days", purged, self._policy.charter.retention_days)
        return purged
