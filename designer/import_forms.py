"""The form choosing where an imported schema comes from: SQL DDL, DBML or snapshot JSON (pasted
or uploaded), a registered connection's live schema, or a database URL (owners only).

Validating the form reads the schema (``result``): a text the engine cannot read, a file too
large or not UTF-8, a database that cannot be reached, all become messages on the form.
The URL field is write-only, as on the connection pages: never rendered back.
"""

from __future__ import annotations

from collections.abc import Iterator

from django import forms
from django.conf import settings
from django.views.decorators.debug import sensitive_variables

from designer.models import Project
from designer.models.connections import Connection
from migrations_engine.errors import EngineError
from migrations_engine.imports import ImportResult, import_text
from migrations_engine.schema import Schema

#: The longest name a draft's rows keep (their ``name`` columns).
NAME_LIMIT = 200

EMPTY, SQL, DBML, SNAPSHOT, CONNECTION, URL = "empty", "sql", "dbml", "snapshot", "connection", "url"
SOURCE_LABELS = {
    EMPTY: "Nothing: an empty schema",
    SQL: "SQL DDL (CREATE statements)",
    DBML: "DBML",
    SNAPSHOT: "Snapshot JSON (this designer's or the engine's)",
    CONNECTION: "A connection's live schema",
    URL: "A database URL",
}
TEXT_SOURCES = (SQL, DBML, SNAPSHOT)


class SchemaSourceForm(forms.Form):
    source = forms.ChoiceField(widget=forms.RadioSelect, initial=SQL)
    text = forms.CharField(
        label="Paste it", required=False, strip=False,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false", "class": "code"}),
    )
    file = forms.FileField(label="or upload a file", required=False)
    connection = forms.ModelChoiceField(queryset=Connection.objects.none(), required=False)
    url = forms.CharField(
        label="Database URL", required=False, max_length=2000,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text="Read once, never stored.",
    )

    def __init__(
        self,
        *args,
        dialect: str,
        project: Project | None = None,
        allow_empty: bool = False,
        allow_url: bool = False,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.dialect = dialect
        sources = [EMPTY] if allow_empty else []
        sources += list(TEXT_SOURCES)
        if project is not None and project.connections.exists():
            sources.append(CONNECTION)
            self.fields["connection"].queryset = project.connections.all()
        else:
            del self.fields["connection"]
        if project is not None and allow_url:
            sources.append(URL)
        else:
            del self.fields["url"]
        self.fields["source"].choices = [(s, SOURCE_LABELS[s]) for s in sources]
        self.fields["file"].help_text = f"At most {_size(settings.IMPORT_MAX_BYTES)}; UTF-8 text."
        #: The schema read, once the form is valid (None: an empty schema).
        self.result: ImportResult | None = None

    def clean(self) -> dict:
        data = super().clean()
        source = data.get("source")
        if source is None or self.errors:
            return data
        try:
            if source in TEXT_SOURCES:
                text = self._text(data)
                if text is not None:
                    self.result = self._read(text, source)
            elif source == CONNECTION:
                self.result = self._from_connection(data.get("connection"))
            elif source == URL:
                self.result = self._from_url(data.get("url") or "")
            self._check_fits()
        except forms.ValidationError as error:
            field = {CONNECTION: "connection", URL: "url"}.get(source)
            self.add_error(field or ("file" if data.get("file") else "text"), error)
        return data

    def _check_fits(self) -> None:
        """The draft stores names and types in columns of ``NAME_LIMIT`` characters: a longer
        one is refused here rather than by the database."""
        if self.result is None:
            return
        for what, name in _names(self.result.schema):
            if len(name) > NAME_LIMIT:
                raise forms.ValidationError(
                    f"The {what} “{name[:40]}…” is {len(name)} characters long: the designer keeps at most {NAME_LIMIT}."
                )

    def _text(self, data: dict) -> str | None:
        upload = data.get("file")
        limit = settings.IMPORT_MAX_BYTES
        if upload is not None:
            if upload.size > limit:
                raise forms.ValidationError(
                    f"The file is {_size(upload.size)}: the largest import taken is {_size(limit)}."
                )
            try:
                return upload.read().decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise forms.ValidationError(f"The file is not UTF-8 text (byte {exc.start + 1}).") from None
        text = data.get("text") or ""
        size = len(text.encode())
        if size > limit:
            raise forms.ValidationError(f"The text is {_size(size)}: the largest import taken is {_size(limit)}.")
        if not text.strip():
            self.add_error("text", "Paste the schema here or upload a file.")
            return None
        return text

    def _read(self, text: str, source: str) -> ImportResult:
        try:
            return import_text(text, source, self.dialect)
        except EngineError as exc:  # ImportFailed names the line
            raise forms.ValidationError(f"Could not read it: {exc}") from None
        except Exception as exc:  # a reader's own bug: told on the form, never a 500
            raise forms.ValidationError(f"Could not read it ({type(exc).__name__}: {exc})") from None

    def _from_connection(self, connection: Connection | None) -> ImportResult:
        from designer.deploy import status
        from migrations_engine.snapshot import from_data

        if connection is None:
            raise forms.ValidationError("Choose a connection.")
        check = status.check(connection)
        if check.error or check.live_snapshot is None:
            reason = check.error or check.drift_note or "its schema could not be read"
            raise forms.ValidationError(f"Could not read {connection.name}: {reason}")
        return ImportResult(from_data(check.live_snapshot), notes=(f"Live schema of {connection.name}",))

    @sensitive_variables("text", "url")
    def _from_url(self, text: str) -> ImportResult:
        from designer.deploy.targets import TargetRefused, check_url, redact
        from migrations_engine.introspect import introspect
        from migrations_engine.migrations.history import without_runner_tables

        if not text.strip():
            raise forms.ValidationError("Give the database's URL.")
        try:
            url = check_url(text, self.dialect)
        except TargetRefused as refusal:
            raise forms.ValidationError(str(refusal)) from None
        try:
            from migrations_engine.connection import connect

            with connect(url, create=False, timeout=settings.CONNECTION_TIMEOUT) as database:
                schema = without_runner_tables(introspect(database))
        except Exception as exc:  # the driver's words, without the password
            message = str(exc) if isinstance(exc, EngineError) else f"{type(exc).__name__}: {exc}"
            raise forms.ValidationError(f"Could not read the database: {redact(message, url)}") from None
        return ImportResult(schema, notes=(f"Live schema of {url.host or url.database}",))


def _names(schema: Schema) -> Iterator[tuple[str, str]]:
    """(kind, name) of every named element the draft keeps in a row of its own, and types."""
    for enum in schema.enums:
        yield "enum", enum.name
    for table in schema.tables:
        yield "table", table.name
        for column in table.columns:
            yield "column", column.name
            yield "type", column.declared_type or ""
        for part in (table.foreign_keys, table.uniques, table.checks, table.indexes):
            for element in part:
                yield "constraint or index", element.name or ""
        if table.primary_key is not None:
            yield "primary key", table.primary_key.name or ""


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB"):
        if n < 1024 or unit == "MB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return f"{n} MB"
