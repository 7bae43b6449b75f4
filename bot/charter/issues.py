"""Problems found in a charter file, each pinned to a file, a line, a rule and a field."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.errors import VigieError


@dataclass(frozen=True, slots=True)
class CharterIssue:
    """One problem in a charter file, precise enough for a community manager to fix it."""

    file: str
    line: int | None
    rule: str | None  # the rule id, or "#3" when the third rule has no usable id
    field: str | None  # e.g. "action", "links.deny_domains", "charter.retention_days"
    message: str  # "expected ...; got ..."

    def __str__(self) -> str:
        """`file:line: rule 'spam', field 'action': expected ...; got ...` on one line."""
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        subject = []
        if self.rule is not None:
            subject.append(f"rule {self.rule}" if self.rule.startswith("#") else f"rule '{self.rule}'")
        if self.field is not None:
            subject.append(f"field '{self.field}'")
        if subject:
            return f"{where}: {', '.join(subject)}: {self.message}"
        return f"{where}: {self.message}"

    @property
    def sort_key(self) -> tuple[int, str, str]:
        """File-level problems first, then by line."""
        return (self.line or 0, self.rule or "", self.field or "")


def sorted_issues(issues: Iterable[CharterIssue]) -> list[CharterIssue]:
    """Issues ordered by line, the way an editor would walk them."""
    return sorted(issues, key=lambda issue: issue.sort_key)


class CharterInvalid(VigieError):
    """A charter that cannot be loaded; `issues` lists every problem found in one pass."""

    def __init__(self, issues: list[CharterIssue]) -> None:
        """Keep every issue; the message shows them one per line."""
        self.issues = sorted_issues(issues)
        count = len(self.issues)
        header = f"the charter has {count} problem{'s' if count != 1 else ''}"
        super().__init__("\n".join([header, *(str(issue) for issue in self.issues)]))
