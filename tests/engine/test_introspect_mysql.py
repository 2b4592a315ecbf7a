"""Reading a live MariaDB schema back: exact for what the engine writes, careful with the rest.

MySQL 8's spellings (unquoted literal defaults, DEFAULT_GENERATED, parenthesised checks) have no
server here: the functions reading them are tested on the text MySQL 8 gives.
"""

from __future__ import annotations

import pytest

from migrations_engine.compare import normalized
from migrations_engine.connection import Database, connect
from migrations_engine.introspect import introspect
from migrations_engine.introspect.mysql import (
    _Reader,
    normalize_expression,
    read_default_mariadb,
    read_default_mysql,
    read_generation_expression,
    read_index_expression,
    read_type,
    strip_parentheses,
    unescape_string,
)
from migrations_engine.naming import with_default_names
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
from tests.engine.roundtrip import create_schema


def col(name: str, type_text: str, **kwargs) -> Column:
    return Column(name, ColumnType.parse(type_text), **kwargs)


def run(url, *statements: str) -> None:
    with connect(url) as db:
        for statement in statements:
            db.execute(statement)


# Every logical type but enums, every kind of default and constraint, hostile names, all written
# the way MySQL keeps them (see test_what_mysql_cannot_keep for the rest).
EVERYTHING = Schema(
    tables=(
        Table(
            "user",
            columns=(
                col("id", "bigint", nullable=False, identity=True),
                col("small", "smallint", default=Default("-3")),
                col("int", "integer", nullable=False, default=Default("0")),
                col("price", "decimal(10,2)", default=Default("1.5")),
                col("ratio", "float", default=Default("1.5")),
                col("precise", "double"),
                col("flag", "boolean", nullable=False, default=Default("true")),
                col("off", "boolean", default=Default("false")),
                col("code", "char(3)", default=Default("abc")),
                col("name", "varchar(50)", nullable=False, default=Default("it's \\ \"q\"")),
                col("bio", "text", comment="about them", default=Default("line\nbreak")),
                col("born", "date", default=Default("2000-01-01")),
                col("wakes", "time"),
                col("sleeps", "time(3)"),
                col("seen", "timestamp(6)", default=Default("2020-01-01 10:00:00.000000")),
                col("created", "timestamptz", nullable=False, default=Default("CURRENT_TIMESTAMP", expression=True)),
                col("updated", "timestamp(3)", default=Default("CURRENT_TIMESTAMP", expression=True)),
                col("token", "uuid", default=Default("uuid()", expression=True)),
                col("code36", "char(36)"),
                col("data", "json", default=Default("{}")),
                col("strict data", "json", nullable=False),
                col("blob", "binary"),
                col("digest", "binary(32)"),
                col("sum", "integer", default=Default("1 + 2", expression=True)),
                col("address", "mysql:int(10) unsigned"),
            ),
            primary_key=PrimaryKey(("id",)),
            uniques=(Unique(("name", "born")),),
            checks=(Check("`int` >= 0"), Check("small > 0 or small is null", "small_positive")),
            indexes=(Index(("created",)), Index(("code", "name"), "by_code")),
            comment="People's accounts",
        ),
        Table(
            "表 order",
            columns=(
                col("select", "integer", nullable=False),
                col("Mixed Case", "integer", nullable=False),
                col("naïve", "bigint"),
                col("parent_a", "integer"),
                col("parent_b", "integer"),
                col("back`tick", "json"),
                col("owner", "bigint"),
            ),
            primary_key=PrimaryKey(("Mixed Case", "select")),
            foreign_keys=(
                ForeignKey(("naïve",), "user", ("id",), on_delete="CASCADE"),
                ForeignKey(("parent_b", "parent_a"), "表 order", ("Mixed Case", "select"), "tree", on_update="SET NULL"),
                ForeignKey(("owner",), "user", ("id",), "strict", on_delete="RESTRICT"),
            ),
        ),
    ),
)


def test_schema_built_from_logical_types_reads_back_exactly(mysql_url):
    create_schema(mysql_url, EVERYTHING)
    assert normalized(introspect(mysql_url)) == normalized(with_default_names(EVERYTHING))


def test_columns_keep_their_order(mysql_url):
    create_schema(mysql_url, EVERYTHING)
    assert introspect(mysql_url).table("user").column_names == EVERYTHING.table("user").column_names


