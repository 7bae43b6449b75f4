"""French localisations of Vigie's Discord commands, and the short interface texts its replies use."""

from __future__ import annotations

from collections.abc import Mapping

import discord
from discord import app_commands

FRENCH: Mapping[str, str] = {
    # /charter
    "charter": "charte",
    "Read, publish and reload the community charter": "Lire, publier et recharger la charte de la communauté",
    "show": "afficher",
    "Show the charter or one of its clauses": "Afficher la charte ou l'un de ses articles",
    "clause": "article",
    "Clause number": "Numéro de l'article",
    "publish": "publier",
    "Post and pin the charter in a channel (admins)": "Publier et épingler la charte dans un salon (admins)",
    "channel": "salon",
    "Where to publish the charter": "Où publier la charte",
    "reload": "recharger",
    "Reload the charter file; a broken file keeps the charter in force (admins)": (
        "Recharger le fichier de la charte ; un fichier invalide garde la charte en vigueur (admins)"
    ),
    # /appeal
    "appeal": "appel",
    "Appeal a moderation decision about your message": "Faire appel d'une décision de modération sur votre message",
    "case": "dossier",
    "Case number": "Numéro du dossier",
    "reason": "raison",
    "Why the decision should change": "Pourquoi la décision devrait changer",
    # /case, /cases, /override
    "Show a case and its audit trail (moderators)": "Afficher un dossier et son historique (modérateurs)",
    "id": "numéro",
    "cases": "dossiers",
    "List a member's cases (moderators)": "Lister les dossiers d'un membre (modérateurs)",
    "user": "membre",
    "The member whose cases to list": "Le membre dont lister les dossiers",
    "override": "trancher",
    "Uphold or overturn any decision (moderators)": "Maintenir ou annuler une décision (modérateurs)",
    "decision": "décision",
    "Uphold or overturn": "Maintenir ou annuler",
    "uphold": "maintenir",
    "overturn": "annuler",
    "Reason, shared with the author": "Raison, communiquée à l'auteur",
    # /vigie setup
    "vigie": "vigie",
    "Vigie settings for this server (admins)": "Réglages de Vigie pour ce serveur (admins)",
    "setup": "configurer",
    "Set channels, moderator role, notice lifetime and language": (
        "Régler les salons, le rôle modérateur, la durée des avis et la langue"
    ),
    "review_channel": "salon_revue",
    "Where review cards and appeals go": "Où arrivent les fiches à examiner et les appels",
    "log_channel": "salon_journal",
    "Where alerts for moderators go": "Où arrivent les alertes pour les modérateurs",
    "moderator_role": "rôle_modérateur",
    "Members with this role can moderate": "Les membres ayant ce rôle peuvent modérer",
    "notice_seconds": "durée_avis",
    "How long a public notice stays, in seconds": "Combien de secondes un avis public reste affiché",
    "language": "langue",
    "Language of notices and review cards": "Langue des avis et des fiches de revue",
    "English": "Anglais",
    "French": "Français",
    "compliance_channel": "salon_conformité",
    "Where unanswered disclosure reminders escalate": "Où remontent les rappels de transparence restés sans suite",
    "jurisdiction": "juridiction",
    "Audience whose disclosure rules apply": "Public dont les règles de transparence s'appliquent",
    # /disclosure
    "disclosure": "transparence",
    "Sponsored posts: check a text, see the reminders report": (
        "Messages sponsorisés : vérifier un texte, voir le bilan des rappels"
    ),
    "check": "vérifier",
    "Check privately whether a text needs a sponsorship label": (
        "Vérifier en privé si un texte a besoin d'une mention de partenariat"
    ),
    "text": "texte",
    "The post to check (nothing is recorded)": "Le message à vérifier (rien n'est enregistré)",
    "report": "bilan",
    "Disclosure reminders: open, fixed, fix rate, not-sponsored answers (moderators)": (
        "Rappels de transparence : en cours, corrigés, taux de correction, réponses « pas sponsorisé » (modérateurs)"
    ),
    # context menus
    "Report to moderators": "Signaler aux modérateurs",
    "Remove under charter": "Retirer selon la charte",
}
"""English command strings (names, descriptions, options, choices) to their French localisation."""


