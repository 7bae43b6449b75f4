"""Discord's persistent buttons and forms, one module per cog they serve (appeals, cases, reports, disclosure).

Each module lists its buttons in `ITEMS` and its forms in `ROUTES`; custom ids carry the case (or
nudge) id, so a click or a submission still works after a restart.
"""

from __future__ import annotations

from typing import Any

from discord import ui

from bot.adapters.discord.views import appeals, cases, disclosure, reports
from bot.adapters.discord.views.base import Route

DYNAMIC_ITEMS: tuple[type[ui.DynamicItem[Any]], ...] = (*appeals.ITEMS, *cases.ITEMS, *disclosure.ITEMS)
"""Register these once (`bot.add_dynamic_items`) so clicks on old messages still work."""

MODAL_ROUTES: tuple[Route, ...] = (*appeals.ROUTES, *cases.ROUTES, *reports.ROUTES, *disclosure.ROUTES)
"""Every form Vigie opens, routed by custom_id (`base.route_modal`)."""
