"""The data migration packing stored Undo states: old rows keep their content, both ways."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("designer", "0003_draftchange_kind")]
AFTER = [("designer", "0004_draftchange_packed_state")]
STATE = {"tables": [{"name": "naïve “quoted” table", "columns": []}], "groups": []}


def migrate_to(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_states_survive_packing_and_unpacking(django_user_model):
    try:
        old = migrate_to(BEFORE)
        user = django_user_model.objects.create_user("ada")
        project = old.get_model("designer", "Project").objects.create(name="P", slug="p")
        draft = old.get_model("designer", "Draft").objects.create(project=project, author_id=user.pk, title="d")
        old.get_model("designer", "DraftChange").objects.create(draft=draft, description="one", state=STATE)

        migrate_to(AFTER)
        from designer.models import DraftChange

        assert DraftChange.objects.get(description="one").state == STATE

        back = migrate_to(BEFORE)
        assert back.get_model("designer", "DraftChange").objects.get(description="one").state == STATE
    finally:
        migrate_to(MigrationExecutor(connection).loader.graph.leaf_nodes("designer"))
