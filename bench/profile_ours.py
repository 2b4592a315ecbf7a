"""Ours' diff of two databases under cProfile, every phase in the main thread (the CLI reads the
two databases in threads, which cProfile does not follow), imports included.

    python bench/profile_ours.py URL_A URL_B DIALECT OUT.prof
"""

from __future__ import annotations

import cProfile
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def diff_databases(url_a: str, url_b: str, dialect: str) -> str:
    """What ``python -m migrations_engine diff URL_A URL_B --dialect D`` does, one phase at a time."""
    import migrations_engine.cli  # noqa: F401  (the CLI's imports)
    from migrations_engine.diff import diff
    from migrations_engine.render import render, script_text
    from migrations_engine.sources import load_source

    old, new = load_source(url_a), load_source(url_b)
    operations = diff(old, new)
    return script_text(render(operations, old, dialect), operations)


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    url_a, url_b, dialect, out = sys.argv[1:]
    cProfile.runctx("diff_databases(url_a, url_b, dialect)", globals(), locals(), out)
