"""The diff on the pure model: each kind of change gives exactly the expected operations, in order.

Every case also checks the two round trips: applying the operations to the old schema gives the
new one, and applying their reverses to that gives the old one back.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from migrations_engine.compare import differences, equivalent
from migrations_engine.diff import diff, match
from migrations_engine.errors import SchemaError
from migrations_engine.naming import with_default_names
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
    SetTableComment,
    apply_all,
    reverse_all,
)
from migrations_engine.schema import Check, Column, Default, Enum, ForeignKey, Index, PrimaryKey, Schema, Table, Unique, strip_ids

from migrations_engine.types import ColumnType
from migrations_engine.validate import problems

from .strategies import sample_schema

T = ColumnType.parse


def named(*tables: Table, enums: tuple[Enum, ...] = ()) -> Schema:
    return with_default_names(Schema(tables=tables, enums=enums))


def col(name: str, type_text: str = "integer", cid: str | None = None, **fields) -> Column:
    return Column(name, T(type_text), id=cid, **fields)


def key_table(name: str, tid: str | None = None, key: str = "id") -> Table:
    """A table with one NOT NULL integer column that is its primary key."""
    return Table(name, columns=(col(key, nullable=False, cid=f"{tid}.{key}" if tid else None),), primary_key=PrimaryKey((key,)), id=tid)


def round_trips(old: Schema, new: Schema, ops: list[Operation]) -> None:
    after = apply_all(ops, old)
    assert equivalent(after, new), differences(after, new)
    back = apply_all(reverse_all(ops), after)
    assert equivalent(back, old), differences(back, old)


def check(old: Schema, new: Schema, expected: list[Operation]) -> list[Operation]:
    ops = diff(old, new)
    assert ops == expected
    round_trips(old, new, ops)
    return ops


def sentences(old: Schema, new: Schema) -> list[str]:
    ops = diff(old, new)
    round_trips(old, new, ops)
    return [op.describe() for op in ops]


# ------------------------------------------------------------------ nothing to do


def test_no_change_gives_no_operations():
    assert diff(Schema(), Schema()) == []
    assert diff(sample_schema(), sample_schema()) == []


def test_ids_alone_are_no_change():
    schema = sample_schema()
    assert diff(schema, strip_ids(schema)) == []
    assert diff(strip_ids(schema), schema) == []


def test_unnamed_and_conventionally_named_schemas_are_the_same():
    table = Table("t", columns=(col("a", nullable=False),), primary_key=PrimaryKey(("a",)))
    assert diff(Schema(tables=(table,)), named(table)) == []


def test_from_nothing_and_back():
    schema = sample_schema()
    ops = diff(Schema(), schema)
    # "order" references "user" and itself: it comes second, its keys inside its CREATE TABLE.
    assert ops == [CreateEnum(schema.enums[0]), CreateTable(schema.table("user")), CreateTable(schema.table("order"))]
    round_trips(Schema(), schema, ops)
    round_trips(schema, Schema(), diff(schema, Schema()))


# ------------------------------------------------------------------ tables


def test_create_table():
    new_table = named(key_table("a")).tables[0]
    check(Schema(), named(key_table("a")), [CreateTable(new_table)])


def test_drop_table():
    old = named(key_table("a"))
    check(old, Schema(), [DropTable(old.tables[0])])


def test_rename_table_by_id():
    old = named(Table("a", columns=(col("x"),), id="A"))
    new = named(Table("b", columns=(col("x"),), id="A"))
    check(old, new, [RenameTable("a", "b")])


def test_rename_without_ids_is_drop_and_create():
    old = named(Table("a", columns=(col("x"),)))
    new = named(Table("b", columns=(col("x"),)))
    check(old, new, [DropTable(old.tables[0]), CreateTable(new.tables[0])])


def test_same_name_different_ids_is_drop_and_create():
    old = named(Table("a", columns=(col("x"),), id="A1"))
    new = named(Table("a", columns=(col("x"),), id="A2"))
    check(old, new, [DropTable(old.tables[0]), CreateTable(new.tables[0])])


def test_swap_two_table_names_goes_through_a_temporary_name():
    a = Table("a", columns=(col("x", cid="ax"),), id="A")
    b = Table("b", columns=(col("y", cid="by"),), id="B")
    check(
        named(a, b),
        named(replace(a, name="b"), replace(b, name="a")),
        [RenameTable("a", "a__renaming"), RenameTable("b", "a"), RenameTable("a__renaming", "b")],
    )


def test_temporary_name_avoids_names_in_use():
    a = Table("a", columns=(col("x", cid="ax"),), id="A")
    b = Table("b", columns=(col("y", cid="by"),), id="B")
    taken = Table("a__renaming", columns=(col("z"),), id="C")
    ops = check(
        named(a, b, taken),
        named(replace(a, name="b"), replace(b, name="a"), taken),
        [RenameTable("a", "a__renaming2"), RenameTable("b", "a"), RenameTable("a__renaming2", "b")],
    )
    assert len(ops) == 3


def test_rotation_of_three_table_names():
    a, b, c = (Table(n, columns=(col("x", cid=n + "x"),), id=n.upper()) for n in "abc")
    old = named(a, b, c)
    new = named(replace(a, name="b"), replace(b, name="c"), replace(c, name="a"))
    assert sentences(old, new) == [
        "Rename table “a” to “a__renaming”",
        "Rename table “c” to “a”",
        "Rename table “b” to “c”",
        "Rename table “a__renaming” to “b”",
    ]


def test_table_renamed_while_another_takes_its_old_name():
    a = Table("a", columns=(col("x", cid="ax"),), id="A")
    newcomer = Table("a", columns=(col("y"),), id="N")
    new = named(replace(a, name="old a"), newcomer)
    check(named(a), new, [RenameTable("a", "old a"), CreateTable(new.table("a"))])


def test_table_comment():
    old = named(Table("t", columns=(col("x"),)))
    new = named(Table("t", columns=(col("x"),), comment="it's \"here\""))
    check(old, new, [SetTableComment("t", None, "it's \"here\"")])
    check(new, old, [SetTableComment("t", "it's \"here\"", None)])


# ------------------------------------------------------------------ columns


def _t(*columns: Column, **fields) -> Table:
    return Table("t", columns=columns, id="T", **fields)


def test_add_and_drop_column():
    x = col("x", cid="x")
    y = col("y", "text", cid="y", nullable=False, default=Default("it's"))
    check(named(_t(x)), named(_t(x, y)), [AddColumn("t", y)])
    check(named(_t(x, y)), named(_t(x)), [DropColumn("t", y)])


def test_rename_column_by_id():
    check(named(_t(col("x", cid="1"))), named(_t(col("y", cid="1"))), [RenameColumn("t", "x", "y")])


def test_rename_column_without_ids_is_drop_and_add():
    z = col("z", "text")
    check(named(_t(col("x"), z)), named(_t(col("y"), z)), [DropColumn("t", col("x")), AddColumn("t", col("y"))])


def test_a_tables_last_column_is_dropped_after_the_new_ones_are_added():
    """MySQL refuses to drop a table's last column."""
    check(named(_t(col("x"))), named(_t(col("y"))), [AddColumn("t", col("y")), DropColumn("t", col("x"))])


