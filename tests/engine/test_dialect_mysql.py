"""The exact SQL the MySQL/MariaDB dialect writes, one test per kind of operation."""

from __future__ import annotations

from dataclasses import replace

import pytest

from migrations_engine.connection import connect
from migrations_engine.dialects import get_dialect
from migrations_engine.errors import UnsupportedChange
from migrations_engine.operations import (
    AddCheck,
    AddColumn,
    AddForeignKey,
    AddPrimaryKey,
    AddUnique,
    AlterColumn,
    AlterEnum,
    CreateEnum,
    CreateIndex,
    CreateTable,
    DropCheck,
    DropColumn,
    DropEnum,
    DropForeignKey,
    DropIndex,
    DropPrimaryKey,
    DropTable,
    DropUnique,
    Operation,
    RenameColumn,
    RenameConstraint,
    RenameEnum,
    RenameIndex,
    RenameTable,
    SetComment,
    SetTableComment,
)
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

my = get_dialect("mysql")

MOOD = Enum("mood", ("sad", "ok"))
PEOPLE = Table(
    "people",
    columns=(
        Column("id", ColumnType("integer"), nullable=False, identity=True),
        Column("name", ColumnType.parse("varchar(50)"), nullable=False),
        Column("mood", ColumnType.parse("enum(mood)"), default=Default("ok")),
        Column("age", ColumnType("integer")),
    ),
    primary_key=PrimaryKey(("id",), "people_pkey"),
)
PETS = Table(
    "pets",
    columns=(
        Column("id", ColumnType("integer"), nullable=False),
        Column("owner", ColumnType("integer")),
        Column("kind", ColumnType.parse("varchar(20)")),
    ),
    primary_key=PrimaryKey(("id",), "pets_pkey"),
    foreign_keys=(ForeignKey(("owner",), "people", ("id",), "pets_owner_fkey"),),
)
START = Schema(tables=(PEOPLE, PETS), enums=(MOOD,))


def sql(op: Operation, before: Schema = START) -> list[str]:
    return my.render(op, before, op.apply(before))


def col(name: str, type_text: str, **kwargs) -> Column:
    return Column(name, ColumnType.parse(type_text), **kwargs)


def alter(old: Column, new: Column, before: Schema = START) -> list[str]:
    return sql(AlterColumn("people", old, new), before)


def with_people(**changes) -> Schema:
    return START.replace_table("people", replace(PEOPLE, **changes))


AGE = PEOPLE.column("age")
ID = PEOPLE.column("id")


# ---------------------------------------------------------------- types


@pytest.mark.parametrize(
    ("logical", "expected"),
    [
        ("smallint", "smallint"),
        ("integer", "int"),
        ("bigint", "bigint"),
        ("decimal(10,2)", "decimal(10,2)"),
        ("decimal", "decimal"),
        ("float", "float"),
        ("double", "double"),
        ("boolean", "tinyint(1)"),
        ("char(3)", "char(3)"),
        ("varchar(20)", "varchar(20)"),
        ("varchar", "varchar(255)"),
        ("text", "text"),
        ("date", "date"),
        ("time", "time"),
        ("time(3)", "time(3)"),
        ("timestamp", "datetime"),
        ("timestamp(6)", "datetime(6)"),
        ("timestamptz", "timestamp"),
        ("timestamptz(3)", "timestamp(3)"),
        ("uuid", "char(36) CHARACTER SET ascii"),
        ("json", "json"),
        ("binary", "longblob"),
        ("binary(16)", "varbinary(16)"),
        ("enum(mood)", "enum('sad','ok')"),
        ("mysql:mediumint unsigned", "mediumint unsigned"),
    ],
)
def test_type_spellings(logical, expected):
    assert my.type_sql(ColumnType.parse(logical), START) == expected


def test_enum_values_are_escaped_literals():
    schema = Schema(enums=(Enum("odd", ("it's", "a\\b")),))
    assert my.type_sql(ColumnType.parse("enum(odd)"), schema) == "enum('it''s','a\\\\b')"


# ---------------------------------------------------------------- defaults


@pytest.mark.parametrize(
    ("type_text", "default", "expected"),
    [
        ("integer", Default("42"), "42"),
        ("boolean", Default("true"), "TRUE"),
        ("varchar(9)", Default("it's \\ x"), "'it''s \\\\ x'"),
        ("text", Default("hello"), "('hello')"),
        ("json", Default("{}"), "('{}')"),
        ("binary", Default("x"), "('x')"),
        ("binary(4)", Default("x"), "'x'"),
        ("timestamp", Default("CURRENT_TIMESTAMP", expression=True), "CURRENT_TIMESTAMP"),
        ("timestamp(6)", Default("CURRENT_TIMESTAMP", expression=True), "CURRENT_TIMESTAMP(6)"),
        ("timestamptz(3)", Default("now()", expression=True), "CURRENT_TIMESTAMP(3)"),
        ("uuid", Default("uuid()", expression=True), "(uuid())"),
        ("integer", Default("(1 + 2)", expression=True), "(1 + 2)"),
        ("integer", Default("(1) + (2)", expression=True), "((1) + (2))"),
    ],
)
def test_defaults(type_text, default, expected):
    assert my.default_sql(col("c", type_text, default=default)) == expected


