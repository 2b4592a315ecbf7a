"""Loading sqldef's test cases and deciding, from their SQL alone, which ones are for us.

A case is a ``current`` and a ``desired`` schema written as SQL (either may be empty). sqldef's
files live at ``cmd/<tool>/tests*.yml`` (psqldef, mysqldef, sqlite3def). The scope is decided
statically, before anything runs: a case is out of scope when its metadata says it is meant for
another server or another sqldef mode, or when its SQL uses a feature the engine's model does not
hold (views, triggers, expression indexes, collations …). A case never leaves the scope because
it failed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

#: Our dialect → the sqldef tool whose cases it runs.
TOOLS = {"postgresql": "psqldef", "mysql": "mysqldef", "sqlite": "sqlite3def"}
#: The MySQL-family server we run (sqldef's ``flavor`` key names it).
MYSQL_FLAVOR = "mariadb"
#: The MySQL versions we target besides MariaDB: a ``min_version`` within them is satisfied.
MYSQL_TARGET_VERSION = (8, 0, 99)


class CaseFileError(Exception):
    """A folder or YAML file of cases cannot be read (a bad argument, not a failed case)."""


@dataclass(frozen=True)
class Case:
    """One sqldef test case: where it comes from, its two schemas and its other keys."""

    tool: str
    file: str
    name: str
    current: str
    desired: str
    meta: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def id(self) -> str:
        """``tests_file/CaseName``: unique within a tool, used in reports and ``--case``."""
        return f"{self.file}/{self.name}"


# ---------------------------------------------------------------- loading


def case_files(folder: Path, dialect: str) -> list[Path]:
    """The YAML files of ``dialect``'s tool under ``folder`` (sqldef's root), sorted."""
    return sorted((folder / "cmd" / TOOLS[dialect]).glob("tests*.yml"))


def check_folder(folder: Path) -> None:
    """Raise ``CaseFileError`` unless ``folder`` holds sqldef's case files."""
    if not folder.is_dir():
        raise CaseFileError(f"no such folder: {folder}")
    if not any(case_files(folder, dialect) for dialect in TOOLS):
        raise CaseFileError(
            f"no sqldef cases in {folder}: expected cmd/psqldef|mysqldef|sqlite3def/tests*.yml"
        )


def load_cases(folder: Path, dialect: str) -> list[Case]:
    """Every case of ``dialect``'s tool, in file order then case order."""
    cases: list[Case] = []
    for path in case_files(folder, dialect):
        cases += _cases_in(path, TOOLS[dialect])
    return cases


def _cases_in(path: Path, tool: str) -> Iterator[Case]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise CaseFileError(f"cannot read {path}: {str(exc).splitlines()[0]}") from None
    if data is None:
        return
    if not isinstance(data, dict):
        raise CaseFileError(f"{path}: expected a mapping of case names to cases")
    for name, body in data.items():
        if not isinstance(body, dict):
            raise CaseFileError(f"{path}: case {name!r} is not a mapping")
        meta = {k: v for k, v in body.items() if k not in ("current", "desired")}
        yield Case(
            tool=tool,
            file=path.stem,
            name=str(name),
            current=str(body.get("current") or ""),
            desired=str(body.get("desired") or ""),
            meta=meta,
        )


# ---------------------------------------------------------------- scope: metadata


def metadata_reason(case: Case, dialect: str, server_version: tuple[int, ...]) -> str | None:
    """Why the case's own keys put it out of scope, or None.

    ``error``: sqldef expects itself to refuse the case. ``config``: a sqldef option changes the
    expected output. ``offline``: sqldef runs it without a server (TiDB syntax). ``user``: it runs
    as a role whose default schema is not ``public``. ``managed_roles``: it manages grants.
    ``flavor``: another server of the MySQL family. ``min_version``/``max_version``: another
    server version.
    """
    meta = case.meta
    if meta.get("error"):
        return "sqldef expects an error (case has `error`)"
    if meta.get("config"):
        return "needs a sqldef option (case has `config`)"
    if meta.get("offline"):
        return "sqldef runs it offline only (case has `offline`)"
    if meta.get("user"):
        return "runs as a role with its own default schema (case has `user`)"
    if meta.get("managed_roles"):
        return "privileges (case has `managed_roles`)"
    flavor = str(meta.get("flavor") or "")
    if dialect == "mysql" and flavor and not _flavor_matches(flavor, MYSQL_FLAVOR):
        return f"for another server (flavor {flavor})"
    version = MYSQL_TARGET_VERSION if dialect == "mysql" else server_version
    if meta.get("min_version") and version < _version(meta["min_version"]):
        return f"needs a newer server (min_version {meta['min_version']})"
    if meta.get("max_version") and version > _version(meta["max_version"]) + (99,):
        return f"needs an older server (max_version {meta['max_version']})"
    return None


