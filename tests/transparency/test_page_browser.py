"""The transparency page in headless Chromium: the chart is drawn, the figures equal report.json and the store."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from matplotlib import image

from bot.__main__ import main
from bot.transparency.chart import COLORS
from bot.transparency.figures import shown
from tests.transparency import report_data
from tests.transparency.test_report import store_counts

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
)
# Skipped only on a developer machine without Chromium; in CI (.ci/run installs it and sets CI) it must run.
pytestmark = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"), reason="Debian's chromium is not installed (.ci/run installs it)"
)


def chromium(profile: Path, *args: str) -> str:
    """Run Chromium headless with a fresh profile; its standard output."""
    assert CHROMIUM is not None
    done = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=90,
        check=True,
    )
    return done.stdout


class Figures(HTMLParser):
    """Collects the English table cells and `data-figure` values of the rendered DOM."""

    def __init__(self) -> None:
        super().__init__()
        self.lang: list[str] = []
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.cells: dict[tuple[int, str], str] = {}
        self.figures: dict[str, str] = {}
        self.clause: int | None = None
        self.bars: dict[str, int] = {}
        self._text: list[str] | None = None
        self._key: tuple[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "div" and "lang" in a:
            self.lang.append(a["lang"])
        if tag == "tr" and "data-clause" in a:
            self.clause = int(a["data-clause"])
        in_english = bool(self.lang) and self.lang[-1] == "en"
        if tag == "td" and "data-col" in a and in_english and self.clause is not None:
            self._key, self._text = ("cell", (self.clause, a["data-col"])), []
        if "data-figure" in a and in_english:
            self._key, self._text = ("figure", a["data-figure"]), []
        if tag == "path":
            for kind, colour in COLORS.items():
                if colour in a.get("style", ""):
                    self.bars[kind] = self.bars.get(kind, 0) + 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "div" and self.lang:
            self.lang.pop()
        if self._key is not None and self._text is not None and tag in ("td", "dd", "span", "code"):
            text = "".join(self._text).strip()
            kind, key = self._key
            if kind == "cell":
                self.cells[key] = text
            else:
                self.figures[key] = text
            self._key, self._text = None, None

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)


def as_shown(value: object) -> str:
    """How the English page writes a report.json value."""
    if isinstance(value, float):
        return f"{value:.0%}"
    if value is None:
        return "not published (fewer than 5 cases)"
    return str(value)


def test_the_page_renders_with_the_chart_and_the_stores_figures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = report_data.build(tmp_path / "data")
    site = tmp_path / "site"
    assert main(["report", "--db", str(db), "--html", str(site)]) == 0
    capsys.readouterr()
    report = json.loads((site / "report.json").read_text(encoding="utf-8"))
    url = (site / "index.html").as_uri()

    dom = chromium(tmp_path / "profile-dom", "--dump-dom", url)
    parsed = Figures()
    parsed.feed(dom)
    assert parsed.figures["charter.version"] == report["charter"]["version"]
    assert parsed.figures["charter.sha256"] == report["charter"]["sha256"]
    [community] = report["communities"]
    assert parsed.figures["decisions"] == as_shown(community["decisions"])
    assert parsed.figures["automated_share"] == as_shown(community["automated_share"])
    assert parsed.figures["appeals.filed"] == as_shown(community["appeals"]["filed"])
    assert parsed.figures["appeals.overturn_rate"] == as_shown(community["appeals"]["overturn_rate"])
    store = store_counts(db)
    assert {clause for clause, _ in parsed.cells} == set(store)
    for row in community["clauses"]:
        for column in ("removed", "review", "warned", "appeals_filed", "appeals_upheld", "appeals_overturned"):
            on_page = parsed.cells[(row["clause"], column)]
            assert on_page == as_shown(row[column]), (row["clause"], column)
            assert on_page == str(shown(store[row["clause"]].get(column, 0))), (row["clause"], column)
        assert parsed.cells[(row["clause"], "overturn_rate")] == as_shown(row["overturn_rate"])
    assert parsed.bars.get("removed", 0) >= 2  # §1 and §3 bars in the live DOM
    assert parsed.bars.get("review", 0) >= 1

    shot = tmp_path / "page.png"
    chromium(tmp_path / "profile-shot", f"--screenshot={shot}", "--window-size=1000,1600", url)
    pixels = image.imread(str(shot))[:, :, :3]
    red = tuple(int(COLORS["removed"][i : i + 2], 16) / 255 for i in (1, 3, 5))
    painted = (abs(pixels - red) < 0.03).all(axis=2).sum()
    assert painted > 500, f"the chart's removal bars are not painted ({painted} pixels)"
