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
import threading
from collections.abc import Mapping, Sequence
from contextlib import ExitStack

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


# A PNG's limits: dot's cairo clamps a side at 32,767 px by shrinking the whole drawing (the
# text of a large diagram came out 2 px high); beyond these, text could only be kept legible
# in a picture too large to open, so the PNG is refused (SVG and PDF have no such limit).
PNG_DPI = 96  # dot's own: 11-point text is 14.7 px high at scale 1
MAX_SCALE = 4
PAD_IN = 0.2  # erd.dot.GRAPH_ATTRS' pad, which the PNG has and dot's plain size not
MAX_PNG_SIDE = 16_384  # px
MAX_PNG_PIXELS = 50_000_000


class RenderError(Exception):
    """``dot`` is missing, failed or took too long; the message says which."""


class ExportTooLarge(RenderError):
    """A PNG too large to keep its text legible: the message offers SVG and PDF."""

    def __init__(self, width: int, height: int, scale: int) -> None:
        self.width, self.height, self.scale = width, height, scale
        super().__init__(
            f"the PNG would be {width:,} × {height:,} px at scale {scale} (at most "
            f"{MAX_PNG_SIDE:,} px a side and {MAX_PNG_PIXELS // 1_000_000} million pixels "
            "keep its text legible): download the SVG or PDF instead, or a smaller view"
        )


def dot_command() -> str:
    """``dot``, found on ``PATH`` when it runs (tests point it elsewhere)."""
    return "dot"


def png_size(source: str, scale: int = 1, timeout: float = TIMEOUT) -> tuple[int, int]:
    """(width, height) in pixels of ``source``'s PNG at ``scale`` (its layout, in ``plain``)."""
    first = run_dot(source, "plain", timeout).split(b"\n", 1)[0].split()
    # graph <scale> <width in inches> <height in inches>, without the pad on each side
    width, height = float(first[2]) + 2 * PAD_IN, float(first[3]) + 2 * PAD_IN
    return round(width * PNG_DPI * scale), round(height * PNG_DPI * scale)


def run_png(source: str, scale: int = 1, timeout: float = TIMEOUT) -> bytes:
    """``source`` as a PNG at ``scale`` × dot's 96 dpi, never shrunk: ``ExportTooLarge`` when
    that is above ``MAX_PNG_SIDE`` or ``MAX_PNG_PIXELS``. Laid out twice (the size, then the
    picture): a picture within the limits is small, so its layout is quick."""
    scale = max(1, min(int(scale), MAX_SCALE))
    width, height = png_size(source, scale, timeout)
    if max(width, height) > MAX_PNG_SIDE or width * height > MAX_PNG_PIXELS:
        raise ExportTooLarge(width, height, scale)
    head, brace, body = source.partition("{\n")
    return run_dot(f"{head}{brace}\tgraph [dpi={PNG_DPI * scale}]\n{body}", "png", timeout)


def run_dot(source: str, fmt: str, timeout: float = TIMEOUT) -> bytes:
    """``dot -T<fmt>`` on ``source``: the output bytes.

    ``dot`` reads and writes in-memory files, not pipes: through pipes Python polls and copies
    the megabytes of a large diagram 4 KB in and 32 KB out at a time, which cost a tenth of
    ``render_erd``'s own work (bench/erd_cli.py).
    """
    return run_dots([source], fmt, timeout)[0]


def run_dots(sources: Sequence[str], fmt: str, timeout: float = TIMEOUT) -> list[bytes]:
    """``run_dot`` on each of ``sources`` at once, one ``dot`` each: their outputs in order.
    ``timeout`` is for them all; the first failure is raised once all have ended."""
    with ExitStack() as files:
        runs = []
        for source in sources:
            given, output, errors = (files.enter_context(_scratch()) for _ in range(3))
            given.write(source.encode("utf-8"))
            given.seek(0)
            process = _started(fmt, given, output, errors)
            files.callback(_reaped, process)  # whatever happens next, no dot is left running
            runs.append((process, output, errors))
        if _waited_out([process for process, _, _ in runs], timeout):
            raise RenderError(f"dot took longer than {timeout:g} s")
        for process, _, errors in runs:
            if process.returncode != 0:
                errors.seek(0)
                message = errors.read().decode("utf-8", "replace").strip().splitlines()
                raise RenderError(
                    f"dot failed: {message[-1] if message else process.returncode}"
                )
        out = []
        for _, output, _ in runs:
            output.seek(0)
            out.append(output.read())
        return out


