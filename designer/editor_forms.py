"""The draft editor's forms. Each one validates against the draft as it is (names in use, types,
enums, the referenced table), so an edit that would break the draft is refused with a message
beside the field, and the form comes back holding what was typed."""

from __future__ import annotations

from migrations_engine.types import enum_type_text

import re

from django import forms

from designer import relationships
from designer.conversion import read_content
from designer.editing import ColumnData
from designer.models import Draft, DraftColumn, DraftEnum, DraftTable, TableGroup
from designer.validation import (
    default_error,
    expression_errors,
    foreign_key_errors,
    identifier_errors,
    parse_type,
)
from migrations_engine.schema import REFERENTIAL_ACTIONS, Column, ForeignKey, Schema, Table

ACTION_CHOICES = [(a, a) for a in REFERENTIAL_ACTIONS]
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def _split_names(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,\n]", text or "") if part.strip()]


class _NamedForm(forms.Form):
    """A form whose ``name`` is an identifier: its problems are field errors."""

    what = "element"
    name_required = True

    def clean_name(self) -> str:
        name = self.cleaned_data.get("name", "")
        if not name and not self.name_required:
            return ""
        for error in identifier_errors(name, self.what):
            self.add_error("name", error)
        return name


# ---------------------------------------------------------------- tables


