"""The words of disclosure nudges, in French and English: private, friendly, never punitive."""

from __future__ import annotations

from bot.charter.disclosure_model import DisclosurePolicy
from bot.disclosure import law_notes
from bot.models import Nudge, NudgeReport, NudgeStep

MAX_SUGGESTION = 1500  # leaves room for the rest of the note inside a 2,000-character Discord message

_SIGNAL_WORDS: dict[str, dict[str, str]] = {
    "fr": {
        "affiliate": "un lien affilié",
        "sponsor_link": "un lien vers une marque partenaire",
        "promo_code": "un code promo",
        "gift": "un produit offert",
        "sponsor_cta": "une mention de partenariat",
        "short_link": "un lien raccourci à côté d'un mot d'achat",
        "brand": "une marque partenaire",
    },
    "en": {
        "affiliate": "an affiliate link",
        "sponsor_link": "a link to a partner brand",
        "promo_code": "a promo code",
        "gift": "a gifted product",
        "sponsor_cta": "a sponsorship mention",
        "short_link": "a shortened link next to a shopping word",
        "brand": "a partner brand",
    },
}

_WHAT: dict[str, dict[str, str]] = {
    "fr": {
        "missing": "il ne porte pas encore de mention indiquant qu'il s'agit de publicité",
        "insufficient": "la mention « {label} » ne suffit pas pour le public visé ({audience})",
        "soft": (
            "la mention « {label} » est un bon début, mais pour le public visé ({audience}) "
            "on attend plutôt « {expected} »"
        ),
        "misplaced": (
            "la mention « {label} » est bien là, mais elle doit se voir dès le début du message, "
            "pas à la fin ou au milieu des hashtags : déplacez-la au début"
        ),
        "soft_link": (
            "si ce lien vous rapporte quelque chose (commission, produit offert), ajoutez la mention « {expected} »"
        ),
    },
    "en": {
        "missing": "it does not say yet that it is advertising",
        "insufficient": "the label “{label}” is not enough for this audience ({audience})",
        "soft": "the label “{label}” is a good start, but this audience ({audience}) expects “{expected}”",
        "misplaced": (
            "the label “{label}” is there, but it needs to be seen at the very start, not at the end or among "
            "hashtags: move it to the start"
        ),
        "soft_link": "if this link earns you anything (a commission, a free product), add the label “{expected}”",
    },
}

_TEXTS: dict[str, dict[str, str]] = {
    "fr": {
        "hello": "Bonjour ! Un petit mot privé à propos de votre message.",
        "reminder": "Petit rappel, en privé : votre message n'a pas encore de mention de partenariat adaptée.",
        "seems": "Il semble lié à un partenariat ({signals}). {what}.",
        "why": "Pourquoi : {rule}",
        "suggest": "Proposition (il suffit de modifier votre message) :",
        "private": "Rien n'a été retiré et personne d'autre ne voit ce message.",
        "buttons": (
            "Une fois corrigé, cliquez sur « C'est corrigé ». Si ce n'est pas un contenu sponsorisé, "
            "dites-le avec « Pas sponsorisé » : une personne de l'équipe en tiendra compte."
        ),
        "fixed": "Merci, c'est parfait : la mention est en place. Bonne journée !",
        "still": "Merci ! Je ne vois pas encore la mention attendue dans le message : {what}.",
        "noted": (
            "C'est noté, merci. Une personne de l'équipe regardera ; vous n'aurez plus de rappel pour ce message."
        ),
        "gone": "Le message n'existe plus : ce rappel est clos.",
    },
    "en": {
        "hello": "Hi! A quick private note about your post.",
        "reminder": "A gentle private reminder: your post does not carry a suitable disclosure yet.",
        "seems": "It looks linked to a partnership ({signals}). {what}.",
        "why": "Why: {rule}",
        "suggest": "Suggested text (just edit your post):",
        "private": "Nothing was removed and nobody else sees this message.",
        "buttons": (
            "Once it is fixed, press “I've fixed it”. If the post is not sponsored, say so with "
            "“Not sponsored”: a person from the team will take it into account."
        ),
        "fixed": "Thank you, that's perfect: the disclosure is in place. Have a good day!",
        "still": "Thanks! I can't see the expected label in the post yet: {what}.",
        "noted": (
            "Noted, thank you. A person from the team will have a look; you won't get more reminders about this post."
        ),
        "gone": "The post no longer exists: this reminder is closed.",
    },
}

_ESCALATION: dict[str, str] = {
    "fr": (
        "Rappel de transparence n° {id} sans suite depuis {hours} h : le message de {author} ({link}) semble "
        "sponsorisé ({signals}) sans mention adaptée au public visé ({audience}, {severity}). Mention suggérée : "
        "« {expected} ». {contact} ; rien n'a été retiré. "
        "À vous de faire le point avec cette personne."
    ),
    "en": (
        "Disclosure reminder #{id} unanswered for {hours} h: {author}'s post ({link}) looks sponsored ({signals}) "
        'without a suitable label for its audience ({audience}, {severity}). Suggested label: "{expected}". '
        "{contact}; nothing was removed. Please follow up with them."
    ),
}

# What the author actually got, keyed by whether the reminder reached them (None: not known here).
_CONTACT: dict[str, dict[bool | None, str]] = {
    "fr": {
        True: "L'auteur a reçu un message privé et un rappel",
        False: "Le rappel privé n'a pas pu être remis à l'auteur, qui n'est peut-être pas au courant",
        None: "Vigie a tenté d'envoyer à l'auteur un message privé et un rappel, sans confirmation de réception",
    },
    "en": {
        True: "The author got a private note and one reminder",
        False: "The private reminder could not be delivered, so the author may not know about it",
        None: "Vigie tried to send the author a private note and one reminder; delivery is not confirmed",
    },
}

