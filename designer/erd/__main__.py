"""``python -m designer.erd SOURCE -o FILE …``: ``render_erd`` without Django (``erd.cli``)."""

import sys

from designer.erd.cli import run

run(sys.argv[1:], prog="python -m designer.erd")