class VigieTranslator(app_commands.Translator):
    """Gives every slash command, option and context menu a French name and description."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        """The French text for `string` when Discord asks for French; None keeps the English."""
        if locale is not discord.Locale.french:
            return None
        return FRENCH.get(string.message)


TEXTS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "not_moderator": "Only moderators can do this.",
        "not_admin": "Only server managers can do this.",
        "not_author": "Only the author of the removed message can do this.",
        "guild_only": "This only works inside a server.",
        "failed": "Something went wrong; it has been logged for the moderators.",
        "platform_failed": "Discord refused this action ({detail}).",
        "appeal": "Appeal",
        "see_message": "See my message",
        "remove_under": "Remove under §{clause}",
        "dismiss": "Dismiss",
        "uphold": "Uphold",
        "overturn": "Overturn",
        "appeal_title": "Appeal case #{case}",
        "appeal_label": "Why should this decision change?",
        "appeal_placeholder": "Explain it in your own words; a moderator will read it.",
        "appeal_sent": "Your appeal on case #{case} was sent to the moderators. A person will decide.",
        "your_message": "Your removed message (case #{case}), shown only to you:",
        "decision_title_uphold": "Uphold case #{case}",
        "decision_title_overturn": "Overturn case #{case}",
        "decision_label": "Reason (shared with the author)",
        "decided_upheld": "Case #{case} upheld by {moderator}.",
        "decided_overturned": "Case #{case} overturned by {moderator}.",
        "removed_from_review": "Case #{case}: removed under §{clause} by {moderator}.",
        "dismissed": "Case #{case}: dismissed by {moderator}; the message stays.",
        "report_title": "Report to moderators",
        "report_label": "What is wrong with this message? (optional)",
        "reported": "Thank you. The moderators will look at this message (case #{case}).",
        "remove_title": "Remove under the charter",
        "remove_clause": "Clause",
        "remove_reason": "Reason (recorded in the case)",
        "removed_manually": "Removed under §{clause} (case #{case}).",
        "message_gone": "That message no longer exists.",
        "other_server": "That message is not in this server.",
        "override_done": "Case #{case} is now {status}.",
        "card_review": "To review: §{clause} {title}",
        "card_report": "Reported: §{clause} {title}",
        "card_appeal": "Appeal on case #{case}: §{clause} {title}",
        "card_degraded": "Could not remove: §{clause} {title}",
        "field_case": "Case",
        "field_author": "Author",
        "field_channel": "Channel",
        "field_evidence": "Evidence",
        "field_confidence": "Confidence",
        "field_content": "Original content",
        "field_appeal_reason": "Appeal reason",
        "field_acted": "Decided by",
        "field_status": "Status",
        "field_error": "Problem",
        "field_reason": "Moderator's reason",
        "automated_by": "Vigie (automated)",
        "jump": "Jump to the message",
        "no_content": "(content purged after the retention period)",
        "restored_mark": "Restored after review (case #{case})",
        "case_title": "Case #{case}: §{clause} {title}",
        "trail": "Audit trail",
        "no_cases": "{user} has no cases.",
        "cases_title": "Cases of {user}",
        "page": "Page {page}",
        "previous": "Previous",
        "next": "Next",
        "settings_title": "Vigie settings for this server",
        "unset": "not set",
        "charter_title": "{name}: version {version} ({hash})",
        "no_clause": "There is no clause §{clause}.",
        "published": "The charter (version {version}) is published and pinned in {channel}.",
        "not_pinned": (
            "The charter (version {version}) is posted in {channel} but not pinned: "
            "give Vigie the Pin Messages permission there."
        ),
        "reloaded": "Charter reloaded: version {version} ({hash}).",
        "unchanged": "The charter file has not changed: version {version} ({hash}).",
        "reload_refused": "The charter file has {count} issue(s); version {version} stays in force:",
        "charter_changes": "What changed since version {version}:",
        "charter_updated": "The charter was updated from version {old} to version {new}.",
        "fixed_it": "I've fixed it",
        "not_sponsored": "Not sponsored",
        "show_note": "Show my note",
        "nudge_pointer": "{author}, Vigie has a private note for you.",
        "not_your_note": "This note is for someone else.",
        "not_sponsored_title": "Not sponsored",
        "not_sponsored_label": "A short note for the team (optional)",
        "not_sponsored_placeholder": "For example: I bought it myself, no partnership.",
        "nothing_sponsored": "Nothing in this text looks sponsored: no label is needed.",
        "well_labelled": "This text looks sponsored and its label “{label}” suits {audience}.",
        "check_title": "Needs a label for {audience}: {severity}",
        "severity_missing": "no label",
        "severity_insufficient": "insufficient label",
        "severity_soft": "label to adjust",
        "severity_misplaced": "label not up front",
        "field_signals": "Why it looks sponsored",
        "field_label": "Label found",
        "field_rule": "The rule",
        "field_suggestion": "Suggested text",
        "no_label": "none",
        "label_misplaced": "{label} (not up front)",
        "signal_affiliate": "affiliate link",
        "signal_sponsor_link": "link to a partner brand",
        "signal_promo_code": "promo code",
        "signal_gift": "gifted product",
        "signal_sponsor_cta": "sponsorship mention",
        "signal_brand": "partner brand",
        "check_private": "Dry run: only you see this and nothing was recorded.",
        "not_sponsored_answers": "Latest “not sponsored” answers ({count}), for a person to decide:",
        "not_sponsored_line": "#{id} {author} {link}{note}",
        "no_disclosure": "This charter has no [disclosure] section: Vigie does not check sponsored posts.",
        "unknown_jurisdiction": "Unknown audience “{value}”. The charter knows: {known}.",
        "default_jurisdiction": "{code} (charter default)",
    },
    "fr": {
        "not_moderator": "Seuls les modérateurs peuvent faire cela.",
        "not_admin": "Seuls les gestionnaires du serveur peuvent faire cela.",
        "not_author": "Seul l'auteur du message retiré peut faire cela.",
        "guild_only": "Cela ne fonctionne que dans un serveur.",
        "failed": "Une erreur est survenue ; elle a été consignée pour les modérateurs.",
        "platform_failed": "Discord a refusé cette action ({detail}).",
        "appeal": "Faire appel",
        "see_message": "Voir mon message",
        "remove_under": "Retirer selon le §{clause}",
        "dismiss": "Classer",
        "uphold": "Maintenir",
        "overturn": "Annuler",
        "appeal_title": "Appel du dossier n° {case}",
        "appeal_label": "Pourquoi cette décision devrait-elle changer ?",
        "appeal_placeholder": "Expliquez-le avec vos mots ; un modérateur le lira.",
        "appeal_sent": "Votre appel sur le dossier n° {case} a été transmis aux modérateurs. Une personne décidera.",
        "your_message": "Votre message retiré (dossier n° {case}), visible par vous seul :",
        "decision_title_uphold": "Maintenir le dossier n° {case}",
        "decision_title_overturn": "Annuler le dossier n° {case}",
        "decision_label": "Raison (communiquée à l'auteur)",
        "decided_upheld": "Dossier n° {case} maintenu par {moderator}.",
        "decided_overturned": "Dossier n° {case} annulé par {moderator}.",
        "removed_from_review": "Dossier n° {case} : retiré selon le §{clause} par {moderator}.",
        "dismissed": "Dossier n° {case} : classé par {moderator} ; le message reste.",
        "report_title": "Signaler aux modérateurs",
        "report_label": "Quel est le problème avec ce message ? (facultatif)",
        "reported": "Merci. Les modérateurs vont examiner ce message (dossier n° {case}).",
        "remove_title": "Retirer selon la charte",
        "remove_clause": "Article",
        "remove_reason": "Raison (consignée dans le dossier)",
        "removed_manually": "Retiré selon le §{clause} (dossier n° {case}).",
        "message_gone": "Ce message n'existe plus.",
        "other_server": "Ce message n'est pas dans ce serveur.",
        "override_done": "Le dossier n° {case} est maintenant {status}.",
        "card_review": "À examiner : §{clause} {title}",
        "card_report": "Signalé : §{clause} {title}",
        "card_appeal": "Appel sur le dossier n° {case} : §{clause} {title}",
        "card_degraded": "Retrait impossible : §{clause} {title}",
        "field_case": "Dossier",
        "field_author": "Auteur",
        "field_channel": "Salon",
        "field_evidence": "Éléments",
        "field_confidence": "Confiance",
        "field_content": "Contenu d'origine",
        "field_appeal_reason": "Motif de l'appel",
        "field_acted": "Décidé par",
        "field_status": "État",
        "field_error": "Problème",
        "field_reason": "Raison du modérateur",
        "automated_by": "Vigie (automatique)",
        "jump": "Aller au message",
        "no_content": "(contenu effacé après la durée de conservation)",
        "restored_mark": "Rétabli après examen (dossier n° {case})",
        "case_title": "Dossier n° {case} : §{clause} {title}",
        "trail": "Historique",
        "no_cases": "{user} n'a aucun dossier.",
        "cases_title": "Dossiers de {user}",
        "page": "Page {page}",
        "previous": "Précédent",
        "next": "Suivant",
        "settings_title": "Réglages de Vigie pour ce serveur",
        "unset": "non défini",
        "charter_title": "{name} : version {version} ({hash})",
        "no_clause": "Il n'y a pas d'article §{clause}.",
        "published": "La charte (version {version}) est publiée et épinglée dans {channel}.",
        "not_pinned": (
            "La charte (version {version}) est publiée dans {channel} mais pas épinglée : "
            "donnez-y à Vigie la permission Épingler des messages."
        ),
        "reloaded": "Charte rechargée : version {version} ({hash}).",
        "unchanged": "Le fichier de la charte n'a pas changé : version {version} ({hash}).",
        "reload_refused": (
            "Le fichier de la charte contient {count} problème(s) ; la version {version} reste en vigueur :"
        ),
        "charter_changes": "Ce qui a changé depuis la version {version} :",
        "charter_updated": "La charte est passée de la version {old} à la version {new}.",
        "fixed_it": "C'est corrigé",
        "not_sponsored": "Pas sponsorisé",
        "show_note": "Voir le message privé",
        "nudge_pointer": "{author}, Vigie a un message privé pour vous.",
        "not_your_note": "Ce message est destiné à quelqu'un d'autre.",
        "not_sponsored_title": "Pas sponsorisé",
        "not_sponsored_label": "Un mot pour l'équipe (facultatif)",
        "not_sponsored_placeholder": "Par exemple : je l'ai acheté moi-même, sans partenariat.",
        "nothing_sponsored": "Rien dans ce texte ne semble sponsorisé : aucune mention n'est nécessaire.",
        "well_labelled": (
            "Ce texte semble sponsorisé et sa mention « {label} » convient pour le public visé ({audience})."
        ),
        "check_title": "Mention à prévoir pour le public visé ({audience}) : {severity}",
        "severity_missing": "mention absente",
        "severity_insufficient": "mention insuffisante",
        "severity_soft": "mention à préciser",
        "severity_misplaced": "mention mal placée",
        "field_signals": "Pourquoi il semble sponsorisé",
        "field_label": "Mention trouvée",
        "field_rule": "La règle",
        "field_suggestion": "Proposition de texte",
        "no_label": "aucune",
        "label_misplaced": "{label} (pas en tête)",
        "signal_affiliate": "lien affilié",
        "signal_sponsor_link": "lien vers une marque partenaire",
        "signal_promo_code": "code promo",
        "signal_gift": "produit offert",
        "signal_sponsor_cta": "mention de partenariat",
        "signal_brand": "marque partenaire",
        "check_private": "Essai à blanc : vous seul voyez ceci et rien n'a été enregistré.",
        "not_sponsored_answers": "Dernières réponses « pas sponsorisé » ({count}), à examiner par une personne :",
        "not_sponsored_line": "n° {id} {author} {link}{note}",
        "no_disclosure": (
            "Cette charte n'a pas de section [disclosure] : Vigie ne vérifie pas les messages sponsorisés."
        ),
        "unknown_jurisdiction": "Public « {value} » inconnu. La charte connaît : {known}.",
        "default_jurisdiction": "{code} (par défaut dans la charte)",
    },
}
"""Interface texts of replies, buttons and cards, per language."""


def lang_of(locale: discord.Locale | str | None) -> str:
    """`fr` for any French locale, else `en`."""
    value = str(locale.value if isinstance(locale, discord.Locale) else locale or "")
    return "fr" if value.lower().startswith("fr") else "en"


def text(key: str, lang: str | None, **values: object) -> str:
    """An interface text in `lang` (English if unknown), with `{name}` fields filled in."""
    table = TEXTS.get(lang or "en", TEXTS["en"])
    return table[key].format(**values)
