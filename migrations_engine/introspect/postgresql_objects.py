"""Reading PostgreSQL's standalone sequences and domains of ``current_schema()``: one query.

A sequence is standalone unless it is an identity's (an internal dependency) or a serial's
(owned by a column whose default is its ``nextval``): those are read with their column. What an
extension made is the extension's, not read. A sequence's current value is data: not read.
"""

from __future__ import annotations

from ..connection import Database
from ..schema import Check, Domain, Sequence
from .postgresql import read_sequence, strip_parentheses

_NOT_AN_EXTENSIONS = """NOT EXISTS (
    SELECT 1 FROM pg_catalog.pg_depend e
    WHERE e.classid = %s::regclass AND e.objid = %s AND e.deptype = 'e')"""

# One row per object: kind, name, values (a sequence's type and options as ``read_sequence``
# takes them, a domain's base type), a sequence's owner, a domain's NOT NULL, default, collation
# and checks (name and definition).
_OBJECTS = f"""
SELECT 'sequence', c.relname::text,
       ARRAY[format_type(s.seqtypid, NULL), s.seqstart::text, s.seqincrement::text,
             s.seqmin::text, s.seqmax::text, s.seqcache::text, s.seqcycle::text],
       (SELECT ARRAY[t.relname, a.attname]
        FROM pg_catalog.pg_depend d
        JOIN pg_catalog.pg_class t ON t.oid = d.refobjid
        JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
        WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid
          AND d.refclassid = 'pg_catalog.pg_class'::regclass AND d.deptype = 'a'
          AND t.relnamespace = c.relnamespace AND t.relkind IN ('r', 'p')
          AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_inherits inh WHERE inh.inhrelid = t.oid)),
       NULL::boolean, NULL::text, NULL::text, NULL::text[]
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_sequence s ON s.seqrelid = c.oid
WHERE c.relnamespace = %s AND c.relkind = 'S'
  AND {_NOT_AN_EXTENSIONS % ("'pg_catalog.pg_class'", "c.oid")}
  AND NOT EXISTS (  -- an identity's, or a serial's: owned by a column whose default uses it
    SELECT 1 FROM pg_catalog.pg_depend d
    LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = d.refobjid AND ad.adnum = d.refobjsubid
    WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid
      AND d.refclassid = 'pg_catalog.pg_class'::regclass
      AND (d.deptype = 'i' OR (d.deptype = 'a' AND ad.adbin IS NOT NULL
           AND pg_catalog.pg_get_expr(ad.adbin, ad.adrelid)
               = 'nextval(' || pg_catalog.quote_literal(c.oid::regclass::text) || '::regclass)')))
UNION ALL
SELECT 'domain', t.typname::text, ARRAY[pg_catalog.format_type(t.typbasetype, t.typtypmod)], NULL::text[],
       t.typnotnull, t.typdefault,
       (SELECT co.collname::text FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_type b ON b.oid = t.typbasetype
        WHERE co.oid = t.typcollation AND t.typcollation <> b.typcollation),
       ARRAY(SELECT ARRAY[con.conname, pg_catalog.pg_get_constraintdef(con.oid)]
             FROM pg_catalog.pg_constraint con
             WHERE con.contypid = t.oid AND con.contype = 'c' ORDER BY con.conname)
FROM pg_catalog.pg_type t
WHERE t.typnamespace = %s AND t.typtype = 'd'
  AND {_NOT_AN_EXTENSIONS % ("'pg_catalog.pg_type'", "t.oid")}
"""


def read_objects(database: Database, namespace: int) -> tuple[tuple[Sequence, ...], tuple[Domain, ...]]:
    """The standalone sequences and the domains of the schema whose oid is ``namespace``."""
    sequences: list[Sequence] = []
    domains: list[Domain] = []
    for kind, name, values, owner, not_null, default, collation, checks in database.query(_OBJECTS, (namespace, namespace)):
        if kind == "sequence":
            sequences.append(
                Sequence(name, values[0], read_sequence(values), (owner[0], owner[1]) if owner else None)
            )
        else:
            domains.append(
                Domain(
                    name=name,
                    base_type=values[0],
                    nullable=not not_null,
                    default=default,
                    checks=tuple(Check(_check_expression(d), check_name) for check_name, d in checks or ()),
                    collation=collation,
                )
            )
    return tuple(sequences), tuple(domains)


def _check_expression(definition: str) -> str:
    """``CHECK ((VALUE >= 1901))`` → ``VALUE >= 1901``."""
    text = definition.strip()
    if text.upper().startswith("CHECK"):
        text = text[len("CHECK") :].strip()
    return strip_parentheses(text)
