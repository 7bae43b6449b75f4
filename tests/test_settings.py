"""Settings come from the environment and never show secrets."""

from __future__ import annotations

import pytest

from bot.settings import Settings


def test_defaults_without_environment() -> None:
    settings = Settings.from_env({})
    assert settings.db_path == "vigie.sqlite3"
    assert settings.charter_path == "policies/charter.toml"
    assert settings.slack_mode is None
    assert settings.missing_for("discord") == ["DISCORD_TOKEN"]
    assert "SLACK_BOT_TOKEN" in settings.missing_for("slack")


def test_secrets_never_appear_in_repr() -> None:
    env = {
        "DISCORD_TOKEN": "discord-secret-token",
        "SLACK_BOT_TOKEN": "xoxb-secret",
        "SLACK_APP_TOKEN": "xapp-secret",
        "SLACK_SIGNING_SECRET": "signing-secret",
        "SLACK_ADMIN_USER_TOKEN": "xoxp-secret",
    }
    text = repr(Settings.from_env(env))
    for secret in env.values():
        assert secret not in text


@pytest.mark.parametrize(
    ("env", "mode"),
    [
        ({"SLACK_BOT_TOKEN": "x", "SLACK_APP_TOKEN": "y"}, "socket"),
        ({"SLACK_BOT_TOKEN": "x", "SLACK_SIGNING_SECRET": "y"}, "http"),
        ({"SLACK_BOT_TOKEN": "x"}, None),
        ({"SLACK_APP_TOKEN": "y"}, None),
    ],
)
def test_slack_mode(env: dict[str, str], mode: str | None) -> None:
    assert Settings.from_env(env).slack_mode == mode


def test_blank_values_count_as_unset_and_bad_port_is_clear() -> None:
    assert Settings.from_env({"DISCORD_TOKEN": "  "}).discord_token is None
    with pytest.raises(ValueError, match="VIGIE_HTTP_PORT"):
        Settings.from_env({"VIGIE_HTTP_PORT": "eighty"})


def test_slack_oauth_settings() -> None:
    env = {
        "SLACK_CLIENT_ID": "1.2",
        "SLACK_CLIENT_SECRET": "client-secret",
        "SLACK_SCOPES": "chat:write, users:read,,",
        "SLACK_SIGNING_SECRET": "s",
    }
    settings = Settings.from_env(env)
    assert settings.slack_oauth
    assert settings.slack_scopes == ("chat:write", "users:read")
    assert (settings.slack_mode, settings.missing_for("slack")) == ("http", [])
    assert "client-secret" not in repr(settings)
    without_secret = Settings.from_env({k: v for k, v in env.items() if k != "SLACK_SIGNING_SECRET"})
    assert without_secret.slack_mode is None
    assert without_secret.missing_for("slack") == ["SLACK_SIGNING_SECRET (OAuth installs are served over HTTP)"]
    half = Settings.from_env({"SLACK_CLIENT_ID": "1.2", "SLACK_BOT_TOKEN": "x", "SLACK_SIGNING_SECRET": "s"})
    assert not half.slack_oauth
    assert half.missing_for("slack") == ["SLACK_CLIENT_ID and SLACK_CLIENT_SECRET (OAuth needs both)"]
