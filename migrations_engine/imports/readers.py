"""One reader per kind of statement the engine models, each filling ``Collected`` from the
statement's tokens: CREATE TABLE/INDEX/TYPE … AS ENUM/SEQUENCE/DOMAIN, ALTER SEQUENCE … OWNED BY,
ALTER TABLE and COMMENT ON. What one cannot map raises ``Unreadable`` or ``ImportFailed``."""

from __future__ import annotations

from . import ImportFailed
from .collected import Collected, IndexDraft
from .drafts import KeyDraft, TableDraft, Unreadable, index_elements, names, read_column, read_create_table, read_table_constraint
from .statements import Statement
from .tokens import Cursor, split_commas


def _skip_create_words(cursor: Cursor, *last: str) -> None:
    """Step past ``CREATE ... <last>`` and ``IF NOT EXISTS``."""
    while not cursor.done() and not cursor.take(*last):
        cursor.at += 1
    cursor.take("IF", "NOT", "EXISTS")


def _read_table(collected: Collected, cursor: Cursor, statement: Statement) -> None:
    _skip_create_words(cursor, "TABLE")
    _, name = cursor.qualified_name()
    if cursor.take("PARTITION", "OF") or cursor.word() == "PARTITION OF" or cursor.take("OF"):
        collected.unmanaged.add(name)
        collected.skip("partition", statement, "partitions and typed tables are not managed by the engine")
        return
    if not cursor.is_open():
        if cursor.take("AS") or cursor.take("LIKE") or cursor.word() == "SELECT":
            raise ImportFailed("CREATE TABLE ... AS/LIKE: the columns come from another table or a query, which is not read", statement.line)
        raise ImportFailed(f"CREATE TABLE {name}: no column list", statement.line)
    draft = TableDraft(name, statement.line, text=statement.text)
    read_create_table(cursor, draft, collected.dialect)
    if "INHERITS" in draft.options:
        collected.unmanaged.add(name)
        collected.skip("inheritance child", statement, "not managed by the engine (it is listed as not managed when inspected)")
        return
    if "PARTITION" in draft.options:  # the engine reads a partitioned table as a table; its partitions are not
        collected.notes.append(f"line {statement.line}: table {name!r} is partitioned; the engine models it as an ordinary table")
    if name in collected.tables:
        raise ImportFailed(f"table {name!r} is created twice", statement.line)
    collected.tables[name] = draft
    collected.notes.extend(f"line {statement.line}: {note}" for note in draft.notes)


def _read_index(collected: Collected, cursor: Cursor, statement: Statement) -> None:
    cursor.take("CREATE")
    unique = cursor.take("UNIQUE")
    kind = "fulltext" if cursor.take("FULLTEXT") else "spatial" if cursor.take("SPATIAL") else "index"
    cursor.take("INDEX")
    cursor.take("CONCURRENTLY")
    cursor.take("IF", "NOT", "EXISTS")
    name = None
    if not cursor.take("ON"):
        _, name = cursor.qualified_name()
        cursor.take("USING") and cursor.name()
        cursor.take("ON")
    cursor.take("ONLY")
    _, table = cursor.qualified_name()
    if table in collected.unmanaged:
        collected.skip("index", statement, f"on {table!r}, which the engine does not manage")
        return
    method = None
    if cursor.take("USING"):
        method = cursor.name().lower()
    key = KeyDraft((), name, kind=kind, method=method)
    key.elements = index_elements(cursor.group(), cursor)
    key.columns = tuple(e[0] for e in key.elements)
    include: tuple[str, ...] = ()
    where = None
    while not cursor.done():
        if cursor.take("INCLUDE"):
            include = names(cursor.group(), cursor)
        elif cursor.take("NULLS", "NOT", "DISTINCT"):
            key.nulls_not_distinct = True
        elif cursor.take("WHERE"):
            where = cursor.text(cursor.rest())
        elif cursor.take("USING"):
            key.method = cursor.name().lower()
        elif cursor.take("COMMENT"):
            key.comment = cursor.name()
        elif cursor.take("WITH") or cursor.take("TABLESPACE"):
            raise ImportFailed("index storage parameters and tablespaces are not in the engine's model", statement.line)
        else:
            cursor.skip()  # MySQL's ALGORITHM=, LOCK=
    collected.indexes.append(IndexDraft(table, key, bool(unique), where, statement.line, include, statement.text))


def _read_enum(collected: Collected, cursor: Cursor, statement: Statement) -> None:
    cursor.take("CREATE")
    cursor.take("TYPE")
    _, name = cursor.qualified_name()
    if not (cursor.take("AS") and cursor.take("ENUM")):
        collected.skip("type", statement, "composite, range and base types are not managed by the engine")
        return
    collected.enums[name] = tuple(Cursor(part, cursor.sql).name() for part in split_commas(cursor.group()))


