"""``python -m designer.erd SOURCE -o FILE …``: ``render_erd`` without Django (``erd.cli``)."""

import gc
import sys

gc.disable()  # a short run that leaves no cycles: collections would be wasted time
from designer.erd.cli import run  # noqa: E402

run(sys.argv[1:], prog="python -m designer.erd")
