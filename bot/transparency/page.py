"""The public transparency page: one self-contained, bilingual (fr, en), accessible HTML file (texts in bot/i18n)."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

from bot.i18n import tr
from bot.transparency.chart import chart_svg

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
"""The page asks for nothing outside itself: no script, font, image or style from anywhere."""

LANGS = ("fr", "en")
"""The page's languages, in the order they appear."""
COLUMNS = ("removed", "review", "warned", "appeals_filed", "appeals_upheld", "appeals_overturned", "overturn_rate")
STYLE = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a;line-height:1.5}
table{border-collapse:collapse;margin:1rem 0;width:100%}
th,td{border:1px solid #999;padding:.3rem .5rem;text-align:right}
th[scope=row],caption{text-align:left}
caption{font-weight:bold;margin-bottom:.3rem}
figure{margin:1rem 0}
svg{max-width:100%;height:auto}
.lang{border-top:2px solid #ccc;margin-top:1.5rem}
dt{font-weight:bold}
"""


def _cell(value: object, lang: str) -> str:
    if value is None:
        return escape(tr("transparency.page.withheld", lang))
    if isinstance(value, float):
        return f"{value:.0%}" if lang == "en" else f"{value:.0%}".replace("%", " %")
    return escape(str(value))


def _title(titles: Mapping[str, str], lang: str) -> str:
    return titles.get(lang) or next(iter(titles.values()), "")


def _community(figures: Mapping[str, Any], lang: str, ident: str) -> str:
    colon = " :" if lang == "fr" else ":"
    name = f"{figures['platform']} · {figures['community']}"
    community = escape(tr("transparency.page.community", lang))
    parts = [f'<h3 id="{ident}-{lang}">{community} {escape(name)}</h3>', "<dl>"]
    parts.append(
        f"<dt>{tr('transparency.page.decisions', lang)}</dt>"
        f'<dd data-figure="decisions">{_cell(figures["decisions"], lang)}</dd>'
    )
    parts.append(
        f"<dt>{tr('transparency.page.automated', lang)}</dt>"
        f'<dd data-figure="automated_share">{_cell(figures["automated_share"], lang)}</dd>'
    )
    median = figures["median_hours_to_human_decision"]
    shown_median = _cell(median, lang) if median is None else f"{median} {tr('transparency.page.hours', lang)}"
    parts.append(
        f"<dt>{tr('transparency.page.median', lang)}</dt>"
        f'<dd data-figure="median_hours_to_human_decision">{shown_median}</dd>'
    )
    appeals = figures["appeals"]
    parts.append(
        f"<dt>{tr('transparency.page.appeals', lang)}</dt><dd>"
        f'<span data-figure="appeals.filed">{_cell(appeals["filed"], lang)}</span> · '
        f"{tr('transparency.page.column.appeals_upheld', lang)}{colon} "
        f'<span data-figure="appeals.upheld">{_cell(appeals["upheld"], lang)}</span> · '
        f"{tr('transparency.page.column.appeals_overturned', lang)}{colon} "
        f'<span data-figure="appeals.overturned">{_cell(appeals["overturned"], lang)}'
        f"</span> · {tr('transparency.page.column.overturn_rate', lang)}{colon} "
        f'<span data-figure="appeals.overturn_rate">{_cell(appeals["overturn_rate"], lang)}</span></dd>'
    )
    notes = figures["disclosure_notes"]
    parts.append(
        f"<dt>{tr('transparency.page.notes', lang)}</dt><dd>"
        f'<span data-figure="disclosure_notes.sent">{_cell(notes["sent"], lang)}</span> '
        f"{tr('transparency.page.sent', lang)}, "
        f'<span data-figure="disclosure_notes.fixed">{_cell(notes["fixed"], lang)}</span> '
        f"{tr('transparency.page.fixed', lang)}</dd></dl>"
    )
    if figures["clauses"]:
        head = "".join(f'<th scope="col">{escape(tr(f"transparency.page.column.{c}", lang))}</th>' for c in COLUMNS)
        rows = []
        for row in figures["clauses"]:
            label = f"§{row['clause']} {_title(row['title'], lang)}"
            cells = "".join(f'<td data-col="{c}">{_cell(row[c], lang)}</td>' for c in COLUMNS)
            rows.append(f'<tr data-clause="{row["clause"]}"><th scope="row">{escape(label)}</th>{cells}</tr>')
        parts.append(
            f"<table><caption>{escape(tr('transparency.page.by_clause', lang))}</caption>"
            f'<thead><tr><th scope="col">{escape(tr("transparency.page.clause", lang))}</th>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>"
        )
    else:
        parts.append(f"<p>{escape(tr('transparency.page.none', lang))}</p>")
    parts.append(f"<h4>{escape(tr('transparency.page.guards', lang))}</h4>")
    events = figures["guard_events"]
    if not events:
        parts.append(f"<p>{escape(tr('transparency.page.guard_none', lang))}</p>")
    else:
        items = [
            "<li>"
            + escape(
                tr(
                    "transparency.page.guard_line",
                    lang,
                    clause=e["clause"],
                    state=tr(f"transparency.page.guard.{e['event']}", lang),
                    since=f"{tr('transparency.page.since', lang)} {e['at']}",
                    overturned=e["overturned"],
                    appeals=e["appeals"],
                )
            )
            + "</li>"
            for e in events
        ]
        parts.append(f"<ul>{''.join(items)}</ul>")
    return "\n".join(parts)


def render_page(document: Mapping[str, Any]) -> str:
    """The whole page; everything comes from `document` (the same dict written to report.json)."""
    charter = document["charter"]
    period = document["period"]
    body: list[str] = []
    for number, figures in enumerate(document["communities"], start=1):
        ident = f"c{number}"
        svg = chart_svg(figures["clauses"], salt=f"vigie-{ident}")
        alt = f"{tr('transparency.page.chart_alt', 'fr')} / {tr('transparency.page.chart_alt', 'en')}"
        svg = svg.replace("<svg ", f'<svg role="img" aria-labelledby="{ident}-chart-title" ', 1)
        svg = svg.replace(">", f'><title id="{ident}-chart-title">{escape(alt)}</title>', 1)
        name = escape(f"{figures['platform']} · {figures['community']}")
        body.append(
            f'<section class="community" data-platform="{escape(figures["platform"])}" '
            f'data-community="{escape(figures["community"])}" aria-labelledby="{ident}-fr">'
        )
        body.append(
            f"<h2>{tr('transparency.page.community', 'fr')} / {tr('transparency.page.community', 'en')} {name}</h2>"
        )
        body.append(f'<figure id="{ident}-chart">{svg}<figcaption>{escape(alt)}</figcaption></figure>')
        for lang in LANGS:
            body.append(f'<div class="lang" lang="{lang}">{_community(figures, lang, ident)}</div>')
        body.append("</section>")
    header = []
    for lang in LANGS:
        colon = " :" if lang == "fr" else ":"
        header.append(
            f'<div lang="{lang}"><h1>{escape(tr("transparency.page.title", lang))}</h1>'
            f"<p>{escape(tr('transparency.page.intro', lang))}</p>"
            f"<p>{tr('transparency.page.period', lang)}{colon} {escape(period['since'])} → {escape(period['until'])}. "
            f"{tr('transparency.page.charter', lang)}{colon} {escape(charter['name'])}, "
            f"{tr('transparency.page.version', lang)} "
            f'<span data-figure="charter.version">{escape(charter["version"])}</span>, '
            f"{tr('transparency.page.hash', lang)} "
            f'<code data-figure="charter.sha256">{escape(charter["sha256"])}</code>.</p></div>'
        )
    if not document["communities"]:
        body.append(
            f'<p lang="fr">{escape(tr("transparency.page.none", "fr"))}</p>'
            f'<p lang="en">{escape(tr("transparency.page.none", "en"))}</p>'
        )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{tr('transparency.page.title', 'fr')} / {tr('transparency.page.title', 'en')}</title>\n"
        f"<style>{STYLE}</style>\n</head>\n<body>\n"
        f"<header>{''.join(header)}</header>\n<main>\n" + "\n".join(body) + "\n</main>\n</body>\n</html>\n"
    )
