"""Small helpers for writing Python source as a person would lay it out: calls on one line when
they fit, else one argument per line with a trailing comma (as black does)."""

from __future__ import annotations

import re
import textwrap

LINE_LENGTH = 100
_BIND_LIKE = re.compile(r"(?<![:\w\\]):(?=\w)")


def call(function: str, arguments: list[str], indent: int = 0, prefix: str = "", nested: int = 0) -> str:
    """``prefix + function(arguments)``, indented by ``indent`` spaces, wrapped when too long;
    ``nested`` is the indent of the line the call will be put on inside another one."""
    pad = " " * indent
    one_line = f"{pad}{prefix}{function}({', '.join(arguments)})"
    if len(one_line) + nested + 1 <= LINE_LENGTH and "\n" not in one_line:
        return one_line
    inner = " " * (indent + 4)
    lines = [f"{pad}{prefix}{function}("]
    lines += [f"{inner}{argument.replace(chr(10), chr(10) + inner)}," for argument in arguments]
    lines.append(f"{pad})")
    return "\n".join(lines)


def text_sql(sql: str) -> str:
    """SQL for ``sqlalchemy.text()``: a colon that ``text()`` would take for a bound parameter
    (``:name``) escaped, so the SQL reaches the database as written."""
    return _BIND_LIKE.sub(r"\\:", sql)


def docstring(text: str) -> str:
    """A module docstring; quotes and backslashes in names cannot end it early."""
    return '"""' + text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"') + '"""'


def one_line(text: str) -> str:
    """``text`` fit for a ``#`` comment: a name holding a line break cannot end it."""
    return " ".join(text.splitlines())


def comment_lines(text: str, indent: int = 4) -> list[str]:
    """``text`` as ``#`` comment lines within the line length."""
    pad = " " * indent + "# "
    return [pad + line for line in textwrap.wrap(one_line(text), LINE_LENGTH - len(pad), break_long_words=False)]


def paragraphs(text: str) -> str:
    """Paragraphs (separated by blank lines) wrapped to the line length, for a docstring."""
    return "\n\n".join(
        textwrap.fill(part, LINE_LENGTH, break_long_words=False, break_on_hyphens=False)
        for part in text.split("\n\n")
    )