# ---------------------------------------------------------------- tables


def test_create_table():
    table = Table(
        "orders",
        columns=(
            col("id", "bigint", nullable=False, identity=True),
            col("person", "integer", nullable=False, comment="who's"),
            col("total", "decimal(10,2)", default=Default("0")),
            col("note", "text", default=Default("it's")),
            col("paid", "boolean", nullable=False, default=Default("false")),
            col("at", "timestamptz", default=Default("CURRENT_TIMESTAMP", expression=True)),
            col("mood", "enum(mood)", nullable=False, default=Default("ok")),
        ),
        primary_key=PrimaryKey(("id",), "orders_pkey"),
        uniques=(Unique(("person", "at"), "orders_person_at_key"),),
        checks=(Check("total >= 0", "orders_total_check"),),
        indexes=(Index(("at", "paid"), "orders_at_paid_idx"), Index(("note",), "orders_note_idx", unique=True)),
        foreign_keys=(ForeignKey(("person",), "people", ("id",), "orders_person_fkey", on_delete="CASCADE"),),
        comment="All orders",
    )
    assert sql(CreateTable(table)) == [
        "CREATE TABLE `orders` (\n"
        "  `id` bigint NOT NULL AUTO_INCREMENT,\n"
        "  `person` int NOT NULL COMMENT 'who''s',\n"
        "  `total` decimal(10,2) NULL DEFAULT 0,\n"
        "  `note` text NULL DEFAULT ('it''s'),\n"
        "  `paid` tinyint(1) NOT NULL DEFAULT FALSE,\n"
        "  `at` timestamp NULL DEFAULT CURRENT_TIMESTAMP,\n"
        "  `mood` enum('sad','ok') NOT NULL DEFAULT 'ok',\n"
        "  PRIMARY KEY (`id`),\n"
        "  CONSTRAINT `orders_person_at_key` UNIQUE (`person`, `at`),\n"
        "  CONSTRAINT `orders_total_check` CHECK (total >= 0),\n"
        "  INDEX `orders_at_paid_idx` (`at`, `paid`),\n"
        "  UNIQUE INDEX `orders_note_idx` (`note`),\n"
        "  CONSTRAINT `orders_person_fkey` FOREIGN KEY (`person`) REFERENCES `people` (`id`) "
        "ON DELETE CASCADE ON UPDATE NO ACTION\n"
        ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='All orders'"
    ]


def test_create_table_refuses_an_auto_increment_column_leading_no_key():
    table = Table("t", columns=(col("n", "integer", nullable=False, identity=True), col("m", "integer")), primary_key=PrimaryKey(("m", "n"), "t_pkey"))
    with pytest.raises(UnsupportedChange, match="AUTO_INCREMENT column t.n to lead a key"):
        sql(CreateTable(table))


def test_drop_table():
    assert sql(DropTable(PETS)) == ["DROP TABLE `pets`"]


def test_rename_table():
    assert sql(RenameTable("people", "persons")) == ["ALTER TABLE `people` RENAME TO `persons`"]


def test_set_table_comment():
    assert sql(SetTableComment("people", None, "Everyone's")) == ["ALTER TABLE `people` COMMENT = 'Everyone''s'"]


def test_remove_table_comment():
    assert sql(SetTableComment("people", "Everyone", None)) == ["ALTER TABLE `people` COMMENT = ''"]


# ---------------------------------------------------------------- columns


def test_add_nullable_column():
    assert sql(AddColumn("people", col("email", "varchar(200)"))) == [
        "ALTER TABLE `people` ADD COLUMN `email` varchar(200) NULL"
    ]


def test_add_not_null_column_without_default_fills_existing_rows():
    assert sql(AddColumn("people", col("score", "integer", nullable=False))) == [
        "ALTER TABLE `people` ADD COLUMN `score` int NOT NULL DEFAULT 0",
        "ALTER TABLE `people` ALTER COLUMN `score` DROP DEFAULT",
    ]


