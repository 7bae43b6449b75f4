"""Several Slack HTTP workers on one PostgreSQL database act once per event, retries to another worker included."""

from __future__ import annotations

from tests.e2e.slack_fixtures import ALICE, GENERAL, SlackFactory, in_dm, signed_headers


async def test_an_event_and_its_retry_on_another_worker_delete_once(
    make_slack: SlackFactory, postgres_url: str
) -> None:
    first = await make_slack(db=postgres_url)
    second = await make_slack(db=postgres_url, configure=False)
    message = first.fake.add_message(GENERAL, ALICE, "franchement t'es vraiment un connard")
    event = {"type": "message", "channel": GENERAL, "channel_type": "channel", "event_ts": message.ts}
    body = first.event_body(event | message.payload())

    # Slack delivers the event to one worker, then (no ack in time, say) retries it to another.
    assert (await first.post(body, "application/json"))[0] == 200
    retry = signed_headers(body) | {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert (await second.post(body, "application/json", retry))[0] == 200
    await first.fake.wait_for("chat.delete")
    await first.settle()
    await second.settle()

    assert len(first.fake.find("chat.delete")) == 1
    assert len(first.fake.find("chat.postMessage", in_dm(ALICE))) == 1  # one private notice, not two
    case = await first.case_for(message)
    assert case is not None
    assert await second.case_for(message) == case