def test_what_mysql_cannot_keep(mysql_url):
    model = Schema(
        tables=(
            Table(
                "t",
                columns=(
                    col("id", "integer"),
                    col("free", "varchar"),
                    col("number", "decimal", default=Default("1.50")),
                    col("letter", "char"),
                    col("mood", "enum(mood)", default=Default("ok")),
                    col("at", "time(3)", default=Default("12:00")),
                    col("now", "timestamp", default=Default("now()", expression=True)),
                    col("yes", "boolean", default=Default("1")),
                    col("n", "integer", default=Default("(1+2)", expression=True)),
                ),
                primary_key=PrimaryKey(("id",), "custom_name"),
                checks=(Check("n IN (1,2)", "c"),),
                indexes=(Index(("free",), "u", unique=True),),
            ),
        ),
        enums=(Enum("mood", ("ok", "it's")),),
    )
    create_schema(mysql_url, model)
    assert introspect(mysql_url) == Schema(
        tables=(
            Table(
                "t",
                columns=(
                    col("id", "integer", nullable=False),  # primary key columns are NOT NULL
                    col("free", "varchar(255)"),  # the length varchar gets
                    col("number", "decimal(10,0)", default=Default("2")),  # MySQL's default size, rounded
                    col("letter", "char(1)"),
                    col("mood", "mysql:enum('ok','it''s')", default=Default("ok")),  # no enum names
                    col("at", "time(3)", default=Default("12:00:00.000")),  # as the server writes it
                    col("now", "timestamp", default=Default("CURRENT_TIMESTAMP", expression=True)),
                    col("yes", "boolean", default=Default("true")),
                    col("n", "integer", default=Default("1 + 2", expression=True)),
                ),
                primary_key=PrimaryKey(("id",), "t_pkey"),  # always PRIMARY in MySQL
                checks=(Check("n in (1,2)", "c"),),  # as the server rewrites it
                uniques=(Unique(("free",), "u"),),  # a unique index is a unique constraint
            ),
        )
    )


def test_mariadb_json_reads_as_json_and_its_check_is_hidden(mysql_url):
    run(
        mysql_url,
        "CREATE TABLE t (a json, b longtext, c longtext CHECK (json_valid(`b`)), d json CHECK (json_length(d) > 0))",
        "ALTER TABLE t RENAME COLUMN a TO `a 2`",
    )
    table = introspect(mysql_url).table("t")
    # A check written on a column replaces the json_valid one MariaDB would have given it (d).
    assert [str(c.type) for c in table.columns] == ["json", "mysql:longtext", "mysql:longtext", "mysql:longtext"]
    assert table.checks == (Check("json_valid(b)", "c"), Check("json_length(d) > 0", "d"))


def test_other_types_read_as_native(mysql_url):
    run(
        mysql_url,
        "CREATE TABLE t (a tinyint, b int unsigned, c mediumint, d enum('x','y'), e set('p','q'), "
        "f char(36), g varchar(5) CHARACTER SET ascii, h year, i bit(3), j mediumtext, k blob, l binary(4))",
    )
    assert [str(c.type) for c in introspect(mysql_url).table("t").columns] == [
        "mysql:tinyint(4)",
        "mysql:int(10) unsigned",
        "mysql:mediumint(9)",
        "mysql:enum('x','y')",
        "mysql:set('p','q')",
        "char(36)",
        "varchar(5)",
        "mysql:year(4)",
        "mysql:bit(3)",
        "mysql:mediumtext",
        "mysql:blob",
        "mysql:binary(4)",
    ]


def test_mariadb_defaults(mysql_url):
    run(
        mysql_url,
        "CREATE TABLE t (a varchar(20) DEFAULT 'NULL', b varchar(20) DEFAULT NULL, c int NOT NULL, "
        "d varchar(20) DEFAULT 'a\\nb''c\\\\d', e datetime DEFAULT current_timestamp() ON UPDATE current_timestamp(), "
        "f bit(1) DEFAULT b'1', g int AS (c + 1) VIRTUAL, h double DEFAULT 1.5e3)",
    )
    assert [c.default for c in introspect(mysql_url).table("t").columns] == [
        Default("NULL"),
        None,
        None,
        Default("a\nb'c\\d"),
        Default("CURRENT_TIMESTAMP", expression=True),
        Default("b'1'", expression=True),
        None,
        Default("1500"),
    ]


def test_views_and_other_databases_are_skipped(mysql_url):
    run(mysql_url, "CREATE TABLE t (id int PRIMARY KEY)", "CREATE VIEW v AS SELECT id FROM t")
    assert [t.name for t in introspect(mysql_url).tables] == ["t"]