def test_swap_two_column_names_goes_through_a_temporary_name():
    old = named(_t(col("x", cid="1"), col("y", "text", cid="2")))
    new = named(_t(col("y", cid="1"), col("x", "text", cid="2")))
    check(old, new, [RenameColumn("t", "x", "x__renaming"), RenameColumn("t", "y", "x"), RenameColumn("t", "x__renaming", "y")])


def test_column_renamed_while_another_takes_its_old_name():
    old = named(_t(col("x", cid="1")))
    new = named(_t(col("old x", cid="1"), col("x", "text", cid="2")))
    check(old, new, [RenameColumn("t", "x", "old x"), AddColumn("t", col("x", "text", cid="2"))])


@pytest.mark.parametrize(
    "change",
    [
        {"type": T("bigint")},
        {"nullable": False},
        {"default": Default("42")},
        {"default": Default("CURRENT_TIMESTAMP", expression=True)},
        {"identity": True, "nullable": False},
        {"comment": "naïve"},
        {"type": T("text"), "nullable": False, "default": Default("x"), "comment": "all at once"},
    ],
    ids=["type", "null", "default", "expression default", "identity", "comment", "everything"],
)
def test_alter_column(change):
    old_column = col("x", cid="1")
    new_column = replace(old_column, **change)
    check(named(_t(old_column)), named(_t(new_column)), [AlterColumn("t", old_column, new_column)])


def test_rename_and_alter_column():
    old_column = col("x", cid="1")
    new_column = col("y", "bigint", cid="1")
    check(
        named(_t(old_column)),
        named(_t(new_column)),
        [RenameColumn("t", "x", "y"), AlterColumn("t", replace(old_column, name="y"), new_column)],
    )


def test_column_order_alone_is_no_change():
    x, y = col("x", cid="1"), col("y", cid="2")
    assert diff(named(_t(x, y)), named(_t(y, x))) == []


# ------------------------------------------------------------------ keys, constraints, indexes


