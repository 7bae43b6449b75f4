"""Slack words for `/disclosure`: a dry-run finding and the "not sponsored" answers, in French and English."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from string import Template

from bot.adapters.slack.blocks import nudge_mrkdwn
from bot.adapters.slack.text import pick
from bot.charter.disclosure_model import DisclosurePolicy
from bot.disclosure.checker import DisclosureFinding, Severity

ANSWER_NOTE_LIMIT = 200

_SIGNALS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "affiliate": "an affiliate link",
        "sponsor_link": "a link to a partner brand",
        "promo_code": "a promo code",
        "gift": "a gifted product",
        "sponsor_cta": "a sponsorship mention",
    },
    "fr": {
        "affiliate": "un lien affilié",
        "sponsor_link": "un lien vers une marque partenaire",
        "promo_code": "un code promo",
        "gift": "un produit offert",
        "sponsor_cta": "une mention de partenariat",
    },
}

_TEXT: Mapping[str, Mapping[str, str]] = {
    "en": {
        "not_sponsored": "Nothing here looks sponsored (no affiliate link, promo code, gift or sponsorship "
        "mention), so no label is needed.",
        "brand_only": "A partner brand is named, but naming a brand on its own is not advertising.",
        "ok": "This looks sponsored ($signals) and “$label” is a proper label for this audience ($audience), "
        "well placed. Nothing to change.",
        "missing": "This looks sponsored ($signals) but does not say it is advertising.",
        "insufficient": "This looks sponsored ($signals), and “$label” is not enough for this audience ($audience).",
        "soft": "This looks sponsored ($signals). “$label” is a good start, but this audience ($audience) "
        "expects “$expected”.",
        "misplaced": "This looks sponsored ($signals). “$label” is there, but it must be seen at the very start, "
        "not at the end or among hashtags.",
        "why": "Why: $rule",
        "suggest": "Suggested text:",
        "private": "Only you see this, and nothing was recorded.",
        "answers": "Latest “not sponsored” answers, for a person to decide:",
        "answer": "• #$id, $author, $when: $link$note",
        "no_answers": "No “not sponsored” answers to review.",
    },
    "fr": {
        "not_sponsored": "Rien ici ne semble sponsorisé (ni lien affilié, ni code promo, ni produit offert, ni "
        "mention de partenariat) : aucune mention n'est nécessaire.",
        "brand_only": "Une marque partenaire est citée, mais citer une marque n'est pas de la publicité.",
        "ok": "Ce texte semble sponsorisé ($signals) et « $label » est une mention adaptée au public visé "
        "($audience), bien placée. Rien à changer.",
        "missing": "Ce texte semble sponsorisé ($signals) mais n'indique pas qu'il s'agit de publicité.",
        "insufficient": "Ce texte semble sponsorisé ($signals), et « $label » ne suffit pas pour le public visé "
        "($audience).",
        "soft": "Ce texte semble sponsorisé ($signals). « $label » est un bon début, mais pour le public visé "
        "($audience) on attend plutôt « $expected ».",
        "misplaced": "Ce texte semble sponsorisé ($signals). « $label » est bien là, mais doit se voir dès le "
        "début, pas à la fin ou au milieu des hashtags.",
        "why": "Pourquoi : $rule",
        "suggest": "Proposition :",
        "private": "Vous seul voyez cette réponse, et rien n'a été enregistré.",
        "answers": "Dernières réponses « pas sponsorisé », à examiner par une personne :",
        "answer": "• n° $id, $author, $when : $link$note",
        "no_answers": "Aucune réponse « pas sponsorisé » à examiner.",
    },
}


def _say(lang: str, key: str, **values: object) -> str:
    return Template(_TEXT[pick(lang)][key]).safe_substitute({k: str(v) for k, v in values.items()})


def _signals(finding: DisclosureFinding, lang: str) -> str:
    words = _SIGNALS[pick(lang)]
    kinds = dict.fromkeys(signal.kind for signal in finding.signals if signal.kind in words)
    listed = [words[kind] for kind in kinds]
    if len(listed) < 2:
        return "".join(listed)
    joiner = " et " if pick(lang) == "fr" else " and "
    return ", ".join(listed[:-1]) + joiner + listed[-1]


def finding_text(finding: DisclosureFinding, policy: DisclosurePolicy, lang: str) -> str:
    """The `/disclosure check` answer as mrkdwn: what was found, why it matters, the suggested text."""
    if not finding.sponsored:
        lines = [_say(lang, "not_sponsored")]
        if any(signal.kind == "brand" for signal in finding.signals):
            lines.append(_say(lang, "brand_only"))
        return nudge_mrkdwn("\n".join([*lines, _say(lang, "private")]))
    rules = policy.rules_for(finding.jurisdiction)
    values = {
        "signals": _signals(finding, lang),
        "label": finding.label or "",
        "audience": rules.name,
        "expected": finding.suggested_label,
    }
    key = "ok" if finding.severity is Severity.OK else finding.severity.value
    lines = [_say(lang, key, **values)]
    if finding.needs_nudge:
        lines.append(_say(lang, "why", rule=rules.rule_text(pick(lang))))
        if finding.suggestion:
            quoted = [f"> {line}" if line else ">" for line in finding.suggestion.splitlines()]
            lines += ["", _say(lang, "suggest"), *quoted, ""]
    lines.append(_say(lang, "private"))
    return nudge_mrkdwn("\n".join(lines))


def answers_text(answers: Sequence[tuple[int, str, str, str, str | None]], lang: str) -> str:
    """The latest "not sponsored" statements: (nudge id, author name, date, post link, note) each, as mrkdwn."""
    if not answers:
        return _say(lang, "no_answers")
    lines = [_say(lang, "answers")]
    for nudge_id, author, when, link, note in answers:
        shown = note if note is None or len(note) <= ANSWER_NOTE_LIMIT else note[: ANSWER_NOTE_LIMIT - 1] + "…"
        quoted = f" “{shown}”" if shown else ""
        lines.append(_say(lang, "answer", id=nudge_id, author=author, when=when, link=link, note=quoted))
    return nudge_mrkdwn("\n".join(lines))
