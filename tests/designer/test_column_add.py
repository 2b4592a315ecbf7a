import pytest

from designer.models import DraftChange, DraftColumn, DraftUnique
from migrations_engine.schema import Default
from tests.designer.conftest import EDIT_MATRIX, draft_url, htmx_post

URL = "t/t-order/columns/new/"


def column(**fields) -> dict:
    return {"name": "shipped", "type": "date", "nullable": "on", **fields}


@pytest.mark.parametrize("role, status", EDIT_MATRIX)
def test_role_matrix(client, cast, draft, role, status):
    response = htmx_post(client, cast.user(role), draft_url(draft, URL), column())

    assert response.status_code == status
    assert DraftColumn.objects.filter(draft=draft, name="shipped").exists() == (status == 200)


def test_it_adds_the_column_last_and_answers_with_the_panel(client, cast, draft):
    response = htmx_post(
        client,
        cast.architect,
        draft_url(draft, URL),
        column(nullable="", default="2024-01-01", comment="when it left", unique="on"),
    )

    content = response.content.decode()
    assert content.startswith('<section id="table-panel"')
    assert "shipped" in content
    assert "draft-changed" in response["HX-Trigger"]
    table = draft.to_schema().table("order")
    added = table.columns[-1]
    assert (added.name, str(added.type), added.nullable) == ("shipped", "date", False)
    assert added.default == Default("2024-01-01")
    assert added.comment == "when it left"
    assert any(u.columns == ("shipped",) for u in table.uniques)
    assert DraftChange.objects.get().description == "Add column order.shipped"


def test_a_primary_key_column_is_never_nullable(client, cast, draft):
    htmx_post(
        client,
        cast.architect,
        draft_url(draft, "t/t-customer/columns/new/"),
        column(name="branch", type="integer", primary_key="on"),
    )

    table = draft.to_schema().table("customer")
    assert table.primary_key.columns == ("region", "number", "branch")
    assert not table.column("branch").nullable


def test_expression_defaults_are_kept_verbatim(client, cast, draft):
    htmx_post(
        client,
        cast.architect,
        draft_url(draft, URL),
        column(type="timestamp", default="CURRENT_TIMESTAMP", default_is_expression="on"),
    )

    assert draft.to_schema().table("order").column("shipped").default == Default(
        "CURRENT_TIMESTAMP", True
    )


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"name": "total"}, "has a column called “total” already"),
        ({"name": ""}, "The column needs a name."),
        ({"name": "a" * 70}, "PostgreSQL allows 63"),
        ({"type": ""}, "The column needs a type."),
        ({"type": "varchar(ten)"}, "non-numeric arguments"),
        ({"type": "money"}, "Unknown type"),
        ({"type": "enum(mood)"}, "There is no enum “mood” in this draft."),
        ({"type": "integer", "default": "abc"}, "is not a whole number"),
        ({"type": "smallint", "default": "70000"}, "out of range for smallint"),
        ({"type": "decimal(4,2)", "default": "123.4"}, "too many digits"),
        ({"type": "boolean", "default": "maybe"}, "is not a boolean"),
        ({"type": "date", "default": "yesterday"}, "is not a date"),
        ({"type": "varchar(2)", "default": "abc"}, "longer than 2 characters"),
        ({"type": "enum(status)", "default": "lost"}, "is not a value of enum “status”"),
        ({"type": "json", "default": "{oops"}, "is not valid JSON"),
        ({"type": "text", "identity": "on"}, "Only smallint, integer and bigint"),
        (
            {"type": "text", "default": "'x'); DROP TABLE items; --", "default_is_expression": "on"},
            "The default closes a parenthesis it did not open",
        ),
        ({"type": "integer", "default": "total + 1", "default_is_expression": "on"}, "a default cannot"),
        ({"type": "varchar(99999999999999999999)"}, "an argument no database takes"),
        ({"type": "varchar(10485761)"}, "PostgreSQL allows varchar up to 10485760"),
        ({"type": "decimal(1001,2)"}, "PostgreSQL allows up to 1000 digits"),
        ({"type": "decimal(2,5)"}, "more decimals (5) than digits (2)"),
        ({"type": "timestamp(12)"}, "at most 6 fractional digits"),
        ({"type": "integer", "default": "1; SELECT 2", "default_is_expression": "on"}, "holds a &#x27;;&#x27;"),
    ],
)
def test_bad_input_is_refused_beside_the_field_and_kept(client, cast, draft, fields, message):
    response = htmx_post(
        client, cast.architect, draft_url(draft, URL), column(comment="typed comment", **fields)
    )

    assert response.status_code == 422
    content = response.content.decode()
    assert message in content
    assert 'value="typed comment"' in content
    assert not DraftChange.objects.exists()
    assert draft.to_schema() == draft.base_schema()


def test_native_types_of_the_dialect_are_accepted(client, cast, draft):
    htmx_post(client, cast.architect, draft_url(draft, URL), column(type="postgresql:inet"))

    assert str(draft.to_schema().table("order").column("shipped").type) == "postgresql:inet"


def test_garbage_never_gives_a_500(client, cast, draft):
    garbage = {
        "name": "\x00",
        "type": "(((",
        "default": "\u202e表",
        "nullable": "x" * 5000,
        "position": "-1",
    }

    response = htmx_post(client, cast.architect, draft_url(draft, URL), garbage)

    assert response.status_code == 422
    assert not DraftUnique.objects.filter(draft=draft, columns=[]).exists()


def test_only_the_open_tables_line_of_the_table_list_is_redrawn(client, cast, draft):
    """A column changes nothing in the table list but its own table's column count: the answer
    carries that line alone, however long the list."""
    response = htmx_post(client, cast.architect, draft_url(draft, URL), column())

    content = response.content.decode()
    assert 'id="table-list"' not in content
    assert content.count('hx-swap-oob="true"') == 3  # the table's line, the undo bar, the draft's state
    line = content[content.index('<li id="table-item-t-order"') :]
    assert '<span class="muted">6</span>' in line[: line.index("</li>")]


@pytest.mark.parametrize(
    "typed, kept",
    [
        ("double precision", "double"),
        ("int4", "integer"),
        ("int8", "bigint"),
        ("character varying(40)", "varchar(40)"),
        ("timestamp with time zone", "timestamptz"),
        ("bool", "boolean"),
        ("decimal(1000,2)", "decimal(1000,2)"),  # PostgreSQL's limit, this project's database
    ],
)
def test_common_spellings_are_read_as_the_portable_type(client, cast, draft, typed, kept):
    response = htmx_post(client, cast.architect, draft_url(draft, URL), column(type=typed))

    assert response.status_code == 200
    assert str(draft.to_schema().table("order").column("shipped").type) == kept


def test_type_limits_are_the_projects_database_ones(client, cast, draft):
    cast.project.dialect = "mysql"
    cast.project.save()

    response = htmx_post(client, cast.architect, draft_url(draft, URL), column(type="decimal(1000,2)"))

    assert response.status_code == 422
    assert "MySQL allows up to 65 digits" in response.content.decode()
