"""Forms of the project pages (the editor's forms are in designer/editor_forms.py)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.text import slugify

from designer.models import Membership, Project, Role


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = [
            "name",
            "slug",
            "description",
            "dialect",
            "required_approvals",
            "owner_approval_for_destructive",
        ]
        help_texts = {"slug": "Part of the project's address; made from the name when left blank."}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "required_approvals": forms.NumberInput(attrs={"min": 0, "max": 5}),
        }

    RULES = ("required_approvals", "owner_approval_for_destructive")

    def changed_rules(self) -> list[str]:
        """The review rules this form changed, as sentences for the activity log."""
        said = {
            "required_approvals": lambda v: f"approvals required: {v}",
            "owner_approval_for_destructive": lambda v: "destructive changes need an owner's approval"
            if v
            else "destructive changes no longer need an owner's approval",
        }
        return [said[name](self.cleaned_data[name]) for name in self.RULES if name in self.changed_data]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["required_approvals"].required = False

    def clean_required_approvals(self) -> int:
        value = self.cleaned_data.get("required_approvals")
        return Project._meta.get_field("required_approvals").default if value is None else value

    def clean_slug(self) -> str:
        slug = self.cleaned_data.get("slug") or slugify(self.cleaned_data.get("name", ""))
        if not slug:
            raise forms.ValidationError("Give the project a name made of letters or digits.")
        if Project.objects.filter(slug=slug).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(f"A project already uses the address “{slug}”.")
        return slug


class MemberAddForm(forms.Form):
    username = forms.CharField(max_length=150)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.VIEWER)

    def __init__(self, *args, project: Project, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.project = project

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise forms.ValidationError(f"There is no user “{username}”.") from None
        if Membership.objects.filter(project=self.project, user=user).exists():
            raise forms.ValidationError(f"{username} is a member already.")
        return user


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class DraftCreateForm(forms.Form):
    """A draft's title and where it starts: one of the project's versions (the latest unless
    chosen otherwise) or nothing."""

    title = forms.CharField(max_length=200, required=False)
    version = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "This project has no version %(value)s."},
    )

    def __init__(self, *args, project: Project, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.project = project
        versions = project.versions.order_by("-number").values_list("number", "message")
        choices = [(n, f"v{n} · {message[:40]}" if message else f"v{n}") for n, message in versions]
        field = self.fields["version"]
        field.choices = [*choices, ("", "nothing (empty schema)")]
        field.initial = choices[0][0] if choices else ""

    def clean_version(self):
        number = self.cleaned_data.get("version")
        if number is None:
            return None
        version = self.project.versions.filter(number=number).first()
        if version is None:
            raise forms.ValidationError(f"This project has no version {number}.")
        return version
