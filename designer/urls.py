from django.urls import path, register_converter

from designer.views import (
    advice_indexes,
    advice_normalisation,
    changes,
    columns,
    connections,
    constraints,
    deployments,
    diagrams,
    drafts,
    editor,
    enums,
    exports,
    groups,
    imports,
    lint,
    members,
    preview,
    projects,
    relationships,
    reviews,
    tables,
    undo,
    updates,
    versions,
)

app_name = "designer"


class DiagramFormat:
    """A diagram download's format: the extension in ``erd.svg``."""

    regex = "svg|png|pdf|dot"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(DiagramFormat, "erd_format")

project = "p/<slug:slug>/"
draft = project + "d/<int:draft_id>/"
table = draft + "t/<str:table_uid>/"
connection = project + "connections/<int:connection_id>/"
deployment = project + "deployments/<int:deployment_id>/"

urlpatterns = [
    path(project + "connections/", connections.connection_list, name="connections"),
    path(connection, connections.connection_detail, name="connection"),
    path(connection + "check/", connections.connection_check, name="connection_check"),
    path(connection + "test/", connections.connection_test, name="connection_test"),
    path(connection + "edit/", connections.connection_edit, name="connection_edit"),
    path(connection + "delete/", connections.connection_delete, name="connection_delete"),
    path(connection + "draft/", connections.connection_draft, name="connection_draft"),
    path(connection + "project/", connections.connection_project, name="connection_project"),
    path(connection + "drift/erd/", diagrams.connection_drift_erd, name="connection_drift_erd"),
    path(connection + "drift/erd.<erd_format:fmt>", diagrams.connection_drift_erd, name="connection_drift_erd_export"),
    path(connection + "drift/erd/search/", diagrams.connection_drift_erd_search, name="connection_drift_erd_search"),
    path(connection + "plan/", deployments.deployment_plan, name="deployment_plan"),
    path(connection + "plan/validation/", deployments.deployment_validation, name="deployment_validation"),
    path(connection + "deploy/", deployments.deployment_start, name="deployment_start"),
    path(deployment, deployments.deployment_detail, name="deployment"),
    path(deployment + "cancel/", deployments.deployment_cancel, name="deployment_cancel"),
    path(deployment + "retry/", deployments.deployment_retry, name="deployment_retry"),
    path("", projects.project_list, name="projects"),
    path("projects/new/", projects.project_create, name="project_create"),
    # Imports and downloads (designer/views/imports.py, exports.py)
    path("projects/import/", imports.project_import, name="project_import"),
    path(draft + "import/", imports.draft_import, name="draft_import"),
    path(draft + "import/<int:change_id>/", imports.import_result, name="import_result"),
    path(draft + "import/<int:change_id>/rename/", imports.rename_confirm, name="rename_confirm"),
    path(project + "v/<int:number>/download/<str:target>/", exports.version_export, name="version_export"),
    path(draft + "download/<str:target>/", exports.draft_export, name="draft_export"),
    path(project, projects.project_detail, name="project"),
    path(project + "settings/", projects.project_edit, name="project_edit"),
    path(project + "settings/lint-rules/", lint.project_lint_rules, name="project_lint_rules"),
    path("lint/", lint.lint_docs, name="lint_docs"),
    path(project + "delete/", projects.project_delete, name="project_delete"),
    path(project + "members/", members.member_add, name="member_add"),
    path(project + "members/<int:membership_id>/role/", members.member_role, name="member_role"),
    path(
        project + "members/<int:membership_id>/remove/", members.member_remove, name="member_remove"
    ),
    path(project + "v/<int:number>/", versions.version_detail, name="version"),
    path(project + "v/<int:number>/erd/", diagrams.version_erd, name="version_erd"),
    path(
        project + "v/<int:number>/erd.<erd_format:fmt>",
        diagrams.version_erd,
        name="version_erd_export",
    ),
    path(project + "v/<int:number>/erd/search/", diagrams.version_erd_search, name="version_erd_search"),
    path(project + "v/<int:number>/erd/diff/", diagrams.version_erd_diff, name="version_erd_diff"),
    path(
        project + "v/<int:number>/erd/diff/search/",
        diagrams.version_erd_diff_search,
        name="version_erd_diff_search",
    ),
    path(
        project + "v/<int:number>/erd/diff.<erd_format:fmt>",
        diagrams.version_erd_diff,
        name="version_erd_diff_export",
    ),
    # A change's SQL as .sql, the history as migration folders (designer/views/changes.py)
    path(
        project + "v/<int:number>/migration.up.sql",
        changes.version_sql,
        {"direction": "up"},
        name="version_sql_up",
    ),
    path(
        project + "v/<int:number>/migration.down.sql",
        changes.version_sql,
        {"direction": "down"},
        name="version_sql_down",
    ),
    path(draft + "change.up.sql", changes.draft_sql, {"direction": "up"}, name="draft_sql_up"),
    path(draft + "change.down.sql", changes.draft_sql, {"direction": "down"}, name="draft_sql_down"),
    path(project + "history.<str:fmt>.zip", changes.history_zip, name="history_zip"),
    path(project + "drafts/new/", drafts.draft_create, name="draft_create"),
    # The draft editor
    path(draft, editor.draft_editor, name="draft"),
    path(draft + "publish/", drafts.draft_publish, name="draft_publish"),
    path(draft + "abandon/", drafts.draft_abandon, name="draft_abandon"),
    # The review of a draft
    path(draft + "review/", reviews.review_detail, name="review"),
    path(draft + "submit/", reviews.draft_submit, name="draft_submit"),
    path(draft + "withdraw/", reviews.draft_withdraw, name="draft_withdraw"),
    path(draft + "review/verdict/", reviews.review_submit, name="review_submit"),
    path(draft + "review/withdraw-verdict/", reviews.verdict_withdraw, name="verdict_withdraw"),
    path(draft + "comments/", reviews.comment_add, name="comment_add"),
    path(draft + "comments/<int:comment_id>/resolve/", reviews.comment_resolve, name="comment_resolve"),
    path(draft + "update/", updates.draft_update, name="draft_update"),
    path(draft + "undo/", undo.draft_undo, name="draft_undo"),
    path(draft + "redo/", undo.draft_redo, name="draft_redo"),
    path(draft + "preview/", preview.draft_preview, name="draft_preview"),
    path(draft + "advice/normalisation/", advice_normalisation.draft_normalisation, name="draft_normalisation"),
    path(draft + "advice/normalisation/apply/", advice_normalisation.draft_normalisation_apply, name="draft_normalisation_apply"),
    path(draft + "advice/indexes/", advice_indexes.draft_index_advice, name="draft_index_advice"),
    path(draft + "advice/indexes/verify/", advice_indexes.draft_index_verify, name="draft_index_verify"),
    path(project + "v/<int:number>/advice/indexes/", advice_indexes.version_index_advice, name="version_index_advice"),
    path(project + "v/<int:number>/advice/indexes/verify/", advice_indexes.version_index_verify, name="version_index_verify"),
    path(draft + "erd/", diagrams.draft_erd, name="draft_erd"),
    path(draft + "erd.<erd_format:fmt>", diagrams.draft_erd, name="draft_erd_export"),
    path(draft + "erd/search/", diagrams.draft_erd_search, name="draft_erd_search"),
    path(draft + "erd/diff/", diagrams.draft_erd_diff, name="draft_erd_diff"),
    path(draft + "erd/diff/search/", diagrams.draft_erd_diff_search, name="draft_erd_diff_search"),
    path(
        draft + "erd/diff.<erd_format:fmt>", diagrams.draft_erd_diff, name="draft_erd_diff_export"
    ),
    path(draft + "tables/", editor.table_list, name="table_list"),
    path(draft + "tables/new/", tables.table_add, name="table_add"),
    path(draft + "groups/new/", groups.group_add, name="group_add"),
    path(draft + "groups/<str:group_uid>/delete/", groups.group_delete, name="group_delete"),
    path(draft + "enums/new/", enums.enum_add, name="enum_add"),
    path(draft + "enums/<str:enum_uid>/edit/", enums.enum_edit, name="enum_edit"),
    path(draft + "enums/<str:enum_uid>/delete/", enums.enum_delete, name="enum_delete"),
    path(table, editor.table_panel, name="table"),
    path(table + "edit/", tables.table_edit, name="table_edit"),
    path(table + "delete/", tables.table_delete, name="table_delete"),
    path(table + "columns/new/", columns.column_add, name="column_add"),
    path(table + "c/<str:column_uid>/edit/", columns.column_edit, name="column_edit"),
    path(table + "c/<str:column_uid>/delete/", columns.column_delete, name="column_delete"),
    path(table + "c/<str:column_uid>/move/", columns.column_move, name="column_move"),
    path(table + "indexes/new/", constraints.index_add, name="index_add"),
    path(table + "uniques/new/", constraints.unique_add, name="unique_add"),
    path(table + "checks/new/", constraints.check_add, name="check_add"),
    path(table + "fks/new/", constraints.fk_add, name="fk_add"),
    path(table + "relationships/new/", relationships.relationship_add, name="relationship_add"),
    path(
        table + "x/<str:kind>/<str:uid>/delete/", constraints.element_delete, name="element_delete"
    ),
]