def _pair(**new_fields):
    """A table t (columns a NOT NULL, b, c) before and after ``new_fields`` change."""
    columns = (col("a", nullable=False, cid="a"), col("b", cid="b"), col("c", "varchar(10)", cid="c"))
    old = _t(*columns, primary_key=PrimaryKey(("a",)))
    return named(old), named(replace(old, **new_fields))


def test_add_and_drop_primary_key():
    old, new = _pair(primary_key=None)
    check(old, new, [DropPrimaryKey("t", old.table("t").primary_key)])
    check(new, old, [AddPrimaryKey("t", old.table("t").primary_key)])


def test_change_primary_key_columns():
    old, new = _pair(primary_key=PrimaryKey(("a", "b")))
    new = new.replace_table("t", new.table("t").replace_column("b", col("b", cid="b", nullable=False)))
    check(
        old,
        new,
        [
            DropPrimaryKey("t", old.table("t").primary_key),
            AlterColumn("t", col("b", cid="b"), col("b", cid="b", nullable=False)),
            AddPrimaryKey("t", new.table("t").primary_key),
        ],
    )


def test_unique_add_drop_change():
    old, new = _pair(uniques=(Unique(("b",)),))
    unique = new.table("t").uniques[0]
    check(old, new, [AddUnique("t", unique)])
    check(new, old, [DropUnique("t", unique)])
    changed = new.replace_table("t", replace(new.table("t"), uniques=(Unique(("b", "c"), name=unique.name),)))
    check(new, changed, [DropUnique("t", unique), AddUnique("t", changed.table("t").uniques[0])])


def test_check_add_drop_change():
    old, new = _pair(checks=(Check('"b" > 0', name="positive"),))
    check(old, new, [AddCheck("t", Check('"b" > 0', name="positive"))])
    check(new, old, [DropCheck("t", Check('"b" > 0', name="positive"))])
    changed = new.replace_table("t", replace(new.table("t"), checks=(Check('"b" >= 0', name="positive"),)))
    check(new, changed, [DropCheck("t", Check('"b" > 0', name="positive")), AddCheck("t", Check('"b" >= 0', name="positive"))])


def test_check_with_a_conventional_name_changes_name_with_its_expression():
    old, new = _pair(checks=(Check('"b" > 0'),))
    changed = named(replace(old.table("t"), checks=(Check('"b" >= 0'),)))
    assert sentences(new, changed) == [
        f"Drop check “{new.table('t').checks[0].name}” from “t”",
        f"Add check “{changed.table('t').checks[0].name}” on “t”: \"b\" >= 0",
    ]


def test_index_add_drop_change():
    old, new = _pair(indexes=(Index(("b", "c")),))
    index = new.table("t").indexes[0]
    assert index.name == "t_b_c_idx"
    check(old, new, [CreateIndex("t", index)])
    check(new, old, [DropIndex("t", index)])
    unique = named(replace(new.table("t"), indexes=(Index(("b", "c"), unique=True),)))
    check(new, unique, [DropIndex("t", index), CreateIndex("t", unique.table("t").indexes[0])])
    partial = named(replace(new.table("t"), indexes=(Index(("b", "c"), where='"b" > 0'),)))
    check(new, partial, [DropIndex("t", index), CreateIndex("t", partial.table("t").indexes[0])])


def test_renamed_index_with_the_same_content_is_renamed():
    old, new = _pair(indexes=(Index(("b",), name="old name"),))
    renamed = named(replace(new.table("t"), indexes=(Index(("b",), name="new name"),)))
    check(new, renamed, [RenameIndex("t", Index(("b",), name="old name"), "new name")])


def test_renamed_constraints_with_the_same_content_are_renamed():
    old, new = _pair(uniques=(Unique(("b",), name="u1"),), checks=(Check("b > 0", name="c1"),))
    renamed = named(replace(new.table("t"), uniques=(Unique(("b",), name="u2"),), checks=(Check("b > 0", name="c2"),)))
    check(new, renamed, [RenameConstraint("t", "u1", "u2"), RenameConstraint("t", "c1", "c2")])


# ------------------------------------------------------------------ conventional names follow renames


def _library(**changes) -> tuple[Table, Table]:
    author = Table("author", columns=(col("id", nullable=False, cid="author.id"),), primary_key=PrimaryKey(("id",)), id="AUTHOR")
    book = Table(
        "book",
        columns=(col("id", nullable=False, cid="book.id"), col("author id", cid="book.author"), col("title", "varchar(200)", cid="book.title")),
        primary_key=PrimaryKey(("id",)),
        foreign_keys=(ForeignKey(("author id",), "author", ("id",)),),
        uniques=(Unique(("title",)),),
        checks=(Check("\"title\" <> ''"),),
        indexes=(Index(("author id", "title")),),
        id="BOOK",
    )
    return author, book


