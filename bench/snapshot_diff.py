"""Snapshot-to-snapshot diff plus SQL, for each dialect, on the generated pair.

In process, best of ``--repeat``: reading both JSON snapshots, ``diff(old, new)``, rendering the
up and the down SQL (``render``, ``render_down``, ``script_text``) for PostgreSQL, MySQL and
SQLite. Then, as whole processes, ``python -m migrations_engine diff OLD.json NEW.json --dialect D``
(start-up, imports and snapshot reading included).

    .venv/bin/python bench/snapshot_diff.py [--tables 1000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.generate import generate_pair  # noqa: E402
from migrations_engine import snapshot  # noqa: E402
from migrations_engine.diff import diff  # noqa: E402
from migrations_engine.render import render, render_down, script_text  # noqa: E402

DIALECTS = ("postgresql", "mysql", "sqlite")


def best(repeat: int, work: Callable[[], Any]) -> tuple[float, Any]:
    """The best wall-clock seconds of ``repeat`` calls of ``work``, and its last result."""
    fastest, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = work()
        fastest = min(fastest, time.perf_counter() - start)
    return fastest, result


def whole_process(old_path: Path, new_path: Path, dialect: str, repeat: int) -> float:
    command = [sys.executable, "-m", "migrations_engine", "diff", str(old_path), str(new_path),
               "--dialect", dialect]

    def run() -> None:
        subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)

    return best(repeat, run)[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tables", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dialect", action="append", choices=DIALECTS, help="repeatable; default: all three")
    args = parser.parse_args(argv)
    dialects = args.dialect or list(DIALECTS)

    old, new = generate_pair(args.tables, args.seed)
    with tempfile.TemporaryDirectory(prefix="me_bench_") as folder:
        old_path, new_path = Path(folder) / "old.json", Path(folder) / "new.json"
        snapshot.dump(old, old_path)
        snapshot.dump(new, new_path)
        read, _ = best(args.repeat, lambda: (snapshot.load(old_path), snapshot.load(new_path)))
        seconds, operations = best(args.repeat, lambda: diff(old, new))
        columns = sum(len(t.columns) for t in old.tables)
        print(f"{args.tables} tables ({columns} columns), best of {args.repeat}: "
              f"read both snapshots {read:.3f} s, diff {seconds:.3f} s, {len(operations)} operations")
        print(f"{'dialect':<11} {'up SQL':>8} {'down SQL':>9} {'diff+up+down':>13} "
              f"{'statements':>11} {'CLI process':>12}")
        for dialect in dialects:
            up, statements = best(args.repeat, lambda: render(operations, old, dialect))
            up_text, _ = best(args.repeat, lambda: script_text(statements, operations))
            down, _ = best(args.repeat, lambda: script_text(render_down(operations, new, dialect)))
            process = whole_process(old_path, new_path, dialect, args.repeat)
            print(f"{dialect:<11} {up + up_text:>8.3f} {down:>9.3f} {seconds + up + up_text + down:>13.3f} "
                  f"{len(statements):>11} {process:>12.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