def test_add_not_null_json_column_uses_an_expression_as_temporary_default():
    assert sql(AddColumn("people", col("data", "json", nullable=False))) == [
        "ALTER TABLE `people` ADD COLUMN `data` json NOT NULL DEFAULT ('{}')",
        "ALTER TABLE `people` ALTER COLUMN `data` DROP DEFAULT",
    ]


def test_add_column_with_default_and_comment():
    column = col("joined", "date", nullable=False, default=Default("2000-01-01"), comment="day one")
    assert sql(AddColumn("people", column)) == [
        "ALTER TABLE `people` ADD COLUMN `joined` date NOT NULL DEFAULT '2000-01-01' COMMENT 'day one'"
    ]


def test_add_identity_column_waits_for_its_key():
    # No key leads with it yet: AUTO_INCREMENT comes with the key (test_add_primary_key_...).
    schema = with_people(columns=(*PEOPLE.columns[1:],), primary_key=None)
    assert sql(AddColumn("people", ID), schema) == [
        "ALTER TABLE `people` ADD COLUMN `id` int NOT NULL DEFAULT 0",
        "ALTER TABLE `people` ALTER COLUMN `id` DROP DEFAULT",
    ]


def test_drop_column():
    assert sql(DropColumn("people", AGE)) == ["ALTER TABLE `people` DROP COLUMN `age`"]


def test_rename_column():
    assert sql(RenameColumn("people", "age", "years")) == ["ALTER TABLE `people` RENAME COLUMN `age` TO `years`"]


def test_alter_type_modifies_the_whole_definition():
    assert alter(AGE, col("age", "bigint", default=Default("1"), comment="years")) == [
        "ALTER TABLE `people` MODIFY COLUMN `age` bigint NULL DEFAULT 1 COMMENT 'years'"
    ]


def test_make_not_null_fills_nulls_with_zero():
    assert alter(AGE, col("age", "integer", nullable=False)) == [
        "UPDATE `people` SET `age` = 0 WHERE `age` IS NULL",
        "ALTER TABLE `people` MODIFY COLUMN `age` int NOT NULL",
    ]


def test_make_not_null_fills_nulls_with_the_default():
    stamp = col("seen", "timestamp(3)")
    schema = with_people(columns=(*PEOPLE.columns, stamp))
    new = col("seen", "timestamp(3)", nullable=False, default=Default("CURRENT_TIMESTAMP", expression=True))
    assert alter(stamp, new, schema) == [
        "UPDATE `people` SET `seen` = CURRENT_TIMESTAMP(3) WHERE `seen` IS NULL",
        "ALTER TABLE `people` MODIFY COLUMN `seen` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)",
    ]


def test_make_nullable():
    name = PEOPLE.column("name")
    assert alter(name, col("name", "varchar(50)")) == ["ALTER TABLE `people` MODIFY COLUMN `name` varchar(50) NULL"]


def test_drop_default():
    mood = PEOPLE.column("mood")
    assert alter(mood, col("mood", "enum(mood)")) == ["ALTER TABLE `people` MODIFY COLUMN `mood` enum('sad','ok') NULL"]


def test_remove_column_comment():
    assert alter(col("age", "integer", comment="x"), AGE) == ["ALTER TABLE `people` MODIFY COLUMN `age` int NULL"]


def test_drop_identity():
    assert alter(ID, col("id", "integer", nullable=False)) == ["ALTER TABLE `people` MODIFY COLUMN `id` int NOT NULL"]


def test_add_identity_to_a_key_column():
    schema = with_people(columns=(col("id", "integer", nullable=False), *PEOPLE.columns[1:]))
    assert alter(schema.table("people").column("id"), ID, schema) == [
        "ALTER TABLE `people` MODIFY COLUMN `id` int NOT NULL AUTO_INCREMENT"
    ]


def test_add_identity_to_a_column_leading_no_key_waits_for_the_key():
    assert alter(AGE, col("age", "integer", identity=True)) == ["ALTER TABLE `people` MODIFY COLUMN `age` int NULL"]


# ---------------------------------------------------------------- keys and constraints


def test_add_primary_key():
    schema = with_people(columns=(col("id", "integer", nullable=False), *PEOPLE.columns[1:]), primary_key=None)
    assert sql(AddPrimaryKey("people", PrimaryKey(("id", "name"), "people_pkey")), schema) == [
        "ALTER TABLE `people` ADD PRIMARY KEY (`id`, `name`)"
    ]


def test_add_primary_key_gives_its_identity_column_auto_increment():
    schema = with_people(primary_key=None)
    assert sql(AddPrimaryKey("people", PrimaryKey(("id",), "people_pkey")), schema) == [
        "ALTER TABLE `people` ADD PRIMARY KEY (`id`), MODIFY COLUMN `id` int NOT NULL AUTO_INCREMENT"
    ]


