"""The case life cycle table: every allowed move is taken, every other status × event × role is refused."""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

import pytest

from bot.cases.transitions import TRANSITIONS, Event, Role, allows, step
from bot.errors import TransitionError
from bot.models import Action, ActionState, Case, CaseSource, CaseStatus
from tests.fakes import make_case

S, E, R = CaseStatus, Event, Role

# The life cycle, written out independently of bot/cases/transitions.py: (from, event, who, to).
LIFE_CYCLE = {
    (S.ACTIONED, E.APPEAL, R.AUTHOR): S.APPEALED,
    (S.APPEALED, E.UPHOLD_APPEAL, R.MODERATOR): S.UPHELD,
    (S.APPEALED, E.OVERTURN_APPEAL, R.MODERATOR): S.OVERTURNED,
    (S.ACTIONED, E.OVERRIDE_OVERTURN, R.MODERATOR): S.OVERTURNED,
    (S.APPEALED, E.OVERRIDE_OVERTURN, R.MODERATOR): S.OVERTURNED,
    (S.UPHELD, E.OVERRIDE_OVERTURN, R.MODERATOR): S.OVERTURNED,
    (S.APPEALED, E.OVERRIDE_UPHOLD, R.MODERATOR): S.UPHELD,
    (S.OVERTURNED, E.OVERRIDE_UPHOLD, R.MODERATOR): S.UPHELD,
    (S.REVIEW, E.REMOVE_AFTER_REVIEW, R.MODERATOR): S.ACTIONED,
    (S.REVIEW, E.DISMISS, R.MODERATOR): S.DISMISSED,
    (S.REVIEW, E.REMOVE_BY_MODERATOR, R.MODERATOR): S.ACTIONED,
    (S.DISMISSED, E.REMOVE_BY_MODERATOR, R.MODERATOR): S.ACTIONED,
    (S.ACTIONED, E.REMOVE_BY_MODERATOR, R.MODERATOR): S.ACTIONED,
    (S.REVIEW, E.EDIT_ENFORCES, R.AUTOMATION): S.ACTIONED,
    (S.ACTIONED, E.EDIT_ENFORCES, R.AUTOMATION): S.ACTIONED,
    (S.ACTIONED, E.EDIT_HOLDS, R.AUTOMATION): S.REVIEW,
}
EVERY_MOVE = list(itertools.product(CaseStatus, Event, Role))


def typical(status: CaseStatus, event: Event) -> Case:
    """A case in `status` that meets the move's conditions: an automated warning for edits and for
    a moderator's removal of something only warned; otherwise a carried-out removal."""
    warned = event in (E.EDIT_ENFORCES, E.EDIT_HOLDS, E.REMOVE_BY_MODERATOR)
    action = Action.REVIEW if status is S.REVIEW else Action.WARN if warned else Action.REMOVE
    appealed = status in (S.APPEALED, S.UPHELD, S.OVERTURNED)
    return make_case(status=status, action=action, appeal_reason="please" if appealed else None)


def test_the_table_is_the_life_cycle() -> None:
    assert {(status, event, move.by): move.to for (status, event), move in TRANSITIONS.items()} == LIFE_CYCLE


@pytest.mark.parametrize(("status", "event", "by"), EVERY_MOVE, ids=lambda v: str(getattr(v, "name", v)))
def test_every_move_is_taken_or_refused(status: CaseStatus, event: Event, by: Role) -> None:
    case = typical(status, event)
    expected = LIFE_CYCLE.get((status, event, by))
    assert allows(case, event, by) is (expected is not None)
    if expected is None:
        with pytest.raises(TransitionError, match=f"Case #{case.id}"):
            step(case, event, by)
    else:
        assert step(case, event, by) is expected


@pytest.mark.parametrize(
    ("case", "event", "by"),
    [
        # Each case may be appealed once.
        (make_case(status=S.ACTIONED, appeal_reason="already"), E.APPEAL, R.AUTHOR),
        # A carried-out removal is not removed again; only a warning or a failed removal is.
        (
            make_case(status=S.ACTIONED, action=Action.REMOVE, action_state=ActionState.DONE),
            E.REMOVE_BY_MODERATOR,
            R.MODERATOR,
        ),
        # Edits never move what a person decided or recorded.
        (make_case(status=S.REVIEW, action=Action.REVIEW, decided_by="mod"), E.EDIT_ENFORCES, R.AUTOMATION),
        (make_case(status=S.ACTIONED, action=Action.WARN, automated=False), E.EDIT_ENFORCES, R.AUTOMATION),
        (make_case(status=S.REVIEW, action=Action.REVIEW, source=CaseSource.REPORT), E.EDIT_ENFORCES, R.AUTOMATION),
        # A standing removal cannot be escalated by an edit: there is nothing worse to do.
        (make_case(status=S.ACTIONED, action=Action.REMOVE), E.EDIT_HOLDS, R.AUTOMATION),
    ],
)
def test_conditions_refuse_a_move_the_status_alone_would_allow(case: Case, event: Event, by: Role) -> None:
    assert (case.status, event) in TRANSITIONS
    assert not allows(case, event, by)
    with pytest.raises(TransitionError, match="as it stands"):
        step(case, event, by)


def test_a_failed_removal_may_be_retried_by_a_person() -> None:
    failed = make_case(status=S.ACTIONED, action=Action.REMOVE, action_state=ActionState.FAILED)
    assert step(failed, E.REMOVE_BY_MODERATOR, R.MODERATOR) is S.ACTIONED


def test_the_wrong_role_is_named_in_the_refusal() -> None:
    with pytest.raises(TransitionError, match="only the author can appeal"):
        step(make_case(status=S.ACTIONED), E.APPEAL, R.MODERATOR)


def status_writes(source: str) -> list[str]:
    """Store calls in `source` that could change a case's status outside `CaseActions.move`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        name = node.func.attr
        if name == "transition" or (name == "update_case" and any(k.arg == "status" for k in node.keywords)):
            found.append(f"{node.lineno}: {name}")
    return found


def test_every_status_change_goes_through_the_table() -> None:
    root = Path(__file__).resolve().parents[1]
    writes = {
        str(path.relative_to(root)): found
        for path in [*root.joinpath("bot").rglob("*.py"), *root.joinpath("cogs").rglob("*.py")]
        if "store" not in path.relative_to(root).parts and (found := status_writes(path.read_text(encoding="utf-8")))
    }
    # CaseActions.move asks `step` first; edits escalate through Store.escalate_case with `step` too.
    assert list(writes) == ["bot/cases/actions.py"]
    assert [call.split(": ")[1] for call in writes["bot/cases/actions.py"]] == ["transition"]  # in move()
    assert status_writes("store.update_case(1, entry, status=CaseStatus.UPHELD)") == ["1: update_case"]
