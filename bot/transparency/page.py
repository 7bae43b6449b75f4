"""The public transparency page: one self-contained, bilingual (fr, en), accessible HTML file."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

from bot.transparency.chart import chart_svg

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
"""The page asks for nothing outside itself: no script, font, image or style from anywhere."""

T: dict[str, dict[str, str]] = {
    "fr": {
        "title": "Rapport de transparence",
        "intro": "Ce que la modération a décidé pendant la période, clause par clause. Aucune identité, aucun "
        "message : seulement des nombres. Les nombres de 1 à 4 sont affichés « <5 », et les taux ou médianes "
        "calculés sur moins de 5 cas ne sont pas publiés.",
        "period": "Période",
        "charter": "Charte appliquée",
        "version": "version",
        "hash": "empreinte SHA-256",
        "community": "Communauté",
        "decisions": "Décisions",
        "automated": "Part des décisions entièrement automatiques",
        "median": "Délai médian avant une décision humaine",
        "hours": "heures",
        "withheld": "non publié (moins de 5 cas)",
        "by_clause": "Décisions et appels par clause",
        "clause": "Clause",
        "removed": "Retirés",
        "review": "Envoyés en examen",
        "warned": "Avertis",
        "appeals_filed": "Appels déposés",
        "appeals_upheld": "Appels rejetés (décision confirmée)",
        "appeals_overturned": "Appels acceptés (décision annulée)",
        "overturn_rate": "Taux d'annulation",
        "appeals": "Appels",
        "notes": "Rappels de mention de partenariat",
        "sent": "envoyés",
        "fixed": "corrigés",
        "guards": "Garde-fous des règles",
        "guard_none": "Aucune clause n'a été suspendue par son garde-fou.",
        "guard_tripped": "suspendue : ses retraits vont en examen",
        "guard_restored": "rétablie par un modérateur",
        "since": "depuis le",
        "guard_line": "§{clause} {state} {since} ({overturned} appels acceptés sur {appeals}).",
        "chart_alt": "Graphique en barres : décisions par clause, retirées, envoyées en examen et averties.",
        "none": "Aucune décision pendant cette période.",
        "figure": "Figure",
        "yes": "oui",
        "no": "non",
    },
    "en": {
        "title": "Transparency report",
        "intro": "What moderation decided during the period, clause by clause. No identities and no messages: "
        'numbers only. Counts from 1 to 4 are shown as "<5", and rates or medians based on fewer than 5 '
        "cases are not published.",
        "period": "Period",
        "charter": "Charter applied",
        "version": "version",
        "hash": "SHA-256 hash",
        "community": "Community",
        "decisions": "Decisions",
        "automated": "Share of fully automated decisions",
        "median": "Median time to a human decision",
        "hours": "hours",
        "withheld": "not published (fewer than 5 cases)",
        "by_clause": "Decisions and appeals per clause",
        "clause": "Clause",
        "removed": "Removed",
        "review": "Sent to review",
        "warned": "Warned",
        "appeals_filed": "Appeals filed",
        "appeals_upheld": "Appeals upheld (decision confirmed)",
        "appeals_overturned": "Appeals overturned (decision reversed)",
        "overturn_rate": "Overturn rate",
        "appeals": "Appeals",
        "notes": "Partnership-label reminders",
        "sent": "sent",
        "fixed": "fixed",
        "guards": "Rule guards",
        "guard_none": "No clause was held back by its guard.",
        "guard_tripped": "held back: its removals go to review",
        "guard_restored": "restored by a moderator",
        "since": "since",
        "guard_line": "§{clause} {state} {since} ({overturned} of {appeals} appeals overturned).",
        "chart_alt": "Bar chart: decisions per clause, removed, sent to review and warned.",
        "none": "No decisions during this period.",
        "figure": "Figure",
        "yes": "yes",
        "no": "no",
    },
}
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
        return escape(T[lang]["withheld"])
    if isinstance(value, float):
        return f"{value:.0%}" if lang == "en" else f"{value:.0%}".replace("%", " %")
    return escape(str(value))


def _title(titles: Mapping[str, str], lang: str) -> str:
    return titles.get(lang) or next(iter(titles.values()), "")


def _community(figures: Mapping[str, Any], lang: str, ident: str) -> str:
    t = T[lang]
    colon = " :" if lang == "fr" else ":"
    name = f"{figures['platform']} · {figures['community']}"
    parts = [f'<h3 id="{ident}-{lang}">{escape(t["community"])} {escape(name)}</h3>', "<dl>"]
    parts.append(f'<dt>{t["decisions"]}</dt><dd data-figure="decisions">{_cell(figures["decisions"], lang)}</dd>')
    parts.append(
        f'<dt>{t["automated"]}</dt><dd data-figure="automated_share">{_cell(figures["automated_share"], lang)}</dd>'
    )
    median = figures["median_hours_to_human_decision"]
    shown_median = _cell(median, lang) if median is None else f"{median} {t['hours']}"
    parts.append(f'<dt>{t["median"]}</dt><dd data-figure="median_hours_to_human_decision">{shown_median}</dd>')
    appeals = figures["appeals"]
    parts.append(
        f"<dt>{t['appeals']}</dt><dd>"
        f'<span data-figure="appeals.filed">{_cell(appeals["filed"], lang)}</span> · '
        f'{t["appeals_upheld"]}{colon} <span data-figure="appeals.upheld">{_cell(appeals["upheld"], lang)}</span> · '
        f'{t["appeals_overturned"]}{colon} <span data-figure="appeals.overturned">{_cell(appeals["overturned"], lang)}'
        f"</span> · {t['overturn_rate']}{colon} "
        f'<span data-figure="appeals.overturn_rate">{_cell(appeals["overturn_rate"], lang)}</span></dd>'
    )
    notes = figures["disclosure_notes"]
    parts.append(
        f"<dt>{t['notes']}</dt><dd>"
        f'<span data-figure="disclosure_notes.sent">{_cell(notes["sent"], lang)}</span> {t["sent"]}, '
        f'<span data-figure="disclosure_notes.fixed">{_cell(notes["fixed"], lang)}</span> {t["fixed"]}</dd></dl>'
    )
    if figures["clauses"]:
        head = "".join(f'<th scope="col">{escape(t[c])}</th>' for c in COLUMNS)
        rows = []
        for row in figures["clauses"]:
            label = f"§{row['clause']} {_title(row['title'], lang)}"
            cells = "".join(f'<td data-col="{c}">{_cell(row[c], lang)}</td>' for c in COLUMNS)
            rows.append(f'<tr data-clause="{row["clause"]}"><th scope="row">{escape(label)}</th>{cells}</tr>')
        parts.append(
            f"<table><caption>{escape(t['by_clause'])}</caption>"
            f'<thead><tr><th scope="col">{escape(t["clause"])}</th>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>"
        )
    else:
        parts.append(f"<p>{escape(t['none'])}</p>")
    parts.append(f"<h4>{escape(t['guards'])}</h4>")
    events = figures["guard_events"]
    if not events:
        parts.append(f"<p>{escape(t['guard_none'])}</p>")
    else:
        items = [
            "<li>"
            + escape(
                t["guard_line"].format(
                    clause=e["clause"],
                    state=t[f"guard_{e['event']}"],
                    since=f"{t['since']} {e['at']}",
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
        alt = f"{T['fr']['chart_alt']} / {T['en']['chart_alt']}"
        svg = svg.replace("<svg ", f'<svg role="img" aria-labelledby="{ident}-chart-title" ', 1)
        svg = svg.replace(">", f'><title id="{ident}-chart-title">{escape(alt)}</title>', 1)
        name = escape(f"{figures['platform']} · {figures['community']}")
        body.append(
            f'<section class="community" data-platform="{escape(figures["platform"])}" '
            f'data-community="{escape(figures["community"])}" aria-labelledby="{ident}-fr">'
        )
        body.append(f"<h2>{T['fr']['community']} / {T['en']['community']} {name}</h2>")
        body.append(f'<figure id="{ident}-chart">{svg}<figcaption>{escape(alt)}</figcaption></figure>')
        for lang in ("fr", "en"):
            body.append(f'<div class="lang" lang="{lang}">{_community(figures, lang, ident)}</div>')
        body.append("</section>")
    header = []
    for lang in ("fr", "en"):
        t = T[lang]
        colon = " :" if lang == "fr" else ":"
        header.append(
            f'<div lang="{lang}"><h1>{escape(t["title"])}</h1><p>{escape(t["intro"])}</p>'
            f"<p>{t['period']}{colon} {escape(period['since'])} → {escape(period['until'])}. "
            f"{t['charter']}{colon} {escape(charter['name'])}, {t['version']} "
            f'<span data-figure="charter.version">{escape(charter["version"])}</span>, {t["hash"]} '
            f'<code data-figure="charter.sha256">{escape(charter["sha256"])}</code>.</p></div>'
        )
    if not document["communities"]:
        body.append(f'<p lang="fr">{escape(T["fr"]["none"])}</p><p lang="en">{escape(T["en"]["none"])}</p>')
    return (
        "<!DOCTYPE html>\n"
        '<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{T['fr']['title']} / {T['en']['title']}</title>\n"
        f"<style>{STYLE}</style>\n</head>\n<body>\n"
        f"<header>{''.join(header)}</header>\n<main>\n" + "\n".join(body) + "\n</main>\n</body>\n</html>\n"
    )
