"""Running Graphviz's ``dot`` on a DOT source, and tidying its SVG for the page.

``dot`` runs as a subprocess with a timeout: the ``graphviz`` package's ``pipe`` has none, and a
diagram must never hold a web worker for ever. ``tidy_svg`` makes one SVG for the page and the
download: each table's name as its ``<title>`` and in a ``data-table`` attribute, HTML-escaped.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
from collections.abc import Mapping

from designer.erd.model import visible

TYPE_CHECKING = False  # as in erd.model: typing not imported
if TYPE_CHECKING:
    from typing import BinaryIO

FORMATS = {
    "svg": "image/svg+xml",
    "png": "image/png",
    "pdf": "application/pdf",
    "dot": "text/vnd.graphviz; charset=utf-8",
}
TIMEOUT = 120.0  # seconds
ARIA_LABEL = "Entity-relationship diagram"

# The title of a node (``erd_t3``: table, ``erd_g0``: group, ``erd_c0``: cluster) or an edge.
_TITLES = re.compile(rb'<g id="(erd_([tgc])(\d+)|edge\d+)" class="([^"]*)">\n<title>[^<]*</title>')


class RenderError(Exception):
    """``dot`` is missing, failed or took too long; the message says which."""


def dot_command() -> str:
    """``dot``, found on ``PATH`` when it runs (tests point it elsewhere)."""
    return "dot"


def run_dot(source: str, fmt: str, timeout: float = TIMEOUT) -> bytes:
    """``dot -T<fmt>`` on ``source``: the output bytes.

    ``dot`` reads and writes in-memory files, not pipes: through pipes Python polls and copies
    the megabytes of a large diagram 4 KB in and 32 KB out at a time, which cost a tenth of
    ``render_erd``'s own work (bench/erd_cli.py).
    """
    with _scratch() as given, _scratch() as output, _scratch() as errors:
        given.write(source.encode("utf-8"))
        given.seek(0)
        try:
            done = subprocess.run(
                [dot_command(), f"-T{fmt}"],
                stdin=given,
                stdout=output,
                stderr=errors,
                timeout=timeout,
                check=False,
            )
        except FileNotFoundError:
            raise RenderError(
                "Graphviz's dot is not installed (apt-get install graphviz)"
            ) from None
        except subprocess.TimeoutExpired:
            raise RenderError(f"dot took longer than {timeout:g} s") from None
        if done.returncode != 0:
            errors.seek(0)
            message = errors.read().decode("utf-8", "replace").strip().splitlines()
            raise RenderError(f"dot failed: {message[-1] if message else done.returncode}")
        output.seek(0)
        return output.read()


def _scratch() -> BinaryIO:
    """An anonymous file in memory (Linux), else a temporary file: gone once closed."""
    try:
        return open(os.memfd_create("erd"), "w+b")
    except (AttributeError, OSError):
        import tempfile

        return tempfile.TemporaryFile()


def tidy_svg(svg: bytes, nodes: Mapping[str, tuple[str, str]]) -> bytes:
    """``dot``'s SVG made fit for a page and for a download alike.

    The XML prolog and doctype go (optional in an SVG file, out of place inline); the ``<svg>``
    gets a class and an ARIA role; each node of ``nodes`` (node name → (table name, title),
    e.g. ``{"t3": ("customer", "customer — people who buy")}``) gets a ``data-table`` attribute
    and its ``<title>`` (what a browser shows on hover; ``dot`` writes the node's name, ``t3``);
    the edges' titles (pairs of node names) go. Worked on as bytes: the SVG of a large schema
    is megabytes.
    """

    def escaped(value: str) -> bytes:
        return html.escape(visible(value), quote=True).encode("utf-8")

    def node(match: re.Match[bytes]) -> bytes:
        ident, kind, number, classes = match[1], match[2], match[3], match[4]
        if kind is None:  # an edge: its title names two nodes, t0 and t1
            return b'<g id="%s" class="%s">' % (ident, classes)
        name, title = nodes.get(f"{kind.decode()}{number.decode()}", ("", ""))
        data = b' data-table="' + escaped(name) + b'"' if kind == b"t" else b""
        return b'<g id="%s" class="%s"%s>\n<title>%s</title>' % (
            ident,
            classes,
            data,
            escaped(title),
        )

    start = svg.find(b"<svg ")
    if start > 0:
        svg = svg[start:]
    svg = svg.replace(
        b"<svg ", b'<svg class="erd-svg" role="img" aria-label="%s" ' % ARIA_LABEL.encode(), 1
    )
    return _TITLES.sub(node, svg)
