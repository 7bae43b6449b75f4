"""Vigie: ethical community moderation for Discord and Slack."""
