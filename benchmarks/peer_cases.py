"""Evasion and Scunthorpe cases of the kinds other filters' public test suites check, with one charter for all.

Written for Vigie from the kinds of cases better-profanity, obscenity and leo-profanity test (leetspeak,
repeats, separators, look-alike letters, masks, markup, inflections, innocent words that contain a term);
no case is copied from them. `flagged` says what a moderator expects: any action other than allow.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.charter.model import Charter, Rule
from bot.models import Action

TERMS = (
    "fuck",
    "shit",
    "ass",
    "asshole",
    "bitch",
    "cunt",
    "dick",
    "cock",
    "moron",
    "bastard",
    "whore",
    "slut",
    "motherfucker",
    "penis",
    "twat",
    "wanker",
    "piss",
    "connard",
    "salope",
    "pute",
    "merde",
    "enculé",
    "con",
    "ano",
)
FORMS = {"ass": ("asses",)}
LANGUAGES = ("en", "fr", "es")


@dataclass(frozen=True, slots=True)
class Case:
    """One line, whether a moderator expects it flagged, and the kind of trick it shows."""

    text: str
    flagged: bool
    kind: str


def _group(kind: str, flagged: bool, texts: str) -> list[Case]:
    return [Case(text, flagged, kind) for text in texts.split("\n") if text]


CASES: list[Case] = [
    *_group("plain", True, "fuck you\nyou are a moron\nwhat a bitch\nShut up, asshole!\nMOTHERFUCKER\nquel connard"),
    *_group("plain", True, 'sale pute\nmerde alors\nthat twat again\nbloody wanker\n(shit)\n"moron"\nbitch.'),
    *_group("leet", True, "sh1t\n$hit\nb1tch\n@ss\na$$hole\nm0r0n\nc0nnard\nd!ck\nw4nk3r\n5lut\nb@stard\nwh0re"),
    *_group("leet", True, "p3n1s\nsh!t\ntw@t\nc0(k\nfvck\ndlck\nbltch\nC@ck\n$h1t\nfu(k\n3ncul3\nsal0pe"),
    *_group("repeats", True, "fuuuuck\nshiiiit\nbiiiitch\nmooooron\nasssss\nconnnnnard\nfuckkkk"),
    *_group("separated", True, "f u c k\ns.h.i.t\nb-i-t-c-h\ny o u m o r o n\nu n c o n n a r d\nf_u_c_k\nc . o . n"),
    *_group("separated", True, "c o n n a r d c o n n a r d\nw h o r e s"),
    *_group("look-alikes", True, "ｆｕｃｋ\n𝐟𝐮𝐜𝐤\nⓕⓤⓒⓚ\nƒuck\nƈunt\nɓitch\nѕhit\nаss\nʃ𝐟ʃὗƈｋ\nfu\u200bck"),
    *_group("look-alikes", True, "s\u0336h\u0336i\u0336t\u0336\nꜰᴜᴄᴋ\nмoron\nԁick\nρiss\nɗick\ncοck\nbітch"),
    *_group("masks", True, "f*ck\nsh*t\nf**k\na**hole\nb*tch\nc*nt\nm0th3rf*cker\nf#ck\nd*ck\nwh*re\nf%ck"),
    *_group("masks", True, "This is f*cking ridiculous\nb*st*rd\nc_nn_rd\nsal*pe"),
    *_group("markup", True, "sh&#105;t\na<br>ss\nf<b>u</b>ck\nf**u**ck\nf||u||ck\nf~~u~~ck\nf`u`ck\nf\\*ck"),
    *_group("markup", True, "sh&#x69;t\nc**o**nnard\nb||i||tch"),
    *_group("inflections", True, "fucker\nfucking idiot\nf@cking\na$$es\nbitches\nassholes\ncunts\nsluts\nwankers"),
    *_group("inflections", True, "pissed off\nmorons\nconnards\nsalopes\nfuckers\nbastards"),
    *_group("clean", False, "Scunthorpe\nclass\nassess\nassassin\npassage\nbass guitar\ncocktail\npeacock"),
    *_group("clean", False, "Hancock\ntherapist\nanalyse\nanalysis\nbitcoin\nDickens\nthe pen is mightier"),
    *_group("clean", False, "Assamese\nvehículo\nconférence\nsecond\nshiitake\nMatsushita\ndocument\ntitle"),
    *_group("clean", False, "glass\nharass\nembarrass\nMassachusetts\nPenistone\nSussex\narsenal\ncockpit"),
    *_group("clean", False, "cockroach\ncunning\nscum of the earth\nshell\nshirt\nfeliz año nuevo\nun año"),
    *_group("clean", False, "e.g. this\npeut-être\nweek-end\nI/O\n5 p.m.\nf.a.q\nsnake_case\nv1.2.3\nb*t"),
    *_group("clean", False, "passer\nconnaître\nconsole\nl'assurance\ncompute\nmerdeux? non: merveilleux"),
    *_group("clean", False, "pros and cons\npistachio\nspiss\nbasement\nwhoever\nslutty? no, sultry"),
    *_group("clean", False, "Piston\nwankel engine\ntwitter\nMoroni\nbastion\ndictionary\npenalty"),
]


def peer_charter() -> Charter:
    """The charter every case is screened with: the terms in one removal rule, English, French and Spanish."""
    rule = Rule(
        id="language",
        number=1,
        action=Action.REMOVE,
        title={"en": "Language"},
        description={"en": "No insults."},
        terms=TERMS,
        forms=FORMS,
    )
    return Charter(
        name="peers",
        version="peers",
        languages=LANGUAGES,
        default_language="en",
        retention_days=30,
        rules=(rule,),
        content_hash="0" * 64,
    )


def score(flags: list[bool], cases: list[Case] = CASES) -> tuple[int, int, int, int, dict[str, str]]:
    """Caught, expected-flagged, false positives, clean cases, and caught/total per kind of trick."""
    caught = sum(flag and case.flagged for flag, case in zip(flags, cases, strict=True))
    wanted = sum(case.flagged for case in cases)
    false = sum(flag and not case.flagged for flag, case in zip(flags, cases, strict=True))
    clean = len(cases) - wanted
    kinds: dict[str, list[int]] = {}
    for flag, case in zip(flags, cases, strict=True):
        if case.flagged:
            tally = kinds.setdefault(case.kind, [0, 0])
            tally[0] += flag
            tally[1] += 1
    return caught, wanted, false, clean, {kind: f"{hit}/{total}" for kind, (hit, total) in kinds.items()}
