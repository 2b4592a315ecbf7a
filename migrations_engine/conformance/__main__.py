"""``python -m migrations_engine.conformance FOLDER``: run sqldef's cases and report.

Exit status: 0 when the run completed (whatever the pass rate), 1 when ``--min-pass-rate`` is not
met or a server cannot be used, 2 for bad arguments. Errors are one line, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
import threading
from concurrent.futures import ThreadPoolExecutor, wait
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from ..errors import EngineError
from .cases import TOOLS, Case, CaseFileError, check_folder, load_cases
from .report import format_rate, markdown, summary_text
from .runner import FAILED, PASSED, DialectRun, Outcome, run_dialect, server_url

PROG = "python -m migrations_engine.conformance"
_ALIASES = {"postgres": "postgresql", "pg": "postgresql", "mariadb": "mysql", "sqlite3": "sqlite"}


class UsageError(Exception):
    """A bad argument: exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Run sqldef's test cases against the engine on real servers.")
    parser.add_argument("folder", type=Path, help="sqldef's checkout (holding cmd/<tool>/tests*.yml)")
    parser.add_argument(
        "--dialect",
        action="append",
        nargs="+",
        metavar="NAME",
        help="postgresql, mysql or sqlite (repeatable; default: all three)",
    )
    parser.add_argument("--report", type=Path, metavar="PATH", help="write the markdown report here")
    parser.add_argument("--case", metavar="TEXT", help="only cases whose file/name contains TEXT")
    parser.add_argument(
        "--min-pass-rate",
        type=float,
        metavar="PERCENT",
        help="exit 1 when a dialect passes fewer than PERCENT of its in-scope cases",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="one line per case on stderr")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        dialects = _dialects(args.dialect)
        check_folder(args.folder)
        _check_report_path(args.report)
        if args.min_pass_rate is not None and not 0 <= args.min_pass_rate <= 100:
            raise UsageError("--min-pass-rate takes a percentage between 0 and 100")
        cases = {d: _select(load_cases(args.folder, d), args.case) for d in dialects}
        if args.case and not any(cases.values()):
            raise UsageError(f"no case matches --case {args.case!r}")
    except (UsageError, CaseFileError) as exc:
        _say(f"{PROG}: error: {exc}")
        return 2

    stop = threading.Event()
    try:
        runs, errors = _run_all(dialects, cases, args.verbose, stop)
    except KeyboardInterrupt:
        _say(f"{PROG}: interrupted")
        return 130

    if runs:
        sys.stdout.write(summary_text(runs))
    for error in errors:
        _say(f"{PROG}: error: {error}")
    if errors:
        return 1
    if args.report:
        args.report.write_text(markdown(runs), encoding="utf-8")
        _say(f"report written to {args.report}")
    return _verdict(runs, args.min_pass_rate)


def _run_all(
    dialects: list[str], cases: dict[str, list[Case]], verbose: bool, stop: threading.Event
) -> tuple[list[DialectRun], list[str]]:
    """Run the dialects side by side (each on its own server); their runs in order, and errors.

    On Ctrl-C every dialect stops after its current case and drops its scratch databases.
    """
    with ThreadPoolExecutor(max_workers=len(dialects)) as pool:
        futures = [pool.submit(_run, d, cases[d], verbose, stop) for d in dialects]
        try:
            wait(futures)
        except KeyboardInterrupt:
            stop.set()
            wait(futures)
            raise
    runs: list[DialectRun] = []
    errors: list[str] = []
    for future in futures:
        try:
            runs.append(future.result())
        except EngineError as exc:
            errors.append(str(exc))
        except Exception as exc:  # a bug of the runner: still one line, never a traceback
            errors.append(f"internal error: {type(exc).__name__}: {' '.join(str(exc).split())}")
    return runs, errors


def _dialects(requested: list[list[str]] | None) -> list[str]:
    if not requested:
        return list(TOOLS)
    names: list[str] = []
    for name in (n.lower() for group in requested for n in group):
        name = _ALIASES.get(name, name)
        if name not in TOOLS:
            raise UsageError(f"unknown dialect {name!r} (use postgresql, mysql or sqlite)")
        if name not in names:
            names.append(name)
    return names


def _check_report_path(report: Path | None) -> None:
    if report is None:
        return
    if report.is_dir():
        raise UsageError(f"--report {report} is a folder; give a file name")
    if not report.parent.is_dir():
        raise UsageError(f"--report: folder {report.parent} does not exist")


def _select(cases: list[Case], text: str | None) -> list[Case]:
    if not text:
        return cases
    needle = text.lower()
    return [case for case in cases if needle in case.id.lower()]


def _run(dialect: str, cases: list[Case], verbose: bool, stop: threading.Event) -> DialectRun:
    if not cases:
        return DialectRun(dialect, "not run")
    _say(f"{dialect}: {len(cases)} cases")
    run = run_dialect(
        dialect,
        cases,
        server_url(dialect),
        progress=_say,
        verbose=_show if verbose else None,
        stop=stop.is_set,
    )
    _say(f"{dialect}: done in {run.seconds:.0f} s")
    return run


def _show(outcome: Outcome) -> None:
    line = f"  {outcome.case.tool} {outcome.status:<12} {outcome.case.id}"
    if outcome.reason:
        line += f": {outcome.reason}"
    elif outcome.status == PASSED:
        line += f" ({outcome.operations} operations)"
    if outcome.status == FAILED and outcome.detail:
        line += "\n    " + outcome.detail.replace("\n", "\n    ")
    _say(line)


def _verdict(runs: list[DialectRun], min_rate: float | None) -> int:
    if min_rate is None:
        return 0
    below = [run for run in runs if run.pass_rate is not None and run.pass_rate < min_rate]
    if not below:
        return 0
    rates = ", ".join(f"{run.dialect} {format_rate(run.pass_rate)}" for run in below)
    _say(f"{PROG}: pass rate below {min_rate:g}%: {rates}")
    return 1


_OUTPUT = threading.Lock()


def _say(message: str) -> None:
    """A message on stderr; dialects run in threads, so each message is written whole."""
    with _OUTPUT:
        print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
