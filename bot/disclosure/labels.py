"""Disclosure labels in a post, whether each sits where the audience's rule wants it, and the fixed text to suggest."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.charter.disclosure_model import Jurisdiction, Placement
from bot.disclosure.fold import Folded, fold_key

ACCEPTED, WEAK, INSUFFICIENT = "accepted", "weak", "insufficient"
_KIND_RANK = {ACCEPTED: 0, WEAK: 1, INSUFFICIENT: 2}
_TAG = re.compile(r"(?<![\w#@])[#@][\w-]+")
_WORD_GAP = r"[\s_-]*"
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)|\n")
_CLAUSE_START = re.compile(r"[:;,|—–](?=\s)|\s-\s|\s{2,}")
_BRAND_CACHE_SIZE = 16
_SHORT_LABEL = 2
_LABEL_PUNCTUATION = set(":|–—-)]")
_NEGATION_WINDOW = 3
# Words that, among the three before a plain-word label, make it a denial ("pas de publicité",
# "Keine Werbung", "Not sponsored"). A fixed table rather than a charter key: it is grammar, not
# policy, and a community manager has nothing to tune in it. Folded (lowercase, no accents).
NEGATIONS: dict[str, frozenset[str]] = {
    "en": frozenset({"not", "no", "never", "without", "isn", "isnt", "aren", "arent", "wasn", "nothing"}),
    "fr": frozenset({"pas", "non", "sans", "jamais", "aucun", "aucune", "ni", "n"}),
    "de": frozenset({"kein", "keine", "keinen", "keiner", "keinem", "nicht", "ohne", "nie"}),
    "es": frozenset({"no", "sin", "nunca", "ningun", "ninguna", "ni"}),
    "it": frozenset({"non", "senza", "mai", "nessun", "nessuna", "ne"}),
    "nl": frozenset({"geen", "niet", "zonder", "nooit"}),
}
_NEGATION_WORDS = frozenset().union(*NEGATIONS.values())
# Words that tie a hashtag into the sentence after it ("#gifted by ...", "#sponsorisé par ...").
_LINKING_WORDS = frozenset(
    {"by", "from", "with", "for", "par", "avec", "pour", "de", "du", "des", "von", "mit", "durch", "fur"}
    | {"da", "di", "con", "per", "por", "door", "met", "van", "voor"}
)


@dataclass(frozen=True, slots=True)
class LabelHit:
    """A label found in the post (original span), how the audience rates it, and whether it is well placed."""

    start: int
    end: int
    text: str  # as written in the post
    label: str  # the charter's label it matched
    kind: str  # accepted, weak or insufficient
    hashtag: bool
    placement_ok: bool


class LabelMatcher:
    """The labels of one jurisdiction compiled into one regular expression over folded text."""

    def __init__(self, jurisdiction: Jurisdiction) -> None:
        """Compile every label of `jurisdiction`; labels naming `{brand}` are compiled per post."""
        self.jurisdiction = jurisdiction
        self._plain: list[tuple[str, str]] = []
        self._branded: list[tuple[str, str]] = []
        for kind, labels in ((ACCEPTED, jurisdiction.accepted), (WEAK, jurisdiction.weak)):
            for label in labels:
                (self._branded if "{brand}" in label else self._plain).append((label, kind))
        for label in jurisdiction.insufficient:
            (self._branded if "{brand}" in label else self._plain).append((label, INSUFFICIENT))
        self._regex, self._names = _compile(self._plain, ())
        self._brand_cache: dict[tuple[str, ...], tuple[re.Pattern[str] | None, dict[str, tuple[str, str]]]] = {}

    def find(
        self,
        text: str,
        folded: Folded,
        *,
        brands: Sequence[str] = (),
        masked: Sequence[tuple[int, int]] = (),
        extra: Sequence[tuple[int, int, str, str]] = (),
    ) -> list[LabelHit]:
        """Every label in `text` outside the `masked` spans (links), with its placement judged.

        `extra` adds labels found elsewhere (commission statements) as (start, end, label, kind).
        An insufficient label written as a hashtag ("#thanks", "#partner") counts only as a
        hashtag: "Thanks so much for your support" is no would-be label.
        """
        found: list[tuple[int, int, str, str]] = list(extra)
        patterns = [(self._regex, self._names)]
        if self._branded and brands:
            patterns.append(self._branded_regex(tuple(sorted(set(brands)))))
        for regex, names in patterns:
            if regex is None:
                continue
            for match in regex.finditer(folded.text):
                start, end = folded.span(match.start(), match.end())
                if any(start < m_end and end > m_start for m_start, m_end in masked):
                    continue
                label, kind = names[str(match.lastgroup)]
                if kind == INSUFFICIENT and label.startswith("#") and not text.startswith("#", start):
                    continue
                if _stands_as_label(text, start, end) and not _negated(text, start):
                    found.append((start, end, label, kind))
        if not found:
            return []
        layout = _Layout(text)
        label_starts = {start for start, _, _, _ in found}
        return [
            LabelHit(
                start,
                end,
                text[start:end],
                label,
                kind,
                hashtag=text.startswith("#", start),
                placement_ok=layout.well_placed(start, self.jurisdiction.placement, label_starts),
            )
            for start, end, label, kind in sorted(found)
        ]

    def _branded_regex(self, brands: tuple[str, ...]) -> tuple[re.Pattern[str] | None, dict[str, tuple[str, str]]]:
        cached = self._brand_cache.get(brands)
        if cached is None:
            if len(self._brand_cache) >= _BRAND_CACHE_SIZE:
                self._brand_cache.clear()
            cached = self._brand_cache[brands] = _compile(self._branded, brands)
        return cached


def best(hits: Sequence[LabelHit]) -> LabelHit | None:
    """The label that speaks for the post: accepted before weak before insufficient, well placed first."""
    if not hits:
        return None
    return min(hits, key=lambda h: (_KIND_RANK[h.kind], not h.placement_ok, h.start))


def suggest(text: str, hits: Sequence[LabelHit], prefix: str) -> str:
    """`text` with the proper label up front, keeping the post's own words.

    A label that did not do the job is taken out only where it stands alone (a tag in a trailing
    group, "| Werbung" at the end); a hashtag inside a sentence ("#gifted by Nordlicht Audio")
    only loses its '#', and a plain word inside a sentence stays as written.
    """
    body = text
    for hit in sorted(hits, key=lambda h: h.start, reverse=True):
        if hit.kind == ACCEPTED and hit.placement_ok:
            continue
        if _stands_alone(text, hit.start, hit.end):
            separator = re.match(r"[ \t]*[:|–—-]+", text[hit.end :])  # "Werbung: ..." loses its colon too
            body = body[: hit.start] + body[hit.end + (separator.end() if separator else 0) :]
        elif hit.hashtag:
            body = body[: hit.start] + body[hit.start + 1 :]
    lines = [re.sub(r"[ \t]{2,}", " ", line).rstrip() for line in body.strip().splitlines()]
    lines = [re.sub(r"[ \t]+[|–—-]+$", "", line) for line in lines]  # a separator left dangling at a line's end
    while lines and not lines[-1]:
        lines.pop()
    return prefix.rstrip() + " " + "\n".join(lines).lstrip()


def move_to_front(text: str, hit: LabelHit, *, sentence: bool = False) -> str:
    """`text` with a proper but misplaced label moved to the start, as the author wrote it.

    A label moves by itself (with a separator after it, "Werbung:"); with `sentence`, a statement
    ("Some links are affiliate links.") moves with its whole sentence.
    """
    if sentence:
        starts = [m.end() for m in _SENTENCE_END.finditer(text, 0, hit.start)]
        start = starts[-1] if starts else 0
        if start == 0:  # one long sentence: take the clause the statement opens ("Disclosure: I earn...")
            clauses = [m.end() for m in _CLAUSE_START.finditer(text, 0, hit.start)]
            start = clauses[-1] if clauses else hit.start
        after = _SENTENCE_END.search(text, hit.end)
        end = after.end() if after else len(text)
        piece = text[start:end].strip()
        if piece[-1:].isalnum():
            piece += "."
    else:
        start = hit.start
        separator = re.match(r"[ \t]*[:|–—-]+", text[hit.end :])
        end = hit.end + (separator.end() if separator else 0)
        piece = text[hit.start : hit.end] + ("" if hit.hashtag else ":")
    rest = (text[:start].rstrip(" \t") + " " + text[end:].lstrip(" \t")).strip()
    lines = [re.sub(r"[ \t]{2,}", " ", line).rstrip() for line in rest.splitlines()]
    return piece + " " + "\n".join(lines).strip()


def _compile(
    labels: Sequence[tuple[str, str]], brands: Sequence[str]
) -> tuple[re.Pattern[str] | None, dict[str, tuple[str, str]]]:
    """One alternation (longest label first) whose group name tells which label matched."""
    alternatives: list[tuple[int, str, str]] = []
    names: dict[str, tuple[str, str]] = {}
    brand_alt = "|".join(sorted((_words(fold_key(b).lstrip("@")) for b in brands), key=len, reverse=True))
    for index, (label, kind) in enumerate(labels):
        key = fold_key(label).strip().lstrip("#")
        if "{brand}" in key:
            if not brand_alt:
                continue
            body = (_WORD_GAP + "(?:" + brand_alt + ")" + _WORD_GAP).join(_words(p) for p in key.split("{brand}"))
        else:
            body = _words(key)
        group = f"l{index}"
        names[group] = (label, kind)
        alternatives.append((len(key), group, body))
    if not alternatives:
        return None, names
    alternatives.sort(key=lambda a: -a[0])
    union = "|".join(f"(?P<{group}>{body})" for _, group, body in alternatives)
    return re.compile(r"(?<![\w#@])#?(?:" + union + r")(?!\w)"), names


def _stands_as_label(text: str, start: int, end: int) -> bool:
    """A bare two-letter word counts as a label only where a label stands, not inside a sentence.

    Italian "ad esempio" or French "ad vitam" are not disclosures; "Ad | ..." at the start of
    a line, "#ad" anywhere, or "ad:" are.
    """
    if text.startswith("#", start) or sum(c.isalnum() for c in text[start:end]) > _SHORT_LABEL:
        return True
    after = text[end:].lstrip(" \t")
    if after[:1] in _LABEL_PUNCTUATION and after[:1]:
        return True
    at_line_start = not text[:start].strip(" \t") or text[:start].rstrip(" \t").endswith("\n")
    # "Ad esempio", "ad hoc": a sentence that starts with the word, not a label.
    return at_line_start and not after[:1].islower()


def _negated(text: str, start: int) -> bool:
    """Whether a plain-word label is denied by one of the three words before it ("Keine Werbung")."""
    if text.startswith("#", start):
        return False
    line_start = text.rfind("\n", 0, start) + 1
    before = re.findall(r"\w+", fold_key(text[max(line_start, start - 60) : start]))
    return any(word in _NEGATION_WORDS for word in before[-_NEGATION_WINDOW:])


def _stands_alone(text: str, start: int, end: int) -> bool:
    """Whether a label is not part of a sentence: no word right before it, and no word (or a tag) after it.

    A hashtag at the start of a line counts as standing alone unless a linking word follows
    ("#spon new headphones" versus "#gifted by Nordlicht Audio").
    """
    line_start = text.rfind("\n", 0, start) + 1
    before = text[line_start:start].rstrip(" \t")
    after_line = text[end:].split("\n", 1)[0].lstrip(" \t")
    next_word = re.match(r"\w+", fold_key(after_line[:40]))
    if next_word is None:
        return True  # end of line, punctuation, another tag or mention
    if text.startswith("#", start) and not before:
        return next_word.group(0) not in _LINKING_WORDS
    return False


def _words(text: str) -> str:
    """A label's words, allowing them to be run together (`#CollaborationCommerciale`) or hyphenated."""
    return _WORD_GAP.join(re.escape(word) for word in text.split())