def test_drop_primary_key_takes_auto_increment_off_first():
    assert sql(DropPrimaryKey("people", PEOPLE.primary_key)) == [
        "ALTER TABLE `people` MODIFY COLUMN `id` int NOT NULL, DROP PRIMARY KEY"
    ]


def test_drop_primary_key_keeps_auto_increment_when_another_key_leads_with_it():
    schema = with_people(indexes=(Index(("id", "age"), "people_id_age_idx"),))
    assert sql(DropPrimaryKey("people", PEOPLE.primary_key), schema) == ["ALTER TABLE `people` DROP PRIMARY KEY"]


def test_add_foreign_key_writes_both_actions():
    fk = ForeignKey(("a", "b"), "other", ("x", "y"), "pets_a_b_fkey", on_delete="SET NULL")
    schema = START.replace_table("pets", Table("pets", (col("a", "integer"), col("b", "integer"))))
    schema = schema.with_table(Table("other", (col("x", "integer"), col("y", "integer"))))
    assert sql(AddForeignKey("pets", fk), schema) == [
        "ALTER TABLE `pets` ADD CONSTRAINT `pets_a_b_fkey` FOREIGN KEY (`a`, `b`) REFERENCES `other` (`x`, `y`) "
        "ON DELETE SET NULL ON UPDATE NO ACTION"
    ]


def test_add_foreign_key_makes_again_a_plain_index_its_own_index_could_replace():
    # "owner" may be the index MySQL made for a key written without a name: MySQL would drop it
    # for the new key's own index, while the model keeps it.
    schema = START.replace_table("pets", replace(PETS, foreign_keys=(), indexes=(Index(("owner",), "owner"),)))
    assert sql(AddForeignKey("pets", PETS.foreign_keys[0]), schema) == [
        "ALTER TABLE `pets` DROP INDEX `owner`, ADD INDEX `owner` (`owner`), "
        "ADD CONSTRAINT `pets_owner_fkey` FOREIGN KEY (`owner`) REFERENCES `people` (`id`) "
        "ON DELETE NO ACTION ON UPDATE NO ACTION"
    ]


def test_add_foreign_key_leaves_alone_an_index_longer_than_its_columns():
    schema = START.replace_table("pets", replace(PETS, foreign_keys=(), indexes=(Index(("owner", "kind"), "pets_owner_kind_idx"),)))
    assert sql(AddForeignKey("pets", PETS.foreign_keys[0]), schema) == [
        "ALTER TABLE `pets` ADD CONSTRAINT `pets_owner_fkey` FOREIGN KEY (`owner`) REFERENCES `people` (`id`) "
        "ON DELETE NO ACTION ON UPDATE NO ACTION"
    ]

def test_drop_foreign_key_drops_the_index_mysql_made_for_it():
    assert sql(DropForeignKey("pets", PETS.foreign_keys[0])) == [
        "ALTER TABLE `pets` DROP FOREIGN KEY `pets_owner_fkey`",
        "ALTER TABLE `pets` DROP INDEX `pets_owner_fkey`",
    ]


def test_drop_foreign_key_served_by_an_index_of_ours():
    schema = START.replace_table("pets", replace(PETS, indexes=(Index(("owner", "kind"), "pets_owner_kind_idx"),)))
    assert sql(DropForeignKey("pets", PETS.foreign_keys[0]), schema) == ["ALTER TABLE `pets` DROP FOREIGN KEY `pets_owner_fkey`"]


def test_drop_index_a_foreign_key_relies_on_gives_the_key_its_own_index():
    index = Index(("owner", "kind"), "pets_owner_kind_idx")
    schema = START.replace_table("pets", replace(PETS, indexes=(index,)))
    assert sql(DropIndex("pets", index), schema) == [
        "ALTER TABLE `pets` DROP INDEX `pets_owner_kind_idx`, ADD INDEX `pets_owner_fkey` (`owner`)"
    ]


def test_add_unique():
    assert sql(AddUnique("people", Unique(("name", "age"), "people_name_age_key"))) == [
        "ALTER TABLE `people` ADD CONSTRAINT `people_name_age_key` UNIQUE (`name`, `age`)"
    ]


def test_drop_unique():
    schema = with_people(uniques=(Unique(("name",), "people_name_key"),))
    assert sql(DropUnique("people", Unique(("name",), "people_name_key")), schema) == [
        "ALTER TABLE `people` DROP INDEX `people_name_key`"
    ]


def test_add_check():
    assert sql(AddCheck("people", Check("age >= 0", "people_age_check"))) == [
        "ALTER TABLE `people` ADD CONSTRAINT `people_age_check` CHECK (age >= 0)"
    ]


