"""Maps TOML key paths such as ("rules", 2, "action") back to line numbers in the source text."""

from __future__ import annotations

from collections.abc import Sequence

PathPart = str | int
Path = tuple[PathPart, ...]


class SourceMap:
    """Line numbers of tables and keys in a TOML document.

    tomllib returns plain dicts without positions, so semantic errors would have no line.
    This scanner understands just enough TOML (headers, dotted keys, strings, arrays and inline
    tables spanning lines) to record where each key starts and ends; `[[x]]` tables are indexed
    in order, matching the list indexes tomllib produces.
    """

    def __init__(self, text: str) -> None:
        """Scan `text` once."""
        self._lines = text.splitlines()
        self._starts: dict[Path, int] = {}
        self._ends: dict[Path, int] = {}
        self._arrays: dict[Path, int] = {}
        self._scan()

    def line_of(self, path: Sequence[PathPart]) -> int | None:
        """The line (1-based) of `path`, else of its closest recorded parent, else None."""
        key = self._closest(path)
        return None if key is None else self._starts[key]

    def line_of_text(self, path: Sequence[PathPart], needle: str) -> int | None:
        """The first line of the value at `path` that contains `needle` (an array item, say)."""
        key = self._closest(path)
        if key is None:
            return None
        start = self._starts[key]
        for number in range(start, self._ends.get(key, start) + 1):
            if needle and needle in self._lines[number - 1]:
                return number
        return start

    def _closest(self, path: Sequence[PathPart]) -> Path | None:
        key = tuple(path)
        while key:
            if key in self._starts:
                return key
            key = key[:-1]
        return None

    def _scan(self) -> None:
        table: Path = ()
        pending: Path | None = None  # a key whose value continues on the next lines
        state = _Lexer()
        for number, line in enumerate(self._lines, start=1):
            if pending is not None:
                state.feed(line)
                if state.done:
                    self._ends[pending] = number
                    pending = None
                continue
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            if stripped.startswith("["):
                table = self._header(stripped, number) or table
                continue
            key_text, sep, rest = _split_key(line)
            if not sep:
                continue
            path = table + tuple(_key_parts(key_text))
            for size in range(len(table) + 1, len(path) + 1):
                self._starts.setdefault(path[:size], number)
            state = _Lexer()
            state.feed(rest)
            if state.done:
                self._ends.setdefault(path, number)
            else:
                pending = path

    def _header(self, stripped: str, number: int) -> Path | None:
        array = stripped.startswith("[[")
        inner = stripped[2:] if array else stripped[1:]
        close = "]]" if array else "]"
        end = _find_outside_quotes(inner, close)
        if end < 0:
            return None
        parts = _key_parts(inner[:end])
        if not parts:
            return None
        if not array:
            path = self._resolve(parts)
            self._starts.setdefault(path, number)
            return path
        parent = self._resolve(parts[:-1])
        array_path = (*parent, parts[-1])
        index = self._arrays.get(array_path, 0)
        self._arrays[array_path] = index + 1
        self._starts.setdefault(array_path, number)
        path = (*array_path, index)
        self._starts[path] = number
        return path

    def _resolve(self, parts: Sequence[str]) -> Path:
        """Header parts to a path, descending into the latest element of each `[[array]]`."""
        path: Path = ()
        for part in parts:
            path = (*path, part)
            if path in self._arrays:
                path = (*path, self._arrays[path] - 1)
        return path


class _Lexer:
    """Tracks strings and bracket depth across lines to find where a value ends."""

    def __init__(self) -> None:
        self.depth = 0
        self.multiline: str | None = None  # '"""' or "'''" while inside one
        self.started = False

    @property
    def done(self) -> bool:
        return self.started and self.depth == 0 and self.multiline is None

    def feed(self, text: str) -> None:
        i = 0
        size = len(text)
        while i < size:
            if self.multiline is not None:
                end = text.find(self.multiline, i)
                if end < 0:
                    return
                i = end + 3
                self.multiline = None
                continue
            char = text[i]
            if char in " \t":
                i += 1
                continue
            self.started = True
            if char == "#":
                return
            if text.startswith('"""', i) or text.startswith("'''", i):
                self.multiline = text[i : i + 3]
                i += 3
                continue
            if char in "\"'":
                i = _skip_string(text, i)
                continue
            if char in "[{":
                self.depth += 1
            elif char in "]}":
                self.depth = max(0, self.depth - 1)
            i += 1


def _skip_string(text: str, start: int) -> int:
    """Index just past the single-line string that opens at `start`."""
    quote = text[start]
    i = start + 1
    while i < len(text):
        if quote == '"' and text[i] == "\\":
            i += 2
            continue
        if text[i] == quote:
            return i + 1
        i += 1
    return i


def _find_outside_quotes(text: str, target: str) -> int:
    i = 0
    while i < len(text):
        if text[i] in "\"'":
            i = _skip_string(text, i)
            continue
        if text.startswith(target, i):
            return i
        i += 1
    return -1


def _split_key(line: str) -> tuple[str, str, str]:
    """`key = value` into the key text, "=" and the value text (no "=" means no key)."""
    at = _find_outside_quotes(line, "=")
    if at < 0:
        return line, "", ""
    return line[:at], "=", line[at + 1 :]


def _key_parts(key: str) -> list[str]:
    """`a."b.c".d` into ["a", "b.c", "d"]."""
    parts: list[str] = []
    i = 0
    current = ""
    while i < len(key):
        char = key[i]
        if char in "\"'":
            end = _skip_string(key, i)
            current += key[i + 1 : end - 1]
            i = end
            continue
        if char == ".":
            parts.append(current.strip())
            current = ""
        else:
            current += char
        i += 1
    parts.append(current.strip())
    return [part for part in parts if part]
