"""Discord's side of the catalogs in bot/i18n: slash commands localised through app_commands.Translator."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

import discord
from discord import app_commands

from bot.i18n import DEFAULT, catalogs, pick


@cache
def command_keys() -> Mapping[str, str]:
    """The English command strings written in the cogs, each to its `command.*` catalog key."""
    return {text: key for key, text in catalogs()[DEFAULT].items() if key.startswith("command.")}


class VigieTranslator(app_commands.Translator):
    """Gives every slash command, option, choice and context menu its name and description in each catalog."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        """The text for `string` in `locale`'s language; None keeps the English written in the cog."""
        lang = lang_of(locale)
        key = command_keys().get(string.message)
        if lang == DEFAULT or key is None:
            return None
        return catalogs()[lang].get(key)


def lang_of(locale: discord.Locale | str | None) -> str:
    """The catalog language for a Discord locale (`fr` for any French locale), English otherwise."""
    return pick(str(locale.value if isinstance(locale, discord.Locale) else locale or ""))
