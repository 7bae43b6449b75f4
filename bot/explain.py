"""Statements of reasons and appeal outcomes, in the author's language, quoting nothing they wrote."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from string import Template

from bot.charter.model import Charter, Rule
from bot.models import Action, ActionState, Case, CaseSource, CaseStatus, Statement

_WHY: Mapping[str, Mapping[str, str]] = {
    "en": {
        "term": "it contains an expression this clause does not allow",
        "fuzzy": "it seems to contain an expression this clause does not allow",
        "pattern": "it matches a form of message this clause does not allow",
        "link": "it links to a site this clause does not allow",
        "invite": "it contains an invitation to another server",
        "mentions": "it mentions too many people at once",
        "duplicate": "the same message was posted several times in a short time",
        "email": "it shares an email address",
        "phone": "it shares a phone number",
        "report": "a member asked the moderators to look at it",
        "automod": "the platform's automatic filter blocked it",
        "moderator": "a moderator judged that it breaks this clause",
    },
    "fr": {
        "term": "il contient une expression que cet article n'autorise pas",
        "fuzzy": "il semble contenir une expression que cet article n'autorise pas",
        "pattern": "il correspond à une forme de message que cet article n'autorise pas",
        "link": "il renvoie vers un site que cet article n'autorise pas",
        "invite": "il contient une invitation vers un autre serveur",
        "mentions": "il mentionne trop de personnes à la fois",
        "duplicate": "le même message a été publié plusieurs fois en peu de temps",
        "email": "il partage une adresse e-mail",
        "phone": "il partage un numéro de téléphone",
        "report": "un membre a demandé aux modérateurs de l'examiner",
        "automod": "le filtre automatique de la plateforme l'a bloqué",
        "moderator": "un modérateur a estimé qu'il enfreint cet article",
    },
}

_TEXT: Mapping[str, Mapping[str, str]] = {
    "en": {
        "title_removed": "Your message was removed: §$clause $title",
        "title_unremoved": "Please edit or delete your message: §$clause $title",
        "title_review": "Your message is held for a moderator: §$clause $title",
        "title_warn": "A reminder about our charter: §$clause $title",
        "why": "Why: $why.",
        "now_removed": "What happens now: the message was removed. Nothing is lost: use “See my message” "
        "to get your text back.",
        "now_unremoved": "What happens now: Vigie could not remove it, so please edit or delete it yourself. "
        "A moderator has been told.",
        "now_review": "What happens now: the message stays up until a person decides.",
        "now_warn": "What happens now: nothing more; this is only a reminder.",
        "fix": "How to put it right: $fix",
        "appeal": "Disagree? Appeal within $window_days days: $appeal",
        "automated": "This decision was made automatically by Vigie under charter version $version. "
        "A person reviews every appeal.",
        "manual": "This decision was made by a moderator under charter version $version.",
        "hint_discord": "/appeal case:$case reason:…",
        "hint_slack": "/appeal $case <your reason>",
        "hint_other": "appeal case #$case with the moderators",
        "case": "Case #$case.",
        "upheld": "Your appeal on case #$case was reviewed by a moderator: the decision under §$clause $title stands.",
        "overturned": "Your appeal on case #$case was accepted: the decision under §$clause $title was overturned.",
        "overturned_restored": "Your message has been restored in the channel.",
        "moderator_reason": "Moderator's reason: $reason",
    },
    "fr": {
        "title_removed": "Votre message a été retiré : §$clause $title",
        "title_unremoved": "Merci de modifier ou de supprimer votre message : §$clause $title",
        "title_review": "Votre message attend l'avis d'un modérateur : §$clause $title",
        "title_warn": "Un rappel de notre charte : §$clause $title",
        "why": "Pourquoi : $why.",
        "now_removed": "Et maintenant : le message a été retiré. Rien n'est perdu : « Voir mon message » vous rend "
        "votre texte.",
        "now_unremoved": "Et maintenant : Vigie n'a pas pu le retirer ; merci de le modifier ou de le supprimer "
        "vous-même. Un modérateur a été prévenu.",
        "now_review": "Et maintenant : le message reste visible jusqu'à la décision d'une personne.",
        "now_warn": "Et maintenant : rien de plus, c'est un simple rappel.",
        "fix": "Pour corriger : $fix",
        "appeal": "Vous n'êtes pas d'accord ? Faites appel sous $window_days jours : $appeal",
        "automated": "Cette décision a été prise automatiquement par Vigie selon la charte version $version. "
        "Une personne examine chaque appel.",
        "manual": "Cette décision a été prise par un modérateur selon la charte version $version.",
        "hint_discord": "/appeal case:$case reason:…",
        "hint_slack": "/appeal $case <votre raison>",
        "hint_other": "faites appel du dossier n° $case auprès des modérateurs",
        "case": "Dossier n° $case.",
        "upheld": "Votre appel sur le dossier n° $case a été examiné par un modérateur : la décision au titre du "
        "§$clause $title est maintenue.",
        "overturned": "Votre appel sur le dossier n° $case a été accepté : la décision au titre du §$clause $title "
        "est annulée.",
        "overturned_restored": "Votre message a été rétabli dans le salon.",
        "moderator_reason": "Raison du modérateur : $reason",
    },
}

TEMPLATE_FIELDS = frozenset({"clause", "title", "case", "appeal", "window_days"})
"""The only placeholders a charter's explanation template may use."""


