"""Forms of the connection and deployment pages. The URL field is write-only: it is never
rendered back (``PasswordInput`` without ``render_value``), even after a refused submission."""

from __future__ import annotations

from django import forms

from designer.models import Project
from designer.models.connections import STANDARD_ENVIRONMENTS, Connection


class ConnectionForm(forms.Form):
    name = forms.CharField(max_length=100)
    environment = forms.CharField(
        max_length=40, initial="development",
        help_text="development, staging, production, or a name of your own with an order",
        widget=forms.TextInput(attrs={"list": "environments"}),
    )
    order = forms.IntegerField(
        required=False, min_value=0, max_value=1000,
        help_text="Only for a custom environment: where it comes among development (10), staging (20) and production (30).",
    )
    url = forms.CharField(
        label="Database URL",
        max_length=2000,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text="e.g. postgresql://user:password@host:5432/db — stored encrypted, never shown again.",
    )

    def __init__(self, *args, connection: Connection | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.connection = connection
        if connection is not None:
            self.fields["url"].required = False
            self.fields["url"].help_text = "Leave empty to keep the stored URL (it is never shown)."
            self.initial.update(
                name=connection.name,
                environment=connection.environment,
                order=None if connection.environment in STANDARD_ENVIRONMENTS else connection.environment_order,
            )


class DeployForm(forms.Form):
    """The target version (forward or back), and for production the connection's name typed."""

    to = forms.TypedChoiceField(coerce=int, label="Target version")
    confirmation = forms.CharField(required=False, max_length=100, widget=forms.TextInput(attrs={"autocomplete": "off"}))

    def __init__(self, *args, project: Project, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        numbers = project.versions.order_by("-number").values_list("number", "message")
        self.fields["to"].choices = [(n, f"v{n} · {m[:50]}" if m else f"v{n}") for n, m in numbers] + [(0, "v0 · empty schema (undo everything)")]