def _read_sequence(collected: Collected, cursor: Cursor, statement: Statement) -> None:
    _skip_create_words(cursor, "SEQUENCE")
    _, name = cursor.qualified_name()
    collected.sequences[name] = {"line": statement.line, "options": cursor.text(cursor.rest()), "owned_by": None}


def _read_owned_by(collected: Collected, cursor: Cursor, statement: Statement) -> None:
    cursor.take("ALTER")
    cursor.take("SEQUENCE")
    cursor.take("IF", "EXISTS")
    _, name = cursor.qualified_name()
    if not cursor.take("OWNED", "BY"):
        collected.skip("ALTER SEQUENCE", statement, "not in the engine's model")
        return
    if cursor.take("NONE"):
        owner = None
    else:
        parts = [cursor.name()]
        while not cursor.done() and cursor.peek().text == ".":
            cursor.at += 1
            parts.append(cursor.name())
        owner = (parts[-2], parts[-1])
    if name not in collected.sequences:
        raise ImportFailed(f"sequence {name!r} is not created before this", statement.line)
    collected.sequences[name]["owned_by"] = owner


def _read_domain(collected: Collected, cursor: Cursor, statement: Statement) -> None:
    _skip_create_words(cursor, "DOMAIN")
    _, name = cursor.qualified_name()
    cursor.take("AS")
    stops = {"COLLATE", "DEFAULT", "CONSTRAINT", "NOT", "NOT NULL", "NULL", "CHECK"}
    base = cursor.text(cursor.until(lambda c: c.word() in stops))
    domain = {"line": statement.line, "base": base, "not_null": False, "default": None, "collation": None, "checks": []}
    check_name = None
    while not cursor.done():
        if cursor.take("CONSTRAINT"):
            check_name = cursor.name()
            continue
        if cursor.take("COLLATE"):
            domain["collation"] = cursor.name()
        elif cursor.take("DEFAULT"):
            domain["default"] = cursor.text(cursor.until(lambda c: c.word() in stops))
        elif cursor.take("NOT", "NULL"):
            domain["not_null"] = True
        elif cursor.take("NULL"):
            pass
        elif cursor.take("CHECK"):
            domain["checks"].append((check_name, cursor.text(cursor.group())))
            if cursor.take("NOT", "VALID"):
                raise ImportFailed("a domain's NOT VALID check is not in the engine's model", statement.line)
        else:
            raise ImportFailed(f"cannot read {cursor.text([cursor.peek()])!r} in CREATE DOMAIN", statement.line)
        check_name = None
    collected.domains[name] = domain


def _read_comment(collected: Collected, cursor: Cursor, statement: Statement) -> None:
    cursor.take("COMMENT")
    cursor.take("ON")
    kind = cursor.word()
    cursor.at += 1
    if kind in ("TABLE", "TYPE", "INDEX"):
        _, name = cursor.qualified_name()
        target: tuple = (kind, name)
    elif kind == "COLUMN":
        parts = [cursor.name()]
        while not cursor.done() and cursor.peek().text == ".":
            cursor.at += 1
            parts.append(cursor.name())
        target = ("COLUMN", parts[-2], parts[-1])
    elif kind == "CONSTRAINT":
        constraint = cursor.name()
        cursor.take("ON")
        cursor.take("DOMAIN")
        _, table = cursor.qualified_name()
        target = ("CONSTRAINT", table, constraint)
    else:
        collected.skip("comment", statement, "a comment on something the engine does not model")
        return
    if not cursor.take("IS"):
        raise ImportFailed("COMMENT ON without IS", statement.line)
    value = None if cursor.take("NULL") else cursor.name()
    if not cursor.done():
        raise Unreadable(f"cannot read {cursor.text(cursor.rest())!r} after the comment")
    table_name = target[1]
    if kind in ("TABLE", "COLUMN", "CONSTRAINT") and table_name in collected.unmanaged:
        collected.skip("comment", statement, f"on {table_name!r}, which the engine does not manage")
        return
    collected.comments[target] = value