def test_drop_check():
    check = Check("age >= 0", "people_age_check")
    assert sql(DropCheck("people", check), with_people(checks=(check,))) == [
        "ALTER TABLE `people` DROP CONSTRAINT `people_age_check`"
    ]


def test_rename_primary_key_changes_nothing():
    assert sql(RenameConstraint("people", "people_pkey", "persons_pkey")) == []


def test_rename_unique_renames_its_index():
    schema = with_people(uniques=(Unique(("name",), "people_name_key"),))
    assert sql(RenameConstraint("people", "people_name_key", "people_nom_key"), schema) == [
        "ALTER TABLE `people` RENAME INDEX `people_name_key` TO `people_nom_key`"
    ]


def test_rename_check_makes_it_again():
    schema = with_people(checks=(Check("age >= 0", "old_check"),))
    assert sql(RenameConstraint("people", "old_check", "new_check"), schema) == [
        "ALTER TABLE `people` DROP CONSTRAINT `old_check`",
        "ALTER TABLE `people` ADD CONSTRAINT `new_check` CHECK (age >= 0)",
    ]


def test_rename_foreign_key_makes_it_again_and_renames_its_index():
    assert sql(RenameConstraint("pets", "pets_owner_fkey", "pets_person_fkey")) == [
        "ALTER TABLE `pets` DROP FOREIGN KEY `pets_owner_fkey`",
        "ALTER TABLE `pets` RENAME INDEX `pets_owner_fkey` TO `pets_person_fkey`",
        "ALTER TABLE `pets` ADD CONSTRAINT `pets_person_fkey` FOREIGN KEY (`owner`) REFERENCES `people` (`id`) "
        "ON DELETE NO ACTION ON UPDATE NO ACTION",
    ]


# ---------------------------------------------------------------- indexes


def test_create_unique_multi_column_index():
    index = Index(("name", "age"), "people_name_age_idx", unique=True)
    assert sql(CreateIndex("people", index)) == ["CREATE UNIQUE INDEX `people_name_age_idx` ON `people` (`name`, `age`)"]


def test_create_index_gives_its_identity_column_auto_increment():
    schema = with_people(primary_key=None)
    assert sql(CreateIndex("people", Index(("id",), "people_id_idx")), schema) == [
        "ALTER TABLE `people` ADD INDEX `people_id_idx` (`id`), MODIFY COLUMN `id` int NOT NULL AUTO_INCREMENT"
    ]


def test_create_index_led_by_a_plain_index_makes_that_index_again():
    schema = START.replace_table("pets", replace(PETS, indexes=(Index(("owner",), "owner"),)))
    assert sql(CreateIndex("pets", Index(("owner", "kind"), "pets_owner_kind_idx")), schema) == [
        "ALTER TABLE `pets` DROP INDEX `owner`, ADD INDEX `owner` (`owner`), ADD INDEX `pets_owner_kind_idx` (`owner`, `kind`)"
    ]

def test_partial_index_is_refused():
    with pytest.raises(UnsupportedChange, match="MySQL has no partial indexes"):
        sql(CreateIndex("people", Index(("age",), "people_adult_idx", where="age >= 18")))


def test_drop_index():
    index = Index(("age",), "people_age_idx")
    assert sql(DropIndex("people", index), with_people(indexes=(index,))) == ["DROP INDEX `people_age_idx` ON `people`"]


def test_rename_index():
    index = Index(("age",), "people_age_idx")
    assert sql(RenameIndex("people", index, "people_years_idx"), with_people(indexes=(index,))) == [
        "ALTER TABLE `people` RENAME INDEX `people_age_idx` TO `people_years_idx`"
    ]


# ---------------------------------------------------------------- enums


def test_create_drop_and_rename_enum_write_nothing():
    assert sql(CreateEnum(Enum("size", ("s", "m")))) == []
    assert sql(DropEnum(Enum("unused", ("x",))), Schema(enums=(Enum("unused", ("x",)),))) == []
    assert sql(RenameEnum("mood", "feeling")) == []


def test_alter_enum_modifies_every_column_using_it():
    schema = START.replace_table("pets", Table("pets", (col("mood", "enum(mood)", nullable=False),)))
    assert sql(AlterEnum(MOOD, Enum("mood", ("sad", "ok", "glad"))), schema) == [
        "ALTER TABLE `people` MODIFY COLUMN `mood` enum('sad','ok','glad') NULL DEFAULT 'ok'",
        "ALTER TABLE `pets` MODIFY COLUMN `mood` enum('sad','ok','glad') NOT NULL",
    ]


# ---------------------------------------------------------------- names and literals


HOSTILE = ["select", "order", "user", "My Table", 'say "hi"', "it's", "back`tick", "``", "naïve", "表", "a.b", "Mixed", "100%"]


