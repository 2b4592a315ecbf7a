"""What the import and lint benches share: the generated schema's DDL per dialect, the command
that only parses it with sqlglot (the yardstick), and whole-process timings."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIALECTS = ("postgresql", "mysql", "sqlite")
SQLGLOT_NAMES = {"postgresql": "postgres", "mysql": "mysql", "sqlite": "sqlite"}


def create_script(schema, dialect: str) -> str:
    """``schema``'s CREATE script for ``dialect`` (the engine's own: ``generate(..., "sql")``);
    PostgreSQL's standalone sequences and domains left out elsewhere."""
    from migrations_engine.generate import generate
    from migrations_engine.schema import Schema

    if dialect != "postgresql":
        schema = Schema(tables=schema.tables, enums=schema.enums)
    return generate(schema, "sql", dialect)


def sqlglot_only(python: str, script: Path, dialect: str) -> list[str]:
    """A process that parses ``script`` with sqlglot and does nothing else."""
    code = f"import sqlglot, sys; sqlglot.parse(open(sys.argv[1], encoding='utf-8').read(), read={SQLGLOT_NAMES[dialect]!r})"
    return [python, "-c", code, str(script)]


def timed(command: list[str], ok: tuple[int, ...] = (0,)) -> float:
    """Wall-clock seconds of one run of ``command`` (it must exit with a status in ``ok``)."""
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode not in ok:
        raise SystemExit(f"{' '.join(command)} failed ({result.returncode}): {result.stderr.strip()}")
    return elapsed


def best_of_each(commands: list[list[str]], repeat: int, ok: tuple[int, ...] = (0,)) -> list[float]:
    """The best seconds of each command over ``repeat`` rounds, the commands taking turns within
    a round, so that a busy moment of a shared machine falls on all of them alike."""
    best = [float("inf")] * len(commands)
    for _ in range(repeat):
        for n, command in enumerate(commands):
            best[n] = min(best[n], timed(command, ok))
    return best
