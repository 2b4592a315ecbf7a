"""Lint in the designer: a draft's findings (its schema's, and its change's from the base
version) with the project's rules turned off, the "Lint rules" settings form, and docs/lint.md
as a page. The rules are the engine's (``migrations_engine.lint``)."""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass, field
from functools import cache

from django import forms
from django.conf import settings
from django.core.cache import caches
from django.utils.safestring import SafeString, mark_safe

from designer.conversion import read_content
from designer.models import Draft, Project
from migrations_engine.errors import EngineError
from migrations_engine.lint import Finding, Rule, all_rules, lint_change, lint_schema
from migrations_engine.operations import Operation
from migrations_engine.schema import Schema

logger = logging.getLogger(__name__)

FINDINGS_KEPT_SECONDS = 3600


@dataclass
class DraftLint:
    """What the preview and the review show: the schema's findings, the change's, and an
    error when the lint could not run."""

    schema: list[Finding] = field(default_factory=list)
    change: list[Finding] = field(default_factory=list)
    error: str = ""

    #: Set by ``first``: how many findings there were before the lists were cut.
    total: int | None = None

    @property
    def count(self) -> int:
        return self.total if self.total is not None else len(self.schema) + len(self.change)

    @property
    def left_out(self) -> int:
        """How many findings ``first`` left out of the lists."""
        return self.count - len(self.schema) - len(self.change)

    def first(self, limit: int) -> DraftLint:
        """The same lint with at most ``limit`` findings listed (the schema's first), ``count``
        still saying how many there are: a 10,000-table draft can have a finding per table."""
        schema = self.schema[:limit]
        change = self.change[: max(0, limit - len(schema))]
        return DraftLint(schema=schema, change=change, error=self.error, total=self.count)


def disabled_rules(project: Project) -> list[str]:
    """The ids of the rules the project turned off (unknown ids, from an older version, dropped)."""
    known = {rule.id for rule in all_rules()}
    return [rule_id for rule_id in project.lint_disabled or [] if rule_id in known]


def draft_lint(
    draft: Draft,
    dialect: str,
    schema: Schema | None = None,
    base: Schema | None = None,
    operations: list[Operation] | None = None,
) -> DraftLint:
    """The draft's lint for ``dialect``: its schema, and the change from its base version
    (``schema`` and ``base``: the draft's and its base's, when the caller has read them already;
    ``operations``: the change's, when the caller has diffed them already).
    Kept by the draft's content token, base, dialect and the project's disabled rules (every
    edit renews the token, so what is kept is never stale)."""
    disabled = disabled_rules(draft.project)
    key = f"draft-lint-1:{draft.pk}:{draft.content_token}:{draft.base_version_id}:{dialect}:{','.join(disabled)}"
    kept = caches["analysis"].get(key)
    if kept is None:
        kept = _lint(draft, dialect, disabled, schema, base, operations)
        caches["analysis"].set(key, kept, FINDINGS_KEPT_SECONDS)
    return kept


def _lint(
    draft: Draft,
    dialect: str,
    disabled: list[str],
    schema: Schema | None,
    base: Schema | None,
    operations: list[Operation] | None,
) -> DraftLint:
    if schema is None:
        schema = read_content(draft).schema
    if base is None:
        base = draft.base_schema()
    try:
        return DraftLint(
            schema=lint_schema(schema, dialect, disabled),
            change=lint_change(base, schema, dialect, operations=operations, disabled=disabled),
        )
    except EngineError as exc:
        return DraftLint(error=f"The lint could not run: {exc}")
    except Exception:  # a bug in a rule must not take the preview or the review down
        logger.exception("lint of draft %s failed", draft.pk)
        return DraftLint(error="The lint could not run (the error is logged).")


class LintRulesForm(forms.Form):
    """One checkbox per rule, checked when the rule is on."""

    def __init__(self, *args, project: Project, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.project = project
        off = set(disabled_rules(project))
        self.rules: list[Rule] = all_rules()
        for rule in self.rules:
            self.fields[rule.id] = forms.BooleanField(
                required=False, initial=rule.id not in off, label=f"{rule.id} {rule.slug} ({rule.severity})", help_text=rule.reason,
            )

    def rows(self) -> list[tuple[Rule, forms.BoundField]]:
        return [(rule, self[rule.id]) for rule in self.rules]

    def save(self) -> list[str]:
        """Store the rules left unchecked as the project's disabled ones; returns them."""
        off = [rule.id for rule in self.rules if not self.cleaned_data.get(rule.id)]
        self.project.lint_disabled = off
        self.project.save(update_fields=["lint_disabled"])
        return off


# ---------------------------------------------------------------- docs/lint.md as a page

_ANCHOR = re.compile(r'^<a id="([a-z0-9-]+)"></a>$')


@cache
def docs_html() -> SafeString:
    """docs/lint.md as HTML. Only what the page uses is read (headings, paragraphs, lists,
    fenced code, inline code, ``<a id>`` anchors); everything else is escaped text."""
    text = (settings.BASE_DIR / "docs" / "lint.md").read_text(encoding="utf-8")
    out: list[str] = []
    paragraph: list[str] = []
    in_list = in_code = False

    def inline(line: str) -> str:
        return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(line, quote=False))

    def flush() -> None:
        nonlocal in_list
        if paragraph:
            out.append("<p>" + " ".join(paragraph) + "</p>")
            paragraph.clear()
        if in_list:
            out.append("</ul>")
            in_list = False

    for line in text.splitlines():
        if line.startswith("```"):
            flush()
            out.append("</code></pre>" if in_code else '<pre class="sql"><code>')
            in_code = not in_code
        elif in_code:
            out.append(html.escape(line, quote=False))
        elif anchor := _ANCHOR.match(line.strip()):
            flush()
            out.append(f'<a id="{anchor.group(1)}"></a>')
        elif heading := re.match(r"^(#{1,4}) (.*)$", line):
            flush()
            level = len(heading.group(1))
            out.append(f"<h{level}>{inline(heading.group(2))}</h{level}>")
        elif line.startswith("- "):
            if paragraph:
                flush()
            if not in_list:
                out.append("<ul>")
                in_list = True
            out.append(f"<li>{inline(line[2:])}</li>")
        elif not line.strip():
            flush()
        else:
            paragraph.append(inline(line.strip()))
    flush()
    return mark_safe("\n".join(out).replace('<pre class="sql"><code>\n', '<pre class="sql"><code>'))  # noqa: S308 (escaped above)