def test_table_rename_renames_conventional_constraint_and_index_names():
    author, book = _library()
    old = named(author, book)
    new = named(author, replace(book, name="livre"))
    check_name = old.table("book").checks[0].name
    assert sentences(old, new) == [
        "Rename table “book” to “livre”",
        "Rename constraint “book_pkey” of “livre” to “livre_pkey”",
        "Rename constraint “book_title_key” of “livre” to “livre_title_key”",
        f"Rename constraint “{check_name}” of “livre” to “{check_name.replace('book', 'livre')}”",
        "Rename constraint “book_author id_fkey” of “livre” to “livre_author id_fkey”",
        "Rename index “book_author id_title_idx” of “livre” to “livre_author id_title_idx”",
    ]


def test_column_rename_renames_conventional_names():
    author, book = _library()
    old = named(author, book)
    new = named(
        author,
        replace(
            book,
            columns=(book.columns[0], col("writer", cid="book.author"), book.columns[2]),
            foreign_keys=(ForeignKey(("writer",), "author", ("id",)),),
            indexes=(Index(("writer", "title")),),
        ),
    )
    check(
        old,
        new,
        [
            RenameColumn("book", "author id", "writer"),
            RenameConstraint("book", "book_author id_fkey", "book_writer_fkey"),
            RenameIndex("book", Index(("writer", "title"), name="book_author id_title_idx"), "book_writer_title_idx"),
        ],
    )


def test_referenced_table_renamed_keeps_the_foreign_key():
    author, book = _library()
    old = named(author, book)
    new = named(replace(author, name="writer"), replace(book, foreign_keys=(ForeignKey(("author id",), "writer", ("id",)),)))
    check(old, new, [RenameTable("author", "writer"), RenameConstraint("writer", "author_pkey", "writer_pkey")])


def test_referenced_column_renamed_keeps_the_foreign_key():
    author, book = _library()
    old = named(author, book)
    new = named(
        replace(author, columns=(col("key", nullable=False, cid="author.id"),), primary_key=PrimaryKey(("key",))),
        replace(book, foreign_keys=(ForeignKey(("author id",), "author", ("key",)),)),
    )
    check(old, new, [RenameColumn("author", "id", "key")])


# ------------------------------------------------------------------ foreign keys and their order


def test_add_and_drop_foreign_key():
    author, book = _library()
    old = named(author, replace(book, foreign_keys=()))
    new = named(author, book)
    fk = new.table("book").foreign_keys[0]
    check(old, new, [AddForeignKey("book", fk)])
    check(new, old, [DropForeignKey("book", fk)])


def test_change_foreign_key_action_is_drop_and_add():
    author, book = _library()
    old = named(author, book)
    new = named(author, replace(book, foreign_keys=(ForeignKey(("author id",), "author", ("id",), on_delete="CASCADE"),)))
    check(old, new, [DropForeignKey("book", old.table("book").foreign_keys[0]), AddForeignKey("book", new.table("book").foreign_keys[0])])


def test_foreign_key_is_added_after_the_table_it_references():
    author, book = _library()
    old = named(replace(book, foreign_keys=()))
    new = named(author, book)
    check(old, new, [CreateTable(new.table("author")), AddForeignKey("book", new.table("book").foreign_keys[0])])


def test_new_table_referencing_a_new_table_is_created_after_it_with_its_key_inside():
    author, book = _library()
    new = named(replace(author, name="writer"), replace(book, name="a book", foreign_keys=(ForeignKey(("author id",), "writer", ("id",)),)))
    check(Schema(), new, [CreateTable(new.table("writer")), CreateTable(new.table("a book"))])
    check(new, Schema(), [DropTable(new.table("a book")), DropTable(new.table("writer"))])


def test_new_table_referencing_an_existing_table_adds_its_key_afterwards():
    author, book = _library()
    old = named(author)
    new = named(author, book)
    check(old, new, [CreateTable(replace(new.table("book"), foreign_keys=())), AddForeignKey("book", new.table("book").foreign_keys[0])])