def test_foreign_key_actions_written_by_others(mysql_url):
    run(
        mysql_url,
        "CREATE TABLE p (id int PRIMARY KEY)",
        "CREATE TABLE c (a int, b int, c int, FOREIGN KEY (a) REFERENCES p (id), "
        "CONSTRAINT named FOREIGN KEY (b) REFERENCES p (id) ON DELETE CASCADE ON UPDATE NO ACTION, "
        "CONSTRAINT nulls FOREIGN KEY (c) REFERENCES p (id) ON DELETE SET NULL ON UPDATE CASCADE)",
    )
    assert introspect(mysql_url).table("c").foreign_keys == (
        ForeignKey(("a",), "p", ("id",), "c_ibfk_1", on_delete="RESTRICT", on_update="RESTRICT"),
        ForeignKey(("b",), "p", ("id",), "named", on_delete="CASCADE", on_update="NO ACTION"),
        ForeignKey(("c",), "p", ("id",), "nulls", on_delete="SET NULL", on_update="CASCADE"),
    )


def test_composite_foreign_key_keeps_column_order(mysql_url):
    run(
        mysql_url,
        "CREATE TABLE p (a int, b int, PRIMARY KEY (a, b))",
        "CREATE TABLE c (x int, y int, CONSTRAINT k FOREIGN KEY (y, x) REFERENCES p (a, b))",
    )
    fk = introspect(mysql_url).table("c").foreign_keys[0]
    assert (fk.columns, fk.ref_columns) == (("y", "x"), ("a", "b"))


def test_indexes_made_for_foreign_keys_are_hidden_but_ours_are_not(mysql_url):
    run(
        mysql_url,
        "CREATE TABLE p (id int PRIMARY KEY)",
        "CREATE TABLE c (a int, b int, KEY b_idx (b), CONSTRAINT fa FOREIGN KEY (a) REFERENCES p (id), "
        "CONSTRAINT fb FOREIGN KEY (b) REFERENCES p (id))",
    )
    assert introspect(mysql_url).table("c").indexes == (Index(("b",), "b_idx"),)


def test_prefix_fulltext_and_unique_indexes(mysql_url):
    run(
        mysql_url,
        "CREATE TABLE t (id int, a text, b varchar(10), c int, PRIMARY KEY (id), KEY pre (a(10)), "
        "FULLTEXT KEY ft (b), UNIQUE KEY u (c, b), KEY multi (b, c, id))",
    )
    table = introspect(mysql_url).table("t")
    assert (table.primary_key, table.uniques, table.indexes) == (
        PrimaryKey(("id",), "t_pkey"),
        (Unique(("c", "b"), "u"),),
        (
            Index(("b",), "ft", method="fulltext"),
            Index(("b", "c", "id"), "multi"),
            Index(("a",), "pre", keys=(IndexKey(length=10),)),
        ),
    )


def test_checks_read_as_the_model_writes_them(mysql_url):
    run(
        mysql_url,
        "CREATE TABLE t (n int, `order` int, `Name` int, k varchar(5), "
        "CONSTRAINT c1 CHECK ((n > 0)), CONSTRAINT c2 CHECK (`order` > n), CONSTRAINT c3 CHECK (`Name` IS NOT NULL), "
        "CONSTRAINT c4 CHECK (k <> '`n`'))",
    )
    assert [c.expression for c in introspect(mysql_url).table("t").checks] == [
        "n > 0",
        "`order` > n",
        "`Name` is not null",
        "k <> '`n`'",
    ]


def test_comments(mysql_url):
    run(mysql_url, "CREATE TABLE t (a int COMMENT 'it''s \\\\ a', b int COMMENT '') COMMENT 'tab'")
    table = introspect(mysql_url).table("t")
    assert (table.comment, [c.comment for c in table.columns]) == ("tab", ["it's \\ a", None])


def test_empty_database(mysql_url):
    assert introspect(mysql_url) == Schema()


class CountingDatabase(Database):
    """A connection that counts the queries it runs."""

    queries = 0

    def query(self, sql, params=None):
        self.queries += 1
        return super().query(sql, params)


def queries_to_read(url) -> int:
    with connect(url) as db:
        counting = CountingDatabase(db.url, db.raw)
        introspect(counting)
        return counting.queries