def _reaped(process: subprocess.Popen[bytes]) -> None:
    if process.returncode is None:
        process.kill()
        process.wait()


def _started(fmt: str, given: BinaryIO, output: BinaryIO, errors: BinaryIO) -> subprocess.Popen[bytes]:
    try:
        return subprocess.Popen([dot_command(), f"-T{fmt}"], stdin=given, stdout=output, stderr=errors)
    except FileNotFoundError:
        raise RenderError("Graphviz's dot is not installed (apt-get install graphviz)") from None


def _waited_out(processes: Sequence[subprocess.Popen[bytes]], timeout: float) -> bool:
    """Wait for ``processes``; kill them after ``timeout`` seconds: True if it had to be.

    A timer kills it rather than ``wait(timeout)``, which polls, sleeping up to 50 ms between
    looks: tens of milliseconds lost on every drawing that ``dot`` finishes in a fraction of a
    second (the wait without a timeout blocks until the process ends)."""
    killed = threading.Event()

    def kill() -> None:
        killed.set()
        for process in processes:
            process.kill()

    timer = threading.Timer(timeout, kill)
    timer.start()
    try:
        for process in processes:
            process.wait()
    finally:
        timer.cancel()
    return killed.is_set()


def _scratch() -> BinaryIO:
    """An anonymous file in memory (Linux), else a temporary file: gone once closed."""
    try:
        return open(os.memfd_create("erd"), "w+b")
    except (AttributeError, OSError):
        import tempfile

        return tempfile.TemporaryFile()


# What tidy_svg takes out of dot's SVG, which repeats it on every text (a 250-table group's
# SVG was 1.9 MB, 1.2 MB without): its comments (node names, ``<!-- t3 -->``), the blank cells
# (a text of one space), the table font said once on the root (inherited) rather than on every
# text, and attributes that say the default (text-anchor start, no stroke).
# What an invisible node leaves (the anchor and the copies of erd.dot.Drawing's parts), where
# a dot writes anything for it: its group with only its title.
_INVISIBLE = re.compile(rb'<g id="erd_(?:copy\d+|anchor)" class="node">\n<title>[^<]*</title>\n</g>\n')
# Searched for from their first characters (a pattern that starts with ``^`` is tried at every
# line of the megabytes): a comment from its newline, a blank text from its end, ``> </text>``.
_COMMENTS = re.compile(rb"\n<!-- [^\n]* -->(?=\n)")
_BLANK_TEXT = b"> </text>\n"
_SAID_ON_ROOT = (b' font-family="Helvetica,sans-Serif"', b' font-size="11.00"')
_DEFAULTS = (b' text-anchor="start"', b' stroke="transparent"')


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
    svg = _INVISIBLE.sub(b"", svg)
    svg = _TITLES.sub(node, svg)
    svg = _COMMENTS.sub(b"", _without_blank_texts(svg))
    for said in (*_SAID_ON_ROOT, *_DEFAULTS):
        svg = svg.replace(said, b"")
    root = b'<svg class="erd-svg" role="img" aria-label="%s"%s ' % (
        ARIA_LABEL.encode(),
        b"".join(_SAID_ON_ROOT).replace(b'"11.00"', b'"11"'),
    )
    return svg.replace(b"<svg ", root, 1)


def _without_blank_texts(svg: bytes) -> bytes:
    """``svg`` without its lines ``<text …> </text>`` (a cell of one space)."""
    pieces = svg.split(_BLANK_TEXT)
    kept = []
    for piece in pieces[:-1]:
        line = piece.rfind(b"\n") + 1
        if piece.startswith(b"<text ", line):
            kept.append(piece[:line])
        else:  # a blank at the end of a longer line: not one of dot's blank cells
            kept.append(piece + _BLANK_TEXT)
    kept.append(pieces[-1])
    return b"".join(kept)