def test_cycle_of_foreign_keys_between_two_new_tables():
    a = Table("a", columns=(col("id", nullable=False), col("b_id")), primary_key=PrimaryKey(("id",)), foreign_keys=(ForeignKey(("b_id",), "b", ("id",)),))
    b = Table("b", columns=(col("id", nullable=False), col("a_id")), primary_key=PrimaryKey(("id",)), foreign_keys=(ForeignKey(("a_id",), "a", ("id",)),))
    new = named(a, b)
    # The key closing the cycle is added once both tables exist, and dropped first.
    check(
        Schema(),
        new,
        [
            CreateTable(replace(new.table("a"), foreign_keys=())),
            CreateTable(new.table("b")),
            AddForeignKey("a", new.table("a").foreign_keys[0]),
        ],
    )
    check(
        new,
        Schema(),
        [
            DropForeignKey("a", new.table("a").foreign_keys[0]),
            DropTable(new.table("b")),
            DropTable(replace(new.table("a"), foreign_keys=())),
        ],
    )


def test_self_reference():
    node = Table("node", columns=(col("id", nullable=False), col("parent")), primary_key=PrimaryKey(("id",)), foreign_keys=(ForeignKey(("parent",), "node", ("id",)),))
    new = named(node)
    check(Schema(), new, [CreateTable(new.table("node"))])
    check(new, Schema(), [DropTable(new.table("node"))])


def test_dropping_a_referenced_table_drops_the_foreign_key_first():
    author, book = _library()
    old = named(author, book)
    new = named(replace(book, foreign_keys=()))
    check(old, new, [DropForeignKey("book", old.table("book").foreign_keys[0]), DropTable(old.table("author"))])


def test_dropping_a_column_with_a_foreign_key_drops_the_key_first():
    author, book = _library()
    old = named(author, replace(book, indexes=()))
    new = named(author, replace(book, columns=(book.columns[0], book.columns[2]), foreign_keys=(), indexes=()))
    check(old, new, [DropForeignKey("book", old.table("book").foreign_keys[0]), DropColumn("book", book.columns[1])])


def test_dropping_a_referenced_key_drops_the_foreign_key_first():
    author, book = _library()
    old = named(author, book)
    new = named(replace(author, primary_key=None), replace(book, foreign_keys=()))
    check(old, new, [DropForeignKey("book", old.table("book").foreign_keys[0]), DropPrimaryKey("author", old.table("author").primary_key)])


def test_changing_a_referenced_key_recreates_the_foreign_key():
    author, book = _library()
    old = named(author, book)
    wider = replace(author, columns=(col("id", "bigint", nullable=False, cid="author.id"),))
    new = named(wider, replace(book, columns=(book.columns[0], col("author id", "bigint", cid="book.author"), book.columns[2])))
    fk = old.table("book").foreign_keys[0]
    check(
        old,
        new,
        [
            DropForeignKey("book", fk),
            AlterColumn("author", author.columns[0], wider.columns[0]),
            AlterColumn("book", book.columns[1], col("author id", "bigint", cid="book.author")),
            AddForeignKey("book", fk),
        ],
    )


def test_foreign_key_to_a_replaced_table_moves_to_the_new_table():
    """``a`` is renamed aside and a new ``a`` created: the key from ``b`` follows the name."""
    a = key_table("a", "A")
    b = Table("b", columns=(col("a_id", cid="b.a"),), foreign_keys=(ForeignKey(("a_id",), "a", ("id",)),), id="B")
    new = named(replace(a, name="old_a"), b, key_table("a", "N"))
    ops = diff(named(a, b), new)
    kinds = [op.kind for op in ops]
    assert kinds.index("drop_foreign_key") < kinds.index("rename_table") < kinds.index("add_foreign_key")
    round_trips(named(a, b), new, ops)


# ------------------------------------------------------------------ enums


def _mood_table(type_text: str = "enum(mood)", **fields) -> Table:
    return Table("t", columns=(col("m", type_text, cid="m", **fields),), id="T")


MOOD = Enum("mood", ("happy", "sad"), id="E")


def test_create_enum_before_the_table_using_it():
    new = named(_mood_table(), enums=(MOOD,))
    check(Schema(), new, [CreateEnum(MOOD), CreateTable(new.table("t"))])


def test_enum_before_a_new_column_using_it():
    old = named(Table("t", columns=(col("x", cid="x"),), id="T"))
    new = named(Table("t", columns=(col("x", cid="x"), col("m", "enum(mood)", cid="m")), id="T"), enums=(MOOD,))
    check(old, new, [CreateEnum(MOOD), AddColumn("t", col("m", "enum(mood)", cid="m"))])


def test_add_and_remove_enum_values():
    old = named(_mood_table(), enums=(MOOD,))
    more = named(_mood_table(), enums=(replace(MOOD, values=("happy", "meh", "sad")),))
    (op,) = check(old, more, [AlterEnum(MOOD, more.enums[0])])
    assert not op.destructive and op.only_adds
    (op,) = check(more, old, [AlterEnum(more.enums[0], MOOD)])
    assert op.destructive


