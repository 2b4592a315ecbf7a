"""Reading SQLite schemas back: types, defaults, constraint names from the stored SQL, fixed queries."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest

from migrations_engine.compare import normalized
from migrations_engine.connection import connect
from migrations_engine.diff import diff
from migrations_engine.introspect import introspect
from migrations_engine.introspect.sqlite import (
    column_type_of,
    default_of,
    index_elements,
    index_where,
    parse_create_table,
    read_schema,
)
from migrations_engine.naming import check_name, foreign_key_name, primary_key_name, unique_name, with_default_names
from migrations_engine.render import render
from migrations_engine.schema import (
    Check,
    Column,
    Default,
    Enum,
    ForeignKey,
    Generated,
    Index,
    IndexKey,
    PrimaryKey,
    Schema,
    Table,
    Unique,
)
from migrations_engine.types import ColumnType

LOGICAL_TYPES = (
    "smallint", "integer", "bigint", "decimal(10,2)", "decimal", "float", "double", "boolean",
    "char(3)", "char", "varchar(20)", "varchar", "text", "date", "time", "time(3)", "timestamp",
    "timestamp(6)", "timestamptz", "timestamptz(3)", "uuid", "json", "binary", "binary(16)",
)  # fmt: skip


def create(url, schema: Schema) -> None:
    with connect(url) as db:
        for statement in render(diff(Schema(), schema), Schema(), "sqlite"):
            db.execute(statement.sql)


def execute(url, *statements: str) -> None:
    with connect(url) as db:
        for statement in statements:
            db.execute(statement)


def as_sqlite_holds(schema: Schema) -> Schema:
    """``schema`` less what SQLite cannot hold: comments go, and enums no column uses (an enum is
    held by the CHECK of each column using it: docs/dialects/sqlite.md)."""

    def column(c: Column) -> Column:
        return replace(c, comment=None)

    used = {c.type.enum for t in schema.tables for c in t.columns if c.type.kind == "enum"}
    tables = tuple(replace(t, comment=None, columns=tuple(column(c) for c in t.columns)) for t in schema.tables)
    enums = tuple(replace(e, comment=None) for e in schema.enums if e.name in used)
    return with_default_names(Schema(tables=tables, enums=enums))


# ---------------------------------------------------------------- the invariant

SHOP = Schema(
    enums=(Enum("status", ("new", "paid", "sent")), Enum("unused", ("x",))),
    tables=(
        Table(
            "customers",
            comment="people who buy",
            columns=(
                Column("id", ColumnType("integer"), nullable=False, identity=True),
                Column("email", ColumnType.parse("varchar(200)"), nullable=False, comment="login"),
                Column("vip", ColumnType("boolean"), nullable=False, default=Default("false")),
                Column("joined", ColumnType("timestamp"), default=Default("CURRENT_TIMESTAMP", expression=True)),
                Column("referrer", ColumnType("integer")),
                Column("nick", ColumnType("text"), default=Default("lower('ANON')", expression=True)),
            ),
            primary_key=PrimaryKey(("id",)),
            uniques=(Unique(("email",)),),
            foreign_keys=(ForeignKey(("referrer",), "customers", ("id",), on_delete="SET NULL"),),
            indexes=(Index(("joined", "vip")), Index(("nick",), "vip_nicks", where='"vip" = 1')),
        ),
        Table(
            "orders",
            columns=(
                Column("customer", ColumnType("integer"), nullable=False),
                Column("number", ColumnType("integer"), nullable=False),
                Column("status", ColumnType.parse("enum(status)"), nullable=False, default=Default("new")),
                Column("total", ColumnType.parse("decimal(12,2)"), default=Default("0.00")),
                Column("note", ColumnType("text"), default=Default("it's \"fine\"")),
                Column("token", ColumnType("uuid")),
                Column("data", ColumnType("json")),
            ),
            primary_key=PrimaryKey(("customer", "number"), "orders_key"),
            foreign_keys=(ForeignKey(("customer",), "customers", ("id",), "placed_by", on_delete="CASCADE", on_update="CASCADE"),),
            uniques=(Unique(("token",), "one_token"),),
            checks=(Check('"total" >= 0'), Check("length(note) < 100", "short_note")),
            indexes=(Index(("status", "total"), "orders_by_status", unique=True),),
        ),
    ),
)


def test_a_schema_reads_back_as_designed_but_for_what_sqlite_cannot_hold(sqlite_url):
    create(sqlite_url, SHOP)
    assert normalized(introspect(sqlite_url)) == normalized(as_sqlite_holds(SHOP))


def test_every_logical_type_reads_back(sqlite_url):
    columns = tuple(Column(f"c{n}", ColumnType.parse(t)) for n, t in enumerate(LOGICAL_TYPES))
    create(sqlite_url, Schema(tables=(Table("types", columns=columns),)))
    assert [str(c.type) for c in introspect(sqlite_url).table("types").columns] == list(LOGICAL_TYPES)


def test_defaults_read_back(sqlite_url):
    defaults = {
        "n": (ColumnType("integer"), Default("-12")),
        "d": (ColumnType.parse("decimal(5,2)"), Default("1.50")),
        "s": (ColumnType("text"), Default("l'été")),
        "digits": (ColumnType("text"), Default("42")),
        "yes": (ColumnType("boolean"), Default("true")),
        "no": (ColumnType("boolean"), Default("false")),
        "now": (ColumnType("timestamp"), Default("CURRENT_TIMESTAMP", expression=True)),
        "today": (ColumnType("date"), Default("CURRENT_DATE", expression=True)),
        "sum": (ColumnType("integer"), Default("(1 + 2) * 3", expression=True)),
        "wrapped": (ColumnType("integer"), Default("(7)", expression=True)),
    }
    columns = tuple(Column(name, t, default=d) for name, (t, d) in defaults.items())
    create(sqlite_url, Schema(tables=(Table("defaults", columns=columns),)))
    assert {c.name: c.default for c in introspect(sqlite_url).table("defaults").columns} == {
        name: d for name, (_, d) in defaults.items()
    }


# ---------------------------------------------------------------- SQL written by hand or other tools


def test_unnamed_and_column_level_constraints_get_conventional_names(sqlite_url):
    execute(
        sqlite_url,
        'CREATE TABLE "Parent" (id INTEGER PRIMARY KEY, code TEXT UNIQUE CHECK (code <> \'\'))',
        """CREATE TABLE kid (
            -- a comment, and [brackets] and `backticks` as SQLite allows
            [id] integer NOT NULL,
            `parent` INT REFERENCES "Parent" ON DELETE CASCADE,
            code text CONSTRAINT "named fk" REFERENCES Parent(code),
            PRIMARY KEY (id, parent),
            UNIQUE (code, parent),
            CHECK (id > 0)
        )""",
    )
    schema = introspect(sqlite_url)
    parent, kid = schema.table("Parent"), schema.table("kid")
    assert parent.primary_key == PrimaryKey(("id",), primary_key_name("Parent"))
    assert parent.uniques == (Unique(("code",), unique_name("Parent", ("code",))),)
    assert parent.checks == (Check("code <> ''", check_name("Parent", "code <> ''")),)
    assert kid.primary_key == PrimaryKey(("id", "parent"), "kid_pkey")
    assert kid.uniques == (Unique(("code", "parent"), "kid_code_parent_key"),)
    assert kid.checks == (Check("id > 0", check_name("kid", "id > 0")),)
    assert set(kid.foreign_keys) == {
        ForeignKey(("parent",), "Parent", ("id",), foreign_key_name("kid", ("parent",)), on_delete="CASCADE"),
        ForeignKey(("code",), "Parent", ("code",), "named fk"),
    }
    assert [c.type for c in kid.columns] == [ColumnType("integer"), ColumnType("integer"), ColumnType("text")]


def test_autoincrement_is_an_identity(sqlite_url):
    execute(
        sqlite_url,
        'CREATE TABLE a (id INTEGER PRIMARY KEY AUTOINCREMENT, x INTEGER)',
        'CREATE TABLE b (id INTEGER PRIMARY KEY, x INTEGER)',
    )
    schema = introspect(sqlite_url)
    assert schema.table("a").column("id").identity
    assert not schema.table("b").column("id").identity  # a rowid alias, but no AUTOINCREMENT
    assert [t.name for t in schema.tables] == ["a", "b"]  # sqlite_sequence is SQLite's own


def test_indexes_constraints_and_expression_indexes(sqlite_url):
    execute(
        sqlite_url,
        "CREATE TABLE t (a INTEGER, b TEXT COLLATE NOCASE, c TEXT, UNIQUE (a))",
        'CREATE INDEX "t a b" ON t (a, b DESC) WHERE b IS NOT NULL AND (a > 1)',
        "CREATE UNIQUE INDEX t_c ON t (c COLLATE NOCASE)",
        "CREATE INDEX t_lower ON t (lower(b), (a + 1) COLLATE RTRIM DESC, b ASC)",
    )
    table = introspect(sqlite_url).table("t")
    plain, desc = IndexKey(), IndexKey(descending=True)
    assert table.indexes == (
        # b's own collation (NOCASE) is the column's, not the index's: not read as the key's.
        Index(("a", "b"), "t a b", where="b IS NOT NULL AND (a > 1)", keys=(plain, desc)),
        Index(("c",), "t_c", unique=True, keys=(IndexKey(collation="NOCASE"),)),
        Index(
            ("lower(b)", "a + 1", "b"),
            "t_lower",
            keys=(IndexKey(expression=True), IndexKey(expression=True, descending=True, collation="RTRIM"), plain),
        ),
    )
    assert table.uniques == (Unique(("a",), "t_a_key"),)


def test_virtual_tables_and_their_shadow_tables_are_skipped(sqlite_url):
    execute(sqlite_url, "CREATE VIRTUAL TABLE ft USING fts5(body)", "CREATE TABLE real (x INTEGER)")
    assert [t.name for t in introspect(sqlite_url).tables] == ["real"]  # not ft_data, ft_idx …


def test_declared_types_map_back():
    assert column_type_of("VARYING CHARACTER(30)") == ColumnType("varchar", length=30)
    assert column_type_of("nvarchar(10)") == ColumnType("varchar", length=10)
    assert column_type_of("int") == ColumnType("integer")
    assert column_type_of("double precision") == ColumnType("double")
    assert column_type_of("datetime") == ColumnType("timestamp")
    assert column_type_of("NUMERIC(8)") == ColumnType("decimal", precision=8, scale=0)
    assert column_type_of("") == ColumnType("binary")
    assert column_type_of("MEDIUMTEXT") == ColumnType("native", dialect="sqlite", native="MEDIUMTEXT")
    assert column_type_of("VARCHAR(1, 2)") == ColumnType("native", dialect="sqlite", native="VARCHAR(1, 2)")


def test_defaults_map_back():
    integer, boolean = ColumnType("integer"), ColumnType("boolean")
    assert default_of(None, integer) is None
    assert default_of("'a''b'", integer) == Default("a'b")
    assert default_of("TRUE", boolean) == Default("true")
    assert default_of("0", boolean) == Default("false")
    assert default_of("1e3", integer) == Default("1e3")
    assert default_of("NULL", integer) == Default("NULL", expression=True)
    assert default_of("abs(-1)", integer) == Default("abs(-1)", expression=True)


def test_the_stored_sql_is_read_with_its_quoting():
    declared = parse_create_table(
        'CREATE TABLE "a ""b""" ("x ""y""" INTEGER CONSTRAINT "n ""m""" CHECK ("x ""y""" > \'(\'), '
        "z TEXT DEFAULT ')' CONSTRAINT u UNIQUE, CONSTRAINT \"p,k\" PRIMARY KEY (\"x \"\"y\"\"\"))"
    )
    assert declared.checks == [('n "m"', '"x ""y""" > \'(\'', 'x "y"')]
    assert declared.unique_names == {("z",): "u"}
    assert declared.primary_key_name == "p,k"
    assert index_where("CREATE INDEX i ON t (a) WHERE a = ')' -- why not") == "a = ')'"
    assert index_where("CREATE INDEX i ON t (a)") is None


def test_a_missing_file_is_not_an_empty_schema(tmp_path):
    from migrations_engine.errors import ConnectionFailed

    with pytest.raises(ConnectionFailed):
        introspect(f"sqlite:///{tmp_path / 'nope.sqlite3'}")


# ---------------------------------------------------------------- scale


def test_a_fixed_number_of_queries_for_a_thousand_tables(sqlite_url):
    with connect(sqlite_url) as db:
        db.execute("BEGIN")
        for n in range(1000):
            columns = ", ".join(f'"c{j}" VARCHAR(20) DEFAULT \'x\'' for j in range(8))
            db.execute(
                f'CREATE TABLE "t{n}" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "ref" INTEGER, {columns}, '
                f'CONSTRAINT "u{n}" UNIQUE ("c0"), CONSTRAINT "k{n}" CHECK (length("c1") < 10), '
                f'CONSTRAINT "f{n}" FOREIGN KEY ("ref") REFERENCES "t{max(n - 1, 0)}" ("id"))'
            )
            db.execute(f'CREATE INDEX "i{n}" ON "t{n}" ("c2") WHERE "c2" IS NOT NULL')
        db.execute("COMMIT")
        queries = []
        query = db.query
        db.query = lambda sql, params=None: queries.append(sql) or query(sql, params)  # type: ignore[method-assign]
        started = time.perf_counter()
        schema = read_schema(db)
        seconds = time.perf_counter() - started
    assert len(queries) == 4
    assert len(schema.tables) == 1000 and sum(len(t.columns) for t in schema.tables) == 10_000
    assert schema.table("t7").foreign_keys == (ForeignKey(("ref",), "t6", ("id",), "f7"),)
    print(f"\nintrospected 1000 tables / 10000 columns in {seconds:.2f} s")
    assert seconds < 30  # about 1.5 s on a quiet two-core machine


# ---------------------------------------------------------------- what the model holds since format 3 (issue 11)

EVERYTHING = [
    "CREATE TABLE parent (id INTEGER PRIMARY KEY)",
    'CREATE TABLE "kv ""x"" ü" (k TEXT PRIMARY KEY, v ANY, n int, flag INTEGER CHECK (flag IN (0,1))) STRICT, WITHOUT ROWID',
    "CREATE TABLE gauges ("
    "  id INTEGER PRIMARY KEY, c integer,"
    "  g integer AS (c + 1),"
    "  \"h h\" integer GENERATED ALWAYS AS (c*2) STORED,"
    "  w text GENERATED ALWAYS AS ('#' || c) VIRTUAL,"
    "  name TEXT NOT NULL COLLATE NOCASE,"
    "  code text COLLATE \"RTRIM\","
    "  p integer REFERENCES parent (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED NOT NULL,"
    "  q integer CONSTRAINT q_fk REFERENCES parent DEFERRABLE INITIALLY IMMEDIATE,"
    "  r integer,"
    "  on_off BOOLEAN CHECK (\"on_off\" IN (0, 1)),"
    "  status TEXT CONSTRAINT \"mood 🙂\" CHECK (\"status\" IN ('sad', 'it''s ok')),"
    "  FOREIGN KEY (r) REFERENCES parent (id) NOT DEFERRABLE"
    ")",
    "CREATE INDEX gauges_keys ON gauges (lower(name) DESC, code COLLATE NOCASE, (c + 1))",
]


def test_every_new_attribute_reads_back(sqlite_url):
    execute(sqlite_url, *EVERYTHING)
    schema = introspect(sqlite_url)
    kv = schema.table('kv "x" ü')
    assert (kv.without_rowid, kv.strict) == (True, True)
    assert [(c.name, str(c.type), c.declared_type) for c in kv.columns] == [
        ("k", "text", None), ("v", "sqlite:ANY", None), ("n", "integer", "INT"), ("flag", "boolean", None),
    ]  # fmt: skip
    assert kv.checks == ()  # the boolean's check is the boolean
    g = schema.table("gauges")
    assert (g.without_rowid, g.strict) == (False, False)
    assert g.column("g").generated == Generated("c + 1", stored=False)
    assert g.column("h h").generated == Generated("c*2", stored=True)
    assert g.column("w").generated == Generated("'#' || c", stored=False)
    assert (g.column("name").collation, g.column("code").collation, g.column("c").collation) == ("NOCASE", "RTRIM", None)
    assert not g.column("name").nullable
    timing = {fk.columns: (fk.deferrable, fk.initially_deferred, fk.on_delete) for fk in g.foreign_keys}
    assert timing == {
        ("p",): (True, True, "CASCADE"),
        ("q",): (True, False, "NO ACTION"),  # DEFERRABLE INITIALLY IMMEDIATE: checked at once
        ("r",): (False, False, "NO ACTION"),
    }
    assert g.column("on_off").type == ColumnType("boolean") and g.column("status").type == ColumnType("enum", enum="mood 🙂")
    assert schema.enums == (Enum("mood 🙂", ("sad", "it's ok")),)
    assert g.checks == ()
    assert g.indexes == (
        Index(
            ("lower(name)", "code", "c + 1"),
            "gauges_keys",
            keys=(IndexKey(expression=True, descending=True), IndexKey(collation="NOCASE"), IndexKey(expression=True)),
        ),
    )


def test_a_live_schema_read_twice_and_written_again_reads_the_same(sqlite_url, tmp_path):
    execute(sqlite_url, *EVERYTHING)
    first = introspect(sqlite_url)
    assert introspect(sqlite_url) == first
    copy = sqlite_url.with_database(str(tmp_path / "copy.sqlite3"))
    create(copy, first)
    assert introspect(copy) == first


def test_a_designed_schema_with_every_new_attribute_reads_back_as_designed(sqlite_url):
    mood = Enum("mood", ("sad", "ok"))
    parent = Table("parent", columns=(Column("id", ColumnType("integer"), nullable=False),), primary_key=PrimaryKey(("id",)))
    child = Table(
        "child 🙂",
        columns=(
            Column("id", ColumnType("integer"), nullable=False),
            Column("parent", ColumnType("integer")),
            Column("name", ColumnType("text"), collation="NOCASE"),
            Column("twice", ColumnType("integer"), generated=Generated("id * 2", stored=True)),
            Column("shout", ColumnType("text"), generated=Generated("upper(name)", stored=False)),
            Column("on", ColumnType("boolean"), nullable=False, default=Default("true")),
            Column("mood", ColumnType.parse("enum(mood)"), default=Default("ok")),
        ),
        primary_key=PrimaryKey(("id",)),
        foreign_keys=(ForeignKey(("parent",), "parent", ("id",), deferrable=True, initially_deferred=True),),
        indexes=(Index(("lower(name)", "parent"), "by_name", keys=(IndexKey(expression=True), IndexKey(descending=True))),),
        strict=True,
        without_rowid=True,
    )
    designed = with_default_names(Schema(tables=(parent, child), enums=(mood,)))
    create(sqlite_url, designed)
    assert introspect(sqlite_url) == designed


def test_enum_checks_that_disagree_stay_checks(sqlite_url):
    execute(
        sqlite_url,
        "CREATE TABLE a (s TEXT CONSTRAINT mood CHECK (s IN ('x', 'y')))",
        "CREATE TABLE b (s TEXT CONSTRAINT mood CHECK (s IN ('x')))",
        "CREATE TABLE c (s TEXT CHECK (s IN ('x')), t VARCHAR(5) CONSTRAINT v CHECK (t IN ('x')))",
    )
    schema = introspect(sqlite_url)
    assert schema.enums == ()
    assert schema.table("a").checks == (Check("s IN ('x', 'y')", "mood"),)
    assert schema.table("b").column("s").type == ColumnType("text")
    # unnamed (no enum name to read) or not TEXT: a check of the table, as written
    assert [c.name for c in schema.table("c").checks] == sorted([check_name("c", "s IN ('x')"), "v"])


def test_the_stored_sql_gives_options_generated_columns_collations_and_timing():
    declared = parse_create_table(
        'CREATE TABLE t (a INT, "b c" TEXT COLLATE "NO CASE" AS (a || \')\') STORED, '
        "d INT REFERENCES t (a) MATCH FULL DEFERRABLE INITIALLY DEFERRED NOT NULL) STRICT , WITHOUT ROWID"
    )
    assert (declared.strict, declared.without_rowid) == (True, True)
    assert declared.generated == {"b c": "a || ')'"}
    assert declared.collations == {"b c": "NO CASE"}
    assert declared.foreign_key_timing == {(("d",), "t"): (True, True)}
    assert index_elements('CREATE INDEX i ON t ("a b" COLLATE x DESC, (a, b), f(a) ASC)') == [
        ('"a b"', "x"), ("a, b", None), ("f(a)", None),
    ]  # fmt: skip


def test_an_enum_with_a_hostile_name_and_values_reads_back(sqlite_url):
    hostile = Enum('l\'été "x"', ("it's", "", "a, b", "é"))
    t = Table('t "1"', columns=(Column("naïve col", ColumnType("enum", enum=hostile.name), default=Default("it's")),))
    designed = with_default_names(Schema(tables=(t,), enums=(hostile,)))
    create(sqlite_url, designed)
    assert introspect(sqlite_url) == designed
    with pytest.raises(Exception, match="CHECK constraint failed"):
        execute(sqlite_url, 'INSERT INTO "t ""1""" VALUES (\'b\')')