def _flavor_matches(flavor: str, server: str) -> bool:
    if flavor.startswith("!"):
        return flavor[1:].strip().lower() != server
    return flavor.strip().lower() == server


def _version(text: object) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", str(text))) or (0,)


# ---------------------------------------------------------------- scope: SQL features


def mask_sql(sql: str, dialect: str) -> str:
    """``sql`` upper-cased, without comments, string literals as ``''``, quoted names as ``QID``.

    What remains are keywords, bare names, numbers and punctuation, so feature rules can match
    keywords without tripping over the same words inside strings, names or comments.
    """
    out: list[str] = []
    i, n = 0, len(sql)
    ident_quotes = {"mysql": "`", "sqlite": '"`['}.get(dialect, '"')
    while i < n:
        c = sql[i]
        if sql.startswith("--", i) or (c == "#" and dialect == "mysql"):
            end = sql.find("\n", i)
            i = n if end < 0 else end
        elif sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            i = n if end < 0 else end + 2
            out.append(" ")
        elif c == "$" and dialect == "postgresql" and (tag := re.match(r"\$(\w*)\$", sql[i:])):
            end = sql.find(tag.group(0), i + len(tag.group(0)))
            i = n if end < 0 else end + len(tag.group(0))
            out.append("''")
        elif c == "'" or (c == '"' and dialect == "mysql"):
            escape_string = dialect == "postgresql" and out and out[-1] == "E"
            if escape_string:
                out.pop()
            i = _skip_quoted(sql, i, c, backslash=dialect == "mysql" or escape_string)
            out.append("''")
        elif c in ident_quotes:
            end = _skip_quoted(sql, i, "]" if c == "[" else c, backslash=False)
            # "public" is the default schema's own name; any other quoted name is just a name.
            out.append(" PUBLIC " if sql[i + 1 : end - 1] == "public" else " QID ")
            i = end
        else:
            out.append(c.upper())
            i += 1
    return "".join(out)


def _skip_quoted(sql: str, start: int, close: str, *, backslash: bool) -> int:
    i = start + 1
    while i < len(sql):
        if backslash and sql[i] == "\\":
            i += 2
            continue
        if sql[i] == close:
            if sql.startswith(close * 2, i) and close != "]":
                i += 2
                continue
            return i + 1
        i += 1
    return i


Rule = tuple[str, "re.Pattern[str]"]


def _rules(*pairs: tuple[str, str]) -> list[Rule]:
    return [(reason, re.compile(pattern)) for reason, pattern in pairs]


def _create(kinds: str) -> str:
    """``CREATE [modifiers] <kind>``: modifiers such as OR REPLACE, MATERIALIZED, DEFINER=…"""
    return rf"^\s*CREATE\s+(?:(?!TABLE\b|INDEX\b|UNIQUE\b)[^\s;(]+\s+){{0,6}}?(?:{kinds})\b"


_COMMON_RULES = _rules(
    ("views", _create("VIEW")),
    ("triggers", _create("TRIGGER")),
    ("functions and procedures", _create("FUNCTION|PROCEDURE|AGGREGATE")),
    ("data statements in the schema", r"^\s*(INSERT|UPDATE|DELETE|SELECT|WITH)\b"),
)

_POSTGRESQL_RULES = _rules(
    ("types other than enums", r"^\s*CREATE\s+TYPE\b(?![^;]*\bAS\s+ENUM\b)"),
    ("extensions", _create("EXTENSION")),
    ("policies and row-level security", _create("POLICY") + r"|\bROW\s+LEVEL\s+SECURITY\b"),
    ("privileges", r"^\s*(GRANT|REVOKE)\b|\bOWNER\s+TO\b|^\s*CREATE\s+(ROLE|USER)\b"),
    ("schemas other than public", _create("SCHEMA") + r"|\bSEARCH_PATH\b"),
    ("partitions and inheritance", r"\bPARTITION\s+(BY|OF)\b|\bINHERITS\b|\bON\s+ONLY\b"),
    ("storage parameters and tablespaces", r"\bWITH\s*\(\s*\w+\s*=|\bTABLESPACE\b|\bWITHOUT\s+OIDS\b"),
    ("comments on objects the engine does not manage",
     r"\bCOMMENT\s+ON\s+(?!TABLE\b|COLUMN\b|INDEX\b|CONSTRAINT\b|TYPE\b)\w+"),
    ("unlogged and temporary tables", r"^\s*CREATE\s+(UNLOGGED|TEMP|TEMPORARY|GLOBAL|LOCAL)\b"),
    ("referential actions with column lists", r"\bON\s+(DELETE|UPDATE)\s+SET\s+(NULL|DEFAULT)\s*\("),
)