def test_rename_enum_by_id():
    old = named(_mood_table(), enums=(MOOD,))
    new = named(_mood_table("enum(feeling)"), enums=(replace(MOOD, name="feeling"),))
    check(old, new, [RenameEnum("mood", "feeling")])


def test_rename_enum_and_add_a_value():
    old = named(_mood_table(), enums=(MOOD,))
    feeling = Enum("feeling", ("happy", "sad", "meh"), id="E")
    new = named(_mood_table("enum(feeling)"), enums=(feeling,))
    check(old, new, [RenameEnum("mood", "feeling"), AlterEnum(replace(MOOD, name="feeling"), feeling)])


def test_swap_two_enum_names():
    other = Enum("other", ("x",), id="O")
    table = Table("t", columns=(col("m", "enum(mood)", cid="m"), col("o", "enum(other)", cid="o")), id="T")
    old = named(table, enums=(MOOD, other))
    swapped = Table("t", columns=(col("m", "enum(other)", cid="m"), col("o", "enum(mood)", cid="o")), id="T")
    new = named(swapped, enums=(replace(MOOD, name="other"), replace(other, name="mood")))
    check(old, new, [RenameEnum("mood", "mood__renaming"), RenameEnum("other", "mood"), RenameEnum("mood__renaming", "other")])


def test_drop_enum_after_its_columns_changed():
    old = named(_mood_table(default=Default("happy")), enums=(MOOD,))
    new = named(_mood_table("varchar(20)", default=Default("happy")))
    check(
        old,
        new,
        [
            AlterColumn("t", col("m", "enum(mood)", cid="m", default=Default("happy")), col("m", "varchar(20)", cid="m", default=Default("happy"))),
            DropEnum(MOOD),
        ],
    )


def test_drop_enum_with_its_table():
    old = named(_mood_table(), enums=(MOOD,))
    check(old, Schema(), [DropTable(old.table("t")), DropEnum(MOOD)])


# ------------------------------------------------------------------ matching


def test_match_pairs_by_id_then_by_name():
    old = [col("a", cid="1"), col("b"), col("c", cid="3")]
    new = [col("x", cid="1"), col("b"), col("c", cid="9")]
    result = match(old, new)
    assert [(o.name, n.name) for o, n in result.pairs] == [("a", "x"), ("b", "b")]
    assert [c.name for c in result.removed] == ["c"]
    assert [(c.name, c.id) for c in result.added] == [("c", "9")]


def test_an_id_on_one_side_only_matches_by_name():
    assert diff(named(_t(col("x", cid="1"))), named(_t(col("x")))) == []


# ------------------------------------------------------------------ known bugs


def _index_names_clash(schema: Schema) -> bool:
    """True when two tables, primary keys, uniques or indexes share a name: they are all
    relations of one namespace on PostgreSQL (and indexes share one on SQLite)."""
    found = [t.name for t in schema.tables]
    for table in schema.tables:
        found += [table.primary_key.name] if table.primary_key else []
        found += [u.name for u in table.uniques] + [i.name for i in table.indexes]
    return len(found) != len(set(found))


def _steps(old: Schema, ops: list[Operation]) -> list[Schema]:
    states, schema = [], old
    for op in ops:
        schema = op.apply(schema)
        states.append(schema)
    return states


def test_a_new_table_never_reuses_a_name_still_held():
    a = key_table("a", "A")
    old = named(a)
    new = named(replace(a, name="old_a"), key_table("a", "N"))
    ops = diff(old, new)
    assert not any(_index_names_clash(state) for state in _steps(old, ops))


def test_swapping_table_names_never_holds_a_name_twice():
    a, b = key_table("a", "A"), key_table("b", "B")
    old = named(a, b)
    ops = diff(old, named(replace(a, name="b"), replace(b, name="a")))
    assert not any(_index_names_clash(state) for state in _steps(old, ops))


@pytest.mark.parametrize("attr, element", [("uniques", Unique), ("indexes", Index)])
def test_swap_column_names_with_conventionally_named_elements_carrying_ids(attr, element):
    columns = (col("x", cid="1"), col("y", cid="2"))
    old = named(_t(*columns, **{attr: (element(("x",), id="kx"), element(("y",), id="ky"))}))
    swapped = (col("y", cid="1"), col("x", cid="2"))
    new = named(_t(*swapped, **{attr: (element(("y",), id="kx"), element(("x",), id="ky"))}))
    round_trips(old, new, diff(old, new))