@pytest.mark.parametrize("name", HOSTILE)
def test_identifiers_are_always_quoted(name):
    quoted = "`" + name.replace("`", "``") + "`"
    table = Table(name, columns=(Column(name, ColumnType("integer")),), indexes=(Index((name,), name),))
    assert sql(CreateTable(table), Schema()) == [
        f"CREATE TABLE {quoted} (\n  {quoted} int NULL,\n  INDEX {quoted} ({quoted})\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"
    ]


def test_string_literals_escape_quotes_and_backslashes():
    assert my.string_literal("it's a \\ path, 100%") == "'it''s a \\\\ path, 100%'"


def test_string_literals_read_back_unchanged(mysql_url):
    texts = ["it's", "a \\ b", "\\'", "tab\there", "line\nbreak", "100%", "naïve 表", '"q"', "\\"]
    with connect(mysql_url) as db:
        assert [db.query("SELECT " + my.string_literal(text))[0][0] for text in texts] == texts


def test_a_native_year_column_added_not_null_gets_a_numeric_temporary_default():
    from migrations_engine.operations import AddColumn

    dialect = get_dialect("mysql")
    column = Column("y", ColumnType.parse("mysql:year"), nullable=False)
    assert dialect.zero_value(column, Schema()) == "0"
    before = Schema((Table("t", (Column("id", ColumnType.parse("integer")),)),))
    after = AddColumn("t", column).apply(before)
    assert "DEFAULT ''" not in " ".join(dialect.render(AddColumn("t", column), before, after))


# ---------------------------------------------------------------- character sets, collations, ON UPDATE


def test_create_table_writes_character_sets_collations_and_on_update():
    t = Table(
        "t",
        (
            Column("name", ColumnType.parse("varchar(20)"), charset="utf8mb4", collation="utf8mb4_bin"),
            Column(
                "at",
                ColumnType.parse("timestamp(3)"),
                nullable=False,
                default=Default("CURRENT_TIMESTAMP", expression=True),
                on_update="now()",
            ),
        ),
        charset="latin1",
        collation="latin1_bin",
    )
    sql = get_dialect("mysql").create_table_sql(t, Schema(tables=(t,)))
    assert sql == [
        "CREATE TABLE `t` (\n"
        "  `name` varchar(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,\n"
        "  `at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3)\n"
        ") ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_bin"
    ]


def test_postgresql_and_sqlite_refuse_a_change_of_table_character_set():
    from migrations_engine.operations import SetTableCharset
    from migrations_engine.render import render

    schema = Schema(tables=(Table("t", (Column("a", ColumnType.parse("integer")),)),))
    for dialect in ("postgresql", "sqlite"):
        with pytest.raises(UnsupportedChange):
            render([SetTableCharset("t", None, None, "latin1", None)], schema, dialect)


# ---------------------------------------------------------------- generated columns, index keys, comments (issue 11)

DOC = Table(
    "doc",
    (
        Column("id", ColumnType("integer"), nullable=False, identity=True),
        Column("body", ColumnType.parse("text"), charset="latin1"),
        Column("title", ColumnType.parse("varchar(100)"), nullable=False),
        Column("size", ColumnType("integer"), generated=Generated("length(body)", stored=False), comment="bytes"),
        Column("upper", ColumnType.parse("varchar(100)"), collation="utf8mb4_bin", generated=Generated("upper(title)")),
    ),
    primary_key=PrimaryKey(("id",), "doc_pkey", comment="the key"),
    uniques=(Unique(("title",), "doc_title_key", comment="one title"),),
    indexes=(
        Index(("title", "id"), "doc_title_idx", keys=(IndexKey(length=10, descending=True), IndexKey()), comment="it's"),
        Index(("body",), "doc_body_ft", method="fulltext"),
        Index(("body",), "doc_body_u", unique=True, keys=(IndexKey(length=20),)),
    ),
)
DOCS = Schema((DOC,))


def test_create_table_writes_generated_columns_index_keys_and_key_comments():
    assert my.create_table_sql(DOC, DOCS) == [
        "CREATE TABLE `doc` (\n"
        "  `id` int NOT NULL AUTO_INCREMENT,\n"
        "  `body` text CHARACTER SET latin1 NULL,\n"
        "  `title` varchar(100) NOT NULL,\n"
        "  `size` int GENERATED ALWAYS AS (length(body)) VIRTUAL COMMENT 'bytes',\n"
        "  `upper` varchar(100) COLLATE utf8mb4_bin GENERATED ALWAYS AS (upper(title)) STORED,\n"
        "  PRIMARY KEY (`id`) COMMENT 'the key',\n"
        "  CONSTRAINT `doc_title_key` UNIQUE (`title`) COMMENT 'one title',\n"
        "  FULLTEXT INDEX `doc_body_ft` (`body`),\n"
        "  UNIQUE INDEX `doc_body_u` (`body`(20)),\n"
        "  INDEX `doc_title_idx` (`title`(10) DESC, `id`) COMMENT 'it''s'\n"
        ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"
    ]