_SEVERITY_WORDS = {
    "fr": {
        "missing": "mention absente",
        "insufficient": "mention insuffisante",
        "soft": "mention à préciser",
        "misplaced": "mention mal placée",
    },
    "en": {
        "missing": "no label",
        "insufficient": "insufficient label",
        "soft": "label to adjust",
        "misplaced": "label not up front",
    },
}

_REPORT = {
    "fr": (
        "Rappels de transparence : {total} au total, {open} en cours (dont {escalated} transmis), {fixed} corrigés, "
        "{not_sponsored} « pas sponsorisé » à examiner, {withdrawn} messages supprimés. Taux de correction : {rate}. "
        "Délai médian de correction : {median}."
    ),
    "en": (
        "Disclosure nudges: {total} in all, {open} open ({escalated} escalated), {fixed} fixed, {not_sponsored} "
        '"not sponsored" answers to review, {withdrawn} posts deleted. Fix rate: {rate}. Median time to fix: {median}.'
    ),
}


def _lang(lang: str) -> str:
    base = lang.replace("_", "-").split("-")[0].lower()
    return base if base in _TEXTS else "en"


def _audience(nudge: Nudge, policy: DisclosurePolicy | None) -> str:
    if policy is not None and nudge.jurisdiction in policy.jurisdictions:
        return policy.jurisdictions[nudge.jurisdiction].name
    return nudge.jurisdiction.upper()


def _signals(nudge: Nudge, lang: str) -> str:
    words = _SIGNAL_WORDS[lang]
    kinds = list(dict.fromkeys(s.split(":", 1)[0] for s in nudge.signals))
    listed = [words[k] for k in kinds if k in words and k != "brand"] or [words["brand"]]
    joiner = " et " if lang == "fr" else " and "
    return listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + joiner + listed[-1]


def what_is_missing(nudge: Nudge, lang: str, policy: DisclosurePolicy | None = None) -> str:
    """One clause saying what the post lacks, for the nudge and for "I've fixed it" answers."""
    lang = _lang(lang)
    key = "soft_link" if nudge.severity == "soft" and not nudge.label else nudge.severity
    template = _WHAT[lang].get(key, _WHAT[lang]["missing"])
    return template.format(label=nudge.label or "", audience=_audience(nudge, policy), expected=nudge.suggested_label)


def nudge_text(nudge: Nudge, lang: str, *, policy: DisclosurePolicy | None = None, step: NudgeStep = "nudge") -> str:
    """The private note to the author (`step` "nudge" or "remind"), in `lang` (fr or en).

    With the charter's `policy`, the note names the audience and quotes the jurisdiction's rule.
    """
    lang = _lang(lang)
    t = _TEXTS[lang]
    intro = law_notes.intro_line(nudge, lang, policy)
    lines = [t["reminder"] if step == "remind" and nudge.severity != "ok" else (intro or t["hello"])]
    what = what_is_missing(nudge, lang, policy)
    if nudge.severity != "ok":
        lines.append(t["seems"].format(signals=_signals(nudge, lang), what=what[:1].upper() + what[1:]))
    if policy is not None and nudge.jurisdiction in policy.jurisdictions:
        lines.append(t["why"].format(rule=policy.jurisdictions[nudge.jurisdiction].rule_text(lang)))
    lines += law_notes.extra_lines(nudge, lang, policy)
    if nudge.suggestion:
        suggestion = nudge.suggestion
        if len(suggestion) > MAX_SUGGESTION:
            suggestion = suggestion[: MAX_SUGGESTION - 1] + "…"
        quoted = "\n".join("> " + line for line in suggestion.splitlines())
        lines += ["", t["suggest"], quoted, ""]
    lines += [t["private"], t["buttons"]]
    return "\n".join(lines)


def recheck_text(nudge: Nudge, lang: str, policy: DisclosurePolicy | None = None) -> str:
    """The answer to "I've fixed it" (or to an edit): thanks, or what is still missing."""
    lang = _lang(lang)
    t = _TEXTS[lang]
    if nudge.state.value == "fixed":
        return t["fixed"]
    if nudge.state.value == "withdrawn":
        return t["gone"]
    if nudge.state.value == "not_sponsored":
        return t["noted"]
    return t["still"].format(what=what_is_missing(nudge, lang, policy))


def not_sponsored_text(lang: str) -> str:
    """The answer to "Not sponsored"."""
    return _TEXTS[_lang(lang)]["noted"]


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
    lang = _lang(lang)
    return _ESCALATION[lang].format(
        contact=_CONTACT[lang][reached],
        id=nudge.id,
        hours=hours,
        author=author,
        link=link,
        signals=_signals(nudge, lang),
        audience=_audience(nudge, policy),
        severity=_SEVERITY_WORDS[lang].get(nudge.severity, nudge.severity),
        expected=nudge.suggested_label,
    )


def report_text(report: NudgeReport, lang: str) -> str:
    """`/disclosure report` as one paragraph."""
    lang = _lang(lang)
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
    return _REPORT[lang].format(
        total=report.total,
        open=report.open,
        escalated=report.escalated,
        fixed=report.fixed,
        not_sponsored=report.not_sponsored,
        withdrawn=report.withdrawn,
        rate=rate,
        median=median,
    )