def test_operations_render_on_the_old_schema_as_given():
    """The operations apply to the old schema with its conventional names; render fills them in."""
    from migrations_engine.render import render

    author, book = _library()
    old = Schema(tables=(author, book))
    new = Schema(tables=(replace(author, name="writer"), replace(book, foreign_keys=(ForeignKey(("author id",), "writer", ("id",)),))))
    ops = diff(old, new)
    with pytest.raises(SchemaError):
        apply_all(ops, old)
    assert equivalent(apply_all(ops, with_default_names(old)), with_default_names(new))
    assert [(s.sql, s.operation) for s in render(ops, old, "postgresql")] == [
        ('ALTER TABLE "author" RENAME TO "writer"', 0),
        ('ALTER TABLE "writer" RENAME CONSTRAINT "author_pkey" TO "writer_pkey"', 1),
    ]


def test_a_default_on_a_removed_enum_value_goes_before_the_value():
    old = named(_mood_table(default=Default("sad")), enums=(MOOD,))
    new = named(_mood_table(), enums=(replace(MOOD, values=("happy",)),))
    kinds = [op.kind for op in diff(old, new)]
    assert kinds == ["alter_column", "alter_enum"]


def _two_columns(**fields) -> Table:
    return _t(col("a", cid="a"), col("b", cid="b"), **fields)


RENAMED_WHILE_ANOTHER_TAKES_THE_NAME = [
    ("indexes", Index(("a",), name="n1", id="A"), Index(("a",), name="n2", id="A"), Index(("b",), name="n1", id="B")),
    ("uniques", Unique(("a",), name="n1", id="A"), Unique(("a",), name="n2", id="A"), Unique(("b",), name="n1", id="B")),
    ("checks", Check("a > 0", name="n1", id="A"), Check("a > 0", name="n2", id="A"), Check("b > 0", name="n1", id="B")),
]


@pytest.mark.parametrize("attr, before, renamed, newcomer", RENAMED_WHILE_ANOTHER_TAKES_THE_NAME, ids=["indexes", "uniques", "checks"])
def test_element_renamed_while_another_takes_its_name(attr, before, renamed, newcomer):
    old = named(_two_columns(**{attr: (before,)}))
    new = named(_two_columns(**{attr: (renamed, newcomer)}))
    ops = diff(old, new)
    assert not _steps_with_problems(old, ops)
    round_trips(old, new, ops)


@pytest.mark.parametrize("attr, element", [("indexes", Index), ("uniques", Unique)])
def test_swap_the_names_of_two_elements_with_ids(attr, element):
    old = named(_two_columns(**{attr: (element(("a",), name="n1", id="A"), element(("b",), name="n2", id="B"))}))
    new = named(_two_columns(**{attr: (element(("a",), name="n2", id="A"), element(("b",), name="n1", id="B"))}))
    ops = diff(old, new)
    assert not _steps_with_problems(old, ops)
    round_trips(old, new, ops)


def _steps_with_problems(old: Schema, ops: list[Operation]) -> list[str]:
    return [op.describe() for op, state in zip(ops, _steps(old, ops)) if problems(state)]


# ---------------------------------------------------------------- character sets, collations, ON UPDATE


def _one_table(*columns, **options):
    from migrations_engine.schema import Table as T_

    return Schema(tables=(T_("t", tuple(columns), **options),))


@pytest.mark.parametrize(
    "change, words",
    [
        ({"charset": "utf8mb4"}, "character set utf8mb4"),
        ({"collation": "utf8mb4_bin"}, "the table's character set collation utf8mb4_bin"),
        ({"on_update": "CURRENT_TIMESTAMP"}, "on update CURRENT_TIMESTAMP"),
    ],
)
def test_a_change_of_charset_collation_or_on_update_alone_alters_the_column(change, words):
    from migrations_engine.operations import AlterColumn as AC
    from migrations_engine.schema import Column as C_
    from migrations_engine.types import ColumnType as CT

    column = C_("a", CT.parse("varchar(9)"))
    old, new = _one_table(column), _one_table(replace(column, **change))
    ops = diff(old, new)
    assert len(ops) == 1 and isinstance(ops[0], AC)
    assert words in ops[0].describe()
    assert diff(new, old) == [ops[0].reverse()]


def test_a_change_of_the_tables_charset_is_one_operation_with_its_reverse():
    from migrations_engine.operations import SetTableCharset as STC
    from migrations_engine.schema import Column as C_
    from migrations_engine.types import ColumnType as CT

    column = C_("a", CT.parse("varchar(9)"))
    old, new = _one_table(column), _one_table(column, charset="latin1", collation="latin1_bin")
    assert diff(old, new) == [STC("t", None, None, "latin1", "latin1_bin")]
    assert diff(new, old) == [STC("t", "latin1", "latin1_bin", None, None)]
    assert diff(old, new)[0].describe() == "Change the default of table “t”: character set latin1 collation latin1_bin"


