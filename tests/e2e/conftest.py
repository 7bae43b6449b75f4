"""Shared fixtures for the end-to-end tests (fake Discord and fake Slack)."""

from tests.e2e.discord_fixtures import charter_file, discord_settings, fake, services, vigie  # noqa: F401
from tests.e2e.slack_fixtures import *  # noqa: F403
