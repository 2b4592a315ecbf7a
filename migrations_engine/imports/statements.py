"""A SQL script cut into statements, each with the line it starts on.

sqlglot parses one statement well but cannot cut a dump into statements by itself: PostgreSQL's
dollar-quoted bodies and ``COPY ... FROM stdin`` data blocks, psql's meta-commands (``\\connect``,
``\\restrict``), the mysql client's ``DELIMITER`` blocks and ``/*!40101 ... */`` conditional
comments, and SQLite's ``CREATE TRIGGER ... BEGIN ...; END`` are handled here. Data blocks and
meta-commands come out as statements of their own kind, so that the reader lists them as skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: ``kind`` of a statement: ``sql`` (to read), ``data`` (a COPY block's rows), ``meta`` (psql).
SQL, DATA, META = "sql", "data", "meta"


@dataclass(frozen=True)
class Statement:
    line: int
    text: str
    kind: str = SQL


_DOLLAR = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)?\$")
_COPY_FROM_STDIN = re.compile(r"^\s*COPY\b.*\bFROM\s+stdin\b", re.IGNORECASE | re.DOTALL)
_TRIGGER = re.compile(r"^\s*CREATE\s+(?:TEMP(?:ORARY)?\s+)?TRIGGER\b", re.IGNORECASE)
_ENDS_WITH_END = re.compile(r"\bEND\s*$", re.IGNORECASE)
_CONDITIONAL = re.compile(r"/\*!(?:\d{5,6})?")


def split_statements(text: str, dialect: str) -> list[Statement]:
    """The statements of ``text`` in order, without their terminators. ``dialect`` is
    ``postgresql``, ``mysql`` or ``sqlite`` and decides which quotes and blocks exist."""
    return _Splitter(text, dialect).run()


class _Splitter:
    def __init__(self, text: str, dialect: str) -> None:
        self.text = text.replace("\r\n", "\n")
        self.dialect = dialect
        self.out: list[Statement] = []
        self.pos = 0
        self.line = 1
        self.delimiter = ";"

    def run(self) -> list[Statement]:
        text = self.text
        while self.pos < len(text):
            self._skip_blank()
            if self.pos >= len(text):
                break
            at_line_start = self.pos == 0 or text[self.pos - 1] == "\n"
            if at_line_start and self.dialect == "postgresql" and text[self.pos] == "\\":
                self._meta_command()
                continue
            if at_line_start and self.dialect == "mysql" and text[self.pos : self.pos + 10].upper() == "DELIMITER ":
                end = self._line_end(self.pos)
                self.delimiter = text[self.pos + 10 : end].strip() or ";"
                self._advance_to(end)
                continue
            self._statement()
        return self.out

    # ---------------------------------------------------------------- pieces

    def _line_end(self, position: int) -> int:
        end = self.text.find("\n", position)
        return len(self.text) if end < 0 else end

    def _advance_to(self, position: int) -> None:
        self.line += self.text.count("\n", self.pos, position)
        self.pos = position

    def _skip_blank(self) -> None:
        """Whitespace, and comments standing between statements."""
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char in " \t\n\r\f;" and not (char == ";" and self.delimiter != ";"):
                self._advance_to(self.pos + 1)
            elif text.startswith("--", self.pos) or (char == "#" and self.dialect == "mysql"):
                self._advance_to(self._line_end(self.pos))
            elif text.startswith("/*", self.pos) and not (self.dialect == "mysql" and text.startswith("/*!", self.pos)):
                end = text.find("*/", self.pos + 2)
                self._advance_to(len(text) if end < 0 else end + 2)
            else:
                return

    def _meta_command(self) -> None:
        end = self._line_end(self.pos)
        self.out.append(Statement(self.line, self.text[self.pos : end].strip(), META))
        self._advance_to(end)

    def _statement(self) -> None:
        text, start, start_line = self.text, self.pos, self.line
        delimiter = self.delimiter
        position = self.pos
        conditional_depth = 0
        special = _special(delimiter)
        while position < len(text):
            found = special.search(text, position)  # jump over plain text at C speed
            if found is None:
                break
            position = found.start()
            char = text[position]
            if text.startswith(delimiter, position) and delimiter != ";" or (char == ";" and delimiter == ";"):
                body = text[start:position]
                if self._statement_goes_on(body):
                    position += len(delimiter)
                    continue
                self._emit(start_line, body)
                self._advance_to(position + len(delimiter))
                if _COPY_FROM_STDIN.match(body) and self.dialect == "postgresql":
                    self._copy_data()
                return
            if char in "'\"" or (char == "`" and self.dialect == "mysql"):
                # PostgreSQL's E'...' strings take backslash escapes, as MySQL's strings do.
                escaped = char == "'" and self.dialect == "postgresql" and position > 0 and text[position - 1] in "eE"
                position = self._quoted_end(position, char, escaped)
            elif char == "$" and self.dialect == "postgresql":
                match = _DOLLAR.match(text, position)
                if match and not (position > 0 and (text[position - 1].isalnum() or text[position - 1] == "_")):
                    close = text.find(match.group(0), match.end())
                    position = len(text) if close < 0 else close + len(match.group(0))
                else:
                    position += 1
            elif text.startswith("--", position) or (char == "#" and self.dialect == "mysql"):
                position = self._line_end(position)
            elif text.startswith("/*", position):
                if self.dialect == "mysql" and text.startswith("/*!", position):
                    conditional_depth += 1  # its content is SQL the server runs
                    position += 3
                else:
                    end = text.find("*/", position + 2)
                    position = len(text) if end < 0 else end + 2
            elif conditional_depth and text.startswith("*/", position):
                conditional_depth -= 1
                position += 2
            else:
                position += 1
        self._emit(start_line, text[start:])
        self._advance_to(len(text))

    def _statement_goes_on(self, body: str) -> bool:
        """SQLite's ``CREATE TRIGGER ... BEGIN ...; END``: the ``;`` inside the body do not end it."""
        return self.dialect == "sqlite" and bool(_TRIGGER.match(body)) and not _ENDS_WITH_END.search(_code(body))

    def _quoted_end(self, position: int, quote: str, escaped: bool = False) -> int:
        text = self.text
        backslashes = escaped or (self.dialect == "mysql" and quote != "`")
        position += 1
        while position < len(text):
            char = text[position]
            if backslashes and char == "\\":
                position += 2
                continue
            if char == quote:
                if text.startswith(quote, position + 1):
                    position += 2
                    continue
                return position + 1
            position += 1
        return position

    def _emit(self, line: int, body: str) -> None:
        if self.dialect == "mysql":
            body = _unwrap_conditional(body)
        if _code(body).strip():
            self.out.append(Statement(line, body.strip()))

    def _copy_data(self) -> None:
        """The rows after ``COPY ... FROM stdin;``, up to the line ``\\.``."""
        text = self.text
        start = self.pos
        newline = text.find("\n", start)
        begin = len(text) if newline < 0 else newline + 1
        match = re.compile(r"^\\\.[ \t]*$", re.M).search(text, begin)
        end = len(text) if match is None else match.end()
        self._advance_to(begin)
        self.out.append(Statement(self.line, text[begin:end], DATA))
        self._advance_to(end)


