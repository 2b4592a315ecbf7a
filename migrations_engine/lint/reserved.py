"""Reserved words per dialect: names that must be quoted in every query that uses them.

* PostgreSQL: the words its documentation (Appendix C, "SQL Key Words") marks *reserved* or
  *reserved (can be function or type)*, as SQLAlchemy's PostgreSQL dialect lists them.
* MySQL/MariaDB: sqlglot's MySQL generator's ``RESERVED_KEYWORDS`` (MySQL 8's reserved list).
* SQLite: the keywords its grammar (``parse.y``) has no ``%fallback ID`` for, so they cannot be
  used as a name unquoted (the others in https://sqlite.org/lang_keywords.html can).
"""

from __future__ import annotations

from functools import cache

POSTGRESQL = frozenset("""
all analyse analyze and any array as asc asymmetric authorization between binary both case cast
check collate column constraint create cross current_catalog current_date current_role
current_schema current_time current_timestamp current_user default deferrable desc distinct do
else end except false fetch for foreign freeze from full grant group having ilike in initially
inner intersect into is isnull join leading left like limit localtime localtimestamp natural new
not notnull null of off offset old on only or order outer over overlaps placing primary
references returning right select session_user similar some symmetric table then to trailing
true union unique user using variadic verbose when where window with
""".split())

SQLITE = frozenset("""
add all alter and as autoincrement between case check collate commit constraint create cross
current_date current_time current_timestamp default deferrable delete distinct drop else
escape except exists filter foreign from full glob group having in index indexed inner insert
intersect into is isnull join left limit natural not nothing notnull null on or order outer
over primary references regexp returning right rollback select set table then to transaction
union unique update using values when where window
""".split())


@cache
def reserved_words(dialect: str) -> frozenset[str]:
    """The reserved words of ``dialect`` (lower case)."""
    if dialect == "postgresql":
        return POSTGRESQL
    if dialect == "sqlite":
        return SQLITE
    from sqlglot.dialects.mysql import MySQL

    return frozenset(word.lower() for word in MySQL.Generator.RESERVED_KEYWORDS)