_MYSQL_RULES = _rules(
    ("events", _create("EVENT")),
    ("spatial indexes and types", r"\bSPATIAL\b|\bWITH\s+PARSER\b|\bSRID\b"),
    ("partitions", r"\bPARTITION\s+BY\b"),
    ("index visibility and block size", r"\b(INVISIBLE|VISIBLE|IGNORED)\b|\bKEY_BLOCK_SIZE\b"),
    ("table options (engine, row format, auto-increment start, TiDB options)",
     r"\bENGINE\s*=?\s*(?!INNODB\b)\w+|\bROW_FORMAT\b|\)[^()]*\bAUTO_INCREMENT\s*=|"
     r"\b(AUTO_RANDOM|SHARD_ROW_ID_BITS|AUTO_ID_CACHE|PRE_SPLIT_REGIONS|CLUSTERED|NONCLUSTERED|TTL)\b|"
     r"\bSTATS_\w+|\bCHECKSUM\s*=|\bPACK_KEYS\b|\bCOMPRESSION\s*=|\bUNION\s*="),
    ("other databases", r"^\s*USE\b|\b(TABLE|REFERENCES|ON|INTO)\s+(\w+|QID)\s*\.\s*(\w+|QID)"),
    ("temporary tables", r"^\s*CREATE\s+TEMPORARY\b"),
    ("system-versioned tables", r"\bWITH(OUT)?\s+SYSTEM\s+VERSIONING\b"),
)

_SQLITE_RULES = _rules(
    ("virtual tables", _create("VIRTUAL\\s+TABLE")),
    ("temporary tables", r"^\s*CREATE\s+(TEMP|TEMPORARY)\b"),
    ("conflict clauses (ON CONFLICT)", r"\bON\s+CONFLICT\b"),
    ("other databases", r"\b(TABLE|REFERENCES|ON|INTO)\s+(\w+|QID)\s*\.\s*(\w+|QID)"),
)

_DIALECT_RULES = {"postgresql": _POSTGRESQL_RULES, "mysql": _MYSQL_RULES, "sqlite": _SQLITE_RULES}

_NOT_MANAGED = (
    "not managed by the engine, deliberately: `inspect` and `diff` list such objects as not managed,"
    " keep them as they are, and refuse a change that would drop or break them (docs/engine.md)"
)
_PHYSICAL = (
    "physical storage settings, not schema: the engine does not read them, so a table or index it"
    " re-creates takes the server's defaults (docs/engine.md lists this limit)"
)

#: Why each kind of case is out of scope, by the start of its reason: shown in the report, so
#: that every exclusion is defended where it is counted.
WHY: dict[str, str] = {
    "sqldef expects an error": "the case checks that sqldef refuses its input: there is no pair of schemas to migrate",
    "needs a sqldef option": "the case changes sqldef's own behaviour through an option of sqldef's",
    "sqldef runs it offline only": "TiDB syntax sqldef checks without a server",
    "runs as a role with its own default schema": "tables in a schema other than the default one: " + _NOT_MANAGED,
    "privileges": "roles and grants: " + _NOT_MANAGED,
    "for another server": "written for MySQL 8 or TiDB; the MySQL-family server here is MariaDB 10.11",
    "needs a newer server": "needs a newer server version than the one this report ran on",
    "needs an older server": "needs an older server version than the one this report ran on",
    "views": _NOT_MANAGED,
    "triggers": _NOT_MANAGED,
    "functions and procedures": _NOT_MANAGED,
    "events": _NOT_MANAGED,
    "types other than enums": _NOT_MANAGED,
    "extensions": _NOT_MANAGED,
    "policies and row-level security": _NOT_MANAGED,
    "schemas other than public": _NOT_MANAGED,
    "partitions": _NOT_MANAGED,
    "comments on objects the engine does not manage": _NOT_MANAGED,
    "virtual tables": _NOT_MANAGED,
    "other databases": "objects in another database or schema: " + _NOT_MANAGED,
    "temporary tables": "session objects, not part of a schema",
    "unlogged and temporary tables": "session objects and a durability setting: " + _PHYSICAL,
    "storage parameters and tablespaces": _PHYSICAL,
    "index visibility and block size": _PHYSICAL + " (index visibility is an optimizer hint)",
    "table options": (
        "storage engines other than InnoDB, row formats, statistics and the AUTO_INCREMENT counter's"
        " current value (data, not schema): " + _PHYSICAL
    ),
    "data statements in the schema": "the case writes rows: a schema tool does not",
    "functional indexes (MariaDB has none)": "MariaDB cannot create them (MySQL 8 only)",
    "spatial indexes and types": "geometry types and spatial indexes are not modelled yet",
    "system-versioned tables": "MariaDB's temporal tables are not modelled yet",
    "referential actions with column lists": "not modelled yet (PostgreSQL 15's ON DELETE SET NULL (columns))",
    "conflict clauses (ON CONFLICT)": "not modelled yet (SQLite's per-constraint conflict resolution)",
}