def test_a_serial_becoming_an_identity_alone_alters_the_column():
    from migrations_engine.operations import AlterColumn as AC
    from migrations_engine.schema import Column as C_
    from migrations_engine.types import ColumnType as CT

    column = C_("id", CT.parse("integer"), nullable=False, identity=True, serial=True)
    old, new = _one_table(column), _one_table(replace(column, serial=False))
    ops = diff(old, new)
    assert len(ops) == 1 and isinstance(ops[0], AC)
    assert ops[0].describe() == "Change column “id” of table “t”: make it an identity instead of a serial"
    assert diff(new, old) == [ops[0].reverse()]


def test_a_renamed_column_is_only_renamed_where_expressions_include_and_generated_columns_use_it():
    from migrations_engine.schema import Generated, IndexKey

    def schema(name: str) -> Schema:
        quoted = f'"{name}"'
        return with_default_names(
            Schema(
                tables=(
                    Table(
                        "t",
                        (
                            Column(name, ColumnType.parse("text"), id="a"),
                            Column("len", ColumnType.parse("integer"), generated=Generated(f"length({quoted})"), id="l"),
                        ),
                        indexes=(
                            Index((f"lower({quoted})",), "t_lower", keys=(IndexKey(expression=True),), id="i"),
                            Index(("len",), "t_len", include=(name,), id="j"),
                        ),
                        id="t",
                    ),
                )
            )
        )

    ops = diff(schema("a b"), schema("c d"))
    assert [op.describe() for op in ops] == ["Rename column “a b” of table “t” to “c d”"]
    assert RenameColumn("t", "a b", "c d").apply(schema("a b")) == schema("c d")


def test_a_comment_on_an_index_or_constraint_is_set_in_place_never_by_recreating_it():
    from migrations_engine.operations import SetComment

    def schema(comment: str | None) -> Schema:
        table = Table(
            "t",
            (Column("a", ColumnType.parse("integer"), nullable=False),),
            primary_key=PrimaryKey(("a",), "t_pkey", comment=comment),
            uniques=(Unique(("a",), "t_a_key", comment=comment),),
            indexes=(Index(("a",), "t_a_idx", comment=comment),),
            checks=(Check("a > 0", "t_a_check", comment=comment),),
        )
        return Schema(tables=(table,), enums=(Enum("mood", ("x",), comment=comment),))

    ops = diff(schema(None), schema("why"))
    assert all(isinstance(op, SetComment) for op in ops)
    assert sorted((op.element, op.name, op.new) for op in ops) == [
        ("check", "t_a_check", "why"), ("enum", "mood", "why"), ("index", "t_a_idx", "why"),
        ("primary_key", "t_pkey", "why"), ("unique", "t_a_key", "why"),
    ]
    back = schema("why")
    for op in reversed(ops):
        back = op.reverse().apply(back)
    assert back == schema(None)


def _creation_order_by_definition(tables):
    """``creation_order`` as its docstring defines it, one table at a time: the first table by
    name whose keys all reference created tables, itself or tables outside; else the first."""
    names = {t.name for t in tables}
    remaining = sorted(tables, key=lambda t: t.name)
    created, order, inline = set(), [], set()
    while remaining:
        table = next(
            (
                t
                for t in remaining
                if all(
                    fk.ref_table in created or fk.ref_table in (t.name,) or fk.ref_table not in names
                    for fk in t.foreign_keys
                )
            ),
            remaining[0],
        )
        remaining.remove(table)
        created.add(table.name)
        order.append(table.name)
        inline |= {(table.name, fk.name) for fk in table.foreign_keys if fk.ref_table in created}
    return order, inline


def test_creation_order_is_its_definition_on_random_key_graphs():
    import random

    from migrations_engine.diff import creation_order
    from migrations_engine.schema import Column, ForeignKey, Table

    rng = random.Random(14)
    for _ in range(300):
        names = [f"t{n:02}" for n in range(rng.randint(1, 30))]
        tables = [
            Table(
                name,
                columns=(Column("c0", "integer"),),
                foreign_keys=tuple(
                    ForeignKey(("c0",), rng.choice([*names, "outside"]), ("id",), name=f"{name}_{k}")
                    for k in range(rng.randint(0, 3))
                ),
            )
            for name in names
        ]
        rng.shuffle(tables)
        order, inline = creation_order(tables)
        assert ([t.name for t in order], inline) == _creation_order_by_definition(tables)