def _lang(charter: Charter, requested: str | None) -> str:
    lang = charter.language_for(requested)
    return lang if lang in _TEXT else "en"


def _say(lang: str, key: str, **values: object) -> str:
    # safe_substitute on a fixed mapping: a template can name a value, never reach an attribute.
    return Template(_TEXT[lang][key]).safe_substitute({k: str(v) for k, v in values.items()})


def reason_sentence(matchers: Iterable[str], lang: str) -> str:
    """One sentence saying why, built from the kinds of evidence only (never the matched words)."""
    table = _WHY.get(lang, _WHY["en"])
    reasons: list[str] = []
    for matcher in matchers:
        reason = table.get(matcher, table["moderator"])
        if reason not in reasons:
            reasons.append(reason)
    if not reasons:
        return table["moderator"]
    joiner = " ; " if lang == "fr" else "; "
    return joiner.join(reasons[:2])


def appeal_hint(platform: str, case_id: int, lang: str) -> str:
    """How to appeal this case on this platform, in `lang`."""
    key = f"hint_{platform}" if platform in {"discord", "slack"} else "hint_other"
    return _say(lang if lang in _TEXT else "en", key, case=case_id)


def _case_matchers(case: Case) -> list[str]:
    if case.source is CaseSource.MODERATOR:
        return ["moderator"]
    if case.source is CaseSource.PLATFORM_AUTOMOD:
        return ["automod"]
    return [evidence.matcher for evidence in case.evidence]


def statement_for(case: Case, rule: Rule, charter: Charter, *, lang: str | None, removed: bool) -> Statement:
    """The statement of reasons for `case`, in the author's language.

    `removed` is False when a removal could not be carried out (the author is asked to edit or
    delete); it is ignored for warnings and reviews, which remove nothing.
    """
    language = _lang(charter, lang)
    title = rule.text(rule.title, language, charter.default_language)
    hint = appeal_hint(case.platform, case.id, language)
    values = {"clause": rule.number, "title": title, "case": case.id, "appeal": hint}
    values["window_days"] = charter.appeal_window_days
    kind = {Action.WARN: "warn", Action.REVIEW: "review"}.get(case.action, "removed" if removed else "unremoved")
    if case.status is CaseStatus.REVIEW:
        kind = "review"

    template = rule.text(rule.explanation, language, charter.default_language) if rule.explanation else ""
    why = (
        Template(template).safe_substitute({k: str(v) for k, v in values.items()})
        if template
        else _say(language, "why", why=reason_sentence(_case_matchers(case), language))
    )
    lines = [why, _say(language, f"now_{kind}")]
    fix = rule.text(rule.fix, language, charter.default_language) if rule.fix else ""
    if fix and kind != "review":
        lines.append(_say(language, "fix", fix=fix))
    if kind != "review":
        lines.append(_say(language, "appeal", window_days=charter.appeal_window_days, appeal=hint))
    lines.append(_say(language, "automated" if case.automated else "manual", version=case.charter_version))
    lines.append(_say(language, "case", case=case.id))
    return Statement(lang=language, title=_say(language, f"title_{kind}", **values), body="\n".join(lines))


def outcome_text(case: Case, charter: Charter, lang: str | None) -> str:
    """What the author is told once a moderator upheld or overturned their case."""
    language = _lang(charter, lang)
    rule = charter.rule(case.rule_id)
    title = rule.text(rule.title, language, charter.default_language) if rule else case.rule_id
    overturned = case.status is CaseStatus.OVERTURNED
    lines = [_say(language, "overturned" if overturned else "upheld", case=case.id, clause=case.clause, title=title)]
    if overturned and case.restore_state is ActionState.DONE:
        lines.append(_say(language, "overturned_restored"))
    if case.decision_reason:
        lines.append(_say(language, "moderator_reason", reason=case.decision_reason))
    return "\n".join(lines)


def verdict_reason(matchers: Iterable[str], rule: Rule, charter: Charter, lang: str | None) -> str:
    """The one-line reason used by the offline `screen` job: clause, title and why."""
    language = _lang(charter, lang)
    title = rule.text(rule.title, language, charter.default_language)
    return f"§{rule.number} {title}: {reason_sentence(matchers, language)}"
