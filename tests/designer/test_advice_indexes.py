"""Index advice of a draft or a version: every member reads it (outsiders get a 404), queries
pasted or a pg_stat_statements CSV uploaded, and Verify through the view on the real PostgreSQL
server (ADVICE_SCRATCH_URL), which is offered only where it can run."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from designer.models import Project, SchemaVersion
from tests.conftest import SERVERS
from tests.designer.conftest import EVERYONE, HTMX, READ_MATRIX, draft_url, expect_status
from tests.designer.schemas import sample_schema

QUERY = 'SELECT id, total FROM "order" WHERE customer_number = $1'
SUGGESTED = 'CREATE INDEX "order_customer_number_idx" ON "order" ("customer_number") INCLUDE ("id", "total");'


def version_url(version: SchemaVersion, rest: str = "") -> str:
    return f"/p/{version.project.slug}/v/{version.number}/{rest}"


@pytest.fixture
def scratch(settings) -> str:
    settings.ADVICE_SCRATCH_URL = SERVERS["postgresql"]
    settings.ADVICE_VERIFY_ROWS = 2000
    return settings.ADVICE_SCRATCH_URL


@pytest.fixture
def no_scratch(settings) -> None:
    settings.ADVICE_SCRATCH_URL = ""


def _verify_data(query: str = QUERY, table: str = "order", columns: tuple[str, ...] = ("customer_number",)) -> dict:
    return {"query": query, "table": table, "columns": list(columns)}


# ---------------------------------------------------------------- who may read it


@pytest.mark.parametrize("role, status", READ_MATRIX)
def test_draft_page_roles(client, cast, draft, role, status):
    assert expect_status(client, cast.user(role), "get", draft_url(draft, "advice/indexes/")) == status


@pytest.mark.parametrize("role, status", READ_MATRIX)
def test_version_page_roles(client, cast, version, role, status):
    assert expect_status(client, cast.user(role), "get", version_url(version, "advice/indexes/")) == status


@pytest.mark.parametrize("role, status", READ_MATRIX)
def test_suggesting_roles(client, cast, draft, role, status):
    data = {"queries": QUERY}
    assert expect_status(client, cast.user(role), "post", draft_url(draft, "advice/indexes/"), data) == status


@pytest.mark.parametrize("role", EVERYONE)
def test_verify_roles(client, cast, version, no_scratch, role):
    # Without a scratch server every member is told why (422); an outsider learns nothing (404).
    status = expect_status(client, cast.user(role), "post", version_url(version, "advice/indexes/verify/"), _verify_data(), **HTMX)
    assert status == (404 if role == "outsider" else 422)


def test_anonymous_is_sent_to_log_in(client, draft):
    response = client.get(draft_url(draft, "advice/indexes/"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_verify_takes_post_only(client, cast, draft):
    assert expect_status(client, cast.viewer, "get", draft_url(draft, "advice/indexes/verify/")) == 405


def test_links_from_the_draft_editor_and_the_version_page(client, cast, draft, version):
    client.force_login(cast.viewer)
    assert draft_url(draft, "advice/indexes/") in client.get(draft_url(draft)).content.decode()
    assert version_url(version, "advice/indexes/") in client.get(version_url(version)).content.decode()


# ---------------------------------------------------------------- the form


def test_pasted_queries_give_suggestions_with_reasons_and_sql(client, cast, draft, scratch):
    client.force_login(cast.viewer)
    queries = f"{QUERY};\nSELECT * FROM customer WHERE email = $1;\nSELECT * FROM invoices WHERE id = 1"
    response = client.post(draft_url(draft, "advice/indexes/"), {"queries": queries})
    page = response.content.decode()
    assert response.status_code == 200
    assert SUGGESTED.replace('"', "&quot;") in page
    assert "customer_number</code></td><td>equality" in page and "<td>included for covering</td>" in page
    assert "already served by the index <code>customer_email_key</code>" in page
    assert "unknown table &#x27;invoices&#x27;" in page
    # Verify is offered for the one suggestion that adds an index.
    assert page.count(">Verify</button>") == 1
    results = page.split("<h2>Suggestions</h2>")[1]  # the queries are in order, after the form keeping them
    assert results.index("customer_number") < results.index("customer_email_key") < results.index("invoices")


def test_csv_upload_costliest_first(client, cast, version):
    csv = (
        "query,calls,total_exec_time\n"
        '"SELECT * FROM customer WHERE status = $1 AND created > $2",5,10.5\n'
        f'"{QUERY.replace(chr(34), chr(34) * 2)}",90,4000\n'
    )
    client.force_login(cast.reviewer)
    upload = SimpleUploadedFile("pg_stat_statements.csv", csv.encode(), content_type="text/csv")
    response = client.post(version_url(version, "advice/indexes/"), {"queries": "", "csv": upload})
    page = response.content.decode()
    assert response.status_code == 200
    assert page.index("customer_number = $1") < page.index("status = $1")
    assert "&quot;customer_status_created_idx&quot;" in page


def test_queries_past_the_limit_are_left_out_and_said(client, cast, draft, settings):
    from designer.views.advice_indexes import MAX_QUERIES

    rows = "".join(f'"SELECT * FROM customer WHERE created > $1 LIMIT {n}",1,{n}\n' for n in range(MAX_QUERIES + 5))
    client.force_login(cast.viewer)
    upload = SimpleUploadedFile("q.csv", ("query,calls,total_exec_time\n" + rows).encode())
    page = client.post(draft_url(draft, "advice/indexes/"), {"csv": upload}, **HTMX).content.decode()
    assert f"Only the first {MAX_QUERIES} queries were read; 5 more were left out" in page
    assert f"LIMIT {MAX_QUERIES + 4}" in page and "LIMIT 4<" not in page  # the costliest kept


def test_htmx_answers_the_section_alone(client, cast, draft):
    client.force_login(cast.architect)
    response = client.post(draft_url(draft, "advice/indexes/"), {"queries": QUERY}, **HTMX)
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<section id="index-advice">') and "<html" not in page


@pytest.mark.parametrize(
    "data, message",
    [
        ({"queries": "  "}, "Paste a query or upload a CSV."),
        ({"queries": "", "csv": SimpleUploadedFile("x.csv", b"calls\n1\n")}, "no &#x27;query&#x27; column"),
        ({"queries": "", "csv": SimpleUploadedFile("x.csv", b"query\n\xff\xfe\n")}, "not UTF-8"),
    ],
)
def test_refused_forms_say_why(client, cast, draft, data, message):
    client.force_login(cast.viewer)
    response = client.post(draft_url(draft, "advice/indexes/"), data, **HTMX)
    assert response.status_code == 422 and message in response.content.decode()


def test_unreadable_query_is_reported_not_a_500(client, cast, draft):
    client.force_login(cast.viewer)
    response = client.post(draft_url(draft, "advice/indexes/"), {"queries": "SELECT FROM WHERE ((("})
    assert response.status_code == 200 and "cannot read the query" in response.content.decode()


# ---------------------------------------------------------------- verify


def test_without_a_scratch_server_the_page_says_so(client, cast, draft, no_scratch):
    client.force_login(cast.viewer)
    page = client.post(draft_url(draft, "advice/indexes/"), {"queries": QUERY}).content.decode()
    assert "no scratch PostgreSQL server is configured (ADVICE_SCRATCH_URL)" in page
    assert ">Verify</button>" not in page


def test_verify_is_postgresql_only(client, cast, scratch, django_user_model):
    from designer.models import Membership, Role

    project = Project.objects.create(name="Lite", slug="lite", dialect="sqlite")
    Membership.objects.create(project=project, user=cast.viewer, role=Role.VIEWER)
    version = SchemaVersion.publish(project, sample_schema(), author=cast.viewer, message="one")
    client.force_login(cast.viewer)
    page = client.post(version_url(version, "advice/indexes/"), {"queries": QUERY.replace("$1", "?")}).content.decode()
    assert "Verify runs on PostgreSQL only; this project is SQLite." in page and ">Verify</button>" not in page


def test_verify_through_the_view_on_the_real_server(client, cast, draft, scratch):
    client.force_login(cast.viewer)
    response = client.post(draft_url(draft, "advice/indexes/verify/"), _verify_data(), **HTMX)
    page = response.content.decode()
    assert response.status_code == 200, page
    assert "Seq Scan on order" in page.split("Plan with the index")[0]
    after = page.split("Plan with the index")[1]
    assert "order_customer_number_idx" in after and "Seq Scan on order" not in after
    assert "the plan uses the index" in page
    assert "On 2000 generated rows" in page or "On 19" in page  # the row count is said
    assert "<html" not in page


def test_verify_without_htmx_shows_the_page_with_the_result(client, cast, version, scratch):
    client.force_login(cast.owner)
    response = client.post(version_url(version, "advice/indexes/verify/"), _verify_data())
    page = response.content.decode()
    assert response.status_code == 200 and "<html" in page
    assert "Plan with the index" in page and "order_customer_number_idx" in page


def test_verify_refuses_a_suggestion_not_made_for_the_query(client, cast, draft, scratch):
    client.force_login(cast.viewer)
    response = client.post(draft_url(draft, "advice/indexes/verify/"), _verify_data(columns=("total",)), **HTMX)
    assert response.status_code == 422 and "not made for this query" in response.content.decode()


def test_verify_of_a_query_the_server_refuses_is_said(client, cast, draft, scratch):
    # sqlglot reads it; PostgreSQL cannot plan it (no operator smallint = text in this spelling).
    query = "SELECT id FROM \"order\" WHERE customer_number = 'x'::text"
    client.force_login(cast.viewer)
    response = client.post(draft_url(draft, "advice/indexes/verify/"), _verify_data(query=query), **HTMX)
    page = response.content.decode()
    assert response.status_code == 422 and "EXPLAIN of the query failed" in page
