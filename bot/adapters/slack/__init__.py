"""Slack glue: the slack-bolt app, listeners, Block Kit builders, converters and SlackPlatform."""