class NewTableForm(_NamedForm):
    prefix = "new-table"
    what = "table"
    name = forms.CharField(max_length=200, strip=False, required=False)
    with_id = forms.BooleanField(required=False, initial=True, label="with an id primary key")

    def __init__(self, *args, draft: Draft, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.draft = draft

    def clean_name(self) -> str:
        name = super().clean_name()
        if name and DraftTable.objects.filter(draft=self.draft, name=name).exists():
            self.add_error("name", f"There is a table called “{name}” already.")
        return name


class TableForm(_NamedForm):
    prefix = "table"
    what = "table"
    name = forms.CharField(max_length=200, strip=False, required=False)
    comment = forms.CharField(required=False, widget=forms.TextInput)
    group = forms.ChoiceField(required=False)

    def __init__(self, *args, table: DraftTable, groups: list[TableGroup], **kwargs) -> None:
        kwargs.setdefault(
            "initial",
            {
                "name": table.name,
                "comment": table.comment or "",
                "group": table.group.uid if table.group else "",
            },
        )
        super().__init__(*args, **kwargs)
        self.table = table
        self.groups = {g.uid: g for g in groups}
        self.fields["group"].choices = [("", "no group")] + [(g.uid, g.name) for g in groups]

    def clean_name(self) -> str:
        name = super().clean_name()
        taken = DraftTable.objects.filter(draft_id=self.table.draft_id, name=name).exclude(
            pk=self.table.pk
        )
        if name and taken.exists():
            self.add_error("name", f"There is a table called “{name}” already.")
        return name

    def clean_group(self) -> TableGroup | None:
        return self.groups.get(self.cleaned_data.get("group") or "")


# ---------------------------------------------------------------- columns


class ColumnForm(_NamedForm):
    what = "column"
    name = forms.CharField(max_length=200, strip=False, required=False)
    type = forms.CharField(max_length=200, required=False)
    nullable = forms.BooleanField(required=False, initial=True)
    default = forms.CharField(required=False, strip=False)
    default_is_expression = forms.BooleanField(required=False, label="expression")
    primary_key = forms.BooleanField(required=False, label="PK")
    unique = forms.BooleanField(required=False)
    identity = forms.BooleanField(required=False, label="auto")
    comment = forms.CharField(required=False)

    def __init__(
        self,
        *args,
        table: Table,
        schema: Schema,
        column_uid: str | None = None,
        dialect: str | None = None,
        **kwargs,
    ) -> None:
        if column_uid is not None and "initial" not in kwargs and not args:
            kwargs["initial"] = column_initial(table, column_uid)
        super().__init__(*args, **kwargs)
        self.table, self.schema, self.column_uid = table, schema, column_uid
        self.dialect = dialect

    def clean_name(self) -> str:
        name = super().clean_name()
        others = [c for c in self.table.columns if c.id != self.column_uid]
        if name and any(c.name == name for c in others):
            self.add_error(
                "name", f"Table “{self.table.name}” has a column called “{name}” already."
            )
        return name

    def clean_type(self) -> str:
        text = self.cleaned_data.get("type", "").strip()
        if not text:
            raise forms.ValidationError("The column needs a type.")
        column_type, error = parse_type(text, [e.name for e in self.schema.enums], self.dialect)
        if error:
            raise forms.ValidationError(error)
        return str(column_type)

    def clean(self) -> dict:
        data = super().clean()
        text = data.get("type")
        default = data.get("default") or ""
        if text and default and not data.get("default_is_expression"):
            column_type, _ = parse_type(text, [e.name for e in self.schema.enums])
            values = self.schema.enum(column_type.enum).values if column_type.kind == "enum" else ()
            error = default_error(default, column_type, values)
            if error:
                self.add_error("default", error)
        if default and data.get("default_is_expression"):
            for error in expression_errors(default, "default", self.dialect, columns=()):
                self.add_error("default", error)
        if data.get("identity"):
            if text and text not in ("smallint", "integer", "bigint"):
                self.add_error(
                    "identity", "Only smallint, integer and bigint columns can count by themselves."
                )
            if default:
                self.add_error("default", "A column that counts by itself takes no default.")
        return data

    def column_data(self) -> ColumnData:
        d = self.cleaned_data
        return ColumnData(
            name=d["name"],
            type=d["type"],
            nullable=d["nullable"],
            default=d["default"] or None,
            default_is_expression=d["default_is_expression"],
            identity=d["identity"],
            comment=d["comment"] or None,
            primary_key=d["primary_key"],
            unique=d["unique"],
        )


def column_initial(table: Table, uid: str) -> dict:
    column: Column = next(c for c in table.columns if c.id == uid)
    pk = table.primary_key
    return {
        "name": column.name,
        "type": str(column.type),
        "nullable": column.nullable,
        "default": column.default.value if column.default else "",
        "default_is_expression": bool(column.default and column.default.expression),
        "identity": column.identity,
        "comment": column.comment or "",
        "primary_key": bool(pk and column.name in pk.columns),
        "unique": any(u.columns == (column.name,) for u in table.uniques),
    }


# ---------------------------------------------------------------- indexes and constraints


class _ColumnsForm(_NamedForm):
    name_required = False
    what = "constraint"
    columns = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple)
    name = forms.CharField(
        max_length=200, required=False, strip=False, help_text="empty: a name by convention"
    )

    def __init__(self, *args, table: Table, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.table = table
        self.fields["columns"].choices = [(c.id, c.name) for c in table.columns]
        self.fields["columns"].error_messages["required"] = "Choose at least one column."

    def _names_in_use(self) -> set[str]:
        return {
            c.name
            for c in (*self.table.foreign_keys, *self.table.uniques, *self.table.checks, *self.table.exclusions)
            if c.name
        } | (
            {self.table.primary_key.name}
            if self.table.primary_key and self.table.primary_key.name
            else set()
        )

    def clean_name(self) -> str:
        name = super().clean_name()
        if name and name in self._names_in_use():
            self.add_error(
                "name", f"Table “{self.table.name}” has a {self.what} called “{name}” already."
            )
        return name


class IndexForm(_ColumnsForm):
    prefix = "index"
    what = "index"
    unique = forms.BooleanField(required=False)
    where = forms.CharField(
        required=False,
        label="only where",
        help_text="a partial index's condition (PostgreSQL, SQLite)",
    )

    def __init__(self, *args, table: Table, dialect: str | None = None, **kwargs) -> None:
        super().__init__(*args, table=table, **kwargs)
        self.dialect = dialect

    def _names_in_use(self) -> set[str]:
        return {i.name for i in self.table.indexes if i.name}

    def clean_where(self) -> str:
        where = self.cleaned_data.get("where", "")
        if where.strip():
            for error in expression_errors(
                where, "condition", self.dialect, self.table.column_names, table=self.table.name
            ):
                self.add_error("where", error)
        return where


class UniqueForm(_ColumnsForm):
    prefix = "unique"


class CheckForm(_NamedForm):
    prefix = "check"
    what = "constraint"
    name_required = False
    expression = forms.CharField(
        max_length=2000, error_messages={"required": "Write the condition rows must meet."}
    )
    name = forms.CharField(max_length=200, required=False, strip=False)

    def __init__(self, *args, table: Table, dialect: str | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.table, self.dialect = table, dialect

    def clean_expression(self) -> str:
        expression = self.cleaned_data.get("expression", "")
        for error in expression_errors(
            expression, "condition", self.dialect, self.table.column_names, table=self.table.name
        ):
            self.add_error("expression", error)
        return expression


class ForeignKeyForm(_ColumnsForm):
    prefix = "fk"
    what = "constraint"
    ref_table = forms.ChoiceField(label="references table")
    ref_columns = forms.CharField(
        required=False, label="its columns", help_text="comma-separated; empty: its primary key"
    )
    on_delete = forms.ChoiceField(choices=ACTION_CHOICES, initial="NO ACTION", label="on delete")
    on_update = forms.ChoiceField(choices=ACTION_CHOICES, initial="NO ACTION", label="on update")

    def __init__(
        self, *args, table: Table, draft: Draft, table_choices: list[tuple[str, str]], **kwargs
    ) -> None:
        super().__init__(*args, table=table, **kwargs)
        self.draft = draft
        self.fields["ref_table"].choices = table_choices
        self.fields["ref_table"].error_messages["invalid_choice"] = "Choose a table of this draft."
        self.ref: Table | None = None

    def clean(self) -> dict:
        data = super().clean()
        ref_uid, column_uids = data.get("ref_table"), data.get("columns")
        if not ref_uid or not column_uids:
            return data
        ref = self.table if ref_uid == self.table.id else _read_table(self.draft, ref_uid)
        if ref is None:
            self.add_error("ref_table", "That table is gone.")
            return data
        self.ref = ref
        by_name = {c.name: c.id for c in ref.columns}
        names = _split_names(data.get("ref_columns", ""))
        if not names:
            if ref.primary_key is None:
                self.add_error(
                    "ref_columns",
                    f"Table “{ref.name}” has no primary key: name the columns to reference.",
                )
                return data
            names = list(ref.primary_key.columns)
        unknown = [n for n in names if n not in by_name]
        if unknown:
            self.add_error(
                "ref_columns",
                f"Table “{ref.name}” has no column {', '.join(f'“{n}”' for n in unknown)}.",
            )
            return data
        data["ref_column_uids"] = [by_name[n] for n in names]
        local = {c.id: c.name for c in self.table.columns}
        candidate = ForeignKey(
            tuple(local[u] for u in column_uids),
            ref.name,
            tuple(names),
            on_delete=data.get("on_delete") or "NO ACTION",
            on_update=data.get("on_update") or "NO ACTION",
        )
        tables = (self.table,) if ref.name == self.table.name else (self.table, ref)
        for error in foreign_key_errors(self.table, candidate, Schema(tables=tables)):
            self.add_error(None, error)
        return data


def _read_table(draft: Draft, uid: str) -> Table | None:
    tables = read_content(draft, [uid]).schema.tables
    return tables[0] if tables else None


# ---------------------------------------------------------------- groups and enums


class GroupForm(forms.Form):
    prefix = "group"
    name = forms.CharField(max_length=100, error_messages={"required": "The group needs a name."})
    colour = forms.CharField(
        max_length=7, initial="#4a7bd0", widget=forms.TextInput(attrs={"type": "color"})
    )

    def clean_colour(self) -> str:
        colour = self.cleaned_data["colour"]
        if not _COLOUR.match(colour):
            raise forms.ValidationError("Give the colour as #rrggbb.")
        return colour.lower()


class EnumForm(_NamedForm):
    prefix = "enum"
    what = "enum"
    name = forms.CharField(max_length=200, required=False, strip=False)
    values = forms.CharField(
        help_text="comma-separated", error_messages={"required": "An enum needs values."}
    )

    def __init__(self, *args, draft: Draft, enum: DraftEnum | None = None, **kwargs) -> None:
        if enum is not None and "initial" not in kwargs:
            kwargs["initial"] = {"name": enum.name, "values": ", ".join(enum.values)}
        super().__init__(*args, **kwargs)
        self.draft, self.enum = draft, enum

    def clean_name(self) -> str:
        name = super().clean_name()
        taken = DraftEnum.objects.filter(draft=self.draft, name=name)
        if self.enum is not None:
            taken = taken.exclude(pk=self.enum.pk)
        if name and taken.exists():
            self.add_error("name", f"There is an enum called “{name}” already.")
        return name

    def clean_values(self) -> list[str]:
        values = _split_names(self.cleaned_data["values"])
        if not values:
            raise forms.ValidationError("An enum needs values.")
        twice = sorted({v for v in values if values.count(v) > 1})
        if twice:
            raise forms.ValidationError(f"These values appear twice: {', '.join(twice)}.")
        return values

    def clean(self) -> dict:
        data = super().clean()
        if self.enum is not None and data.get("values") is not None:
            # A value still held by a column's default must stay.
            defaults = DraftColumn.objects.filter(
                draft=self.draft,
                type=enum_type_text(self.enum.name),
                default__isnull=False,
                default_is_expression=False,
            ).values_list("default", flat=True)
            missing = sorted(set(defaults) - set(data["values"]))
            if missing:
                self.add_error(
                    "values", f"Columns use {', '.join(missing)} as their default: keep it."
                )
        return data


# ---------------------------------------------------------------- relationships


class RelationshipForm(forms.Form):
    prefix = "rel"
    kind = forms.ChoiceField(choices=relationships.KINDS, initial=relationships.ONE_TO_MANY)
    target = forms.ChoiceField(label="with table")
    required = forms.BooleanField(required=False, initial=True, label="every row needs one")
    on_delete = forms.ChoiceField(choices=ACTION_CHOICES, initial="NO ACTION", label="on delete")
    junction = forms.CharField(
        max_length=200,
        required=False,
        strip=False,
        label="junction table",
        help_text="many-to-many; empty: <this>_<target>",
    )

    def __init__(
        self, *args, table: Table, draft: Draft, table_choices: list[tuple[str, str]], **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.table, self.draft = table, draft
        self.fields["target"].choices = table_choices
        self.fields["target"].error_messages["invalid_choice"] = "Choose a table of this draft."
        self.target: Table | None = None

    def clean(self) -> dict:
        data = super().clean()
        uid, kind = data.get("target"), data.get("kind")
        if not uid or not kind:
            return data
        target = self.table if uid == self.table.id else _read_table(self.draft, uid)
        if target is None:
            self.add_error("target", "That table is gone.")
            return data
        self.target = target
        if target.primary_key is None:
            self.add_error("target", f"Table “{target.name}” has no primary key to point at.")
            return data
        if kind != relationships.MANY_TO_MANY:
            for problem in relationships.conflicts(
                self.table, relationships.key_columns(target, target.name)
            ):
                self.add_error(None, problem)
            return data
        if self.table.primary_key is None:
            self.add_error(None, f"Table “{self.table.name}” has no primary key to point at.")
            return data
        name = data.get("junction") or f"{self.table.name}_{target.name}"
        for error in identifier_errors(name, "junction table"):
            self.add_error("junction", error)
        if DraftTable.objects.filter(draft=self.draft, name=name).exists():
            self.add_error("junction", f"There is a table called “{name}” already.")
        for key in (k for side in relationships.junction_columns(self.table, target) for k in side):
            for error in identifier_errors(key.name, "column"):
                self.add_error(None, error)
        data["junction"] = name
        return data
