"""The Translator gives every command a French name and description from the catalogs in bot/i18n."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import discord
import pytest
from discord import app_commands

from bot.adapters.discord.bot import EXTENSIONS, VigieBot
from bot.adapters.discord.i18n import VigieTranslator, command_keys, lang_of
from bot.i18n import catalogs, tr
from bot.runtime import build_services
from bot.settings import Settings
from tests.e2e.discord_fixtures import TEST_CHARTER


class RecordingTranslator(VigieTranslator):
    """Remembers every string asked for in French and left untranslated."""

    def __init__(self) -> None:
        self.asked: set[str] = set()
        self.missing: set[str] = set()

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        result = await super().translate(string, locale, context)
        if locale is discord.Locale.french:
            self.asked.add(string.message)
            if result is None:
                self.missing.add(string.message)
        return result


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[VigieBot]:
    """A VigieBot with every cog loaded and no connection."""
    charter = tmp_path / "charter.toml"
    charter.write_text(TEST_CHARTER, encoding="utf-8")
    services = await build_services(Settings(db_path=str(tmp_path / "db.sqlite3"), charter_path=str(charter)))
    vigie = VigieBot(services)
    for extension in EXTENSIONS:
        await vigie.load_extension(extension)
    yield vigie
    await vigie.close()
    await services.close()


@pytest.mark.parametrize(
    ("message", "locale", "expected"),
    [
        ("charter", discord.Locale.french, "charte"),
        ("Report to moderators", discord.Locale.french, "Signaler aux modérateurs"),
        ("charter", discord.Locale.american_english, None),
        ("charter", discord.Locale.german, None),
        ("something unknown", discord.Locale.french, None),
    ],
)
async def test_translate(message: str, locale: discord.Locale, expected: str | None) -> None:
    context: app_commands.TranslationContextTypes = app_commands.TranslationContext(
        app_commands.TranslationContextLocation.other, None
    )
    assert await VigieTranslator().translate(app_commands.locale_str(message), locale, context) == expected


async def test_every_command_string_has_a_french_translation(bot: VigieBot) -> None:
    translator = RecordingTranslator()
    payloads = []
    for kind in (discord.AppCommandType.chat_input, discord.AppCommandType.message):
        for command in bot.tree.get_commands(type=kind):
            payloads.append(await command.get_translated_payload(bot.tree, translator))
    assert len(payloads) == 14
    assert translator.asked >= {"charter", "override", "Remove under charter", "Case number", "disclosure", "check"}
    assert translator.missing == set()


def test_localised_command_names_are_valid_discord_names() -> None:
    english_names = {
        english: key for english, key in command_keys().items() if english.isidentifier() and english.islower()
    }
    assert {"charter", "appeal", "moderator_role"} <= set(english_names)
    for lang, catalog in catalogs().items():
        for key in english_names.values():
            name = catalog[key]
            assert name == name.lower(), (lang, key)
            assert " " not in name, (lang, key)
            assert 1 <= len(name) <= 32, (lang, key)


def test_each_english_command_string_names_one_key() -> None:
    english = [text for key, text in catalogs()["en"].items() if key.startswith("command.")]
    assert len(english) == len(set(english)) == len(command_keys())


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        (discord.Locale.french, "fr"),
        ("fr-CA", "fr"),
        (discord.Locale.british_english, "en"),
        (None, "en"),
        ("de", "en"),
    ],
)
def test_lang_of(locale: discord.Locale | str | None, expected: str) -> None:
    assert lang_of(locale) == expected


def test_text_fills_fields_and_falls_back_to_english() -> None:
    assert tr("discord.appeal_sent", "fr", case=7).startswith("Votre appel sur le dossier n° 7")
    assert tr("discord.appeal_sent", "de", case=7).startswith("Your appeal on case #7")
