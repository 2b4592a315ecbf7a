"""Live database-to-database diff, whole process, ours beside migra and Alembic on the same pair.

For each dialect: two scratch databases are created and loaded with the generated pair
(``bench/generate.py``: ``--tables`` tables, about ten columns each), then each tool is run as a
separate process, ``--repeat`` times in turn, and its best wall-clock time and peak memory (max
RSS) are kept:

* ours:    ``python -m migrations_engine diff URL_A URL_B --dialect D`` (prints the up SQL);
* migra:   ``migra URL_A URL_B --unsafe`` (PostgreSQL only), from ``bench/.venv-peers``, which is
           created from ``bench/requirements.txt`` on first use;
* alembic: ``bench/peers/alembic_compare.py URL_A URL_B`` (reflect B, ``compare_metadata``
           against A, SQL of the upgrade), in the main virtual environment.

The target is ours ≤ 0.5 × the fastest peer's time. ``--breakdown`` adds, for ours, the time of
each phase measured in process (interpreter start and imports, reading each database, diff,
render), to show where the time goes; ``--profile`` runs ours once more under cProfile and shows
its busiest functions. Scratch databases are always dropped at the end.

    .venv/bin/python bench/engine_diff.py [--dialect D ...] [--tables 1000] [--repeat 3]
        [--breakdown] [--profile] [--verify] [--no-peers]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.generate import generate_pair, load  # noqa: E402
from migrations_engine.scratch import scratch_database  # noqa: E402
from migrations_engine.urls import DatabaseURL  # noqa: E402

DIALECTS = ("postgresql", "mysql", "sqlite")
SERVERS = {
    "postgresql": os.environ.get("BENCH_POSTGRES_URL")
    or os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
    "mysql": os.environ.get("BENCH_MYSQL_URL")
    or os.environ.get("TEST_MYSQL_URL", "mysql://root@127.0.0.1:3306/mysql"),
}
PEERS_VENV = BENCH / ".venv-peers"
OUT = BENCH / "out"
TARGET_RATIO = 0.5
PROFILE_LINES = 15


@dataclass
class Run:
    """The best of several runs of one tool on one dialect."""

    dialect: str
    tool: str
    seconds: float
    max_rss_mb: float
    statements: int


# ---------------------------------------------------------------- the peers' environment


def peers_python() -> Path:
    return PEERS_VENV / "bin" / "python"


def ensure_peers_venv() -> Path:
    """``bench/.venv-peers`` with ``bench/requirements.txt`` installed; reinstalled when it changes."""
    requirements = BENCH / "requirements.txt"
    stamp = PEERS_VENV / ".requirements.sha"
    want = hashlib.sha256(requirements.read_bytes()).hexdigest()
    if not peers_python().exists():
        print(f"bench: creating {PEERS_VENV.relative_to(ROOT)}", file=sys.stderr)
        base = getattr(sys, "_base_executable", sys.executable)
        subprocess.run([base, "-m", "venv", str(PEERS_VENV)], check=True)
    if not stamp.exists() or stamp.read_text().strip() != want:
        print("bench: installing bench/requirements.txt into the peers' environment", file=sys.stderr)
        subprocess.run(
            [str(peers_python()), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             "-r", str(requirements)],
            check=True,
        )
        stamp.write_text(want + "\n")
    return PEERS_VENV / "bin" / "migra"


# ---------------------------------------------------------------- commands


def url_text(url: DatabaseURL) -> str:
    """The URL with its password, as the tools need it (``str(url)`` hides the password)."""
    if url.dialect == "sqlite":
        return f"sqlite:///{url.database}"
    auth = url.user or ""
    if url.password:
        auth += f":{url.password}"
    return f"{url.dialect}://{auth}{'@' if auth else ''}{url.host}:{url.port}/{url.database}"


def commands(dialect: str, a: DatabaseURL, b: DatabaseURL, migra: Path | None) -> dict[str, list[str]]:
    """Each tool's command line for the diff from A to B."""
    python = sys.executable
    found = {
        "ours": [python, "-m", "migrations_engine", "diff", url_text(a), url_text(b), "--dialect", dialect],
        "alembic": [python, str(BENCH / "peers" / "alembic_compare.py"), url_text(a), url_text(b)],
    }
    if dialect == "postgresql" and migra is not None:
        pg = [url_text(u).replace("postgresql://", "postgresql+psycopg2://", 1) for u in (a, b)]
        found["migra"] = [str(migra), *pg, "--unsafe"]
    return found