def _read_alter(collected: Collected, cursor: Cursor, statement: Statement) -> None:
    _skip_create_words(cursor, "TABLE")
    cursor.take("IF", "EXISTS")
    cursor.take("ONLY")
    _, name = cursor.qualified_name()
    if name in collected.unmanaged:
        collected.skip("ALTER TABLE", statement, f"on {name!r}, which the engine does not manage")
        return
    draft = collected.tables.get(name)
    if draft is None:
        raise ImportFailed(f"ALTER TABLE on table {name!r}, which is not created before it", statement.line)
    for part in split_commas(cursor.rest()):
        action = Cursor(part, cursor.sql, fold=cursor.fold)
        if action.take("ADD"):
            if action.word() in ("CONSTRAINT", "PRIMARY", "PRIMARY KEY", "UNIQUE", "CHECK", "FOREIGN", "FOREIGN KEY", "KEY", "INDEX", "FULLTEXT", "SPATIAL"):
                if action.word() in ("KEY", "INDEX") and collected.dialect != "mysql":
                    raise ImportFailed("ADD INDEX is MySQL's", statement.line)
                read_table_constraint(action, draft, collected.dialect)
            else:
                action.take("COLUMN")
                action.take("IF", "NOT", "EXISTS")
                draft.columns.append(read_column(action, draft, collected.dialect))
        elif action.take("ALTER"):
            action.take("COLUMN")
            column = _column(draft, action.name(), statement)
            if action.take("SET", "DEFAULT"):
                column.default = action.text(action.rest())
            elif action.take("DROP", "DEFAULT"):
                column.default = None
            elif action.take("SET", "NOT", "NULL"):
                column.not_null = True
            elif action.take("DROP", "NOT", "NULL"):
                column.not_null = False
            elif action.take("ADD", "GENERATED"):
                kind = "ALWAYS" if action.take("ALWAYS") else "BY DEFAULT"
                action.take("BY")
                action.take("DEFAULT")
                action.take("AS")
                action.take("IDENTITY")
                column.identity = kind
                column.identity_options = action.text(action.group())
            else:
                collected.skip("ALTER TABLE", Statement(statement.line, f"ALTER TABLE {name} {action.text(part)}"), "not in the engine's model")
        elif action.take("MODIFY") or action.take("CHANGE"):
            changing = action.tokens[0].text.upper() == "CHANGE"
            action.take("COLUMN")
            old = action.name() if changing else None
            new = read_column(action, draft, collected.dialect)
            at = next((n for n, c in enumerate(draft.columns) if c.name == (old or new.name)), None)
            if at is None:
                raise ImportFailed(f"table {name!r} has no column {old or new.name!r}", statement.line)
            draft.columns[at] = new
        elif action.take("ATTACH", "PARTITION"):
            _, child = action.qualified_name()
            _made_a_partition(collected, child, statement)
        elif action.word() in ("OWNER TO", "OWNER") or action.at_word("DISABLE", "KEYS") or action.at_word("ENABLE", "KEYS") or action.word() in ("AUTO_INCREMENT",):
            continue
        elif action.word() in ("DROP", "RENAME"):
            raise ImportFailed(
                f"ALTER TABLE {name} {action.text(part)}: changes what the script created before it; "
                "the import reads a schema as created, not a history of changes",
                statement.line,
            )
        else:
            collected.skip("ALTER TABLE", Statement(statement.line, f"ALTER TABLE {name} {action.text(part)}"), "not in the engine's model")


def _made_a_partition(collected: Collected, name: str, statement: Statement) -> None:
    """``ATTACH PARTITION`` (how pg_dump writes a partition): the table, and what was made on it,
    leaves the managed schema, as the inspection leaves it out."""
    collected.tables.pop(name, None)
    collected.indexes = [i for i in collected.indexes if i.table != name]
    collected.unmanaged.add(name)
    collected.skip("partition", statement, f"{name!r} becomes a partition: partitions are not managed by the engine")


def _column(draft: TableDraft, name: str, statement: Statement):
    for column in draft.columns:
        if column.name == name:
            return column
    raise ImportFailed(f"table {draft.name!r} has no column {name!r}", statement.line)


def _read_drop_table(collected: Collected, cursor: Cursor, statement: Statement) -> None:
    """``DROP TABLE``: a table the script created before is gone again (mysqldump's stand-in
    tables for views); one it did not create is nothing to the import, and is listed."""
    _skip_create_words(cursor, "TABLE")
    cursor.take("IF", "EXISTS")
    dropped = []
    for part in split_commas(cursor.until(lambda c: c.word() in ("CASCADE", "RESTRICT"))):
        _, name = Cursor(part, cursor.sql, fold=cursor.fold).qualified_name()
        if name in collected.tables:
            del collected.tables[name]
            collected.indexes = [i for i in collected.indexes if i.table != name]
            dropped.append(name)
    if not dropped:
        collected.skip("DROP", statement, "the import starts from nothing: a drop before a create changes nothing")


READERS = {
    "table": _read_table,
    "index": _read_index,
    "enum": _read_enum,
    "sequence": _read_sequence,
    "owned": _read_owned_by,
    "domain": _read_domain,
    "alter": _read_alter,
    "comment": _read_comment,
    "drop table": _read_drop_table,
}

