"""DBML import (``imports.dbml.read_dbml``): every construct of the language the issue names,
a dbdiagram.io sample, enums as each dialect keeps them (checked on the real servers), and
syntax errors with their line."""

from __future__ import annotations

from dataclasses import replace

import pytest

from migrations_engine.imports import ImportFailed, import_text
from migrations_engine.imports.dbml import read_dbml
from migrations_engine.introspect import introspect
from migrations_engine.schema import Column, Default, ForeignKey, IndexKey, PrimaryKey, Schema, Unique
from migrations_engine.types import ColumnType
from tests.engine.corpus import KEEPS_COMMENTS
from tests.engine.roundtrip import assert_same_schema, create_schema

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

#: dbdiagram.io's starting sample (its editor's default text).
DBDIAGRAM_SAMPLE = """\
// Use DBML to define your database structure
// Docs: https://dbml.dbdiagram.io/docs

Table follows {
  following_user_id integer
  followed_user_id integer
  created_at timestamp
}

Table users {
  id integer [primary key]
  username varchar
  role varchar
  created_at timestamp
}

Table posts {
  id integer [primary key]
  title varchar
  body text [note: 'Content of the post']
  user_id integer
  status varchar
  created_at timestamp
}

Ref: posts.user_id > users.id // many-to-one

Ref: users.id < follows.following_user_id

Ref: users.id < follows.followed_user_id
"""

#: Every construct: schema-qualified tables, aliases, notes, settings, indexes, refs of each
#: kind with actions, enums, groups, a project and a sticky note.
EVERYTHING = """\
Project shop {
  database_type: 'PostgreSQL'
  Note: 'The shop\\'s schema'
}

Enum core.order_status {
  created
  "in transit" [note: 'on its way']
  done
}

Table core.users as U {
  id integer [pk, increment]
  email "character varying(200)" [not null, unique, note: 'login']
  "full name" varchar(100) [default: 'it\\'s me']
  score "decimal(10,2)" [default: 1.5]
  visits bigint [not null, default: 0]
  active boolean [default: true]
  created timestamptz [default: `now()`]
  tags text[]
  Note: '''Who buys.'''
}

Table orders {
  id integer [pk, increment]
  user_id integer [not null, ref: > U.id]
  status core.order_status [not null, default: 'created']
  placed date
  indexes {
    (user_id, placed) [name: 'orders_by_user']
    placed [type: hash]
    status [type: btree, name: 'orders_status']
    `lower(status::text)` [name: 'orders_status_lower']
    id [unique, name: 'orders_id_unique', note: 'twice unique']
  }
}

Table lines {
  order_id integer
  line integer
  amount "numeric(12,2)" [not null]
  indexes {
    (order_id, line) [pk, name: 'lines_key', note: 'one per line']
  }
}

Table profiles {
  user_id integer [not null]
  bio text
}

Table products {
  code varchar(20) [pk]
}

Table categories {
  name varchar(50) [pk]
}

Ref line_order: lines.order_id > orders.id [delete: cascade, update: no action]
Ref: U.id - profiles.user_id [delete: set null]
Ref: products.code <> categories.name
Ref: orders.id < lines.order_id [update: restrict, delete: set default]

TableGroup sales {
  orders
  lines
}

TableGroup people {
  core.users
  profiles
}

Note reminder {
  'Prices are in cents.'
}
"""


