"""What every Discord button and form shares: case buttons that survive restarts, forms routed by custom_id."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, ClassVar, Self

import discord
from discord import ui

from bot.adapters.discord.context import guarded
from bot.adapters.discord.render import clip

CASE = r"(?P<case>[0-9]{1,18})"
TARGET = r"(?P<channel>[0-9]{1,20}):(?P<message>[0-9]{1,20})"

Button = ui.Button[ui.View]


class CaseButton(ui.DynamicItem[Button], template=rf"vigie:(?P<prefix>[a-z]+):(?:(?P<verb>[a-z]+):)?{CASE}"):
    """A button about one case, valid after restarts: `vigie:{PREFIX}[:{verb}]:{case id}`.

    Subclasses set `PREFIX` and, per verb, a non-default `STYLES` entry.
    """

    PREFIX = ""
    STYLES: ClassVar[dict[str, discord.ButtonStyle]] = {}

    def __init__(self, case_id: int, label: str, verb: str = "") -> None:
        """A button for `case_id`, labelled in the reader's language; `verb` picks the action on cards."""
        custom_id = ":".join(part for part in ("vigie", self.PREFIX, verb, str(case_id)) if part)
        style = self.STYLES.get(verb, discord.ButtonStyle.secondary)
        super().__init__(ui.Button(label=label or verb, style=style, custom_id=custom_id))
        self.verb, self.case_id = verb, case_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: ui.Item[Any], match: re.Match[str]
    ) -> Self:
        """Rebuild the button from a click, after a restart too, keeping the label it was sent with."""
        label = item.label if isinstance(item, ui.Button) and item.label else cls.PREFIX
        return cls(int(match["case"]), label, match.groupdict().get("verb") or "")


class Form(ui.Modal):
    """A modal whose submission is routed by its custom_id (see `route_modal`), so it outlives a restart."""

    def __init__(self, title: str, custom_id: str) -> None:
        """A titled modal; items are added by the builders below."""
        super().__init__(title=clip(title, 45), custom_id=custom_id, timeout=900)


def reason_input(label: str, *, required: bool = True, placeholder: str | None = None) -> ui.TextInput[Any]:
    return ui.TextInput(
        label=clip(label, 45),
        custom_id="reason",
        style=discord.TextStyle.paragraph,
        required=required,
        max_length=1000,
        placeholder=placeholder,
    )


def submitted_values(data: Mapping[str, Any]) -> dict[str, str]:
    """The values of a modal submission by custom_id (a select gives its first choice)."""
    values: dict[str, str] = {}

    def walk(components: list[Any]) -> None:
        for component in components:
            if component.get("type") == 1:
                walk(component.get("components", []))
            elif component.get("type") == 18:
                walk([component.get("component", {})])
            elif "custom_id" in component:
                chosen = component.get("values")
                values[component["custom_id"]] = chosen[0] if chosen else component.get("value") or ""

    walk(list(data.get("components", [])))
    return values


Handler = Callable[[discord.Interaction[Any], re.Match[str], dict[str, str]], Awaitable[None]]
Route = tuple[re.Pattern[str], Handler]


async def route_modal(interaction: discord.Interaction[Any], routes: Sequence[Route]) -> bool:
    """Handle a Vigie modal submission by its custom_id; False if it is not one of ours."""
    if interaction.type is not discord.InteractionType.modal_submit or not interaction.data:
        return False
    custom_id = str(interaction.data.get("custom_id", ""))
    for pattern, handler in routes:
        if match := pattern.fullmatch(custom_id):
            values = submitted_values(interaction.data)
            await guarded(interaction, handler(interaction, match, values))
            return True
    return False
