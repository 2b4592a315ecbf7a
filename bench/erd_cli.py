"""``render_erd`` as a whole process beside ``dot -Tsvg`` alone on the same DOT (issue 14).

For each size (default 100 and 1,000 tables of ``generate_pair``'s old schema) the snapshot is
written to a file and ``render_erd`` writes the DOT once; then, ``--repeat`` rounds in turn, each
of these runs as a fresh process with no environment but ``PATH`` and ``HOME`` (no
``SECRET_KEY``, no ``DEBUG``, no ``DATABASE_URL``), and the median wall-clock time of each is kept:

* ``dot -Tsvg erd.dot -o dot.svg``;
* ``python -m designer.erd snapshot.json -o ours.svg``;
* ``python manage.py render_erd snapshot.json -o ours.svg`` (the same command);
* "python floor": a Python process importing what any such command needs (argparse, json, re,
  html, subprocess) and running ``dot`` on the DOT file: the least a Python command can add.

The ratio is ours' median over dot's; the target is at most 1.3. The CPU time of each (user and
system, ``dot`` included in ours) is printed beside: on a machine shared with other work the
wall-clock times vary by tens of percent from run to run, the CPU times far less.
``--breakdown`` adds, for the largest size, where ours' time goes beside ``dot``: start-up and
imports (``-X importtime``, the slowest modules), then the snapshot's reading, the DOT source,
``dot`` and tidying the SVG, timed in one process.

    .venv/bin/python bench/erd_cli.py [--tables 100 1000] [--repeat 5] [--breakdown]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PYTHON = sys.executable
FLOOR = (
    "import argparse, html, json, re, subprocess, sys; "
    "subprocess.run(['dot', '-Tsvg', sys.argv[1], '-o', sys.argv[2]], check=True)"
)
#: What a CI job's shell may have; nothing of the app's settings.
BARE_ENV = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/")}


def wall(command: list[str]) -> float:
    return timed(command)[0]


def timed(command: list[str]) -> tuple[float, float]:
    """(wall-clock, CPU) seconds of ``command`` as a process; CPU counts its children (``dot``)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=BARE_ENV, check=True, stdout=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return elapsed, cpu


def measure(snapshot: Path, scratch: Path, repeat: int) -> dict[str, tuple[float, float]]:
    """Median whole-process (wall, CPU) seconds of dot alone, ``python -m designer.erd`` and
    ``manage.py render_erd``."""
    dot_file = scratch / "erd.dot"
    subprocess.run(
        [PYTHON, "-m", "designer.erd", str(snapshot), "-o", str(dot_file)],
        cwd=ROOT,
        env=BARE_ENV,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    commands = {
        "dot": [
            shutil.which("dot") or "dot", "-Tsvg", str(dot_file), "-o", str(scratch / "dot.svg"),
        ],
        "python -m designer.erd": [
            PYTHON, "-m", "designer.erd", str(snapshot), "-o", str(scratch / "ours.svg"),
        ],
        "manage.py render_erd": [
            PYTHON, "manage.py", "render_erd", str(snapshot), "-o", str(scratch / "ours.svg"),
        ],
        # The least any Python command running dot costs: start-up, the standard modules such a
        # command needs, dot on the DOT file; nothing read, built or tidied.
        "python floor": [PYTHON, "-c", FLOOR, str(dot_file), str(scratch / "floor.svg")],
    }
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, command in commands.items():
            times[name].append(timed(command))
    return {
        name: (statistics.median(w for w, _ in values), statistics.median(c for _, c in values))
        for name, values in times.items()
    }


def imports(snapshot: Path, scratch: Path) -> tuple[float, float, list[tuple[float, str]]]:
    """(interpreter alone, whole import time, the slowest top-level imports) in seconds."""
    bare = min(wall([PYTHON, "-c", "pass"]) for _ in range(3))
    done = subprocess.run(
        [PYTHON, "-X", "importtime", "-m", "designer.erd", str(snapshot), "-o",
         str(scratch / "x.dot")],
        cwd=ROOT, env=BARE_ENV, check=True, capture_output=True, text=True,
    )
    top: list[tuple[float, str]] = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = line.split("|")
        if cumulative.strip().isdigit() and not name.startswith("  "):  # top level
            top.append((int(cumulative) / 1e6, name.strip()))
    return bare, sum(t for t, _ in top), sorted(top, reverse=True)[:6]


def phases(snapshot: Path) -> dict[str, float]:
    """Ours' work after the imports, timed in this process (best of 3)."""
    from designer.erd import Options, gc_paused, render
    from designer.erd.dot import to_dot
    from designer.erd.model import from_snapshot
    from designer.erd.render import run_dot, tidy_svg

    best: dict[str, float] = {}
    for _ in range(3):
        marks = [time.perf_counter()]
        with gc_paused():
            diagram = from_snapshot(json.loads(snapshot.read_bytes()))
            marks.append(time.perf_counter())
            source = to_dot(diagram, Options(view="all"))
            marks.append(time.perf_counter())
            svg = run_dot(source, "svg")
            marks.append(time.perf_counter())
            tidy_svg(svg, {f"t{n}": (t.name, t.name) for n, t in enumerate(diagram.tables)})
            marks.append(time.perf_counter())
        names = ("reading the snapshot", "the DOT source", "dot (run_dot)", "tidying the SVG")
        for k, name in enumerate(names):
            best[name] = min(best.get(name, float("inf")), marks[k + 1] - marks[k])
    del render
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tables", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--breakdown", action="store_true")
    args = parser.parse_args(argv)

    from bench.generate import generate_pair
    from migrations_engine.snapshot import dump

    load = os.getloadavg()[0]
    print(f"render_erd to SVG beside dot -Tsvg alone, median of {args.repeat} (load {load:.1f})")
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        snapshot = scratch / "snapshot.json"
        for count in args.tables:
            schema, _ = generate_pair(count)
            dump(schema, snapshot)
            keys = sum(len(t.foreign_keys) for t in schema.tables)
            times = measure(snapshot, scratch, args.repeat)
            dot, dot_cpu = times.pop("dot")
            print(
                f"  {count:,} tables ({keys:,} foreign keys): dot -Tsvg alone {dot:.3f} s"
                f" (CPU {dot_cpu:.3f} s)"
            )
            for name, (seconds, cpu) in times.items():
                target = " (target <= 1.3x)" if name != "python floor" else ""
                print(
                    f"    {name:<24} {seconds:.3f} s  {seconds / dot:.2f}x{target};"
                    f"  CPU {cpu:.3f} s  {cpu / dot_cpu:.2f}x"
                )
        if args.breakdown:
            bare, total, top = imports(snapshot, scratch)
            print(f"  where ours' time goes, {args.tables[-1]:,} tables:")
            print(f"    interpreter start-up alone   {bare * 1000:7.1f} ms")
            print(f"    imports (-X importtime)      {total * 1000:7.1f} ms, the slowest:")
            for seconds, name in top:
                print(f"      {name:<26} {seconds * 1000:7.1f} ms")
            for name, seconds in phases(snapshot).items():
                print(f"    {name:<28} {seconds * 1000:7.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
