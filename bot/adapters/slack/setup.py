"""`/vigie-setup`: workspace admins choose the review, log and compliance channels, moderators, language, audience."""

from __future__ import annotations

from typing import Any

from bot.adapters.slack.convert import PLATFORM, channel_ref, escape, group_ref, user_ref
from bot.adapters.slack.directory import (
    LANGUAGE,
    LOG_CHANNEL,
    MODERATOR_GROUP,
    MODERATOR_USERS,
    REVIEW_CHANNEL,
    SlackDirectory,
)
from bot.community import COMPLIANCE_CHANNEL, JURISDICTION, Setting
from bot.i18n import language_name, tr
from bot.runtime import Services

_LABELS = {
    "review": "setup.review_channel",
    "log": "setup.log_channel",
    "moderators": "setup.moderators",
    "moderator-group": "setup.moderator_group",
    "language": "setup.language",
    "compliance": "setup.compliance",
    "jurisdiction": "setup.jurisdiction",
}
"""The words a person reads for each `/vigie-setup` verb."""


class SetupCommand:
    """Parses `/vigie-setup` and stores per-workspace settings; only workspace admins may change them."""

    def __init__(self, services: Services, directory: SlackDirectory) -> None:
        """Settings go to the store, admin status comes from `users.info`."""
        self._services = services
        self._directory = directory

    async def run(self, team: str, user: str, text: str) -> str:
        """Apply one setup command and return the answer to show the admin."""
        lang = await self._directory.language(team, user)
        if not (await self._directory.user(team, user)).is_admin:
            return tr("slack.not_admin", lang)
        words = text.split()
        if not words or words[0].lower() == "show":
            return await self._show(team, lang)
        verb, args = words[0].lower(), words[1:]
        if verb == "jurisdiction" and len(args) == 1 and args[0].lower() not in self._jurisdictions():
            known = ", ".join(self._jurisdictions()) or "—"
            return tr("slack.usage_jurisdiction", lang, value=escape(args[0]), known=known)
        parsed = self._parse(verb, args)
        if parsed is None:
            return tr("slack.usage_setup", lang)
        key, value = parsed
        await self._services.community.set(PLATFORM, team, key, value)
        # Said back in the member's words and language ("Moderators: @Morgane"), never "moderator_users = U…".
        label, shown = _LABELS[verb], await self._shown(team, verb, value, args, lang)
        return tr("setup.saved", lang, label=tr(label, lang), value=shown)

    async def _shown(self, team: str, verb: str, value: Any, typed: list[str], lang: str | None) -> str:
        """A stored setting as a person reads it: #channel, @name, @group, a language's name."""
        if verb in ("review", "log", "compliance"):
            return await self._channel(team, str(value))
        if verb == "moderators":
            return await self._people(team, list(value))
        if verb == "moderator-group":
            return await self._group(team, str(value), typed[0] if typed else "")
        if verb == "language":
            return language_name(str(value), lang)
        return escape(str(value))

    async def _channel(self, team: str, channel: str) -> str:
        name = await self._directory.channel_name(team, channel)
        return f"#{escape(name)}" if name else f"<#{channel}>"

    async def _people(self, team: str, users: list[str]) -> str:
        names = []
        for user_id in users:
            user = await self._directory.user(team, user_id)
            names.append(f"@{escape(user.name or user_id)}")
        return " ".join(names)

    async def _group(self, team: str, group: str, typed: str = "") -> str:
        _, _, label = typed.rstrip(">").partition("|")
        handle = label.lstrip("@") or await self._directory.group_handle(team, group)
        return f"@{escape(handle)}" if handle else group

    def _parse(self, verb: str, args: list[str]) -> tuple[Setting[Any] | str, Any] | None:
        if verb in ("review", "log") and len(args) == 1:
            channel = channel_ref(args[0])
            return ((REVIEW_CHANNEL if verb == "review" else LOG_CHANNEL), channel) if channel else None
        if verb == "moderators" and args:
            users = [user_ref(arg) for arg in args]
            return (MODERATOR_USERS, [u for u in users if u]) if all(users) else None
        if verb == "moderator-group" and len(args) == 1:
            group = group_ref(args[0])
            return (MODERATOR_GROUP, group) if group else None
        if verb == "language" and len(args) == 1:
            language = args[0].lower()
            return (LANGUAGE, language) if language in self._services.policy.charter.languages else None
        if verb == "compliance" and len(args) == 1:
            channel = channel_ref(args[0])
            return (self._compliance_setting(), channel) if channel else None
        if verb == "jurisdiction" and len(args) == 1:
            return (JURISDICTION, args[0].lower()) if args[0].lower() in self._jurisdictions() else None
        return None

    def _compliance_setting(self) -> str:
        """The setting the charter names for the compliance channel (read at call time: reloads apply)."""
        disclosure = self._services.policy.charter.disclosure
        return disclosure.compliance_channel_setting if disclosure else COMPLIANCE_CHANNEL.key

    def _jurisdictions(self) -> list[str]:
        disclosure = self._services.policy.charter.disclosure
        return sorted(disclosure.jurisdictions) if disclosure else []

    async def _show(self, team: str, lang: str | None) -> str:
        unset = tr("slack.unset", lang)

        settings = await self._services.community.of(PLATFORM, team)
        review, log_channel = settings.get(REVIEW_CHANNEL), settings.get(LOG_CHANNEL)
        users, group, language = settings.get(MODERATOR_USERS), settings.get(MODERATOR_GROUP), settings.get(LANGUAGE)
        compliance, jurisdiction = settings.raw(self._compliance_setting()), settings.get(JURISDICTION)
        disclosure = self._services.policy.charter.disclosure
        if not jurisdiction and disclosure is not None:
            jurisdiction = tr("slack.charter_default", lang, value=disclosure.jurisdiction)
        shown = [
            ("setup.review_channel", await self._channel(team, str(review)) if review else unset),
            ("setup.log_channel", await self._channel(team, str(log_channel)) if log_channel else unset),
            ("setup.moderators", await self._people(team, list(users)) if users else unset),
            ("setup.moderator_group", await self._group(team, str(group)) if group else unset),
            ("setup.language", language_name(str(language), lang) if language else unset),
            ("setup.compliance", await self._channel(team, str(compliance)) if compliance else unset),
            ("setup.jurisdiction", escape(str(jurisdiction)) if jurisdiction else unset),
        ]
        return "\n".join(tr("setup.line", lang, label=tr(label, lang), value=value) for label, value in shown)
