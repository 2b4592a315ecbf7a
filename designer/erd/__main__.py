"""``python -m designer.erd SOURCE -o FILE …``: ``render_erd`` without Django (``erd.cli``)."""

import sys

from designer.erd.cli import main

sys.exit(main(prog="python -m designer.erd"))
