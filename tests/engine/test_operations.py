"""Every operation: apply, reverse, serialise, describe, destructive."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from migrations_engine.compare import equivalent
from migrations_engine.errors import SchemaError
from migrations_engine.naming import with_default_names
from migrations_engine.operations import (
    AddCheck,
    AddExclusion,
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
    DropExclusion,
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
    SetTableCharset,
    SetTableComment,
    SetTableOptions,
    apply_all,
    operations_from_data,
    operations_to_data,
    reverse_all,
)
from migrations_engine.schema import (
    Check,
    Column,
    Default,
    Enum,
    Exclusion,
    ForeignKey,
    Generated,
    Index,
    IndexKey,
    PrimaryKey,
    Domain,
    Schema,
    Sequence,
    SequenceOptions,
    Table,
    Unique,
)
from migrations_engine.object_operations import (
    AlterDomain,
    AlterSequence,
    CreateDomain,
    CreateSequence,
    DropDomain,
    DropSequence,
)
from migrations_engine.types import ColumnType

T = ColumnType.parse

MOOD = Enum("mood", ("happy", "sad"))
UNUSED = Enum("unused", ("x",))
EMAIL = Column("e-mail", T("varchar(255)"), comment="login")
USER = Table(
    "user",
    columns=(
        Column("id", T("integer"), nullable=False, identity=True),
        EMAIL,
        Column("mood", T("enum(mood)"), default=Default("happy")),
    ),
    primary_key=PrimaryKey(("id",)),
    uniques=(Unique(("e-mail",)),),
    checks=(Check("\"e-mail\" <> ''", name="user_chk"),),
    indexes=(Index(("mood",)),),
)
ORDER = Table(
    "order",
    columns=(Column("id", T("integer"), nullable=False), Column("user id", T("integer"), nullable=False)),
    primary_key=PrimaryKey(("id",)),
    foreign_keys=(ForeignKey(("user id",), "user", ("id",), on_delete="CASCADE"),),
)
LOG = Table(
    "log",
    columns=(Column("n", T("bigint"), nullable=False), Column("at", T("timestamptz"))),
    exclusions=(Exclusion(("n",), ("=",), name="one_n", where="n > 0"),),
)
SEQ = Sequence("loose", "integer", SequenceOptions(start=100))
YEAR = Domain("year", "integer", checks=(Check("VALUE >= 1901", "year_check"),))
BASE = with_default_names(Schema(tables=(USER, ORDER, LOG), enums=(MOOD, UNUSED), sequences=(SEQ,), domains=(YEAR,)))
FK = BASE.table("order").foreign_keys[0]
UNIQUE = BASE.table("user").uniques[0]
INDEX = BASE.table("user").indexes[0]
CHECK = BASE.table("user").checks[0]
NEW_TABLE = with_default_names(
    Schema(tables=(Table("naïve 表", columns=(Column("k", T("uuid"), nullable=False),), primary_key=PrimaryKey(("k",))),))
).tables[0]

# (operation, a name its description must show, destructive?)
CASES = [
    (CreateEnum(Enum("colour", ("red", "it's green"))), "colour", False),
    (DropEnum(UNUSED), "unused", False),
    (RenameEnum("mood", "feeling"), "feeling", False),
    (AlterEnum(MOOD, Enum("mood", ("happy", "meh", "sad"))), "mood", False),
    (AlterEnum(MOOD, Enum("mood", ("happy",))), "mood", True),
    (CreateTable(NEW_TABLE), "naïve 表", False),
    (DropTable(BASE.table("order")), "order", True),
    (RenameTable("user", "person"), "person", False),
    (SetTableComment("user", None, "people"), "user", False),
    (SetTableComment("user", None, None), "user", False),
    (SetTableCharset("user", None, None, "latin1", "latin1_bin"), "user", False),
    (AddColumn("user", Column("age", T("smallint"))), "age", False),
    (AddColumn("user", Column("age", T("smallint"), nullable=False, default=Default("0"))), "age", False),
    (DropColumn("log", BASE.table("log").column("at")), "at", True),
    (RenameColumn("user", "id", "ident"), "ident", False),
    (AlterColumn("user", EMAIL, replace(EMAIL, type=T("text"))), "e-mail", False),
    (AlterColumn("user", EMAIL, replace(EMAIL, type=T("varchar(10)"))), "e-mail", True),
    (AlterColumn("user", EMAIL, replace(EMAIL, nullable=False)), "e-mail", True),
    (AlterColumn("user", EMAIL, replace(EMAIL, default=Default("nobody"))), "e-mail", False),
    (AlterColumn("user", EMAIL, replace(EMAIL, comment=None)), "e-mail", False),
    (AlterColumn("user", EMAIL, replace(EMAIL, charset="latin1", collation="latin1_bin")), "e-mail", False),
    (AlterColumn("user", EMAIL, replace(EMAIL, on_update="CURRENT_TIMESTAMP")), "e-mail", False),
    (AlterColumn("user", EMAIL, replace(EMAIL, serial=True)), "e-mail", False),
    (AlterColumn("user", USER.columns[0], replace(USER.columns[0], identity_always=True)), "id", False),
    (AlterColumn("user", USER.columns[0], replace(USER.columns[0], sequence=SequenceOptions(start=10, cycle=True))), "id", False),
    (AlterColumn("log", LOG.columns[1], replace(LOG.columns[1], generated=Generated("now()", stored=True))), "at", True),
    (SetTableOptions("log", False, False, True, True), "log", False),
    (SetComment("user", "primary_key", "user_pkey", None, "the key"), "user_pkey", False),
    (SetComment("user", "unique", UNIQUE.name, None, "one each"), UNIQUE.name, False),
    (SetComment("user", "check", "user_chk", None, "set"), "user_chk", False),
    (SetComment("user", "index", INDEX.name, None, "by mood"), INDEX.name, False),
    (SetComment("order", "foreign_key", FK.name, None, "owner"), FK.name, False),
    (SetComment(None, "enum", "mood", None, "how they feel"), "mood", False),
    (AlterColumn("log", LOG.columns[0], replace(LOG.columns[0], identity=True)), "n", False),
    (AlterColumn("order", ORDER.columns[1], replace(ORDER.columns[1], nullable=True)), "user id", False),
    (AddPrimaryKey("log", PrimaryKey(("n",), name="log_pkey")), "n", False),
    (DropPrimaryKey("order", BASE.table("order").primary_key), "order", False),
    (AddForeignKey("log", ForeignKey(("n",), "log", ("n",), name="log_self")), "log_self", False),
    (DropForeignKey("order", FK), FK.name, False),
    (AddUnique("log", Unique(("at",), name="log_at_key")), "log_at_key", False),
    (DropUnique("user", UNIQUE), UNIQUE.name, False),
    (AddCheck("log", Check('"n" > 0', name="positive")), "positive", False),
    (DropCheck("user", CHECK), "user_chk", False),
    (CreateIndex("log", Index(("at", "n"), name="log_at", unique=True, where='"at" IS NOT NULL')), "log_at", False),
    (
        CreateIndex(
            "log",
            Index(("lower(n::text)", "at"), name="log_expr", keys=(IndexKey(expression=True), IndexKey(descending=True, nulls="LAST")), include=("n",), method="btree"),
        ),
        "log_expr",
        False,
    ),
    (DropIndex("user", INDEX), INDEX.name, False),
    (RenameIndex("user", INDEX, "by mood"), "by mood", False),
    (RenameConstraint("user", "user_pkey", "user pk"), "user pk", False),
    (RenameConstraint("order", FK.name, "to user"), "to user", False),
    (RenameConstraint("user", UNIQUE.name, "one e-mail"), "one e-mail", False),
    (RenameConstraint("user", "user_chk", "e-mail set"), "e-mail set", False),
    (AddExclusion("user", Exclusion(("mood",), ("=",), name="one mood", method="gist")), "one mood", False),
    (DropExclusion("log", BASE.table("log").exclusions[0]), "one_n", False),
    (RenameConstraint("log", "one_n", "n once"), "n once", False),
    (SetComment("log", "exclusion", "one_n", None, "no repeats"), "one_n", False),
    (CreateSequence(Sequence("fresh", "smallint", SequenceOptions(start=5, increment=-1, cycle=True))), "fresh", False),
    (DropSequence(SEQ), "loose", True),
    (AlterSequence(SEQ, replace(SEQ, data_type="bigint", options=SequenceOptions(increment=2, cache=10))), "loose", False),
    (AlterSequence(SEQ, replace(SEQ, owned_by=("log", "n"))), "log", False),
    (CreateDomain(Domain("positive", "numeric(10,2)", False, "1", (Check("VALUE > 0", "positive_check"),), "C")), "positive", False),
    (DropDomain(YEAR), "year", False),
    (AlterDomain(YEAR, replace(YEAR, nullable=False, default="2000", checks=(Check("VALUE >= 1900", "year_check2"),))), "year", False),
]
IDS = [f"{op.kind}-{n}" for n, (op, _, _) in enumerate(CASES)]


@pytest.mark.parametrize("op, shown, destructive", CASES, ids=IDS)
def test_apply_changes_the_schema(op, shown, destructive):
    if isinstance(op, SetTableComment) and op.new is None:
        assert op.apply(BASE) == BASE
    else:
        assert op.apply(BASE) != BASE


@pytest.mark.parametrize("op, shown, destructive", CASES, ids=IDS)
def test_reverse_of_reverse_is_the_operation(op, shown, destructive):
    assert op.reverse().reverse() == op


@pytest.mark.parametrize("op, shown, destructive", CASES, ids=IDS)
def test_reverse_undoes_apply(op, shown, destructive):
    after = op.apply(BASE)
    undone = op.reverse().apply(after)
    if isinstance(op, DropColumn):  # the column comes back at the end
        assert equivalent(undone, BASE)
    else:
        assert undone == BASE


@pytest.mark.parametrize("op, shown, destructive", CASES, ids=IDS)
def test_serialises_through_json(op, shown, destructive):
    data = json.loads(json.dumps(op.to_data()))
    assert data["op"] == op.kind
    assert Operation.from_data(data) == op


@pytest.mark.parametrize("op, shown, destructive", CASES, ids=IDS)
def test_describe_is_a_sentence_naming_the_element(op, shown, destructive):
    sentence = op.describe()
    assert sentence[0].isupper()
    assert "\n" not in sentence and not sentence.endswith(" ")
    assert f"“{shown}”" in sentence


@pytest.mark.parametrize("op, shown, destructive", CASES, ids=IDS)
def test_destructive_flag(op, shown, destructive):
    assert op.destructive is destructive


def test_every_kind_is_covered_and_registered_once():
    kinds = {op.kind for op, _, _ in CASES}
    assert kinds == set(Operation.registry)
    assert all(Operation.registry[kind].kind == kind for kind in kinds)


def test_lists_serialise_and_reverse():
    ops = [op for op, _, _ in CASES[:6]]
    assert operations_from_data(json.loads(json.dumps(operations_to_data(ops)))) == ops
    assert reverse_all(ops) == [op.reverse() for op in reversed(ops)]


def test_apply_all_then_reverse_all_gives_the_start():
    ops = [
        DropForeignKey("order", FK),
        DropTable(replace(BASE.table("order"), foreign_keys=())),
        RenameTable("user", "person"),
        RenameColumn("person", "id", "ident"),
        AddColumn("person", Column("age", T("smallint"))),
        CreateIndex("person", Index(("age",), name="person_age_idx")),
    ]
    after = apply_all(ops, BASE)
    assert apply_all(reverse_all(ops), after) == BASE


def test_unknown_operation_data_is_refused():
    with pytest.raises(SchemaError, match="unknown operation"):
        Operation.from_data({"op": "explode"})
    with pytest.raises(SchemaError, match="unknown operation"):
        Operation.from_data({})


def test_table_name():
    assert CreateTable(NEW_TABLE).table_name == "naïve 表"
    assert RenameTable("user", "person").table_name == "user"
    assert AddColumn("log", Column("x", T("text"))).table_name == "log"
    assert CreateEnum(MOOD).table_name is None


# ------------------------------------------------------------------ what apply carries along


def test_rename_table_follows_foreign_keys():
    after = RenameTable("user", "person").apply(BASE)
    assert after.table("order").foreign_keys[0].ref_table == "person"
    assert not after.has_table("user")


def test_rename_column_follows_keys_indexes_and_references():
    after = RenameColumn("user", "id", "ident").apply(BASE)
    assert after.table("user").primary_key.columns == ("ident",)
    assert after.table("order").foreign_keys[0].ref_columns == ("ident",)
    after = RenameColumn("user", "mood", "feeling").apply(BASE)
    assert after.table("user").indexes[0].columns == ("feeling",)
    after = RenameColumn("order", "user id", "uid").apply(BASE)
    assert after.table("order").foreign_keys[0].columns == ("uid",)


def test_rename_enum_follows_columns():
    after = RenameEnum("mood", "feeling").apply(BASE)
    assert after.table("user").column("mood").type == T("enum(feeling)")
    assert not after.has_enum("mood")


def test_alter_enum_tells_what_changes():
    inserted = AlterEnum(MOOD, Enum("mood", ("happy", "meh", "sad")))
    assert inserted.added == ("meh",) and inserted.removed == () and inserted.only_adds
    reordered = AlterEnum(MOOD, Enum("mood", ("sad", "happy")))
    assert not reordered.only_adds and not reordered.destructive
    assert reordered.describe() == "Change enum “mood”: reorder values"
    removed = AlterEnum(MOOD, Enum("mood", ("happy", "glad")))
    assert removed.describe() == "Change enum “mood”: add 'glad'; remove 'sad'"


def test_alter_column_tells_what_changes():
    op = AlterColumn("user", EMAIL, replace(EMAIL, type=T("text"), nullable=False, default=Default("x"), comment=None))
    assert op.type_changed and op.nullable_changed and op.default_changed and op.comment_changed
    assert not op.identity_changed
    assert op.describe() == (
        "Change column “e-mail” of table “user”: type varchar(255) → text; make NOT NULL; default x; remove the comment"
    )


def test_rename_constraint_finds_its_constraint():
    assert RenameConstraint("order", FK.name, "x").constraint_in(BASE) == FK
    assert RenameConstraint("user", "user_pkey", "x").constraint_in(BASE) == BASE.table("user").primary_key
    with pytest.raises(SchemaError, match="has no constraint"):
        RenameConstraint("user", "nope", "x").constraint_in(BASE)


# ------------------------------------------------------------------ refusals

REFUSED = [
    (CreateEnum(MOOD), "enum 'mood' exists already"),
    (DropEnum(Enum("nope", ("x",))), "schema has no enum 'nope'"),
    (RenameEnum("nope", "x"), "schema has no enum 'nope'"),
    (AlterEnum(Enum("nope", ("x",)), Enum("nope", ("y",))), "schema has no enum 'nope'"),
    (CreateTable(USER), "table 'user' exists already"),
    (DropTable(NEW_TABLE), "schema has no table 'naïve 表'"),
    (RenameTable("user", "order"), "cannot rename 'user': table 'order' exists"),
    (RenameTable("nope", "x"), "schema has no table 'nope'"),
    (SetTableComment("nope", None, "x"), "schema has no table 'nope'"),
    (AddColumn("user", Column("id", T("text"))), "table 'user' has a column 'id' already"),
    (AddColumn("nope", Column("id", T("text"))), "schema has no table 'nope'"),
    (DropColumn("user", Column("nope", T("text"))), "table 'user' has no column 'nope'"),
    (RenameColumn("user", "id", "mood"), "cannot rename user.id: column 'mood' exists"),
    (RenameColumn("user", "nope", "x"), "table 'user' has no column 'nope'"),
    (AlterColumn("user", Column("nope", T("text")), Column("nope", T("text"))), "table 'user' has no column 'nope'"),
    (AddPrimaryKey("user", PrimaryKey(("id",), name="x")), "table 'user' has a primary key already"),
    (DropForeignKey("order", replace(FK, name="nope")), "no element named 'nope'"),
    (DropUnique("user", replace(UNIQUE, name="nope")), "no element named 'nope'"),
    (DropCheck("user", replace(CHECK, name="nope")), "no element named 'nope'"),
    (DropIndex("user", replace(INDEX, name="nope")), "no element named 'nope'"),
    (RenameIndex("user", replace(INDEX, name="nope"), "x"), "no element named 'nope'"),
    (RenameConstraint("user", "nope", "x"), "table 'user' has no constraint 'nope'"),
]


@pytest.mark.parametrize("op, message", REFUSED, ids=[m for _, m in REFUSED])
def test_apply_refuses_what_does_not_fit_the_schema(op, message):
    with pytest.raises(SchemaError) as caught:
        op.apply(BASE)
    assert str(caught.value) == message


def test_dropping_a_missing_primary_key_is_refused():
    with pytest.raises(SchemaError, match="^table 'log' has no primary key$"):
        DropPrimaryKey("log", PrimaryKey(("n",), name="log_pkey")).apply(BASE)


TAKEN = [
    AddUnique("user", Unique(("mood",), name="user_chk")),
    AddCheck("user", Check("1 = 1", name=UNIQUE.name)),
    AddForeignKey("order", replace(FK, columns=("id",))),
    CreateIndex("user", Index(("e-mail",), name=INDEX.name)),
    RenameConstraint("user", "user_chk", UNIQUE.name),
]


@pytest.mark.parametrize("op", TAKEN, ids=[op.kind for op in TAKEN])
def test_a_name_in_use_is_refused(op):
    with pytest.raises(SchemaError):
        op.apply(BASE)


def test_renaming_an_index_to_a_taken_name_is_refused():
    table = BASE.table("user")
    other = Index(("e-mail",), name="other")
    schema = BASE.replace_table("user", replace(table, indexes=(*table.indexes, other)))
    with pytest.raises(SchemaError):
        RenameIndex("user", INDEX, "other").apply(schema)


# What a name may be shared with follows validate.problems: constraints apart, indexes apart, and a
# primary key or unique constraint (an index as well) apart from indexes.
NAME_TAKEN = [
    (AddUnique("user", Unique(("mood",), name="user_chk")), "table 'user' has a check named 'user_chk' already"),
    (AddCheck("user", Check("1 = 1", name="user_pkey")), "table 'user' has a primary key named 'user_pkey' already"),
    (AddForeignKey("order", replace(FK, columns=("id",))), f"table 'order' has a foreign key named {FK.name!r} already"),
    (CreateIndex("user", Index(("e-mail",), name=INDEX.name)), f"table 'user' has an index named {INDEX.name!r} already"),
    (CreateIndex("user", Index(("e-mail",), name=UNIQUE.name)), f"table 'user' has a unique constraint named {UNIQUE.name!r} already"),
    (AddUnique("user", Unique(("mood",), name=INDEX.name)), f"table 'user' has an index named {INDEX.name!r} already"),
    (RenameConstraint("user", "user_chk", UNIQUE.name), f"table 'user' has a unique constraint named {UNIQUE.name!r} already"),
    (RenameConstraint("user", "user_pkey", INDEX.name), f"table 'user' has an index named {INDEX.name!r} already"),
    (RenameIndex("user", INDEX, "user_pkey"), "table 'user' has a primary key named 'user_pkey' already"),
]


@pytest.mark.parametrize("op, message", NAME_TAKEN, ids=[m for _, m in NAME_TAKEN])
def test_a_name_in_use_is_refused_naming_what_holds_it(op, message):
    with pytest.raises(SchemaError) as caught:
        op.apply(BASE)
    assert str(caught.value) == message


def test_a_primary_key_added_under_an_index_name_is_refused():
    with_index = CreateIndex("log", Index(("at",), name="log_key")).apply(BASE)
    with pytest.raises(SchemaError, match="^table 'log' has an index named 'log_key' already$"):
        AddPrimaryKey("log", PrimaryKey(("n",), name="log_key")).apply(with_index)


def _with(table: str, **changes: object) -> Schema:
    return BASE.replace_table(table, replace(BASE.table(table), **changes))


USER_T, LOG_T = BASE.table("user"), BASE.table("log")
# (operation, the schema it must leave)
ALLOWED = [
    (AddCheck("user", Check("1 = 1", name=INDEX.name)), _with("user", checks=(*USER_T.checks, Check("1 = 1", name=INDEX.name)))),
    (
        AddForeignKey("user", ForeignKey(("id",), "order", ("id",), name=INDEX.name)),
        _with("user", foreign_keys=(ForeignKey(("id",), "order", ("id",), name=INDEX.name),)),
    ),
    (
        CreateIndex("user", Index(("e-mail",), name="user_chk")),
        _with("user", indexes=(*USER_T.indexes, Index(("e-mail",), name="user_chk"))),
    ),
    (RenameIndex("user", INDEX, "user_chk"), _with("user", indexes=(replace(INDEX, name="user_chk"),))),
    (RenameConstraint("user", "user_chk", INDEX.name), _with("user", checks=(replace(CHECK, name=INDEX.name),))),
    (RenameConstraint("user", "user_chk", "user_chk"), BASE),
    (RenameIndex("user", INDEX, INDEX.name), BASE),
    # Per table only: validate.problems reports an index name in two tables, but a diff of two
    # MySQL schemas (index names per table there) must still plan.
    (CreateIndex("log", Index(("at",), name=INDEX.name)), _with("log", indexes=(Index(("at",), name=INDEX.name),))),
]


@pytest.mark.parametrize("op, expected", ALLOWED, ids=[f"{op.kind}-{n}" for n, (op, _) in enumerate(ALLOWED)])
def test_names_that_do_not_clash_in_the_table_are_accepted(op, expected):
    assert op.apply(BASE) == expected


def test_adding_and_removing_tables_keeps_the_canonical_order():
    """with_table and without_table place tables without re-sorting; the result must equal a
    schema built from scratch (same order, same lookups)."""
    from migrations_engine.schema import Schema, Table

    names = ["m", "b", "z", "a", "k", "b2", "A", "é"]
    schema = Schema()
    for name in names:
        schema = schema.with_table(Table(name))
    assert schema == Schema(tuple(Table(n) for n in names))
    assert [t.name for t in schema.tables] == sorted(names)
    smaller = schema.without_table("k").without_table("A")
    assert smaller == Schema(tuple(Table(n) for n in names if n not in ("k", "A")))
    assert not smaller.has_table("k") and smaller.table("z").name == "z"


def test_constraint_order_is_canonical_even_with_a_name_given_twice():
    from migrations_engine.schema import Check, Table

    one, two, unnamed = Check("a > 0", "c"), Check("b > 0", "c"), Check("z > 0")
    assert Table("t", checks=(one, two, unnamed)) == Table("t", checks=(unnamed, two, one))
    assert Table("t", checks=(one, two)).checks == (one, two)


# ---------------------------------------------------------------- data_loss


@pytest.mark.parametrize("op, shown, destructive", CASES, ids=IDS)
def test_data_loss_is_said_exactly_when_destructive(op, shown, destructive):
    loss = op.data_loss()

    if destructive:
        assert loss and "\n" not in loss and not loss.endswith((" ", "."))
        assert shown in loss
    else:
        assert loss is None


@pytest.mark.parametrize(
    "op, expected",
    [
        (DropColumn("user", BASE.table("user").column("mood")), "drops column “user”.“mood”: its values are lost unless backed up"),
        (DropTable(BASE.table("order")), "drops table “order”: all its rows are lost unless backed up"),
        (
            AlterColumn("user", EMAIL, replace(EMAIL, type=T("varchar(50)"))),
            "changes “user”.“e-mail” from varchar(255) to varchar(50): longer values fail or are cut",
        ),
        (
            AlterColumn("log", LOG.columns[0], replace(LOG.columns[0], type=T("integer"))),
            "changes “log”.“n” from bigint to integer: values out of the new range fail",
        ),
        (
            AlterColumn("user", EMAIL, replace(EMAIL, type=T("integer"))),
            "changes “user”.“e-mail” from varchar(255) to integer: values that do not convert fail or are lost",
        ),
        (
            AlterColumn("user", EMAIL, replace(EMAIL, nullable=False, default=Default("nobody"))),
            "makes “user”.“e-mail” NOT NULL: its NULLs are replaced by its default 'nobody'",
        ),
        (
            AlterEnum(MOOD, Enum("mood", ("happy",))),
            "removes 'sad' from enum “mood”: rows holding it make the change fail unless updated first",
        ),
        (
            AlterColumn("log", LOG.columns[0], replace(LOG.columns[0], generated=Generated('"at" IS NULL'))),
            "makes “log”.“n” generated: its values are replaced by those of (\"at\" IS NULL)",
        ),
    ],
    ids=lambda value: value.kind if isinstance(value, Operation) else "",
)
def test_data_loss_sentences(op, expected):
    assert op.data_loss() == expected


def test_data_loss_names_both_losses_of_one_column_change():
    op = AlterColumn("user", EMAIL, replace(EMAIL, type=T("varchar(10)"), nullable=False))

    assert op.data_loss() == (
        "changes “user”.“e-mail” from varchar(255) to varchar(10): longer values fail or are cut; "
        "makes “user”.“e-mail” NOT NULL: its NULLs are replaced by a zero value of its type (0, '', false or the like)"
    )


def test_data_loss_is_overridden_wherever_destructive_is():
    # An operation class that may be destructive must say what it loses: a new one that forgets
    # would show a "destructive" badge with nothing under it.
    for cls in Operation.registry.values():
        overrides_destructive = cls.destructive is not Operation.destructive
        overrides_data_loss = cls.data_loss is not Operation.data_loss
        assert overrides_destructive == overrides_data_loss, cls.kind


def test_renaming_a_column_follows_it_into_index_expressions_include_and_generated_columns():
    table = Table(
        "t",
        (
            Column("a", T("text")),
            Column("b", T("integer")),
            Column("len", T("integer"), generated=Generated('length("a")', stored=True)),
        ),
        indexes=(
            Index(('lower("a")', "b"), "t_idx", keys=(IndexKey(expression=True), IndexKey()), include=("a",)),
            Index(("a",), "t_a_idx"),
        ),
    )
    schema = Schema(tables=(table,))
    after = RenameColumn("t", "a", "a b").apply(schema).table("t")
    by_name = {i.name: i for i in after.indexes}
    assert by_name["t_idx"].columns == ('lower("a b")', "b")
    assert by_name["t_idx"].include == ("a b",)
    assert by_name["t_a_idx"].columns == ("a b",)
    assert after.column("len").generated == Generated('length("a b")', stored=True)
    assert RenameColumn("t", "a b", "a").apply(RenameColumn("t", "a", "a b").apply(schema)) == schema


@pytest.mark.parametrize(
    "table, column, named",
    [
        ("user", "e-mail", "unique constraint"),
        ("user", "mood", "index"),
        ("user", "id", "primary key"),
        ("order", "user id", "foreign key"),
    ],
)
def test_dropping_a_column_something_still_uses_is_refused_naming_it(table, column, named):
    op = DropColumn(table, BASE.table(table).column(column))
    with pytest.raises(SchemaError, match=f"cannot drop column {table}.{column}: drop its {named}"):
        op.apply(BASE)


def test_dropping_a_column_a_foreign_key_references_is_refused():
    schema = Schema(tables=(replace(USER, primary_key=None, uniques=(), indexes=()), ORDER))
    with pytest.raises(SchemaError, match="drop its foreign key"):
        DropColumn("user", USER.columns[0]).apply(with_default_names(schema))


def test_creating_an_index_describes_its_keys_method_and_include():
    index = Index(
        ("lower(title)", "n", "code"),
        "t_idx",
        keys=(IndexKey(expression=True), IndexKey(descending=True, nulls="LAST"), IndexKey(length=4, collation="C")),
        include=("x",),
        method="btree",
        unique=True,
    )
    assert CreateIndex("t", index).describe() == (
        "Create unique btree index “t_idx” on “t” (lower(title), “n” DESC NULLS LAST, “code”(4) COLLATE C) including “x”"
    )


def test_a_generated_column_made_plain_keeps_its_values_and_loses_nothing():
    generated = replace(LOG.columns[1], generated=Generated("now()"))
    op = AlterColumn("log", generated, LOG.columns[1])
    assert not op.destructive and op.data_loss() is None
    assert op.reverse().destructive


def test_dropping_a_column_an_expression_names_is_refused_naming_what_uses_it():
    table = Table(
        "t",
        (
            Column("a b", T("text")),
            Column("n", T("integer")),
            Column("len", T("integer"), generated=Generated('length("a b")')),
        ),
        checks=(Check("n > 0", "t_n_check"),),
        indexes=(Index(('lower("a b")',), "t_lower", keys=(IndexKey(expression=True),)), Index(("len",), "t_len", where="n > 1")),
    )
    schema = Schema(tables=(table,))
    with pytest.raises(SchemaError, match="drop its index “t_lower”, generated column “len” first"):
        DropColumn("t", table.column("a b")).apply(schema)
    with pytest.raises(SchemaError, match="drop its index “t_len”, check “t_n_check” first"):
        DropColumn("t", table.column("n")).apply(schema)


def test_referencing_follows_every_replaced_table():
    from migrations_engine.schema import Column, ForeignKey, Schema, Table

    def table(name: str, *refs: str) -> Table:
        return Table(
            name,
            columns=(Column("id", "integer"), Column("ref", "integer")),
            foreign_keys=tuple(ForeignKey(("ref",), r, ("id",), name=f"{name}_{r}") for r in refs),
        )

    def by_scan(schema: Schema, name: str):
        return [(t, fk) for t in schema.tables for fk in t.foreign_keys if fk.ref_table == name]

    schema = Schema(tables=(table("a"), table("b", "a"), table("c", "a", "b")))
    assert schema.referencing("a") == by_scan(schema, "a")  # the index is made here
    steps = [
        table("b", "a"),  # the same keys: the index is kept, its tables the new ones
        table("c", "b"),  # a key gone
        table("a", "c"),  # a key added
    ]
    for new in steps:
        schema = schema.replace_table(new.name, replace(new, comment="changed"))
        for name in "abc":
            assert schema.referencing(name) == by_scan(schema, name)
            assert all(t.comment == schema.table(t.name).comment for t, _ in schema.referencing(name))
