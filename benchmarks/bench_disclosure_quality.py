"""How well the disclosure check reads creators' posts: per-signal precision and recall, and the issue 8 targets.

Run: `.venv/bin/python -m benchmarks.bench_disclosure_quality [--json]`. Everything is offline: short
links are never resolved here. The development corpus is in benchmarks/disclosure_corpus/ (sources in
its SOURCES.md); benign text is the generated chat of benchmarks/corpus.py plus Debian's fortune files
when installed.
"""

from __future__ import annotations

import argparse
import json
import random
import tomllib
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from benchmarks.corpus import make_line, make_vocabulary
from bot.charter.loader import load_charter
from bot.disclosure.checker import DisclosureChecker, DisclosureFinding, Severity
from bot.disclosure.scan import SIGNAL_KINDS

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "benchmarks" / "disclosure_corpus"
CHARTER = ROOT / "policies" / "charter.toml"
FORTUNES = Path("/usr/share/games/fortunes")
AUDIENCE = {"en": "us", "fr": "fr", "de": "de", "es": "es", "it": "it", "nl": "nl"}
BENIGN_LINES = 20_000
LATE = 160  # characters of description before a late disclosure (the jurisdictions' limits are 100-150)
KINDS = [kind for kind in SIGNAL_KINDS if kind != "brand"]

# Bodies of creators' posts around a link, per language: product talk, gear lists, video credits.
# Half of them carry a shopping word, half do not (a gear list or a credit line often has none).
BODIES = {
    "en": (
        "My new vlogging setup, I love it. Get yours here: {link}",
        "Camera I use for every video: {link}",
        "The lamp from today's video is on sale right now {link}",
        "Music in this video: {link}",
        "Shop my favourite skincare picks: {link}",
        "Links to everything I mentioned: {link}",
    ),
    "fr": (
        "Ma nouvelle lampe, je l'adore. Disponible ici : {link}",
        "Le micro que j'utilise pour mes vidéos : {link}",
        "La crème de la vidéo est en promo {link}",
        "Musique de la vidéo : {link}",
    ),
    "de": (
        "Mein neues Mikrofon, jetzt kaufen: {link}",
        "Die Kamera aus dem Video: {link}",
        "Die Lampe gibt es gerade im Angebot {link}",
        "Musik im Video: {link}",
    ),
    "es": (
        "Mi nueva lámpara, cómprala aquí: {link}",
        "El micro que uso en mis vídeos: {link}",
        "La crema del vídeo está en oferta {link}",
        "Música del vídeo: {link}",
    ),
    "it": (
        "La mia nuova lampada, acquistala qui: {link}",
        "Il microfono che uso nei video: {link}",
        "La crema del video è in offerta {link}",
        "Musica del video: {link}",
    ),
    "nl": (
        "Mijn nieuwe lamp, hier te koop met korting: {link}",
        "De camera die ik gebruik: {link}",
        "De crème uit de video is in de aanbieding {link}",
        "Muziek in de video: {link}",
    ),
}
FILLER = {
    "en": "In this video I walk you through my whole morning routine, from the first coffee to the desk setup, "
    "and answer the questions you left under the last one. ",
    "fr": "Dans cette vidéo je vous montre toute ma routine du matin, du premier café jusqu'au bureau, et je "
    "réponds à vos questions laissées sous la dernière. ",
    "de": "In diesem Video zeige ich euch meine ganze Morgenroutine, vom ersten Kaffee bis zum Schreibtisch, und "
    "beantworte eure Fragen aus dem letzten Video. ",
    "es": "En este vídeo os enseño toda mi rutina de la mañana, desde el primer café hasta el escritorio, y "
    "respondo a vuestras preguntas del último. ",
    "it": "In questo video vi mostro tutta la mia routine del mattino, dal primo caffè alla scrivania, e rispondo "
    "alle domande che avete lasciato sotto l'ultimo. ",
    "nl": "In deze video laat ik mijn hele ochtendroutine zien, van de eerste koffie tot mijn bureau, en "
    "beantwoord ik jullie vragen onder de vorige video. ",
}


@dataclass(frozen=True, slots=True)
class Case:
    """One post to check and what it should give."""

    group: str
    text: str
    jurisdiction: str
    sponsored: bool
    signals: frozenset[str] = frozenset()
    severity: str | None = None


@dataclass
class Tally:
    """Precision and recall counts for one signal kind."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        """Found and expected over found."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        """Found and expected over expected."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


