"""Fixed wording of charter renders in French and English (clause texts come from the charter itself)."""

from __future__ import annotations

from collections.abc import Mapping

from bot.models import Action

FR_MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
EN_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# Languages other than fr and en fall back to English for this wording.
TEXT: Mapping[str, Mapping[str, str]] = {
    "fr": {
        "version": "Version {version}",
        "published": "publiée le {date}",
        "hash": "empreinte `{hash}`",
        "in_short": "En bref",
        "retention": (
            "**Conservation** : un message retiré est conservé {days}, le temps que vous puissiez "
            "le récupérer et faire appel, puis il est effacé."
        ),
        "appeal": (
            "**Appel** : vous pouvez contester toute décision dans les {days} qui suivent ; "
            "une personne de l'équipe de modération réexamine chaque appel."
        ),
        "trace": (
            "**Traçabilité** : chaque décision indique la clause appliquée, la version de la charte "
            "et son empreinte, pour que chacun puisse vérifier la règle qui a servi."
        ),
        "why": "Pourquoi",
        "happens": "Ce qui se passe",
        "fix": "Pour corriger",
        "appeal_how": "Faire appel",
        Action.REMOVE: (
            "le message est retiré et vous recevez une explication ; rien n'est perdu, "
            "vous pouvez récupérer votre texte."
        ),
        Action.REVIEW: (
            "le message reste visible et une personne de l'équipe de modération l'examine avant toute décision."
        ),
        Action.WARN: "le message reste visible et vous recevez un rappel de la règle.",
        Action.ALLOW: "rien.",
        "escalation": (
            " Après {count} décisions au titre de cette clause en {hours}, vous ne pouvez plus écrire "
            "pendant {minutes} (une pause temporaire)."
        ),
        "appeal_clause": (
            "si vous pensez qu'il s'agit d'une erreur, utilisez la commande /appeal avec le numéro de dossier "
            "indiqué dans l'avis, dans les {days}. Une personne vous répondra."
        ),
        "day": "jour",
        "days": "jours",
        "hour": "heure",
        "hours": "heures",
        "minute": "minute",
        "minutes": "minutes",
        "about_months": "environ {n} mois",
        "about_years": "environ {n} an{s}",
        "change_version": "Version : {old} → {new}",
        "change_added": "§{number} « {title} » : clause ajoutée",
        "change_removed": "§{number} « {title} » : clause supprimée",
        "change_renumbered": "§{old} « {title} » devient le §{new}",
        "change_retitled": "§{number} : titre modifié, « {old} » → « {new} »",
        "change_text": "§{number} « {title} » : texte modifié",
        "change_action": "§{number} « {title} » : conséquence modifiée, {old} → {new}",
        "change_retention": "Conservation des messages retirés : {old} → {new}",
        "change_appeal": "Délai d'appel : {old} → {new}",
        "action_remove": "retrait",
        "action_review": "examen par une personne",
        "action_warn": "rappel",
        "action_allow": "aucune",
    },
    "en": {
        "version": "Version {version}",
        "published": "published on {date}",
        "hash": "fingerprint `{hash}`",
        "in_short": "In short",
        "retention": (
            "**Retention**: a removed message is kept for {days} so that you can get it back and appeal, "
            "then it is deleted."
        ),
        "appeal": (
            "**Appeals**: you can contest any decision within {days}; a person from the moderation team "
            "reviews every appeal."
        ),
        "trace": (
            "**Traceability**: every decision names the clause it applied, the charter version and its "
            "fingerprint, so anyone can check which rule was used."
        ),
        "why": "Why",
        "happens": "What happens",
        "fix": "How to put it right",
        "appeal_how": "How to appeal",
        Action.REMOVE: (
            "the message is removed and you receive an explanation; nothing is lost, you can get your text back."
        ),
        Action.REVIEW: "the message stays up and a person from the moderation team looks at it before any decision.",
        Action.WARN: "the message stays up and you receive a reminder of the rule.",
        Action.ALLOW: "nothing.",
        "escalation": (
            " After {count} decisions under this clause within {hours}, you cannot post for {minutes} "
            "(a temporary pause)."
        ),
        "appeal_clause": (
            "if you think this is a mistake, use the /appeal command with the case number given in the notice, "
            "within {days}. A person will answer you."
        ),
        "day": "day",
        "days": "days",
        "hour": "hour",
        "hours": "hours",
        "minute": "minute",
        "minutes": "minutes",
        "about_months": "about {n} months",
        "about_years": "about {n} year{s}",
        "change_version": "Version: {old} → {new}",
        "change_added": "§{number} “{title}”: clause added",
        "change_removed": "§{number} “{title}”: clause removed",
        "change_renumbered": "§{old} “{title}” is now §{new}",
        "change_retitled": "§{number}: title changed, “{old}” → “{new}”",
        "change_text": "§{number} “{title}”: text changed",
        "change_action": "§{number} “{title}”: consequence changed, {old} → {new}",
        "change_retention": "Retention of removed messages: {old} → {new}",
        "change_appeal": "Appeal window: {old} → {new}",
        "action_remove": "removal",
        "action_review": "review by a person",
        "action_warn": "reminder",
        "action_allow": "none",
    },
}