# dot's SVG: its size and where it puts the drawing's origin, then the background (merge_svgs).
_SIZE = re.compile(
    rb'<svg width="[\d.]+pt" height="[\d.]+pt"\n viewBox="0.00 0.00 ([\d.]+) ([\d.]+)"([^>]*)>'
)
_GRAPH = re.compile(
    rb'<g id="graph0" class="graph" transform="scale\(1 1\) rotate\(0\) '
    rb'translate\(([-\d.]+) ([-\d.]+)\)">\n<title>([^<]*)</title>\n<polygon fill="([^"]*)" '
    rb'stroke="transparent" points="[^"]*"/>\n'
)
_EDGE_IDS = re.compile(rb'id="(a_)?edge(\d+)"')


def merge_svgs(parts: Sequence[bytes]) -> bytes:
    """The SVGs of a view drawn in parts (``erd.dot.Drawing.sources``) as one: the drawing
    the whole source gives, but for the order of its lines (each part's boxes, then their
    lines, then their tables, as ``outputorder=edgesfirst`` has them). Each part counts its
    coordinates from the same anchor, so their drawings are joined as they are; the picture's
    size is what covers them all. The edges' ids are numbered on across the parts."""
    if len(parts) == 1:
        return parts[0]
    sections: list[list[bytes]] = [[], [], []]  # boxes, lines, tables
    low_x = low_y = high_x = high_y = 0.0
    edges_before = 0
    head = graph = None
    for number, part in enumerate(parts):
        size, frame = _SIZE.search(part), _GRAPH.search(part)
        if size is None or frame is None:
            raise RenderError("dot's SVG is not in the form expected: cannot join its parts")
        width, height = float(size[1]), float(size[2])
        dx, dy = float(frame[1]), float(frame[2])
        if number == 0:
            head, graph = size, frame
            low_x, low_y, high_x, high_y = -dx, -dy, width - dx, height - dy
        else:
            low_x, low_y = min(low_x, -dx), min(low_y, -dy)
            high_x, high_y = max(high_x, width - dx), max(high_y, height - dy)
        body = part[frame.end() : part.rindex(b"</g>\n</svg>")]  # comments: tidy_svg's
        if edges_before:
            body = _EDGE_IDS.sub(
                lambda m: b'id="%sedge%d"' % (m[1] or b"", int(m[2]) + edges_before), body
            )
        edges_before = max((int(m[2]) for m in _EDGE_IDS.finditer(body)), default=edges_before)
        first_edge, first_node = _first(body, b"edge"), _first(body, b"node")
        sections[0].append(body[: min(first_edge, first_node)])
        sections[1].append(body[first_edge:first_node])
        sections[2].append(body[first_node:])
    assert head is not None and graph is not None
    width, height = high_x - low_x, high_y - low_y
    corners = [(low_x, high_y), (low_x, low_y), (high_x, low_y), (high_x, high_y), (low_x, high_y)]
    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in corners).replace(".0,", ",").replace(".0 ", " ")
    return b"".join(
        [
            b'<svg width="%dpt" height="%dpt"\n viewBox="0.00 0.00 %.2f %.2f"%s>\n'
            % (round(width), round(height), width, height, head[3]),
            b'<g id="graph0" class="graph" transform="scale(1 1) rotate(0) translate(%s %s)">\n'
            % (_number(-low_x), _number(-low_y)),
            b"<title>%s</title>\n" % graph[3],
            b'<polygon fill="%s" stroke="transparent" points="%s"/>\n' % (graph[4], points.encode()),
            *sections[0],
            *sections[1],
            *sections[2],
            b"</g>\n</svg>\n",
        ]
    )


def _first(body: bytes, kind: bytes) -> int:
    """Where the first ``<g>`` of ``kind`` (edge, node) starts in ``body``; its end if none."""
    found = body.find(b'" class="%s">' % kind)
    return len(body) if found < 0 else body.rindex(b"<g id=", 0, found)


def _number(value: float) -> bytes:
    return f"{value:.2f}".rstrip("0").rstrip(".").encode()
