"""The Translator gives every command a French name and description; interface texts exist in both languages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import discord
import pytest
from discord import app_commands

from bot.adapters.discord.bot import EXTENSIONS, VigieBot
from bot.adapters.discord.i18n import FRENCH, TEXTS, VigieTranslator, lang_of, text
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
    assert len(payloads) == 9
    assert translator.asked >= {"charter", "override", "Remove under charter", "Case number", "disclosure", "check"}
    assert translator.missing == set()


def test_french_command_names_are_valid_discord_names() -> None:
    english_names = [k for k in FRENCH if k == k.lower() and " " not in k]
    for name in english_names:
        french = FRENCH[name]
        assert french == french.lower()
        assert " " not in french
        assert 1 <= len(french) <= 32


def test_interface_texts_exist_in_both_languages() -> None:
    assert set(TEXTS["en"]) == set(TEXTS["fr"])


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
    assert text("appeal_sent", "fr", case=7).startswith("Votre appel sur le dossier n° 7")
    assert text("appeal_sent", "de", case=7).startswith("Your appeal on case #7")