def test_every_construct():
    result = import_text(EVERYTHING, "dbml")  # the dialect from the Project's database_type
    schema = result.schema
    users = schema.table("users")
    assert [c.name for c in users.columns] == ["id", "email", "full name", "score", "visits", "active", "created", "tags"]
    assert users.column("id").identity and not users.column("id").nullable
    assert users.primary_key == PrimaryKey(("id",), name="users_pkey")
    email = users.column("email")
    assert (email.type, email.nullable, email.comment) == (ColumnType("varchar", length=200), False, "login")
    assert Unique(("email",), name="users_email_key") in users.uniques
    assert users.column("full name").default == Default("it's me")
    assert users.column("score").default == Default("1.5")
    assert users.column("score").type == ColumnType("decimal", precision=10, scale=2)
    assert users.column("visits").default == Default("0")
    assert users.column("active").default == Default("true")
    assert users.column("created").default == Default("now()", expression=True)
    assert users.column("tags").type == ColumnType("native", dialect="postgresql", native="text[]")
    assert users.comment == "Who buys."

    orders = schema.table("orders")
    assert orders.column("status").type == ColumnType("enum", enum="order_status")
    assert [(e.name, e.values) for e in schema.enums] == [("order_status", ("created", "in transit", "done"))]
    indexes = {i.name: i for i in orders.indexes}
    assert indexes["orders_by_user"].columns == ("user_id", "placed")
    assert indexes["orders_placed_idx"].method == "hash"
    assert indexes["orders_status"].method is None  # btree, the default
    assert indexes["orders_status_lower"].keys == (IndexKey(expression=True),)
    assert indexes["orders_status_lower"].columns == ("lower(status::text)",)
    assert indexes["orders_id_unique"].unique and indexes["orders_id_unique"].comment == "twice unique"
    assert ForeignKey(("user_id",), "users", ("id",), name="orders_user_id_fkey") in orders.foreign_keys

    lines = schema.table("lines")
    assert lines.primary_key == PrimaryKey(("order_id", "line"), name="lines_key", comment="one per line")
    assert not lines.column("order_id").nullable  # a primary key's columns are NOT NULL
    assert ForeignKey(("order_id",), "orders", ("id",), name="line_order", on_delete="CASCADE") in lines.foreign_keys
    assert ForeignKey(
        ("order_id",), "orders", ("id",), name="lines_order_id_fkey", on_update="RESTRICT", on_delete="SET DEFAULT"
    ) in lines.foreign_keys

    # One-to-one: the key on the second side, made unique.
    profiles = schema.table("profiles")
    assert profiles.foreign_keys == (ForeignKey(("user_id",), "users", ("id",), name="profiles_user_id_fkey", on_delete="SET NULL"),)
    assert profiles.uniques == (Unique(("user_id",), name="profiles_user_id_key"),)

    # Many-to-many: dbdiagram.io's junction table, and a note saying so.
    junction = schema.table("products_categories")
    assert [(c.name, str(c.type), c.nullable) for c in junction.columns] == [
        ("products_code", "varchar(20)", False), ("categories_name", "varchar(50)", False)
    ]
    assert junction.primary_key.columns == ("products_code", "categories_name")
    assert {(fk.columns, fk.ref_table, fk.ref_columns) for fk in junction.foreign_keys} == {
        (("products_code",), "products", ("code",)), (("categories_name",), "categories", ("name",))
    }
    assert any("junction table 'products_categories'" in note for note in result.notes)

    assert result.groups == {"sales": ("orders", "lines"), "people": ("users", "profiles")}
    assert [(s.kind, s.text) for s in result.skipped] == [("enum value note", "order_status.in transit: on its way")]
    assert "project shop: The shop's schema" in result.notes
    assert "note reminder: Prices are in cents." in result.notes
    assert any("'users' is in schema 'core'" in note for note in result.notes)


def test_many_to_many_names_as_dbdiagram_does():
    """A junction name taken gets ``(1)``; a self-reference's second columns too."""
    text = "Table a {\n  x int [pk]\n}\nTable b {\n  x int [pk]\n}\nTable a_b {\n  x int\n}\nRef: a.x <> b.x\nRef: a.x <> a.x\n"
    schema = read_dbml(text, "postgresql").schema
    assert [c.name for c in schema.table("a_b(1)").columns] == ["a_x", "b_x"]
    self_join = schema.table("a_a")
    assert [c.name for c in self_join.columns] == ["a_x", "a_x(1)"]
    assert {fk.columns for fk in self_join.foreign_keys} == {("a_x",), ("a_x(1)",)}


