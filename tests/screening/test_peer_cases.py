"""The table of cases other filters test for: at least 90% of the evasions caught, no clean line flagged."""

from __future__ import annotations

import pytest

from benchmarks.peer_cases import CASES, peer_charter, score
from bot.models import Action
from bot.screening import ScreeningEngine
from tests.screening.builders import make_message

ENGINE = ScreeningEngine(peer_charter())


def test_peer_cases_recall_and_no_false_positive() -> None:
    flags = [not ENGINE.screen(make_message(case.text)).allowed for case in CASES]
    caught, wanted, false, clean, _ = score(flags)
    missed = [case.text for flag, case in zip(flags, CASES, strict=True) if case.flagged and not flag]
    assert caught / wanted >= 0.9, missed
    assert false == 0, [case.text for flag, case in zip(flags, CASES, strict=True) if flag and not case.flagged]
    assert clean >= 50


@pytest.mark.parametrize("case", [case for case in CASES if case.kind == "clean"], ids=lambda case: case.text)
def test_clean_peer_cases_are_allowed(case: object) -> None:
    assert ENGINE.screen(make_message(case.text)).action is Action.ALLOW  # type: ignore[attr-defined]