@dataclass
class Report:
    """Every figure the benchmark prints."""

    targets: dict[str, tuple[int, int]] = field(default_factory=dict)  # name -> (hits, total)
    signals: dict[str, Tally] = field(default_factory=dict)
    hand_failures: list[str] = field(default_factory=list)
    benign: dict[str, tuple[int, int]] = field(default_factory=dict)  # source -> (false sponsored, lines)
    benign_examples: list[str] = field(default_factory=list)


def _load(name: str) -> dict[str, list[dict[str, object]]]:
    data: dict[str, list[dict[str, object]]] = tomllib.loads((CORPUS / name).read_text(encoding="utf-8"))
    return data


def hand_cases() -> list[Case]:
    """The hand-assembled posts of posts.toml."""
    return [
        Case(
            f"hand:{post['id']}",
            str(post["text"]),
            str(post["jurisdiction"]),
            bool(post["sponsored"]),
            frozenset(map(str, post.get("signals", ()))),  # type: ignore[call-overload]
            str(post["severity"]) if "severity" in post else None,
        )
        for post in _load("posts.toml")["post"]
    ]


def link_posts() -> Iterator[Case]:
    """Every link of links.toml in every body of its language turn by turn."""
    links = _load("links.toml")["link"]
    for index, link in enumerate(links):
        for lang_index, (lang, bodies) in enumerate(BODIES.items()):
            body = bodies[(index + lang_index) % len(bodies)]
            text = body.format(link=link["url"])
            kind = str(link["kind"])
            expected = {"affiliate": {"affiliate"}, "short": {"short_link"}, "plain": set()}[kind]
            yield Case(f"link:{kind}", text, AUDIENCE[lang], kind != "plain", frozenset(expected))


def disclosure_posts() -> Iterator[Case]:
    """Each published disclosure placed first, then after a long description, in front of an affiliate link."""
    link = "https://www.amazon.com/dp/B07XJ8C8F5?tag=creator-20"
    for entry in _load("disclosures.toml")["disclosure"]:
        lang, wording = str(entry["lang"]), str(entry["text"])
        body = BODIES[lang][1].format(link=link)
        yield Case("disclosure:first", f"{wording}\n{body}", AUDIENCE[lang], True, frozenset({"affiliate"}))
        late = f"{body}\n{FILLER[lang]}\n{wording}"
        yield Case("disclosure:late", late, AUDIENCE[lang], True, frozenset({"affiliate"}), "misplaced")


def benign_lines() -> Iterator[tuple[str, str]]:
    """(source, line): generated chat, then real text from Debian's fortune files when installed."""
    rng = random.Random(20260301)
    vocabulary = make_vocabulary(rng)
    for _ in range(BENIGN_LINES):
        yield "generated chat (benchmarks/corpus.py)", make_line(rng, vocabulary)
    for folder, label in (
        (FORTUNES, "fortunes (en)"),
        *((FORTUNES / lang, f"fortunes-{lang}") for lang in ["de", "es", "it"]),
    ):
        for path in sorted(folder.glob("*")) if folder.is_dir() else ():
            if path.is_file() and path.suffix not in {".dat", ".u8"} and not path.is_symlink():
                for entry in path.read_text(encoding="utf-8", errors="replace").split("\n%\n"):
                    if entry.strip():
                        yield label, entry.strip()


def measure(quick: bool = False) -> Report:
    """Run every set through the shipped charter's checker."""
    charter = load_charter(CHARTER)
    assert charter.disclosure is not None
    checker = DisclosureChecker(charter.disclosure)
    report = Report(signals={kind: Tally() for kind in KINDS})
    cases = [*hand_cases(), *link_posts(), *disclosure_posts()]
    counts: Counter[str] = Counter()
    for case in cases:
        finding = checker.inspect(case.text, jurisdiction=case.jurisdiction)
        _tally(report, case, finding)
        _targets(counts, case, finding)
        if case.group.startswith("hand:") and not _as_expected(case, finding):
            report.hand_failures.append(f"{case.group}: {finding.severity.value} {sorted(_kinds(finding))}")
    report.targets = {
        "readable affiliate link → sponsored": (counts["readable_hit"], counts["readable"]),
        "affiliate posts overall (short links offline) → sponsored": (counts["overall_hit"], counts["overall"]),
        "disclosure placed first → disclosed": (counts["first_hit"], counts["first"]),
        "disclosure placed late → misplaced": (counts["late_hit"], counts["late"]),
        "hand cases as expected": (counts["hand_ok"], counts["hand"]),
    }
    benign: dict[str, list[int]] = {}
    for source, line in benign_lines():
        if quick and sum(total for _, total in benign.values()) >= 2000:
            break
        tally = benign.setdefault(source, [0, 0])
        tally[1] += 1
        finding = checker.inspect(line, jurisdiction="us")
        for kind in _kinds(finding) & set(KINDS):
            report.signals[kind].fp += 1
        if finding.sponsored:
            tally[0] += 1
            if len(report.benign_examples) < 12:
                report.benign_examples.append(f"{source}: {line[:100]!r} → {sorted(_kinds(finding))}")
    report.benign = {source: (hits, total) for source, (hits, total) in benign.items()}
    return report


