"""The heap is settled: garbage collected first, the survivors frozen out of full collections."""

from __future__ import annotations

import gc
import weakref

from bot import heap


class Node:
    """An object that can sit in a reference cycle."""

    def __init__(self) -> None:
        self.other: Node | None = None


def test_settle_collects_cycles_then_freezes_what_is_alive() -> None:
    kept = Node()
    garbage_a, garbage_b = Node(), Node()
    garbage_a.other, garbage_b.other = garbage_b, garbage_a  # a cycle only the collector can free
    gone = weakref.ref(garbage_a)
    del garbage_a, garbage_b
    try:
        heap.settle()
        assert gone() is None  # collected before the freeze, not frozen with the rest
        assert gc.get_freeze_count() > 0
        assert not gc.is_tracked(kept) or kept not in gc.get_objects(generation=2)
    finally:
        gc.unfreeze()
