"""Hostile-input benchmark (`python -m benchmarks.bench_hostile`): huge adversarial messages against benign text."""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence

from bot.models import Message
from tests.screening.builders import make_message
from tests.screening.hostile import EVERYTHING, HOSTILE

BENIGN = "the quick brown fox jumps over the lazy dog and then goes home for dinner "


def best_of(message: Message, repeats: int) -> float:
    """The fastest of `repeats` screenings, in seconds: the least disturbed by the rest of the machine."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        EVERYTHING.screen(message)
        best = min(best, time.perf_counter() - started)
    return best


def measure(name: str, text: str, repeats: int) -> tuple[float, float, float]:
    """Seconds for the text, its ratio to benign text of the same length, and the cost ratio of doubling it."""
    half = text[: len(text) // 2]
    benign = (BENIGN * (len(text) // len(BENIGN) + 1))[: len(text)]
    full_s = best_of(make_message(text, mention_count=1), repeats)
    half_s = best_of(make_message(half, mention_count=1), repeats)
    benign_s = best_of(make_message(benign, mention_count=1), repeats)
    return full_s, full_s / benign_s, full_s / max(half_s, 1e-9)


def main(argv: Sequence[str] | None = None) -> int:
    """Print a Markdown table; a doubling ratio near 2 means linear time, near 4 quadratic."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    print("| Input (about 100,000 chars) | ms | × benign text | × when doubled |")
    print("|---|---:|---:|---:|")
    worst = 0.0
    for name, text in HOSTILE.items():
        seconds, vs_benign, doubled = measure(name, text, args.repeats)
        worst = max(worst, doubled)
        print(f"| {name} | {seconds * 1000:.0f} | {vs_benign:.1f} | {doubled:.1f} |")
    print(f"\nWorst doubling ratio: {worst:.1f} (2 is linear)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
