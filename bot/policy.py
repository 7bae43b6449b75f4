"""The charter in force and its compiled screening engine, swapped atomically on reload."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from bot.charter.loader import CharterInvalid, CharterIssue, load_charter
from bot.charter.model import Charter
from bot.disclosure.checker import DisclosureChecker
from bot.models import Message, Verdict
from bot.screening.engine import ScreeningEngine

log = logging.getLogger(__name__)


class ActivePolicy:
    """Holds the current charter and engine; a broken reload keeps the previous pair."""

    def __init__(self, charter: Charter, path: Path | None = None) -> None:
        """Compile the engine for `charter`; `path` is where `reload` reads from."""
        self._charter = charter
        self._engine = ScreeningEngine(charter)
        self._disclosure = _checker(charter)
        self._path = path
        self._reload_listeners: list[Callable[[Charter], None]] = []

    def on_reload(self, listener: Callable[[Charter], None]) -> None:
        """Call `listener(charter)` after every reload that changed the charter in force."""
        self._reload_listeners.append(listener)

    @classmethod
    def from_path(cls, path: str | Path) -> ActivePolicy:
        """Load and validate a charter file; raises `CharterInvalid` listing every issue."""
        return cls(load_charter(path), Path(path))

    @property
    def charter(self) -> Charter:
        """The charter in force."""
        return self._charter

    @property
    def engine(self) -> ScreeningEngine:
        """The engine compiled from the charter in force."""
        return self._engine

    @property
    def disclosure_checker(self) -> DisclosureChecker | None:
        """The disclosure checker compiled from the charter in force; None without a `[disclosure]` section."""
        return self._disclosure

    def screen(self, message: Message) -> Verdict:
        """Screen one message with the charter in force."""
        return self._engine.screen(message)

    def reload(self) -> list[CharterIssue]:
        """Re-read the charter file; on any issue keep the previous charter and return the issues."""
        if self._path is None:
            return []
        try:
            charter = load_charter(self._path)
        except CharterInvalid as exc:
            log.warning(
                "charter reload refused, keeping version %s: %d issue(s)", self._charter.version, len(exc.issues)
            )
            return list(exc.issues)
        engine = ScreeningEngine(charter, floods=self._engine.floods)
        changed = charter.content_hash != self._charter.content_hash
        self._charter, self._engine, self._disclosure = charter, engine, _checker(charter)
        log.info("charter reloaded: version %s (%s)", charter.version, charter.short_hash)
        if changed:
            for listener in self._reload_listeners:
                listener(charter)
        return []


def _checker(charter: Charter) -> DisclosureChecker | None:
    return DisclosureChecker(charter.disclosure) if charter.disclosure is not None else None