def why(reason: str) -> str | None:
    """The defence of an out-of-scope reason (``WHY``), or None when it has none."""
    for start, text in WHY.items():
        if reason.startswith(start):
            return text
    return None


def sql_reasons(sql: str, dialect: str) -> list[str]:
    """Every feature of ``sql`` the engine does not model, in rule order, without repeats.

    Rules see one statement at a time, so ``^`` anchors a statement's first keyword.
    """
    statements = [part for part in mask_sql(sql, dialect).split(";") if part.strip()]
    reasons: list[str] = []

    def note(reason: str) -> None:
        if reason not in reasons:
            reasons.append(reason)

    for reason, pattern in _COMMON_RULES + _DIALECT_RULES[dialect]:
        if any(pattern.search(statement) for statement in statements):
            note(reason)
    if dialect == "postgresql" and any(_other_schema(statement) for statement in statements):
        note("schemas other than public")
    for statement in statements:
        for reason in index_element_reasons(statement, dialect):
            note(reason)
    return reasons


_QUALIFIED = re.compile(
    r"\b(?:TABLE|ON|REFERENCES|INTO|TYPE|INDEX|EXISTS)\s+(\w+|QID)\s*\.\s*(?:\w+|QID)"
)


def _other_schema(masked: str) -> bool:
    """PostgreSQL names qualified by a schema other than ``public``.

    ``COMMENT ON COLUMN users.id`` is no match: ON is followed by COLUMN, not by a qualified name.
    """
    return any(match.group(1) != "PUBLIC" for match in _QUALIFIED.finditer(masked))


# Index column lists: after CREATE INDEX … ON table [USING m], and after KEY/INDEX/UNIQUE/
# PRIMARY KEY inside CREATE/ALTER TABLE.
_CREATE_INDEX = re.compile(
    r"\bCREATE\s+(?:UNIQUE\s+)?INDEX\b[^;(]*?\bON\s+(?:ONLY\s+)?(?:\w+|QID)(?:\s*\.\s*(?:\w+|QID))?"
    r"\s*(?:USING\s+\w+\s*)?\("
)
_INLINE_KEY = re.compile(
    r"\b(?:KEY|INDEX|UNIQUE)\b\s*"
    r"(?:(?!(?:USING|ON|NULLS|CHECK|REFERENCES|DEFAULT|NOT|NULL|CONSTRAINT|PRIMARY|COMMENT|GENERATED|AS"
    r"|WHERE)\b)(?:\w+|QID)\s*)?(?:USING\s+\w+\s*)?\("
)


def index_element_reasons(masked: str, dialect: str) -> list[str]:
    """Reasons found in index column lists: expressions, sort order, prefixes, operator classes."""
    reasons: list[str] = []
    for pattern in (_CREATE_INDEX, _INLINE_KEY):
        for match in pattern.finditer(masked):
            content = _balanced(masked, match.end() - 1)
            for element in _split_top_level(content):
                reason = _element_reason(element.strip(), dialect)
                if reason and reason not in reasons:
                    reasons.append(reason)
    return reasons


_PLAIN_ELEMENT = re.compile(r"^(\w+|QID)(\s+ASC)?$")


def _element_reason(element: str, dialect: str) -> str | None:
    """Index elements are modelled (expressions, order, operator classes, collations, prefix
    lengths) but for MySQL's functional indexes, which MariaDB does not have."""
    if not element or dialect != "mysql":
        return None
    if re.match(r"^(\w+|QID)\s*(\(\s*\d+\s*\))?(\s+(ASC|DESC))?$", element):
        return None
    return "functional indexes (MariaDB has none)"


def _balanced(text: str, open_at: int) -> str:
    """The text inside the parenthesis opening at ``open_at`` (to the end if unbalanced)."""
    depth = 0
    for i in range(open_at, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return text[open_at + 1 : i]
    return text[open_at + 1 :]


def _split_top_level(content: str) -> list[str]:
    parts: list[str] = []
    depth, start = 0, 0
    for i, c in enumerate(content):
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(content[start:i])
            start = i + 1
    parts.append(content[start:])
    return parts


def out_of_scope_reason(
    case: Case, dialect: str, server_version: tuple[int, ...] = (0,)
) -> str | None:
    """Why ``case`` is not for the engine on ``dialect`` (first reason found), or None."""
    reason = metadata_reason(case, dialect, server_version)
    if reason:
        return reason
    reasons = sql_reasons(case.current + "\n;\n" + case.desired, dialect)
    return reasons[0] if reasons else None
