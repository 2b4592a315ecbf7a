"""The results as text: a summary table for the terminal and a markdown report for docs/."""

from __future__ import annotations

from collections import defaultdict

from .cases import TOOLS, why
from .runner import FAILED, OUT_OF_SCOPE, PASSED, SERVER_REJECTS, DialectRun, Outcome

SOURCE_COMMIT = "29164effe8e1"
REGENERATE = (
    "python -m migrations_engine.conformance ../shared/conformance/sqldef --report docs/conformance.md"
)
#: Why a case the engine still fails fails, by case id: shown beside the failure.
FAILURE_NOTES: dict[str, str] = {}

_TITLES = {"postgresql": "PostgreSQL", "mysql": "MySQL (run on MariaDB)", "sqlite": "SQLite"}
_HEADERS = (
    "Dialect", "Server", "Cases", "In scope", "Passed (up+down)", "Failed", "Out of scope", "Pass rate",
)


def summary_rows(runs: list[DialectRun]) -> list[tuple[str, ...]]:
    return [
        (
            run.dialect,
            run.server,
            str(len(run.outcomes)),
            str(run.in_scope),
            str(run.count(PASSED)),
            str(run.count(FAILED)),
            str(run.count(OUT_OF_SCOPE)),
            format_rate(run.pass_rate),
        )
        for run in runs
    ]


def format_rate(rate: float | None) -> str:
    return "–" if rate is None else f"{rate:.1f}%"


def summary_text(runs: list[DialectRun]) -> str:
    """The summary as an aligned plain-text table."""
    rows = [_HEADERS, *summary_rows(runs)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(_HEADERS))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines) + "\n"


def markdown(runs: list[DialectRun]) -> str:
    """The whole report: what it is, where the cases come from, the summary, then each dialect."""
    parts = [
        "# Conformance with sqldef's test cases",
        "",
        "Generated; do not edit. Regenerate with:",
        "",
        "```sh",
        REGENERATE,
        "```",
        "",
        "Each case of [sqldef](https://github.com/sqldef/sqldef) names a `current` and a `desired` "
        "schema as SQL. For every case in scope, `current` is built in one scratch database and "
        "`desired` in another; both are read back, the engine diffs the two live schemas and "
        "renders the migration. A case passes when the up script turns the first database into "
        "the same schema as the second and the down script takes it back. sqldef's own expected "
        "SQL is not compared. A case's SQL runs as written; when the server refuses that order "
        "(sqldef reads schemas declaratively, so a foreign key may name a table created further "
        "down), its statements run again in passes until all have run.",
        "",
        "Out of scope, decided from the case before anything runs: cases meant for another server "
        "or another sqldef mode (`error`, `config`, `offline`, `user`, `managed_roles`, another "
        "`flavor`, a `min_version` above the server's), cases using an object the engine does not "
        "manage (views, triggers, functions …: each group below says why it is out), and cases "
        "whose own SQL the server rejects. Tables, columns, indexes and constraints are in scope, "
        "but for the few kinds the model does not hold yet, each listed below as \"not modelled yet\". Keys that only change what sqldef prints (`enable_drop`, "
        "`legacy_ignore_quotes`) leave a case in scope: its two schemas are what counts.",
        "",
        f"Cases: sqldef's `cmd/{{{','.join(TOOLS.values())}}}/tests*.yml` at commit `{SOURCE_COMMIT}`, "
        "MIT licence, copyright (c) 2018 Takashi Kokubun (the `LICENSE` file beside the cases).",
        "",
        "## Summary",
        "",
        *_markdown_table(runs),
    ]
    for run in runs:
        parts += ["", *_dialect_section(run)]
    return "\n".join(parts) + "\n"


def _markdown_table(runs: list[DialectRun]) -> list[str]:
    lines = ["| " + " | ".join(_HEADERS) + " |", "|" + "|".join(["---"] * 2 + ["--:"] * 6) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in summary_rows(runs)]
    return lines


def _dialect_section(run: DialectRun) -> list[str]:
    failed = [o for o in run.outcomes if o.status == FAILED]
    out = [o for o in run.outcomes if o.status == OUT_OF_SCOPE]
    lines = [f"## {_TITLES[run.dialect]}", "", f"### Failed ({len(failed)})", ""]
    lines += [
        f"- `{o.case.id}`: {_cell(o.reason)}" + (f" (why: {_cell(FAILURE_NOTES[o.case.id])})" if o.case.id in FAILURE_NOTES else "")
        for o in failed
    ] or ["None."]
    lines += ["", f"### Out of scope ({len(out)})", ""]
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in out:
        groups[outcome.group or outcome.reason].append(outcome)
    for group, members in sorted(groups.items(), key=lambda item: (-len(item[1]), item[0])):
        if group == SERVER_REJECTS:
            lines.append(f"- {group} ({len(members)}):")
            lines += [f"  - `{o.case.id}`: {_cell(_after_colon(o.reason))}" for o in members]
        else:
            names = ", ".join(f"`{o.case.id}`" for o in members)
            defence = why(group)
            lines.append(f"- {group} ({len(members)}){f' (why: {defence})' if defence else ''}: {names}")
    if not out:
        lines.append("None.")
    return lines


def _after_colon(reason: str) -> str:
    prefix = f"{SERVER_REJECTS} "
    return reason[len(prefix) :] if reason.startswith(prefix) else reason


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
