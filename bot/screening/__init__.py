"""Screening: evasion-resistant matching of messages against the charter's machine rules."""

from bot.screening.engine import ScreeningEngine
from bot.screening.floods import FloodTracker
from bot.screening.normalize import FoldMap, fold, fold_with_map

__all__ = ["FloodTracker", "FoldMap", "ScreeningEngine", "fold", "fold_with_map"]
