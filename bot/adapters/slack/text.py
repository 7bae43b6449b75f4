"""The short Slack-only texts (buttons, thread notices, cards, modals, replies) in French and English."""

from __future__ import annotations

from collections.abc import Mapping
from string import Template

_TEXT: Mapping[str, Mapping[str, str]] = {
    "en": {
        "appeal": "Appeal",
        "see": "See my message",
        "thread_removed": "<@$user>, your message was removed under §$clause $title. The reasons, your text and "
        "how to appeal were sent to you privately (case #$case).",
        "thread_unremoved": "<@$user>, your message goes against §$clause $title. Please edit or delete it; "
        "the reasons were sent to you privately (case #$case).",
        "thread_warn": "<@$user>, a friendly reminder of §$clause $title; the details were sent to you privately "
        "(case #$case).",
        "thread_review": "<@$user>, your message is held for a moderator under §$clause $title (case #$case).",
        "restored": "Restored after review (case #$case).",
        "card_review": "Review needed: case #$case",
        "card_report": "Reported by a member: case #$case",
        "card_appeal": "Appeal to decide: case #$case",
        "card_degraded": "Removal needs a moderator: case #$case",
        "card_degraded_help": "Vigie could not delete this message itself. The author was asked to edit or delete "
        "it. Delete it yourself if it must go, then record your decision below.",
        "clause": "Clause",
        "author": "Author",
        "channel": "Channel",
        "decided_by": "Decided by",
        "automated": "Vigie (automated, confidence $confidence)",
        "charter": "Charter",
        "evidence": "Evidence",
        "content": "Content",
        "content_gone": "(content purged after the retention period)",
        "appeal_reason": "Appeal reason",
        "jump": "Open the message",
        "remove_under": "Remove under §$clause",
        "dismiss": "Dismiss",
        "uphold": "Uphold",
        "overturn": "Overturn",
        "outcome": "$status by <@$moderator>: $reason",
        "outcome_system": "$status",
        "modal_appeal": "Appeal case #$case",
        "modal_decide": "Decide case #$case",
        "modal_remove": "Remove a message",
        "modal_report": "Report a message",
        "send": "Send",
        "cancel": "Cancel",
        "appeal_label": "Why should this decision change?",
        "reason_label": "Reason (kept in the audit log)",
        "clause_label": "Clause",
        "note_label": "Note for the moderators (optional)",
        "decision_intro": "You are about to *$decision* case #$case (§$clause).",
        "appeal_sent": "Your appeal on case #$case was sent to the moderators. A person will decide.",
        "report_sent": "Thank you. The moderators will look at this message (case #$case).",
        "removed_done": "Case #$case: the message was handled under §$clause.",
        "decided": "Case #$case is now *$status*.",
        "not_moderator": "Only the moderators of this workspace can do this.",
        "not_admin": "Only workspace admins can configure Vigie.",
        "not_found": "Case #$case does not exist.",
        "no_clause": "There is no clause “$clause” in the charter. Try /charter to see them all.",
        "message_gone": "That message can no longer be read: it may have been deleted already.",
        "platform_failed": "Slack refused part of this action ($failure). It is recorded on the case and the "
        "moderators were told.",
        "usage_appeal": "Usage: /appeal &lt;case number&gt; &lt;your reason&gt;",
        "usage_case": "Usage: /case &lt;case number&gt;",
        "usage_override": "Usage: /override &lt;case number&gt; uphold|overturn &lt;reason&gt;",
        "usage_setup": "Usage: /vigie-setup show | review #channel | log #channel | moderators @user… | "
        "moderator-group @group | language fr|en | compliance #channel | jurisdiction fr|us|uk|…",
        "setup_saved": "Saved: $key = $value",
        "setup_show": "Review channel: $review\nLog channel: $log\nModerators: $users\nModerator group: "
        "$group\nLanguage: $language\nCompliance channel (disclosure): $compliance\nAudience (disclosure): "
        "$jurisdiction",
        "charter_default": "$value (charter default)",
        "unset": "not set",
        "case_header": "Case #$case: §$clause $title",
        "case_status": "Status: $status · action: $action ($state) · source: $source",
        "trail": "Audit trail",
        "status_upheld": "upheld",
        "status_overturned": "overturned",
        "status_dismissed": "dismissed",
        "status_actioned": "actioned",
        "status_review": "in review",
        "status_appealed": "appealed",
        "not_in_channel": "Vigie is not a member of <#$channel>, so it could not act there. Invite it with "
        "/invite @Vigie.",
        "missing_scope": "Vigie lacks the Slack scope `$scope`. Reinstall the app from slack-app-manifest.yml.",
        "notice_not_posted": "Case #$case: the public notice could not be posted in $channel ($failure); "
        "the author was told privately.",
        "no_timeout": "Case #$case: <@$user> reached the repeat-offence threshold of §$clause ($reason). Slack "
        "has no timeout an app can set, so a moderator decides what happens next.",
        "nudge_fixed": "I've fixed it",
        "nudge_not_sponsored": "Not sponsored",
        "modal_not_sponsored": "Not sponsored",
        "not_sponsored_intro": "Tell the team why this post is not sponsored, if you like. A person reads your "
        "answer; you will get no more reminders about this post.",
        "not_sponsored_label": "Note for the team (optional)",
        "not_your_nudge": "Only the author of the post can answer this reminder.",
        "post_unreadable": "Slack did not let Vigie do this ($failure). Nothing was changed; please try again "
        "in a moment.",
        "usage_disclosure": "Usage: /disclosure check &lt;text&gt; (a private dry run) | /disclosure report "
        "(moderators)",
        "no_disclosure": "This charter has no [disclosure] section, so Vigie does not check sponsored posts.",
        "usage_jurisdiction": "Unknown audience “$value”. The charter knows: $known.",
    },
    "fr": {
        "appeal": "Faire appel",
        "see": "Voir mon message",
        "thread_removed": "<@$user>, votre message a été retiré au titre du §$clause $title. Les raisons, votre "
        "texte et la façon de faire appel vous ont été envoyés en privé (dossier n° $case).",
        "thread_unremoved": "<@$user>, votre message va à l'encontre du §$clause $title. Merci de le modifier ou "
        "de le supprimer ; les raisons vous ont été envoyées en privé (dossier n° $case).",
        "thread_warn": "<@$user>, un petit rappel du §$clause $title ; les détails vous ont été envoyés en privé "
        "(dossier n° $case).",
        "thread_review": "<@$user>, votre message attend l'avis d'un modérateur au titre du §$clause $title "
        "(dossier n° $case).",
        "restored": "Rétabli après examen (dossier n° $case).",
        "card_review": "À examiner : dossier n° $case",
        "card_report": "Signalé par un membre : dossier n° $case",
        "card_appeal": "Appel à trancher : dossier n° $case",
        "card_degraded": "Retrait à faire par un modérateur : dossier n° $case",
        "card_degraded_help": "Vigie n'a pas pu supprimer ce message elle-même. L'auteur a été invité à le modifier "
        "ou à le supprimer. Supprimez-le vous-même s'il doit disparaître, puis notez votre décision ci-dessous.",
        "clause": "Article",
        "author": "Auteur",
        "channel": "Salon",
        "decided_by": "Décidé par",
        "automated": "Vigie (automatique, confiance $confidence)",
        "charter": "Charte",
        "evidence": "Éléments",
        "content": "Contenu",
        "content_gone": "(contenu effacé après la durée de conservation)",
        "appeal_reason": "Motif de l'appel",
        "jump": "Ouvrir le message",
        "remove_under": "Retirer (§$clause)",
        "dismiss": "Classer",
        "uphold": "Maintenir",
        "overturn": "Annuler",
        "outcome": "$status par <@$moderator> : $reason",
        "outcome_system": "$status",
        "modal_appeal": "Appel dossier $case",
        "modal_decide": "Décision dossier $case",
        "modal_remove": "Retirer un message",
        "modal_report": "Signaler un message",
        "send": "Envoyer",
        "cancel": "Annuler",
        "appeal_label": "Pourquoi cette décision devrait-elle changer ?",
        "reason_label": "Raison (conservée dans le journal)",
        "clause_label": "Article",
        "note_label": "Note pour les modérateurs (facultatif)",
        "decision_intro": "Vous allez *$decision* le dossier n° $case (§$clause).",
        "appeal_sent": "Votre appel sur le dossier n° $case a été transmis aux modérateurs. Une personne décidera.",
        "report_sent": "Merci. Les modérateurs vont examiner ce message (dossier n° $case).",
        "removed_done": "Dossier n° $case : le message a été traité au titre du §$clause.",
        "decided": "Le dossier n° $case est maintenant *$status*.",
        "not_moderator": "Seuls les modérateurs de cet espace peuvent faire cela.",
        "not_admin": "Seuls les administrateurs de l'espace peuvent configurer Vigie.",
        "not_found": "Le dossier n° $case n'existe pas.",
        "no_clause": "La charte n'a pas d'article « $clause ». Essayez /charter pour les voir tous.",
        "message_gone": "Ce message ne peut plus être lu : il a peut-être déjà été supprimé.",
        "platform_failed": "Slack a refusé une partie de cette action ($failure). C'est noté dans le dossier et "
        "les modérateurs ont été prévenus.",
        "usage_appeal": "Usage : /appeal &lt;numéro du dossier&gt; &lt;votre raison&gt;",
        "usage_case": "Usage : /case &lt;numéro du dossier&gt;",
        "usage_override": "Usage : /override &lt;numéro du dossier&gt; uphold|overturn &lt;raison&gt;",
        "usage_setup": "Usage : /vigie-setup show | review #salon | log #salon | moderators @membre… | "
        "moderator-group @groupe | language fr|en | compliance #salon | jurisdiction fr|us|uk|…",
        "setup_saved": "Enregistré : $key = $value",
        "setup_show": "Salon d'examen : $review\nSalon de journal : $log\nModérateurs : $users\nGroupe de "
        "modérateurs : $group\nLangue : $language\nSalon conformité (transparence) : $compliance\nPublic visé "
        "(transparence) : $jurisdiction",
        "charter_default": "$value (par défaut dans la charte)",
        "unset": "non défini",
        "case_header": "Dossier n° $case : §$clause $title",
        "case_status": "Statut : $status · action : $action ($state) · origine : $source",
        "trail": "Journal",
        "status_upheld": "maintenu",
        "status_overturned": "annulé",
        "status_dismissed": "classé",
        "status_actioned": "appliqué",
        "status_review": "à examiner",
        "status_appealed": "en appel",
        "not_in_channel": "Vigie n'est pas membre de <#$channel> et n'a donc pas pu y agir. Invitez-la avec "
        "/invite @Vigie.",
        "missing_scope": "Il manque à Vigie la permission Slack `$scope`. Réinstallez l'app depuis "
        "slack-app-manifest.yml.",
        "notice_not_posted": "Dossier n° $case : l'avis public n'a pas pu être publié dans $channel ($failure) ; "
        "l'auteur a été prévenu en privé.",
        "no_timeout": "Dossier n° $case : <@$user> a atteint le seuil de récidive du §$clause ($reason). Slack "
        "ne permet pas à une app de suspendre un membre : un modérateur décide de la suite.",
        "nudge_fixed": "C'est corrigé",
        "nudge_not_sponsored": "Pas sponsorisé",
        "modal_not_sponsored": "Pas sponsorisé",
        "not_sponsored_intro": "Dites à l'équipe pourquoi ce message n'est pas sponsorisé, si vous le souhaitez. "
        "Une personne lira votre réponse ; vous n'aurez plus de rappel pour ce message.",
        "not_sponsored_label": "Note pour l'équipe (facultatif)",
        "not_your_nudge": "Seul l'auteur du message peut répondre à ce rappel.",
        "post_unreadable": "Slack n'a pas laissé Vigie faire cela ($failure). Rien n'a changé ; réessayez dans "
        "un instant.",
        "usage_disclosure": "Usage : /disclosure check &lt;texte&gt; (essai privé) | /disclosure report (modérateurs)",
        "no_disclosure": "Cette charte n'a pas de section [disclosure] : Vigie ne vérifie pas les contenus "
        "sponsorisés.",
        "usage_jurisdiction": "Public « $value » inconnu. La charte connaît : $known.",
    },
}

LANGUAGES = tuple(_TEXT)


def pick(lang: str | None) -> str:
    """The supported UI language closest to `lang` (a locale such as `fr-FR` or a charter language)."""
    base = (lang or "").replace("_", "-").split("-")[0].lower()
    return base if base in _TEXT else "en"


def say(lang: str | None, key: str, /, **values: object) -> str:
    """The text `key` in `lang`, with `$name` placeholders filled (never attribute access)."""
    return Template(_TEXT[pick(lang)][key]).safe_substitute({k: str(v) for k, v in values.items()})