def test_the_number_of_queries_does_not_grow_with_the_tables(mysql_url):
    create_schema(mysql_url, EVERYTHING)
    few = queries_to_read(mysql_url)
    tables = [f"CREATE TABLE t{n} (id int PRIMARY KEY, v varchar(9) UNIQUE, w int REFERENCES t0 (id), CHECK (w > 0))" for n in range(1, 30)]
    run(mysql_url, "CREATE TABLE t0 (id int PRIMARY KEY)", *tables)
    assert queries_to_read(mysql_url) == few == 8  # collations; foreign keys read in two (a join is slow)


# ---------------------------------------------------------------- the text of the catalogs


@pytest.mark.parametrize(
    ("text", "extra", "type_text", "expected"),
    [
        (None, "", "integer", None),
        ("42", "", "integer", Default("42")),
        ("abc", "", "varchar(9)", Default("abc")),
        ("'quoted'", "", "varchar(9)", Default("'quoted'")),
        ("1", "", "boolean", Default("true")),
        ("1.50", "", "decimal(5,2)", Default("1.5")),
        ("CURRENT_TIMESTAMP", "default_generated", "timestamp", Default("CURRENT_TIMESTAMP", expression=True)),
        ("CURRENT_TIMESTAMP(6)", "default_generated on update current_timestamp(6)", "timestamp(6)", Default("CURRENT_TIMESTAMP", expression=True)),
        ("CURRENT_TIMESTAMP(3)", "default_generated", "timestamp(6)", Default("CURRENT_TIMESTAMP(3)", expression=True)),
        ("_utf8mb4\\'it\\'\\'s\\'", "default_generated", "text", Default("it's")),
        ("_utf8mb4\\'{}\\'", "default_generated", "json", Default("{}")),
        ("(1 + 2)", "default_generated", "integer", Default("1 + 2", expression=True)),
        ("uuid()", "default_generated", "uuid", Default("uuid()", expression=True)),
    ],
)
def test_read_default_mysql8(text, extra, type_text, expected):
    assert read_default_mysql(text, extra, ColumnType.parse(type_text)) == expected


@pytest.mark.parametrize(
    ("text", "type_text", "expected"),
    [
        (None, "integer", None),
        ("NULL", "varchar(9)", None),
        ("'NULL'", "varchar(9)", Default("NULL")),
        ("'it''s'", "varchar(9)", Default("it's")),
        ("-7", "integer", Default("-7")),
        ("0", "boolean", Default("false")),
        ("0.00", "decimal(5,2)", Default("0")),
        ("current_timestamp()", "timestamp", Default("CURRENT_TIMESTAMP", expression=True)),
        ("current_timestamp(6)", "timestamp(6)", Default("CURRENT_TIMESTAMP", expression=True)),
        ("(1 + 2)", "integer", Default("1 + 2", expression=True)),
    ],
)
def test_read_default_mariadb(text, type_text, expected):
    assert read_default_mariadb(text, "", ColumnType.parse(type_text)) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [("it''s", "it's"), ("a\\\\b", "a\\b"), ("a\\nb\\tc\\0", "a\nb\tc\0"), ("\\'", "'"), ("100\\%", "100\\%")],
)
def test_unescape_string(body, expected):
    assert unescape_string(body) == expected


@pytest.mark.parametrize(
    ("text", "charset", "expected"),
    [
        ("int(11)", None, "integer"),
        ("int", None, "integer"),
        ("smallint(6)", None, "smallint"),
        ("bigint(20)", None, "bigint"),
        ("bigint(20) unsigned", None, "mysql:bigint(20) unsigned"),
        ("tinyint(1)", None, "boolean"),
        ("datetime(6)", None, "timestamp(6)"),
        ("timestamp", None, "timestamptz"),
        ("char(36)", "ascii", "uuid"),
        ("char(36)", "utf8mb4", "char(36)"),
        ("varbinary(16)", None, "binary(16)"),
        ("longblob", None, "binary"),
        ("json", None, "json"),
        ("double(8,2)", None, "mysql:double(8,2)"),
    ],
)
def test_read_type(text, charset, expected):
    assert str(read_type(text, charset)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(`a` > 0)", "a > 0"),
        ("((`a` > 0) and (`b` > 0))", "(a > 0) and (b > 0)"),
        ("`select` > 0", "`select` > 0"),
        ("`Mixed` > 0", "`Mixed` > 0"),
        ("`a``b` > 0", "`a``b` > 0"),
        ("`naïve` > 0", "`naïve` > 0"),
        ("`k` <> '`k`'", "k <> '`k`'"),
        ("`k` <> 'it\\'s `k`'", "k <> 'it\\'s `k`'"),
    ],
)
def test_normalize_expression(text, expected):
    assert normalize_expression(text) == expected