def test_a_not_null_generated_column_is_written_for_mysql_8():
    # MariaDB refuses NULL and NOT NULL on generated columns; MySQL 8 takes NOT NULL.
    column = Column("g", ColumnType("integer"), nullable=False, generated=Generated("1 + 1"))
    assert my.column_definition(column, Schema()) == "`g` int GENERATED ALWAYS AS (1 + 1) STORED NOT NULL"


def test_create_index_with_prefix_desc_fulltext_and_comment():
    before = DOCS
    index = Index(("title", "body"), "doc_both", keys=(IndexKey(descending=True), IndexKey(length=5)), comment="c")
    assert sql(CreateIndex("doc", index), before) == ["CREATE INDEX `doc_both` ON `doc` (`title` DESC, `body`(5)) COMMENT 'c'"]
    fulltext = Index(("title", "body"), "doc_ft2", method="fulltext")
    assert sql(CreateIndex("doc", fulltext), before) == ["CREATE FULLTEXT INDEX `doc_ft2` ON `doc` (`title`, `body`)"]


@pytest.mark.parametrize(
    "index, message",
    [
        (Index(("lower(title)",), "f", keys=(IndexKey(expression=True),)), "functional indexes"),
        (Index(("title",), "h", method="hash"), "B-tree and FULLTEXT"),
        (Index(("title",), "i", include=("id",)), "INCLUDE"),
        (Index(("title",), "u", unique=True, method="fulltext"), "cannot be unique"),
        (Index(("title",), "p", method="fulltext", keys=(IndexKey(length=3),)), "FULLTEXT"),
        (Index(("title",), "o", keys=(IndexKey(opclass="text_pattern_ops"),)), "operator classes"),
    ],
)
def test_indexes_mysql_cannot_make_are_refused(index, message):
    with pytest.raises(UnsupportedChange, match=message):
        sql(CreateIndex("doc", index), DOCS)


def test_comments_of_foreign_keys_and_checks_are_refused():
    with pytest.raises(UnsupportedChange, match="no comments on foreign keys or checks"):
        sql(AddCheck("doc", Check("id > 0", "doc_ck", comment="positive")), DOCS)
    fk = ForeignKey(("owner",), "people", ("id",), "pets_owner_fkey2", comment="who")
    with pytest.raises(UnsupportedChange, match="no comments on foreign keys or checks"):
        sql(AddForeignKey("pets", fk))
    with_check = Schema((replace(DOC, checks=(Check("id > 0", "doc_ck"),)),))
    with pytest.raises(UnsupportedChange, match="cannot keep its comment 'positive'"):
        sql(SetComment("doc", "check", "doc_ck", None, "positive"), with_check)
    with pytest.raises(UnsupportedChange, match="DEFERRABLE"):
        sql(AddUnique("doc", Unique(("id",), "doc_id_key", deferrable=True)), DOCS)


def test_set_comment_of_an_index_makes_it_again_in_one_statement():
    assert sql(SetComment("doc", "index", "doc_title_idx", "it's", "new"), DOCS) == [
        "ALTER TABLE `doc` DROP INDEX `doc_title_idx`, ADD INDEX `doc_title_idx` (`title`(10) DESC, `id`) COMMENT 'new'"
    ]
    assert sql(SetComment("doc", "index", "doc_body_ft", None, "words"), DOCS) == [
        "ALTER TABLE `doc` DROP INDEX `doc_body_ft`, ADD FULLTEXT INDEX `doc_body_ft` (`body`) COMMENT 'words'"
    ]
    assert sql(SetComment("doc", "index", "doc_title_idx", "it's", None), DOCS) == [
        "ALTER TABLE `doc` DROP INDEX `doc_title_idx`, ADD INDEX `doc_title_idx` (`title`(10) DESC, `id`)"
    ]


def test_set_comment_of_a_primary_key_and_a_unique():
    assert sql(SetComment("doc", "primary_key", "doc_pkey", "the key", None), DOCS) == [
        "ALTER TABLE `doc` DROP PRIMARY KEY, ADD PRIMARY KEY (`id`)"
    ]
    assert sql(SetComment("doc", "unique", "doc_title_key", "one title", "x"), DOCS) == [
        "ALTER TABLE `doc` DROP INDEX `doc_title_key`, ADD CONSTRAINT `doc_title_key` UNIQUE (`title`) COMMENT 'x'"
    ]


