"""What disclosure checking adds to screening: the shipped charter, members' and team members' posts."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.corpus import make_line, make_vocabulary
from bot.charter.loader import load_charter
from bot.disclosure.checker import DisclosureChecker
from bot.models import Actor, Message
from bot.screening import ScreeningEngine

CHARTER = Path(__file__).resolve().parents[1] / "policies" / "charter.toml"
SPONSORED_SHARE = 0.05
# Commercial signals planted in team posts, half of them already properly labelled for France.
SIGNALS = (
    "-20 % avec le code MAYA20 sur la boutique",
    "use code SUMMER15 for 15% off",
    "lien : https://www.amazon.fr/dp/B0C1234567?tag=maya-21",
    "offert par Café Lumière, merci !",
)
LABEL = "Publicité — "


@dataclass
class DisclosureRow:
    """Throughput of screening alone and of screening plus the disclosure check, for one kind of author."""

    authors: str
    messages: int
    screening_msg_per_s: float
    with_disclosure_msg_per_s: float
    sponsored: int
    nudges: int
    missed: int
    false_nudges: int

    @property
    def cost_us(self) -> float:
        """Extra microseconds per message that the disclosure check costs."""
        return 1e6 / self.with_disclosure_msg_per_s - 1e6 / self.screening_msg_per_s


def make_posts(seed: int, count: int, roles: tuple[str, ...]) -> tuple[list[Message], list[bool]]:
    """`count` posts, 5% with a commercial signal (half of those labelled), and whether each needs a nudge."""
    rng = random.Random(seed)
    vocabulary = make_vocabulary(rng)
    messages: list[Message] = []
    needs: list[bool] = []
    template = Message(
        "discord", "g", "c", "0", Actor("discord", "a", roles=roles), "", datetime(2026, 3, 1, tzinfo=UTC)
    )
    for i in range(count):
        text = make_line(rng, vocabulary)
        needed = False
        if rng.random() < SPONSORED_SHARE:
            text = f"{text} {rng.choice(SIGNALS)}"
            if rng.random() < 0.5:
                text = LABEL + text
            else:
                needed = True
        messages.append(replace(template, id=str(i), text=text, author=replace(template.author, id=f"u{i % 300}")))
        needs.append(needed)
    return messages, needs


def measure(
    throughput: Callable[[Callable[[Message], object], Sequence[Message], int], float],
    corpus_size: int,
    repeats: int,
) -> list[DisclosureRow]:
    """Members' posts (the check stops at the role gate) and team members' posts (every post checked)."""
    charter = load_charter(CHARTER)
    assert charter.disclosure is not None
    checker = DisclosureChecker(charter.disclosure)  # compiled once, as the running bot's ActivePolicy does
    rows = []
    for label, roles in (("members", ()), ("team members", ("ambassador",))):
        messages, needs = make_posts(20261122, corpus_size, roles)
        screening = ScreeningEngine(charter).screen
        both_engine = ScreeningEngine(charter)

        def both(message: Message, engine: ScreeningEngine = both_engine) -> object:
            engine.screen(message)
            return checker.check(message)

        found = [checker.check(m) for m in messages]
        nudged = [f is not None and f.needs_nudge for f in found]
        rows.append(
            DisclosureRow(
                authors=label,
                messages=len(messages),
                screening_msg_per_s=round(throughput(screening, messages, repeats)),
                with_disclosure_msg_per_s=round(throughput(both, messages, repeats)),
                sponsored=sum(needs) if roles else 0,
                nudges=sum(nudged),
                missed=sum(1 for need, nudge in zip(needs, nudged, strict=True) if roles and need and not nudge),
                false_nudges=sum(1 for need, nudge in zip(needs, nudged, strict=True) if nudge and not need),
            )
        )
    return rows


def markdown(rows: Sequence[DisclosureRow]) -> str:
    """The disclosure rows as a Markdown table."""
    out = [
        "Disclosure check added to screening (shipped charter, jurisdiction fr; 5% of posts carry a commercial "
        "signal, half of them already labelled):",
        "",
        "| Authors | Screening msg/s | Screening + disclosure msg/s | Added µs/msg | Unlabelled sponsored | "
        "Nudged | Missed | False nudges |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        out.append(
            f"| {row.authors} | {row.screening_msg_per_s:,.0f} | {row.with_disclosure_msg_per_s:,.0f} | "
            f"{row.cost_us:.1f} | {row.sponsored} | {row.nudges} | {row.missed} | {row.false_nudges} |"
        )
    return "\n".join(out)