def run_once(command: list[str], output: Path) -> tuple[float, float]:
    """Run ``command`` (stdout to ``output``); return its wall-clock seconds and max RSS in MiB."""
    with output.open("wb") as out, output.with_suffix(".err").open("wb") as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, cwd=ROOT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    # migra exits 2 when it found differences.
    if process.returncode not in (0, 2):
        tail = output.with_suffix(".err").read_text(errors="replace").strip().splitlines()[-5:]
        raise RuntimeError(f"{command[0]} … exited {process.returncode}: " + " | ".join(tail))
    return seconds, usage.ru_maxrss / 1024


def count_statements(path: Path) -> int:
    return sum(1 for line in path.read_text(errors="replace").splitlines() if line.rstrip().endswith(";"))


def time_tools(dialect: str, tools: dict[str, list[str]], repeat: int) -> list[Run]:
    """Best wall clock of ``repeat`` runs per tool; the tools take turns, so drift hits all alike."""
    best: dict[str, tuple[float, float]] = {}
    OUT.mkdir(exist_ok=True)
    for _ in range(repeat):
        for tool, command in tools.items():
            seconds, rss = run_once(command, OUT / f"{dialect}-{tool}.sql")
            old = best.get(tool)
            best[tool] = (min(seconds, old[0]) if old else seconds, max(rss, old[1]) if old else rss)
    return [
        Run(dialect, tool, seconds, rss, count_statements(OUT / f"{dialect}-{tool}.sql"))
        for tool, (seconds, rss) in best.items()
    ]


# ---------------------------------------------------------------- in-process breakdown of ours


def breakdown(dialect: str, a: DatabaseURL, b: DatabaseURL) -> dict[str, float]:
    """Seconds of each phase of ours: start-up and imports (as processes), then in process."""
    phases: dict[str, float] = {}
    for label, code in (("python start", "pass"), ("imports", "import migrations_engine.cli")):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
        phases[label] = time.perf_counter() - start
    phases["imports"] -= phases["python start"]

    from migrations_engine.diff import diff
    from migrations_engine.introspect import introspect
    from migrations_engine.render import render, script_text
    from migrations_engine.sources import load_sources

    start = time.perf_counter()
    old = introspect(a)
    phases["read A"] = time.perf_counter() - start
    start = time.perf_counter()
    new = introspect(b)
    phases["read B"] = time.perf_counter() - start
    start = time.perf_counter()
    load_sources(url_text(a), url_text(b))
    phases["read A+B (threads, as the CLI)"] = time.perf_counter() - start
    start = time.perf_counter()
    operations = diff(old, new)
    phases["diff"] = time.perf_counter() - start
    start = time.perf_counter()
    script_text(render(operations, old, dialect), operations)
    phases["render"] = time.perf_counter() - start
    phases["operations"] = len(operations)
    return phases


def profile(dialect: str, a: DatabaseURL, b: DatabaseURL) -> str:
    """Ours once under cProfile (``bench/profile_ours.py``); its busiest functions as text."""
    import io
    import pstats

    target = OUT / f"{dialect}-ours.prof"
    command = [sys.executable, str(BENCH / "profile_ours.py"), url_text(a), url_text(b), dialect, str(target)]
    subprocess.run(command, cwd=ROOT, check=True)
    text = io.StringIO()
    stats = pstats.Stats(str(target), stream=text)
    stats.sort_stats("cumulative").print_stats(r"migrations_engine", PROFILE_LINES)
    stats.sort_stats("tottime").print_stats(PROFILE_LINES)
    return text.getvalue()


def verify(dialect: str, a: DatabaseURL, b: DatabaseURL) -> list[str]:
    """Run ours' up script on A, then what still differs between A and B (empty when right)."""
    from migrations_engine.compare import differences
    from migrations_engine.connection import connect
    from migrations_engine.diff import diff
    from migrations_engine.introspect import introspect
    from migrations_engine.render import render

    old, new = introspect(a), introspect(b)
    with connect(a) as database:
        for statement in render(diff(old, new), old, dialect):
            database.execute(statement.sql)
    return differences(introspect(a), new)