class _Layout:
    """Where the post's lines, hashtags and trailing tag group are, for placement rules."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lead = len(text) - len(text.lstrip())
        newline = text.find("\n", self.lead)
        self.first_line_end = len(text) if newline < 0 else newline
        self.tags = [(m.start(), m.group(0)) for m in _TAG.finditer(text)]
        self.block_start, self.block_tags = self._trailing_block()

    def _trailing_block(self) -> tuple[int, int]:
        """Start of the run of hashtags, mentions, links and emoji that ends the post, and how many tags it holds."""
        start = len(self.text)
        tags = 0
        for token in reversed(list(re.finditer(r"\S+", self.text))):
            word = token.group(0)
            if word[0] in "#@":
                tags += 1
            elif word.startswith(("http://", "https://", "www.")) or not any(c.isalnum() for c in word):
                pass
            else:
                break
            start = token.start()
        return start, tags

    def well_placed(self, start: int, rule: Placement, label_starts: set[int]) -> bool:
        """Whether a label starting at `start` meets `rule`."""
        up_front = True
        if rule.first_line and start > self.first_line_end:
            up_front = False
        if rule.first_chars is not None and start - self.lead >= rule.first_chars:
            up_front = False
        if rule.before_other_tags and any(pos < start and pos not in label_starts for pos, _ in self.tags):
            up_front = False
        if rule.first_hashtags and self.text.startswith("#", start):
            # A hashtag label must be among the first N hashtags, however short the post.
            hashtags = [pos for pos, tag in self.tags if tag.startswith("#")]
            up_front = start in hashtags[: rule.first_hashtags]
        buried = (
            rule.not_buried
            and start >= self.block_start
            and self.block_start > self.lead
            and self.block_tags >= rule.bury_group
        )
        return up_front and not buried