_SPECIALS: dict[str, re.Pattern[str]] = {}


def _special(delimiter: str) -> re.Pattern[str]:
    """The characters where something may start or end: quotes, comments, dollar quotes, the delimiter."""
    if delimiter not in _SPECIALS:
        _SPECIALS[delimiter] = re.compile("[" + re.escape(";'\"`$#/*-" + delimiter[0]) + "]")
    return _SPECIALS[delimiter]


def _unwrap_conditional(body: str) -> str:
    """MySQL's ``/*!40101 SET ... */`` and ``/*!50001 VIEW ... */``: the SQL inside, as the
    server (of any recent version) reads it."""
    if "/*!" not in body:
        return body
    out, position, depth = [], 0, 0
    while position < len(body):
        match = _CONDITIONAL.match(body, position) if body.startswith("/*!", position) else None
        if match:
            depth += 1
            position = match.end()
            continue
        char = body[position]
        if char in "'\"`":
            end = _simple_quoted_end(body, position)
            out.append(body[position:end])
            position = end
            continue
        if depth and body.startswith("*/", position):
            depth -= 1
            position += 2
            continue
        out.append(char)
        position += 1
    return "".join(out)


def _simple_quoted_end(text: str, position: int) -> int:
    quote = text[position]
    position += 1
    while position < len(text):
        if text[position] == "\\" and quote != "`":
            position += 2
            continue
        if text[position] == quote:
            if text.startswith(quote, position + 1):
                position += 2
                continue
            return position + 1
        position += 1
    return position


_COMMENTS = re.compile(r"--[^\n]*|/\*.*?\*/|'(?:[^']|'')*'", re.S)


def _code(body: str) -> str:
    """``body`` without comments and string contents (to look at its keywords)."""
    return _COMMENTS.sub(lambda m: "''" if m.group(0).startswith("'") else " ", body)