def test_strip_parentheses_respects_quotes():
    assert strip_parentheses("(name <> ')')") == "name <> ')'"
    assert strip_parentheses("(a) + (b)") == "(a) + (b)"


# ---------------------------------------------------------------- generated columns, index keys, comments (issue 11)


def test_generated_columns(mysql_url):
    run(
        mysql_url,
        "CREATE TABLE t (id int PRIMARY KEY, a int, b varchar(20),"
        " v int AS (a + 1) VIRTUAL COMMENT 'one more',"
        " s varchar(30) CHARACTER SET latin1 GENERATED ALWAYS AS (concat(b, 'it''s')) STORED,"
        " p int AS (a * 2) PERSISTENT)",
    )
    t = introspect(mysql_url).table("t")
    assert t.column("v") == col("v", "integer", generated=Generated("a + 1", stored=False), comment="one more")
    # MariaDB prints a quote inside a string with a backslash.
    assert t.column("s") == col("s", "varchar(30)", charset="latin1", generated=Generated("concat(b,'it\\'s')"))
    assert t.column("p") == col("p", "integer", generated=Generated("a * 2"))


def test_index_keys_methods_and_comments(mysql_url):
    run(
        mysql_url,
        "CREATE TABLE `t t` (id int, `a b` varchar(50), c text, d int,"
        " PRIMARY KEY (id) COMMENT 'pk',"
        " UNIQUE KEY `u` (d) COMMENT 'one d',"
        " UNIQUE KEY `u pre` (`a b`(5)),"
        " KEY `mixed` (`a b`(10) DESC, d DESC, id) COMMENT 'it''s',"
        " FULLTEXT KEY ft (c, `a b`) COMMENT 'words')",
    )
    t = introspect(mysql_url).table("t t")
    assert t.primary_key == PrimaryKey(("id",), "t t_pkey", comment="pk")
    assert t.uniques == (Unique(("d",), "u", comment="one d"),)
    assert t.indexes == (
        Index(("c", "a b"), "ft", method="fulltext", comment="words"),
        Index(("a b", "d", "id"), "mixed", keys=(IndexKey(descending=True, length=10), IndexKey(descending=True), IndexKey()), comment="it's"),
        Index(("a b",), "u pre", unique=True, keys=(IndexKey(length=5),)),
    )


def test_an_index_a_foreign_key_uses_is_kept_when_it_is_more_than_a_plain_index(mysql_url):
    run(
        mysql_url,
        "CREATE TABLE p (id int PRIMARY KEY)",
        "CREATE TABLE c (id int PRIMARY KEY, b int, KEY fb (b) COMMENT 'mine', CONSTRAINT fb FOREIGN KEY (b) REFERENCES p (id))",
    )
    assert introspect(mysql_url).table("c").indexes == (Index(("b",), "fb", comment="mine"),)


def test_mysql_8_generation_expressions_and_functional_index_parts():
    # MySQL 8 escapes GENERATION_EXPRESSION as a string body and introduces string literals.
    assert read_generation_expression("concat(`b`,_utf8mb4\\'it\\\\\\'s\\')", mariadb=False) == "concat(b,'it\\'s')"
    assert read_generation_expression("(`a` + 1)", mariadb=False) == "a + 1"
    assert read_generation_expression("`a` + 1", mariadb=True) == "a + 1"
    assert read_index_expression("lower(`title`)") == "lower(title)"
    assert read_index_expression("concat(`a`,_utf8mb4'x')") == "concat(a,'x')"


def test_mysql_8_functional_index_rows_read_as_expression_keys():
    reader = _Reader(
        mariadb=False,
        tables=[("t", "", "utf8mb4_0900_ai_ci")],
        columns=[("t", "title", "varchar(20)", "YES", None, "", "utf8mb4", "", "utf8mb4_0900_ai_ci", None)],
        index_parts=[
            ("t", "f", 1, None, None, "BTREE", "A", "", "lower(`title`)"),
            ("t", "f", 1, "title", 3, "BTREE", "D", "", None),
        ],
        foreign_key_columns=[],
        checks=[],
        collations=[("utf8mb4_0900_ai_ci", "utf8mb4", "Yes")],
    )
    (t,) = reader.tables()
    assert t.indexes == (Index(("lower(title)", "title"), "f", keys=(IndexKey(expression=True), IndexKey(descending=True, length=3))),)
