"""Typed deployment settings read from the environment (tokens, paths, API bases)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_DB = "vigie.sqlite3"
DEFAULT_CHARTER = "policies/charter.toml"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def _shards(count: str | None, ids: str | None) -> dict[str, Any]:
    """VIGIE_SHARD_COUNT and VIGIE_SHARD_IDS ("0,1" or "0-3"): both unset keeps one unsharded bot."""
    if count is None:
        if ids is not None:
            raise ValueError("VIGIE_SHARD_IDS needs VIGIE_SHARD_COUNT (the total number of shards)")
        return {}
    if not count.isdigit() or not 1 <= int(count) <= 10_000:
        raise ValueError(f"VIGIE_SHARD_COUNT must be a whole number from 1, got {count!r}")
    total = int(count)
    if ids is None:
        return {"shard_count": total, "shard_ids": tuple(range(total))}
    chosen: list[int] = []
    for part in ids.replace(" ", "").split(","):
        low, _, high = part.partition("-")
        if not low.isdigit() or (high and not high.isdigit()):
            raise ValueError(f"VIGIE_SHARD_IDS must list shard numbers like 0,1 or 0-3, got {ids!r}")
        chosen.extend(range(int(low), int(high or low) + 1))
    if not chosen or any(n >= total for n in chosen) or len(set(chosen)) != len(chosen):
        raise ValueError(f"VIGIE_SHARD_IDS must name distinct shards below VIGIE_SHARD_COUNT ({total}), got {ids!r}")
    return {"shard_count": total, "shard_ids": tuple(sorted(chosen))}


def _secret_repr(value: str | None) -> str:
    return "None" if value is None else "'***'"


@dataclass(frozen=True, slots=True)
class Settings:
    """Deployment values; community policy lives in the charter, not here.

    Secrets are excluded from `repr` so a logged Settings never leaks a token.
    """

    db_path: str = DEFAULT_DB
    charter_path: str = DEFAULT_CHARTER
    discord_token: str | None = field(default=None, repr=False)
    discord_api_base: str | None = None
    discord_gateway_url: str | None = None
    slack_bot_token: str | None = field(default=None, repr=False)
    slack_app_token: str | None = field(default=None, repr=False)
    slack_signing_secret: str | None = field(default=None, repr=False)
    slack_admin_user_token: str | None = field(default=None, repr=False)
    slack_api_url: str | None = None
    slack_client_id: str | None = None  # OAuth: the app serves installs for many workspaces
    slack_client_secret: str | None = field(default=None, repr=False)
    slack_scopes: tuple[str, ...] = ()  # OAuth bot scopes (SLACK_SCOPES, comma-separated); empty: the manifest's
    http_port: int = 3000
    http_host: str = "0.0.0.0"  # noqa: S104 - Slack must reach the Events API endpoint
    transparency_page: bool = False  # serve the public transparency page at /transparency
    health_port: int = 8080
    catch_up_minutes: int = 60
    catch_up_messages: int = 500
    log_level: str = "INFO"
    shard_count: int | None = None  # Discord: total shards across every process (VIGIE_SHARD_COUNT)
    shard_ids: tuple[int, ...] | None = None  # Discord: the shards this process runs (VIGIE_SHARD_IDS)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read settings from `env` (default: the process environment); blank values count as unset."""
        source = os.environ if env is None else env

        def get(name: str) -> str | None:
            value = source.get(name, "").strip()
            return value or None

        def number(name: str, default: int, *, most: int = 65535) -> int:
            value = get(name)
            if value is None:
                return default
            if not value.isdigit() or int(value) > most:
                raise ValueError(f"{name} must be a whole number up to {most}, got {value!r}")
            return int(value)

        port = get("VIGIE_HTTP_PORT")
        if port is not None and not port.isdigit():
            raise ValueError(f"VIGIE_HTTP_PORT must be a port number, got {port!r}")
        level = (get("VIGIE_LOG_LEVEL") or "INFO").upper()
        if level not in LOG_LEVELS:
            raise ValueError(f"VIGIE_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, got {level!r}")
        return cls(
            db_path=get("VIGIE_DB") or DEFAULT_DB,
            charter_path=get("VIGIE_CHARTER") or DEFAULT_CHARTER,
            discord_token=get("DISCORD_TOKEN"),
            discord_api_base=get("DISCORD_API_BASE"),
            discord_gateway_url=get("DISCORD_GATEWAY_URL"),
            slack_bot_token=get("SLACK_BOT_TOKEN"),
            slack_app_token=get("SLACK_APP_TOKEN"),
            slack_signing_secret=get("SLACK_SIGNING_SECRET"),
            slack_admin_user_token=get("SLACK_ADMIN_USER_TOKEN"),
            slack_api_url=get("SLACK_API_URL"),
            slack_client_id=get("SLACK_CLIENT_ID"),
            slack_client_secret=get("SLACK_CLIENT_SECRET"),
            slack_scopes=tuple(s.strip() for s in (get("SLACK_SCOPES") or "").split(",") if s.strip()),
            http_port=int(port) if port else 3000,
            http_host=get("VIGIE_HTTP_HOST") or "0.0.0.0",  # noqa: S104 - Slack must reach it
            transparency_page=(get("VIGIE_TRANSPARENCY") or "").lower() in ("1", "true", "yes", "on"),
            health_port=number("VIGIE_HEALTH_PORT", 8080),
            catch_up_minutes=number("VIGIE_CATCH_UP_MINUTES", 60, most=10_080),
            catch_up_messages=number("VIGIE_CATCH_UP_MESSAGES", 500, most=100_000),
            log_level=level,
            **_shards(get("VIGIE_SHARD_COUNT"), get("VIGIE_SHARD_IDS")),
        )

    @property
    def discord_ready(self) -> bool:
        """True when the Discord bot can start."""
        return self.discord_token is not None

    @property
    def slack_oauth(self) -> bool:
        """True when the app installs into many workspaces through OAuth (client id and secret set)."""
        return self.slack_client_id is not None and self.slack_client_secret is not None

    @property
    def slack_mode(self) -> str | None:
        """`socket`, `http`, or None when Slack is not configured; OAuth installs are served over HTTP only."""
        if self.slack_oauth:
            return "http" if self.slack_signing_secret is not None else None
        if self.slack_bot_token is None:
            return None
        if self.slack_app_token is not None:
            return "socket"
        if self.slack_signing_secret is not None:
            return "http"
        return None

    def missing_for(self, platform: str) -> list[str]:
        """The environment variables still needed to run `platform` (discord or slack)."""
        if platform == "discord":
            return [] if self.discord_token else ["DISCORD_TOKEN"]
        if self.slack_oauth:
            return [] if self.slack_signing_secret else ["SLACK_SIGNING_SECRET (OAuth installs are served over HTTP)"]
        if (self.slack_client_id is None) != (self.slack_client_secret is None):
            return ["SLACK_CLIENT_ID and SLACK_CLIENT_SECRET (OAuth needs both)"]
        missing = [] if self.slack_bot_token else ["SLACK_BOT_TOKEN"]
        if self.slack_app_token is None and self.slack_signing_secret is None:
            missing.append("SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode)")
        return missing

    def charter_file(self) -> Path:
        """The charter path as a Path."""
        return Path(self.charter_path)
