"""The words of disclosure nudges (texts in bot/i18n, [disclosure.*]): private, friendly, never punitive."""

from __future__ import annotations

from bot.charter.disclosure_model import DisclosurePolicy
from bot.disclosure import law_notes
from bot.i18n import DEFAULT, catalogs, pick, tr
from bot.models import Nudge, NudgeReport, NudgeStep

MAX_SUGGESTION = 1500  # leaves room for the rest of the note inside a 2,000-character Discord message

_CONTACT: dict[bool | None, str] = {True: "reached", False: "not_reached", None: "unknown"}
"""What the author actually got, keyed by whether the reminder reached them (None: not known here)."""


def _known(key: str) -> bool:
    return key in catalogs()[DEFAULT]


def _audience(nudge: Nudge, policy: DisclosurePolicy | None) -> str:
    if policy is not None and nudge.jurisdiction in policy.jurisdictions:
        return policy.jurisdictions[nudge.jurisdiction].name
    return nudge.jurisdiction.upper()


def _signals(nudge: Nudge, lang: str) -> str:
    kinds = list(dict.fromkeys(s.split(":", 1)[0] for s in nudge.signals))
    named = [k for k in kinds if k != "brand" and _known(f"disclosure.signal.{k}")]
    listed = [tr(f"disclosure.signal.{k}", lang) for k in named] or [tr("disclosure.signal.brand", lang)]
    joiner = " et " if lang == "fr" else " and "
    return listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + joiner + listed[-1]


def what_is_missing(nudge: Nudge, lang: str, policy: DisclosurePolicy | None = None) -> str:
    """One clause saying what the post lacks, for the nudge and for "I've fixed it" answers."""
    lang = pick(lang)
    key = "soft_link" if nudge.severity == "soft" and not nudge.label else nudge.severity
    key = key if _known(f"disclosure.what.{key}") else "missing"
    return tr(
        f"disclosure.what.{key}",
        lang,
        label=nudge.label or "",
        audience=_audience(nudge, policy),
        expected=nudge.suggested_label,
    )


def nudge_text(nudge: Nudge, lang: str, *, policy: DisclosurePolicy | None = None, step: NudgeStep = "nudge") -> str:
    """The private note to the author (`step` "nudge" or "remind"), in `lang` (fr or en).

    With the charter's `policy`, the note names the audience and quotes the jurisdiction's rule.
    """
    lang = pick(lang)
    intro = law_notes.intro_line(nudge, lang, policy)
    reminding = step == "remind" and nudge.severity != "ok"
    lines = [tr("disclosure.note.reminder", lang) if reminding else (intro or tr("disclosure.note.hello", lang))]
    what = what_is_missing(nudge, lang, policy)
    if nudge.severity != "ok":
        lines.append(tr("disclosure.note.seems", lang, signals=_signals(nudge, lang), what=what[:1].upper() + what[1:]))
    if policy is not None and nudge.jurisdiction in policy.jurisdictions:
        lines.append(tr("disclosure.note.why", lang, rule=policy.jurisdictions[nudge.jurisdiction].rule_text(lang)))
    lines += law_notes.extra_lines(nudge, lang, policy)
    if nudge.suggestion:
        suggestion = nudge.suggestion
        if len(suggestion) > MAX_SUGGESTION:
            suggestion = suggestion[: MAX_SUGGESTION - 1] + "…"
        quoted = "\n".join("> " + line for line in suggestion.splitlines())
        lines += ["", tr("disclosure.note.suggest", lang), quoted, ""]
    lines += [tr("disclosure.note.private", lang), tr("disclosure.note.buttons", lang)]
    return "\n".join(lines)


def recheck_text(nudge: Nudge, lang: str, policy: DisclosurePolicy | None = None) -> str:
    """The answer to "I've fixed it" (or to an edit): thanks, or what is still missing."""
    lang = pick(lang)
    if nudge.state.value == "fixed":
        return tr("disclosure.note.fixed", lang)
    if nudge.state.value == "withdrawn":
        return tr("disclosure.note.gone", lang)
    if nudge.state.value == "not_sponsored":
        return tr("disclosure.note.noted", lang)
    return tr("disclosure.note.still", lang, what=what_is_missing(nudge, lang, policy))


def not_sponsored_text(lang: str) -> str:
    """The answer to "Not sponsored"."""
    return tr("disclosure.note.noted", lang)


def escalation_text(
    nudge: Nudge,
    lang: str,
    *,
    author: str,
    link: str,
    hours: int,
    policy: DisclosurePolicy | None = None,
    reached: bool | None = None,
) -> str:
    """The note to the compliance channel: who, where, what was found; it never quotes the post.

    `reached` says whether the reminder reached the author (None: not known), so the note never
    claims a delivery that did not happen.
    """
    lang = pick(lang)
    severity = f"disclosure.severity.{nudge.severity}"
    return tr(
        "disclosure.staff.escalation",
        lang,
        contact=tr(f"disclosure.contact.{_CONTACT[reached]}", lang),
        id=nudge.id,
        hours=hours,
        author=author,
        link=link,
        signals=_signals(nudge, lang),
        audience=_audience(nudge, policy),
        severity=tr(severity, lang) if _known(severity) else nudge.severity,
        expected=nudge.suggested_label,
    )


def report_text(report: NudgeReport, lang: str) -> str:
    """`/disclosure report` as one paragraph."""
    lang = pick(lang)
    rate = (
        "—"
        if report.fix_rate is None
        else f"{report.fix_rate * 100:.0f} %"
        if lang == "fr"
        else f"{report.fix_rate:.0%}"
    )
    median = "—"
    if report.median_time_to_fix is not None:
        hours = report.median_time_to_fix.total_seconds() / 3600
        median = f"{hours:.1f} h"
    return tr(
        "disclosure.staff.report",
        lang,
        total=report.total,
        open=report.open,
        escalated=report.escalated,
        fixed=report.fixed,
        not_sponsored=report.not_sponsored,
        withdrawn=report.withdrawn,
        rate=rate,
        median=median,
    )
