"""How wide Graphviz draws a table's label, computed here rather than asked of Graphviz.

A large view is placed in columns by ``erd.layout``, which needs each table's size. Asking
Graphviz (a ``-Tplain`` run over every label) cost as much as drawing the picture (0.16 s for a
250-table group and its 500 neighbours), so the sizes are computed from the advance widths of
the characters as Graphviz measured them on the machine this was written on (Helvetica, which
fontconfig resolves to a sans of about Helvetica's widths), with a margin; the heights are exact
(every row of a table is one line of one size). Too wide only leaves a little more room between
two columns; a little too narrow eats into the 110 pt between them, which the lines cross
anyway. Characters outside the table (any non-ASCII) count 1.1 em, wider than most.

The advances were measured with Graphviz itself: one node per character, a run of 40 of it in
one cell, its ``-Tplain`` width divided by 40 (points, at 11 pt regular, 11 pt bold, 9 pt).
"""

from __future__ import annotations

from functools import lru_cache

from designer.erd import layout
from designer.erd.model import Table

# Advance widths in points of " " to "~" (ASCII 32 to 126), by (size, bold).
_ADVANCES_TEXT = {
    (11, False): (
        "3.77 4.53 5.28 9.03 6.78 10.52 8.27 3.03 4.53 4.53 5.28 9.03 3.77 3.77 3.77 3.77 "
        "6.78 6.78 6.78 6.78 6.78 6.78 6.78 6.78 6.78 6.78 3.77 3.77 9.03 9.03 9.03 6.02 "
        "11.28 7.53 7.53 7.53 8.27 6.78 6.02 8.27 8.27 3.03 3.03 7.53 6.02 9.78 8.27 9.03 "
        "6.78 9.03 7.53 6.78 6.78 8.27 7.53 11.28 7.53 6.78 7.53 4.53 1.90 4.53 9.03 5.28 "
        "5.28 6.78 6.78 6.02 6.78 6.78 3.77 6.78 6.78 3.03 3.03 6.02 3.03 10.52 6.78 6.78 "
        "6.78 6.78 4.53 6.02 4.53 6.78 6.78 9.03 6.78 6.78 6.02 6.78 3.77 6.78 9.03"
    ),
    (11, True): (
        "3.77 5.28 6.02 9.03 7.53 11.28 9.78 3.03 5.28 5.28 6.02 9.03 4.53 4.53 4.53 3.77 "
        "7.53 7.53 7.53 7.53 7.53 7.53 7.53 7.53 7.53 7.53 4.53 4.53 9.03 9.03 9.03 6.78 "
        "11.28 8.27 8.27 8.27 9.03 7.53 7.53 9.03 9.03 3.77 3.77 8.27 6.78 11.28 9.03 9.03 "
        "8.27 9.03 8.27 7.53 7.53 9.03 8.27 12.03 8.27 8.27 8.27 5.28 1.90 5.28 9.03 5.28 "
        "5.28 7.53 7.53 6.78 7.53 7.53 4.53 7.53 7.53 3.77 3.77 7.53 3.77 11.28 7.53 7.53 "
        "7.53 7.53 5.28 6.78 5.28 7.53 7.53 10.52 6.78 7.53 6.78 7.53 3.77 7.53 9.03"
    ),
    (9, False): (
        "3.03 3.77 4.53 7.53 6.02 8.27 6.78 2.28 3.77 3.77 4.53 7.53 3.03 3.03 3.03 3.03 6.02 "
        "6.02 6.02 6.02 6.02 6.02 6.02 6.02 6.02 6.02 3.03 3.03 7.53 7.53 7.53 4.53 9.03 6.75 "
        "6.02 6.02 6.78 6.02 5.28 6.78 6.78 3.03 3.03 6.02 5.28 7.53 6.78 6.78 5.28 6.78 6.02 "
        "6.02 5.28 6.78 6.02 9.03 6.02 5.28 6.02 3.77 1.52 3.77 7.53 4.53 4.53 5.28 6.02 5.28 "
        "6.02 5.28 3.03 6.02 6.02 2.28 2.28 5.28 2.28 9.03 6.02 5.28 6.02 6.02 3.77 4.53 3.77 "
        "6.02 5.28 7.53 5.28 5.28 4.53 6.02 3.03 6.02 7.53"
    ),
}
_ADVANCES = {
    style: dict(zip(map(chr, range(32, 127)), map(float, text.split()), strict=True))
    for style, text in _ADVANCES_TEXT.items()
}
for _advances in _ADVANCES.values():  # a backslash measured as an escape: it is a slash's width
    _advances["\\"] = _advances["/"]
WIDE = 1.1  # ems: a character outside the table (CJK is one em, symbols less)
MARGIN = 1.08  # measured widths of generated and hostile schemas are within 2% under this
CELL_PADDING, HEADER_PADDING, STUB_PADDING = 3, 5, 5  # dot.table_label, dot.stub_label
FOCUS_BORDER = 3  # dot.table_label: a focused table's border, else 1


@lru_cache(maxsize=65536)
def text_width(text: str, size: int = 11, bold: bool = False) -> float:
    """``text``'s width in points, at ``size`` (11 or 9), bold or not."""
    advances = _ADVANCES[(size, bold and size == 11)]
    wide = WIDE * size
    return sum(advances.get(char, wide) for char in text)


def _renamed(old: str | None, new: str, bold: bool) -> float:
    width = text_width(new, bold=bold)
    if old is not None and old != new:
        width += text_width(f"{old} → ")
    return width


def table_size(table: Table, *, stub: bool = False, focused: bool = False) -> tuple[float, float]:
    """(width, height) in points of ``table``'s label as ``dot.table_label`` (or
    ``dot.stub_label`` for a ``stub``) draws it."""
    if stub:
        name = _renamed(table.old_name, table.name, bold=False)
        return (name + 2 * STUB_PADDING + 2) * MARGIN, float(layout.STUB_PT)
    border = FOCUS_BORDER if focused else 1
    header = _renamed(table.old_name, table.name, bold=True) + 2 * HEADER_PADDING
    junction = 0.0
    if table.junction:
        junction = text_width("junction: " + " ↔ ".join(table.junction), size=9) + 2 * CELL_PADDING
    names = types = markers = 0.0
    for column in table.columns:
        names = max(names, _renamed(column.old_name, column.name, bold=column.pk))
        kind = column.type
        if column.old_type is not None and column.old_type != column.type:
            kind = f"{column.old_type} → {column.type}"
        types = max(types, text_width(kind))
        said = " ".join(m for m, on in (("PK", column.pk), ("FK", column.fk), ("UQ", column.unique)) if on)
        if column.nullable:
            said = f"{said} null" if said else "null"
        markers = max(markers, text_width(said, size=9) if said else text_width(" "))
    rows = names + types + markers + 6 * CELL_PADDING
    width = (max(header, junction, rows) + 2 * border) * MARGIN
    height = layout.table_height(len(table.columns), bool(table.junction)) + 2 * (border - 1)
    return width, height
