"""A DOT digraph written as text: the statements ``erd.dot`` uses, quoted as Graphviz reads them.

This was the ``graphviz`` package's ``Digraph``; importing that package costs more than a
small diagram's whole drawing (``render_erd`` as a process: docs/erd.md), and the diagrams use
four of its statements. The output is the package's, byte for byte (same line layout, attributes
sorted by name with ``label`` first, same quoting), which ``tests/designer/test_erd_digraph.py``
checks against the package while it is installed.

Quoting (``quote``): an HTML-like label (``<…>``) is written as it is, unless it is a
``NoHtml`` string; a DOT identifier or number that is not a keyword is written bare; anything
else goes in double quotes with each unescaped ``"`` escaped. Backslashes are left alone:
``erd.dot.plain`` doubles them for strings meant literally.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

_HTML = re.compile(r"<.*>$", re.DOTALL)
_ID = re.compile(r"([a-zA-Z_][a-zA-Z0-9_]*|-?(\.[0-9]+|[0-9]+(\.[0-9]*)?))$")
_KEYWORDS = {"node", "edge", "graph", "digraph", "subgraph", "strict"}
# An optional backslash before a quote counts as escaping it; doubled backslashes before it stay.
_QUOTE = re.compile(r'(?P<backslashes>(?:\\{2})*)\\?(?P<quote>")')


class NoHtml(str):
    """A string Graphviz must read as text even when it looks like ``<…>``."""

    __slots__ = ()


def quote(value: str) -> str:
    """``value`` as a DOT identifier: bare, an HTML-like label, or a quoted string."""
    if _HTML.match(value) and not isinstance(value, NoHtml):
        return value
    if not _ID.match(value) or value.lower() in _KEYWORDS:
        return '"' + _QUOTE.sub(r'\g<backslashes>\\\g<quote>', value) + '"'
    return value


def quote_edge(end: str) -> str:
    """An edge end, ``node``, ``node:port`` or ``node:port:compass``, each part quoted."""
    node, _, rest = end.partition(":")
    parts = [quote(node)]
    if rest:
        port, _, compass = rest.partition(":")
        parts.append(quote(port))
        if compass:
            parts.append(compass)
    return ":".join(parts)


def a_list(attrs: Mapping[str, str | None], label: str | None = None) -> str:
    """``label=… key=value …``: ``label`` first, then the others sorted by name; None skipped."""
    items = [f"label={quote(label)}"] if label is not None else []
    items += [f"{quote(k)}={quote(v)}" for k, v in sorted(attrs.items()) if v is not None]
    return " ".join(items)


def attr_list(attrs: Mapping[str, str | None], label: str | None = None) -> str:
    content = a_list(attrs, label)
    return f" [{content}]" if content else ""


class Digraph:
    """A directed graph (or a subgraph of one) as DOT lines; ``source`` is the text."""

    def __init__(
        self,
        name: str,
        graph_attr: Mapping[str, str] | None = None,
        node_attr: Mapping[str, str] | None = None,
        edge_attr: Mapping[str, str] | None = None,
    ) -> None:
        self.name = name
        self.defaults = {"graph": graph_attr, "node": node_attr, "edge": edge_attr}
        self.body: list[str] = []

    def node(self, name: str, label: str | None = None, **attrs: str) -> None:
        self.body.append(f"\t{quote(name)}{attr_list(attrs, label)}\n")

    def edge(self, tail: str, head: str, label: str | None = None, **attrs: str) -> None:
        self.body.append(f"\t{quote_edge(tail)} -> {quote_edge(head)}{attr_list(attrs, label)}\n")

    def attr(self, **attrs: str) -> None:
        """Attributes of the graph itself (a cluster's label, colours)."""
        self.body.append(f"\t{a_list(attrs)}\n")

    @contextmanager
    def subgraph(self, name: str) -> Iterator[Digraph]:
        """A subgraph, added to this graph when the ``with`` block ends."""
        inner = Digraph(name)
        yield inner
        self.body += [f"\t{line}" for line in inner.lines(subgraph=True)]

    def lines(self, subgraph: bool = False) -> Iterator[str]:
        head = "subgraph " if subgraph else "digraph "
        yield f"{head}{quote(self.name)} {{\n"
        for kind, attrs in self.defaults.items():
            if attrs:
                yield f"\t{kind}{attr_list(attrs)}\n"
        yield from self.body
        yield "}\n"

    @property
    def source(self) -> str:
        return "".join(self.lines())