def _kinds(finding: DisclosureFinding) -> set[str]:
    return {signal.kind for signal in finding.signals}


def _tally(report: Report, case: Case, finding: DisclosureFinding) -> None:
    found = _kinds(finding) & set(KINDS)
    for kind in KINDS:
        if kind in case.signals and kind in found:
            report.signals[kind].tp += 1
        elif kind in case.signals:
            report.signals[kind].fn += 1
        elif kind in found and not case.sponsored:
            report.signals[kind].fp += 1  # a kind found in a post that is not sponsored at all


def _targets(counts: Counter[str], case: Case, finding: DisclosureFinding) -> None:
    if case.group == "link:affiliate":
        counts["readable"] += 1
        counts["readable_hit"] += finding.sponsored
    if case.group in {"link:affiliate", "link:short"}:
        counts["overall"] += 1
        counts["overall_hit"] += finding.sponsored
    if case.group == "disclosure:first":
        counts["first"] += 1
        counts["first_hit"] += finding.disclosed
    if case.group == "disclosure:late":
        counts["late"] += 1
        counts["late_hit"] += finding.severity is Severity.MISPLACED
    if case.group.startswith("hand:"):
        counts["hand"] += 1
        counts["hand_ok"] += _as_expected(case, finding)


def _as_expected(case: Case, finding: DisclosureFinding) -> bool:
    if finding.sponsored is not case.sponsored:
        return False
    if not case.sponsored:
        return True
    return case.signals <= _kinds(finding) and (case.severity is None or finding.severity.value == case.severity)


def _pct(hits: int, total: int) -> str:
    if not total:
        return "n/a"
    share = 100 * hits / total
    return f"{share:.3f} % ({hits}/{total})" if 0 < share < 1 else f"{share:.1f} % ({hits}/{total})"


def _ratio(value: float | None) -> str:
    return f"{value:.3f}" if value is not None else "n/a"


def markdown(report: Report) -> str:
    """The report as Markdown tables."""
    out = ["| Target (issue 8) | Result |", "|---|---:|"]
    out += [f"| {name} | {_pct(*counts)} |" for name, counts in report.targets.items()]
    total_hits = sum(h for h, _ in report.benign.values())
    total = sum(t for _, t in report.benign.values())
    out.append(f"| benign text → false `sponsored` | {_pct(total_hits, total)} |")
    out += ["", "| Signal | Precision | Recall | TP | FP | FN |", "|---|---:|---:|---:|---:|---:|"]
    for kind, t in report.signals.items():
        out.append(f"| `{kind}` | {_ratio(t.precision)} | {_ratio(t.recall)} | {t.tp} | {t.fp} | {t.fn} |")
    out += ["", "| Benign source | Lines | False `sponsored` |", "|---|---:|---:|"]
    out += [f"| {source} | {total:,} | {_pct(hits, total)} |" for source, (hits, total) in report.benign.items()]
    if report.hand_failures:
        out += ["", "Hand cases not as expected:", *(f"- {line}" for line in report.hand_failures)]
    if report.benign_examples:
        out += ["", "Benign lines read as sponsored:", *(f"- {line}" for line in report.benign_examples)]
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the report (Markdown, or JSON with --json)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    parser.add_argument("--quick", action="store_true", help="2,000 benign lines only")
    args = parser.parse_args(argv)
    report = measure(quick=args.quick)
    if args.json:
        data = asdict(report)
        data["signals"] = {
            kind: {"precision": t.precision, "recall": t.recall, **asdict(t)} for kind, t in report.signals.items()
        }
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        print(markdown(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