def test_dbdiagram_sample(db_url, dialect):
    """dbdiagram.io's own sample imports on each dialect and builds on the real server."""
    schema = read_dbml(DBDIAGRAM_SAMPLE, dialect).schema
    assert {t.name for t in schema.tables} == {"follows", "users", "posts"}
    assert schema.table("posts").column("body").comment == "Content of the post"
    assert {(fk.columns, fk.ref_table) for fk in schema.table("follows").foreign_keys} == {
        (("following_user_id",), "users"), (("followed_user_id",), "users")
    }
    assert schema.table("users").primary_key.columns == ("id",)
    create_schema(db_url, schema)
    assert_same_schema(introspect(db_url), as_built(schema, dialect), f"the dbdiagram.io sample built on {dialect}")


def as_built(schema: Schema, dialect: str) -> Schema:
    """``schema`` as the server keeps it: MySQL has no varchar without a length (the engine
    writes varchar(255), docs/dialects/mysql.md); SQLite has nowhere to keep a comment."""

    def column(c: Column) -> Column:
        if dialect == "mysql" and c.type == ColumnType("varchar"):
            c = replace(c, type=ColumnType("varchar", length=255))
        return replace(c, comment=None) if not KEEPS_COMMENTS[dialect] else c

    return replace(schema, tables=tuple(
        replace(t, columns=tuple(column(c) for c in t.columns), comment=t.comment if KEEPS_COMMENTS[dialect] else None)
        for t in schema.tables
    ))


#: dbdiagram.io's older e-commerce sample: schemas, an alias in an inline ref, a composite key
#: and a composite foreign key, a many-to-many, an enum in a schema.
DBDIAGRAM_ECOMMERCE = """\
Table ecommerce.merchants {
  id int
  country_code int
  merchant_name varchar

  "created at" varchar
  admin_id int [ref: > U.id] // inline relationship (many-to-one)
  Indexes {
    (id, country_code) [pk]
  }
}

Table users as U {
  id int [pk, increment] // auto-increment
  full_name varchar
  created_at timestamp
  country_code int
}

Table countries {
  code int [pk]
  name varchar
  continent_name varchar
 }

Table ecommerce.order_items {
  order_id int [ref: > ecommerce.orders.id] // inline relationship (many-to-one)
  product_id int
  quantity int [default: 1] // default value
}

Ref: ecommerce.order_items.product_id > ecommerce.products.id

Table ecommerce.orders {
  id int [pk] // primary key
  user_id int [not null, unique]
  status varchar
  created_at varchar [note: 'When order created'] // add column note
}

Enum ecommerce.products_status {
  out_of_stock
  in_stock
  running_low [note: 'less than 20'] // add column note
}

Table ecommerce.products {
  id int [pk]
  name varchar
  merchant_id int [not null]
  price int
  status ecommerce.products_status
  created_at datetime [default: `now()`]
  
  Indexes {
    (merchant_id, status) [name:'product_status']
    id [unique]
  }
}

Table ecommerce.product_tags {
  id int [pk]
  name varchar
}

Table ecommerce.merchant_periods {
  id int [pk]
  merchant_id int
  country_code int
  start_date datetime
  end_date datetime
}

Ref: ecommerce.products.merchant_id > ecommerce.merchants.id // many-to-one
Ref: ecommerce.product_tags.id <> ecommerce.products.id // many-to-many
//composite foreign key
Ref: ecommerce.merchant_periods.(merchant_id, country_code) > ecommerce.merchants.(id, country_code)
Ref user_orders: ecommerce.orders.user_id > public.users.id
"""


@pytest.mark.parametrize("dialect", [None, "postgresql", "mysql", "sqlite"])
def test_dbdiagram_ecommerce_sample(dialect):
    result = read_dbml(DBDIAGRAM_ECOMMERCE, dialect)
    schema = result.schema
    assert {t.name for t in schema.tables} == {
        "merchants", "users", "countries", "order_items", "orders", "products", "product_tags", "merchant_periods",
        "product_tags_products",
    }
    assert schema.table("merchants").primary_key.columns == ("id", "country_code")
    assert ForeignKey(("admin_id",), "users", ("id",), name="merchants_admin_id_fkey") in schema.table("merchants").foreign_keys
    assert ForeignKey(
        ("merchant_id", "country_code"), "merchants", ("id", "country_code"), name="merchant_periods_merchant_id_country_code_fkey"
    ) in schema.table("merchant_periods").foreign_keys
    assert schema.table("orders").foreign_keys[0].name == "user_orders"
    assert schema.table("products").column("created_at").default == Default("now()", expression=True)
    assert schema.table("products").column("created_at").type == ColumnType("timestamp")
    status = schema.table("products").column("status").type
    if dialect == "mysql":
        assert status == ColumnType("native", dialect="mysql", native="enum('out_of_stock','in_stock','running_low')")
    else:
        assert status == ColumnType("enum", enum="products_status")
    assert any("'merchants' is in schema 'ecommerce'" in note for note in result.notes)


