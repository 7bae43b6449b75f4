"""Deterministic synthetic chat corpus for the screening benchmark: ordinary lines, some with planted terms."""

from __future__ import annotations

import random
from dataclasses import dataclass

from bot.screening.normalize import fold

CONSONANTS = "bcdfghjklmnprstvz"
VOWELS = "aeiou"


def _words(text: str) -> list[str]:
    return text.split()


FRENCH = _words(
    "bonjour salut merci oui non peut-être demain aujourd'hui hier semaine prochaine réunion conférence "
    "contenu calcul réputation computer classe passage assistant député culture console conseil connexion "
    "été très déjà où là à ça être avoir faire aller venir voir savoir pouvoir vouloir falloir dire prendre "
    "le la les un une des du de et ou mais donc car ni que qui quoi dont nous vous ils elles on je tu il "
    "projet équipe message serveur canal règle charte modération question réponse problème solution idée "
    "café thé pizza musique film série livre jeu partie match score soirée week-end vacances travail école "
    "génial super cool sympa bizarre drôle difficile facile rapide lent nouveau vieux grand petit beau "
    "français anglais communauté événement inscription lien image vidéo photo capture écran ordinateur "
    "téléphone clavier souris mise à jour version bêta test bug correctif fonctionnalité déploiement"
)

ENGLISH = _words(
    "hello thanks yes no maybe tomorrow today yesterday week next meeting class passage assistant bass "
    "glass grass assess embassy classic skill skills shut door idiom compute content scunthorpe "
    "the a an and or but so because that which who what where when how we you they it is are was were "
    "project team message server channel rule charter moderation question answer problem solution idea "
    "coffee tea pizza music movie show book game match score party weekend holiday work school "
    "great cool nice weird funny hard easy fast slow new old big small beautiful community event "
    "signup link image video photo screenshot computer phone keyboard mouse update version beta test "
    "bug fix feature deploy release review merge branch commit build pipeline docs guide tutorial"
)

NOISE = (
    "2024",
    "10 €",
    "3,50 €",
    "$20",
    "10h30",
    "5pm",
    "#42",
    "!",
    "?",
    "...",
    ":)",
    "🙂",
    "🎉",
    "<@123456789012345678>",
    "https://example.org/docs",
    "v1.2.3",
    "x2",
)

LEET = {"a": "4", "e": "3", "o": "0", "i": "1", "l": "1", "s": "5", "t": "7"}
CYRILLIC = {"a": "а", "c": "с", "e": "е", "o": "о", "p": "р", "x": "х", "y": "у"}
OBFUSCATIONS = ("leet", "separated", "repeated", "lookalike")


@dataclass(frozen=True, slots=True)
class Line:
    """One chat line; `planted` is the charter term hidden in it (if any) and `how` its obfuscation."""

    text: str
    planted: str | None = None
    how: str = ""


def pseudo_word(rng: random.Random, syllables: int) -> str:
    """Consonant-vowel syllables: pronounceable, never a real word by construction of the term set."""
    return "".join(rng.choice(CONSONANTS) + rng.choice(VOWELS) for _ in range(syllables))


def make_vocabulary(rng: random.Random, size: int = 3_000) -> list[str]:
    """Ordinary words: pseudo-words of 1-4 syllables plus real French and English words."""
    words = {pseudo_word(rng, rng.randint(1, 4)) for _ in range(size)}
    return sorted(words) + FRENCH + ENGLISH


def make_terms(rng: random.Random, count: int, vocabulary: list[str]) -> list[str]:
    """`count` distinct 6-10 letter pseudo-words that no ordinary word folds to."""
    taken = {fold(word) for word in vocabulary}
    terms: list[str] = []
    seen: set[str] = set()
    while len(terms) < count:
        term = pseudo_word(rng, rng.randint(3, 5))
        if term not in seen and fold(term) not in taken:
            seen.add(term)
            terms.append(term)
    return terms


def obfuscate(rng: random.Random, term: str, how: str) -> str:
    """Hide `term` the way evaders do."""
    if how == "leet":
        positions = [i for i, char in enumerate(term) if char in LEET]
        chosen = set(rng.sample(positions, k=max(1, len(positions) // 2))) if positions else set()
        return "".join(LEET[char] if i in chosen else char for i, char in enumerate(term))
    if how == "separated":
        return rng.choice([".", " ", "-", "_", " . "]).join(term)
    if how == "repeated":
        index = rng.randrange(len(term))
        return term[:index] + term[index] * rng.randint(3, 6) + term[index + 1 :]
    if how == "lookalike":
        positions = [i for i, char in enumerate(term) if char in CYRILLIC]
        if not positions:
            return "".join(chr(ord(char) + 0xFEE0) for char in term)  # fullwidth
        chosen = set(rng.sample(positions, k=max(1, len(positions) // 2)))
        return "".join(CYRILLIC[char] if i in chosen else char for i, char in enumerate(term))
    raise ValueError(how)


def make_line(rng: random.Random, vocabulary: list[str]) -> str:
    """An ordinary line of 6-16 words, some capitalised, with the odd number, link, mention or emoji."""
    words = [rng.choice(vocabulary) for _ in range(rng.randint(6, 16))]
    if rng.random() < 0.3:
        words.insert(rng.randrange(len(words) + 1), rng.choice(NOISE))
    if rng.random() < 0.3:
        words[0] = words[0].capitalize()
    return " ".join(words)


def make_corpus(
    seed: int, size: int, terms: list[str], vocabulary: list[str], violation_rate: float = 0.05
) -> list[Line]:
    """`size` lines; `violation_rate` of them carry one term, half of those obfuscated (four ways in turn)."""
    rng = random.Random(seed)
    lines: list[Line] = []
    for index in range(size):
        text = make_line(rng, vocabulary)
        if rng.random() >= violation_rate:
            lines.append(Line(text))
            continue
        term = rng.choice(terms)
        how = OBFUSCATIONS[index % len(OBFUSCATIONS)] if rng.random() < 0.5 else "plain"
        shown = term if how == "plain" else obfuscate(rng, term, how)
        words = text.split(" ")
        words.insert(rng.randrange(len(words) + 1), shown)
        lines.append(Line(" ".join(words), term, how))
    return lines


def make_long_lines(seed: int, count: int, length: int, vocabulary: list[str]) -> list[str]:
    """`count` lines of exactly `length` characters (ordinary text, cut at the end)."""
    rng = random.Random(seed)
    lines = []
    for _ in range(count):
        parts: list[str] = []
        total = 0
        while total < length:
            parts.append(make_line(rng, vocabulary))
            total += len(parts[-1]) + 1
        lines.append(" ".join(parts)[:length])
    return lines
