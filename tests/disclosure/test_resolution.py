"""Live resolution in the nudge flow: only team members' short links, only when the charter allows it."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from bot.charter.model import Charter
from bot.disclosure.nudges import NudgeService
from bot.store.nudges import NudgeStore
from tests.disclosure.conftest import MEMBER, Holder, MessageFactory
from tests.fakes import FakeClock

SHORT = "https://bit.ly/3lampe"
AFFILIATE = "https://www.amazon.fr/dp/B0C1234567?tag=createur-21"


@dataclass
class FakeResolver:
    """Answers from a table and records every lookup (the real one is tested against a local server)."""

    table: dict[str, str] = field(default_factory=lambda: {SHORT: AFFILIATE})
    asked: list[str] = field(default_factory=list)

    async def resolve(self, url: str) -> str | None:
        self.asked.append(url)
        return self.table.get(url)


async def test_a_short_link_that_lands_on_an_affiliate_link_is_an_affiliate_signal(
    store: NudgeStore, charter: Charter, clock: FakeClock, post: MessageFactory
) -> None:
    resolver = FakeResolver()
    service = NudgeService(store, Holder(charter), clock, resolver=resolver)
    nudge = await service.on_post(post(f"Ma nouvelle lampe : {SHORT}"))
    assert resolver.asked == [SHORT]
    assert nudge is not None
    assert nudge.signals == ("affiliate",)
    assert nudge.severity == "missing"


async def test_without_resolution_the_same_post_is_only_soft_when_it_names_a_shopping_word(
    store: NudgeStore, charter: Charter, clock: FakeClock, post: MessageFactory
) -> None:
    service = NudgeService(store, Holder(charter), clock)
    assert await service.on_post(post(f"Ma nouvelle lampe : {SHORT}", message_id="m1")) is None
    nudge = await service.on_post(post(f"Ma nouvelle lampe, dispo ici : {SHORT}", message_id="m2"))
    assert nudge is not None
    assert nudge.signals == ("short_link",)
    assert nudge.severity == "soft"


async def test_the_charter_can_switch_resolution_off(
    store: NudgeStore, charter: Charter, clock: FakeClock, post: MessageFactory
) -> None:
    assert charter.disclosure is not None
    off = replace(charter, disclosure=replace(charter.disclosure, resolve_short_links=False))
    resolver = FakeResolver()
    service = NudgeService(store, Holder(off), clock, resolver=resolver)
    assert await service.on_post(post(f"Ma nouvelle lampe : {SHORT}")) is None
    assert resolver.asked == []


async def test_members_posts_and_readable_posts_are_never_resolved(
    store: NudgeStore, charter: Charter, clock: FakeClock, post: MessageFactory
) -> None:
    resolver = FakeResolver()
    service = NudgeService(store, Holder(charter), clock, resolver=resolver)
    await service.on_post(post(f"Ma nouvelle lampe : {SHORT}", author=MEMBER, message_id="m1"))
    await service.on_post(post(f"Code promo LUMIERE20 et {SHORT}", message_id="m2"))
    assert resolver.asked == []