def test_an_enum_comment_writes_nothing():
    # MySQL's enums are column types: there is nothing to hold a comment.
    assert sql(SetComment(None, "enum", "mood", None, "how they feel")) == []


SIZE = DOC.column("size")


def doc_alter(new: Column) -> list[str]:
    return sql(AlterColumn("doc", SIZE, new), DOCS)


def test_a_comment_change_keeps_the_generated_expression():
    assert doc_alter(replace(SIZE, comment=None)) == ["ALTER TABLE `doc` MODIFY COLUMN `size` int GENERATED ALWAYS AS (length(body)) VIRTUAL"]


def test_a_generated_expression_changes_in_place():
    new = replace(SIZE, generated=Generated("char_length(body)", stored=False))
    assert doc_alter(new) == ["ALTER TABLE `doc` MODIFY COLUMN `size` int GENERATED ALWAYS AS (char_length(body)) VIRTUAL COMMENT 'bytes'"]


def test_virtual_to_stored_makes_the_column_again_with_its_indexes():
    schema = DOCS.replace_table("doc", replace(DOC, indexes=(*DOC.indexes, Index(("size", "id"), "doc_size"))))
    new = replace(SIZE, generated=Generated("length(body)", stored=True))
    assert sql(AlterColumn("doc", SIZE, new), schema) == [
        "ALTER TABLE `doc` DROP INDEX `doc_size`, DROP COLUMN `size`,"
        " ADD COLUMN `size` int GENERATED ALWAYS AS (length(body)) STORED COMMENT 'bytes' AFTER `title`,"
        " ADD INDEX `doc_size` (`size`, `id`)"
    ]


def test_stored_to_plain_and_back_modify_in_place():
    upper = DOC.column("upper")
    plain = replace(upper, generated=None)
    assert sql(AlterColumn("doc", upper, plain), DOCS) == ["ALTER TABLE `doc` MODIFY COLUMN `upper` varchar(100) COLLATE utf8mb4_bin NULL"]
    after = AlterColumn("doc", upper, plain).apply(DOCS)
    assert sql(AlterColumn("doc", plain, upper), after) == [
        "ALTER TABLE `doc` MODIFY COLUMN `upper` varchar(100) COLLATE utf8mb4_bin GENERATED ALWAYS AS (upper(title)) STORED"
    ]


def test_virtual_to_plain_keeps_the_values_through_a_temporary_column():
    plain = replace(SIZE, generated=None, nullable=False)
    assert doc_alter(plain) == [
        "ALTER TABLE `doc` ADD COLUMN `size__new` int NULL COMMENT 'bytes' AFTER `size`",
        "UPDATE `doc` SET `size__new` = `size`",
        "UPDATE `doc` SET `size__new` = 0 WHERE `size__new` IS NULL",
        "ALTER TABLE `doc` DROP COLUMN `size`, CHANGE COLUMN `size__new` `size` int NOT NULL COMMENT 'bytes'",
    ]


def test_a_generated_column_added_not_null_gets_no_temporary_default():
    column = Column("twice", ColumnType("integer"), nullable=False, generated=Generated("id * 2"))
    assert sql(AddColumn("doc", column), DOCS) == ["ALTER TABLE `doc` ADD COLUMN `twice` int GENERATED ALWAYS AS (id * 2) STORED NOT NULL"]


def test_a_check_named_after_its_column_is_written_on_the_column():
    check = Check("age >= 0", "age")
    with_check = with_people(checks=(check,))
    assert my.create_table_sql(with_check.table("people"), with_check)[0].splitlines()[4:6] == [
        "  `age` int NULL CHECK (age >= 0),",
        "  PRIMARY KEY (`id`)",
    ]
    assert sql(AddCheck("people", check)) == ["ALTER TABLE `people` MODIFY COLUMN `age` int NULL CHECK (age >= 0)"]
    assert sql(DropCheck("people", check), with_check) == ["ALTER TABLE `people` MODIFY COLUMN `age` int NULL"]
    assert alter(AGE, replace(AGE, comment="years"), with_check) == ["ALTER TABLE `people` MODIFY COLUMN `age` int NULL COMMENT 'years' CHECK (age >= 0)"]
    renamed = RenameColumn("people", "age", "years")
    after = renamed.apply(with_check)
    assert my.render(renamed, with_check, after) == [
        "ALTER TABLE `people` MODIFY COLUMN `age` int NULL",
        "ALTER TABLE `people` RENAME COLUMN `age` TO `years`",
        "ALTER TABLE `people` ADD CONSTRAINT `age` CHECK (years >= 0)",
    ]