# ---------------------------------------------------------------- scratch pair


@contextmanager
def loaded_pair(
    dialect: str, tables: int, seed: int, folder: Path
) -> Iterator[tuple[DatabaseURL, DatabaseURL]]:
    """Two scratch databases of ``dialect`` holding the old and new schema; dropped afterwards."""
    server = SERVERS.get(dialect) or f"sqlite:///{folder / 'server.sqlite3'}"
    old, new = generate_pair(tables, seed)
    with ExitStack() as stack:
        a = stack.enter_context(scratch_database(server, prefix="me_bench"))
        b = stack.enter_context(scratch_database(server, prefix="me_bench"))
        for url, schema in ((a, old), (b, new)):
            start = time.perf_counter()
            count = load(schema, url)
            print(f"bench: {dialect}: loaded {count} statements into {url} in "
                  f"{time.perf_counter() - start:.1f} s", file=sys.stderr)
        yield a, b


# ---------------------------------------------------------------- report


def report(runs: list[Run]) -> str:
    lines = [f"{'dialect':<11} {'tool':<8} {'seconds':>8} {'max RSS MiB':>12} {'statements':>10} "
             f"{'ours/peer':>10}  target (ours <= {TARGET_RATIO} x fastest peer)"]
    for dialect in dict.fromkeys(r.dialect for r in runs):
        group = [r for r in runs if r.dialect == dialect]
        ours = next((r for r in group if r.tool == "ours"), None)
        peers = [r for r in group if r.tool != "ours"]
        fastest = min((r.seconds for r in peers), default=None)
        for run in group:
            ratio = f"{ours.seconds / run.seconds:.2f}" if ours and run.tool != "ours" else ""
            verdict = ""
            if run.tool == "ours" and fastest:
                met = run.seconds <= TARGET_RATIO * fastest
                verdict = f"{'met' if met else 'MISSED'} ({run.seconds / fastest:.2f} of fastest peer)"
            lines.append(f"{dialect:<11} {run.tool:<8} {run.seconds:>8.3f} {run.max_rss_mb:>12.1f} "
                         f"{run.statements:>10} {ratio:>10}  {verdict}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dialect", action="append", choices=DIALECTS, help="repeatable; default: all three")
    parser.add_argument("--tables", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-peers", action="store_true", help="time ours only")
    parser.add_argument("--breakdown", action="store_true", help="also time each phase of ours in process")
    parser.add_argument("--verify", action="store_true",
                        help="at the end, run ours' up script on A and check A then reads as B")
    parser.add_argument("--profile", action="store_true",
                        help="also run ours once under cProfile and show its busiest functions")
    args = parser.parse_args(argv)
    dialects = args.dialect or list(DIALECTS)
    migra = ensure_peers_venv() if "postgresql" in dialects and not args.no_peers else None
    runs: list[Run] = []
    phases: dict[str, dict[str, float]] = {}
    profiles: dict[str, str] = {}
    left: dict[str, list[str]] = {}
    folder = Path(tempfile.mkdtemp(prefix="me_bench_"))
    try:
        for dialect in dialects:
            with loaded_pair(dialect, args.tables, args.seed, folder) as (a, b):
                tools = commands(dialect, a, b, migra)
                if args.no_peers:
                    tools = {"ours": tools["ours"]}
                runs += time_tools(dialect, tools, args.repeat)
                if args.breakdown:
                    phases[dialect] = breakdown(dialect, a, b)
                if args.profile:
                    profiles[dialect] = profile(dialect, a, b)
                if args.verify:
                    left[dialect] = verify(dialect, a, b)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"\n{args.tables} tables, best of {args.repeat}, whole processes "
          f"(outputs in {OUT.relative_to(ROOT)}/)")
    print(report(runs))
    for dialect, parts in phases.items():
        print(f"\nours on {dialect}, by phase (seconds): "
              + ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in parts.items()))
    for dialect, remaining in left.items():
        if remaining:
            print(f"\nverify {dialect}: {len(remaining)} differences left after ours' script, e.g.\n  "
                  + "\n  ".join(remaining[:10]))
        else:
            print(f"\nverify {dialect}: A reads as B after ours' script")
    for dialect, text in profiles.items():
        print(f"\nours on {dialect} under cProfile:\n{text.strip()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