ENUMS = """\
Enum mood {
  sad
  "it's ok"
  happy
}

Table people {
  id integer [pk]
  feeling mood [not null, default: 'sad']
}
"""


def test_enums_as_each_dialect_keeps_them(db_url, dialect):
    """PostgreSQL: a named type; SQLite: the named CHECK the engine reads as the enum; MySQL:
    the inline enum a live MySQL database reads back. Each built and read back the same."""
    schema = read_dbml(ENUMS, dialect).schema
    feeling = schema.table("people").column("feeling")
    if dialect == "mysql":
        assert schema.enums == ()
        assert feeling.type == ColumnType("native", dialect="mysql", native="enum('sad','it''s ok','happy')")
    else:
        assert [(e.name, e.values) for e in schema.enums] == [("mood", ("sad", "it's ok", "happy"))]
        assert feeling.type == ColumnType("enum", enum="mood")
    create_schema(db_url, schema)
    assert_same_schema(introspect(db_url), as_built(schema, dialect), f"enum on {dialect}")


def test_unused_enum_on_mysql_is_said_skipped():
    result = read_dbml("Enum e {\n  a\n}\n\nTable t {\n  id int\n}\n", "mariadb")  # an alias of mysql
    assert [(s.kind, s.text) for s in result.skipped] == [("enum", "e")]


def test_types_need_a_dialect_unless_portable():
    with pytest.raises(ImportFailed, match=r"t\.x has the type 'inet', which is not portable"):
        read_dbml("Table t {\n  x inet\n}\n", None)
    assert read_dbml("Table t {\n  x inet\n}\n", "postgresql").schema.table("t").column("x").type == ColumnType(
        "native", dialect="postgresql", native="inet"
    )
    # The engine's own spelling of another dialect's type is kept as it is.
    assert read_dbml('Table t {\n  x "mysql:year(4)"\n}\n', None).schema.table("t").column("x").type == ColumnType(
        "native", dialect="mysql", native="year(4)"
    )


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("Table t {\n  id int\n  name varchar [not nul]\n}\n", 3, "column 17"),
        ("Table t {\n  id int\n}\n\nTabel u {\n  id int\n}\n", 5, "Tabel u"),
        ("Enum e {\n  a\n\n", 3, "a block left open"),
    ],
)
def test_syntax_errors_name_their_line(text, line, words):
    with pytest.raises(ImportFailed) as caught:
        read_dbml(text, None)
    assert caught.value.line == line
    assert str(caught.value).startswith(f"line {line}: DBML syntax error")
    assert words in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Table t {\n  id int\n}\nRef: t.id > u.id\n", "Table public.u not present"),
        ("Table t {\n  id int\n  indexes {\n    nope\n  }\n}\n", 'column "nope" not defined in table its table'),
        ("Table t {\n  id int [pk]\n  indexes {\n    id [pk]\n  }\n}\n", "two primary keys"),
        ("Table a.t {\n  id int\n}\nTable b.t {\n  id int\n}\n", "table 't' is in two schemas"),
        ("Table a {\n  x int\n}\nTable b {\n  x int\n  y int\n}\nRef: a.x > b.(x, y)\n", "joins 1 column(s) to 2"),
    ],
)
def test_impossible_schemas_are_refused(text, words):
    with pytest.raises(ImportFailed, match="^DBML: ") as caught:
        read_dbml(text, "postgresql")
    assert words in str(caught.value)
