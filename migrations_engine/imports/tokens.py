"""A cursor over the sqlglot tokens of one statement, with its original text, so that
expressions (defaults, checks, generated columns, index keys and predicates) are cut from the
text exactly as written, as the SQLite introspection does with the stored ``CREATE`` text."""

from __future__ import annotations

from sqlglot.tokens import Token, TokenType

from ..errors import EngineError

_WORDY = (TokenType.IDENTIFIER, TokenType.STRING, TokenType.HEREDOC_STRING, TokenType.NATIONAL_STRING)
_OPEN = (TokenType.L_PAREN, TokenType.L_BRACKET)
_CLOSE = (TokenType.R_PAREN, TokenType.R_BRACKET)


class Cursor:
    """Tokens ``tokens`` of ``sql``; ``fold`` lower-cases unquoted names (PostgreSQL)."""

    def __init__(self, tokens: list[Token], sql: str, *, fold: bool = False) -> None:
        self.tokens, self.sql, self.at, self.fold = tokens, sql, 0, fold

    def done(self) -> bool:
        return self.at >= len(self.tokens)

    def peek(self, offset: int = 0) -> Token | None:
        i = self.at + offset
        return self.tokens[i] if i < len(self.tokens) else None

    def word(self, offset: int = 0) -> str | None:
        """The keyword (upper case, single spaces) at the cursor; None for a quoted name, a string or the end."""
        i = self.at + offset
        if i >= len(self.tokens):
            return None
        token = self.tokens[i]
        if token.token_type in _WORDY:
            return None
        text = token.text.upper()
        return " ".join(text.split()) if " " in text or "\n" in text or "\t" in text else text

    def at_word(self, *words: str) -> bool:
        """Whether ``words`` come next (a keyword sqlglot reads as one token may hold several)."""
        joined = " ".join(words)
        if self.word() == joined:
            return True
        return all(self.word(n) == w for n, w in enumerate(words))

    def take(self, *words: str) -> bool:
        """Step over ``words`` if they come next."""
        current = self.word()
        if current is None or not current.startswith(words[0]):
            return False
        joined = " ".join(words) if len(words) > 1 else words[0]
        if current == joined:
            self.at += 1
            return True
        if len(words) > 1 and all(self.word(n) == w for n, w in enumerate(words)):
            self.at += len(words)
            return True
        return False

    def name(self) -> str:
        """One name (quoted or not), as the database keeps it."""
        token = self.tokens[self.at]
        self.at += 1
        return name_of(token, self.fold)

    def qualified_name(self) -> tuple[str | None, str]:
        """``schema.name`` or ``name``: (schema or None, name)."""
        first = self.name()
        token = self.peek()
        if token is not None and token.token_type == TokenType.DOT:
            self.at += 1
            return first, self.name()
        return None, first

    def is_open(self) -> bool:
        token = self.peek()
        return token is not None and token.token_type == TokenType.L_PAREN

    def group(self) -> list[Token]:
        """The tokens inside the parenthesis at the cursor (the cursor moves past it)."""
        if not self.is_open():
            return []
        end = closing(self.tokens, self.at)
        inner = self.tokens[self.at + 1 : end]
        self.at = end + 1
        return inner

    def skip(self) -> None:
        """Step over one token, or a whole parenthesis."""
        if self.is_open():
            self.at = closing(self.tokens, self.at) + 1
        else:
            self.at += 1

    def until(self, stop) -> list[Token]:
        """The tokens up to (not including) the first one at depth 0 for which ``stop(self)`` is true."""
        start = self.at
        while not self.done() and not stop(self):
            self.skip()
        return self.tokens[start : self.at]

    def text(self, tokens: list[Token]) -> str:
        return text_of(self.sql, tokens)

    def rest(self) -> list[Token]:
        tokens = self.tokens[self.at :]
        self.at = len(self.tokens)
        return tokens


def name_of(token: Token, fold: bool) -> str:
    if token.token_type == TokenType.IDENTIFIER:
        return token.text
    if token.token_type == TokenType.STRING:  # MySQL and SQLite take 'name' in places
        return token.text
    return token.text.lower() if fold else token.text


def text_of(sql: str, tokens: list[Token]) -> str:
    if not tokens:
        return ""
    return sql[tokens[0].start : tokens[-1].end + 1].strip()


def closing(tokens: list[Token], opening: int) -> int:
    depth = 0
    for i in range(opening, len(tokens)):
        kind = tokens[i].token_type
        if kind in _OPEN:
            depth += 1
        elif kind in _CLOSE:
            depth -= 1
            if depth == 0:
                return i
    return len(tokens) - 1


def split_commas(tokens: list[Token]) -> list[list[Token]]:
    """``tokens`` cut at the commas outside parentheses. Two commas with nothing between them
    (sqlglot lets ``a int,, b int`` through; the servers do not) raise ``EmptyElement``."""
    parts: list[list[Token]] = [[]]
    depth = 0
    for token in tokens:
        if token.token_type in _OPEN:
            depth += 1
        elif token.token_type in _CLOSE:
            depth -= 1
        if token.token_type == TokenType.COMMA and depth == 0:
            if not parts[-1]:
                raise EmptyElement(token.line)
            parts.append([])
        else:
            parts[-1].append(token)
    if not parts[-1] and len(parts) > 1:
        raise EmptyElement(tokens[-1].line)
    return parts if parts[-1] else []


class EmptyElement(EngineError):
    """Nothing between two commas (or after the last one); ``line`` within the statement."""

    def __init__(self, line: int) -> None:
        super().__init__("nothing between two commas")
        self.line = line
