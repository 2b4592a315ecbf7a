"""PostgreSQL: what the engine does not model in ``current_schema()``, with the tables and columns
each object depends on as ``pg_depend`` records them (see ``migrations_engine.unmanaged``).

Four queries. Objects that can depend on tables (views, materialized views, triggers, policies,
rules, publications, partitions, inheritance children, functions with SQL-standard bodies) come
with their dependencies; the others (functions, types other than enums and domains, extensions,
foreign tables) are only listed. Sequences and domains are modelled (``postgresql.py``), so not
listed. Anything an extension owns is left
out: the extension is listed instead. A trigger also depends on the tables and columns its
function's body names (plpgsql and SQL functions; a mention counts as a use), which PostgreSQL
does not record and does not rewrite on a rename.

A partition or inheritance child depends on its parents (a parent dropped or recreated would come
back without its children and, partitioned, without ``PARTITION BY``: refused) and on what its own
foreign keys reference. A foreign key of a managed table onto one of them (or onto another
schema's table) is listed too, on its table: the engine does not read it (``postgresql.py``). A
partitioned table's ``PARTITION BY``, which the engine does not write, is listed as the
partitioning of the table, on the table and the key's columns: with no partition yet, dropping or
recreating the table is refused all the same.
"""

from __future__ import annotations

from ..connection import Database
from ..unmanaged import ON_A_TABLE, UnmanagedObject, named_dependencies

#: An object's rows: kind, name, its own table (or NULL), the class and oid whose ``pg_depend``
#: rows give its dependencies (NULL: none looked up).
_DEPENDENT = """
WITH ns AS (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = current_schema()),
extension_member AS (
  SELECT classid, objid FROM pg_catalog.pg_depend WHERE deptype = 'e'
),
objects(kind, name, own, classid, objid) AS (
  -- Views of other schemas too when they use a table of this one (named schema.view).
  SELECT CASE c.relkind WHEN 'v' THEN 'view' ELSE 'materialized view' END,
         CASE WHEN c.relnamespace = (SELECT oid FROM ns) THEN c.relname ELSE n.nspname || '.' || c.relname END,
         NULL::oid, 'pg_catalog.pg_rewrite'::regclass, r.oid
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_catalog.pg_rewrite r ON r.ev_class = c.oid AND r.rulename = '_RETURN'
  WHERE c.relkind IN ('v', 'm')
    AND (c.oid, 'pg_catalog.pg_class'::regclass) NOT IN (SELECT objid, classid FROM extension_member)
    AND (c.relnamespace = (SELECT oid FROM ns) OR (
      n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg!_%' ESCAPE '!'
      AND EXISTS (
        SELECT 1 FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_class t ON t.oid = d.refobjid
        WHERE d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid = r.oid
          AND d.refclassid = 'pg_catalog.pg_class'::regclass AND t.relnamespace = (SELECT oid FROM ns))))
  UNION ALL
  SELECT 'trigger', t.tgname, t.tgrelid, 'pg_catalog.pg_trigger'::regclass, t.oid
  FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
  WHERE c.relnamespace = (SELECT oid FROM ns) AND NOT t.tgisinternal
  UNION ALL
  SELECT 'policy', p.polname, p.polrelid, 'pg_catalog.pg_policy'::regclass, p.oid
  FROM pg_catalog.pg_policy p JOIN pg_catalog.pg_class c ON c.oid = p.polrelid
  WHERE c.relnamespace = (SELECT oid FROM ns)
  UNION ALL
  SELECT 'rule', r.rulename, r.ev_class, 'pg_catalog.pg_rewrite'::regclass, r.oid
  FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class c ON c.oid = r.ev_class
  WHERE c.relnamespace = (SELECT oid FROM ns) AND r.rulename <> '_RETURN'
  UNION ALL
  SELECT CASE WHEN c.relispartition THEN 'partition' ELSE 'inheritance child' END, c.relname, i.inhparent,
         NULL::oid, NULL::oid
  FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
  WHERE c.relnamespace = (SELECT oid FROM ns) AND c.relkind IN ('r', 'p', 'f')  -- not an index's partitions
  UNION ALL
  -- What a partition's or child's own foreign keys reference: dropping it fails (not a clone of
  -- the parent's key, which goes with the parent's).
  SELECT CASE WHEN c.relispartition THEN 'partition' ELSE 'inheritance child' END, c.relname, NULL::oid,
         'pg_catalog.pg_constraint'::regclass, con.oid
  FROM pg_catalog.pg_constraint con JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
  WHERE c.relnamespace = (SELECT oid FROM ns) AND con.contype = 'f' AND con.conparentid = 0
    AND EXISTS (SELECT 1 FROM pg_catalog.pg_inherits i WHERE i.inhrelid = c.oid)
  UNION ALL
  -- A foreign key of a table read onto a table not read (``postgresql.py`` leaves it out).
  SELECT 'foreign key', con.conname, con.conrelid, 'pg_catalog.pg_constraint'::regclass, con.oid
  FROM pg_catalog.pg_constraint con
  JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
  JOIN pg_catalog.pg_class r ON r.oid = con.confrelid
  WHERE c.relnamespace = (SELECT oid FROM ns) AND c.relkind IN ('r', 'p') AND con.contype = 'f'
    AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_inherits i WHERE i.inhrelid = c.oid)
    AND (r.relnamespace <> c.relnamespace OR EXISTS (SELECT 1 FROM pg_catalog.pg_inherits i WHERE i.inhrelid = r.oid))
  UNION ALL
  SELECT 'publication', p.pubname, pr.prrelid, 'pg_catalog.pg_publication_rel'::regclass, pr.oid
  FROM pg_catalog.pg_publication p LEFT JOIN pg_catalog.pg_publication_rel pr ON pr.prpubid = p.oid
  UNION ALL
  SELECT CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END,
         p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')', NULL::oid,
         'pg_catalog.pg_proc'::regclass, p.oid
  FROM pg_catalog.pg_proc p
  WHERE p.pronamespace = (SELECT oid FROM ns)
    AND (p.oid, 'pg_catalog.pg_proc'::regclass) NOT IN (SELECT objid, classid FROM extension_member)
    AND NOT EXISTS (  -- a range type's constructors belong to the type
      SELECT 1 FROM pg_catalog.pg_depend d
      WHERE d.classid = 'pg_catalog.pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'i')
)
SELECT o.kind, o.name, own.relname, t.relname, a.attname
FROM objects o
LEFT JOIN pg_catalog.pg_class own ON own.oid = o.own
LEFT JOIN pg_catalog.pg_depend d
  ON d.classid = o.classid AND d.objid = o.objid AND d.refclassid = 'pg_catalog.pg_class'::regclass
LEFT JOIN pg_catalog.pg_class t
  ON t.oid = d.refobjid AND t.relnamespace = (SELECT oid FROM ns) AND t.relkind IN ('r', 'p')
LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid AND d.refobjsubid > 0
ORDER BY o.kind, o.name, o.own IS NULL, own.relname, t.relname, d.refobjsubid  -- its own table (a child's parents) first
"""

_LISTED = """
WITH ns AS (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = current_schema()),
extension_member AS (
  SELECT classid, objid FROM pg_catalog.pg_depend WHERE deptype = 'e'
)
SELECT 'foreign table', c.relname
FROM pg_catalog.pg_class c
WHERE c.relnamespace = (SELECT oid FROM ns) AND c.relkind = 'f'
  AND (c.oid, 'pg_catalog.pg_class'::regclass) NOT IN (SELECT objid, classid FROM extension_member)
UNION ALL
SELECT CASE t.typtype WHEN 'r' THEN 'range type' WHEN 'c' THEN 'composite type' ELSE 'type' END,
       t.typname
FROM pg_catalog.pg_type t LEFT JOIN pg_catalog.pg_class c ON c.oid = t.typrelid
WHERE t.typnamespace = (SELECT oid FROM ns) AND t.typtype IN ('b', 'c', 'r')
  AND (t.typtype <> 'c' OR c.relkind = 'c')        -- not a table's or a view's row type
  AND NOT (t.typcategory = 'A' AND t.typelem <> 0)  -- not an array type
  AND (t.oid, 'pg_catalog.pg_type'::regclass) NOT IN (SELECT objid, classid FROM extension_member)
UNION ALL
SELECT 'extension', e.extname FROM pg_catalog.pg_extension e WHERE e.extname <> 'plpgsql'
"""


#: Each partitioned table with its key's columns (those its key expressions use too: PostgreSQL
#: records each as an internal dependency of the table on itself).
_PARTITIONING = """
SELECT c.relname, a.attname
FROM pg_catalog.pg_partitioned_table pt
JOIN pg_catalog.pg_class c ON c.oid = pt.partrelid
LEFT JOIN pg_catalog.pg_depend d
  ON d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid AND d.objsubid > 0
  AND d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid = c.oid AND d.refobjsubid = 0
  AND d.deptype = 'i'
LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid
WHERE c.relnamespace = (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = current_schema())
  AND NOT c.relispartition  -- a partition's is part of the partition
ORDER BY c.relname, a.attnum
"""

#: Each trigger's table and its function's body: PostgreSQL records no dependency of a trigger on
#: what its function uses (``NEW.last_update``, ``INSERT INTO film_log``).
_TRIGGER_BODIES = """
SELECT t.tgname, c.relname, p.prosrc
FROM pg_catalog.pg_trigger t
JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
JOIN pg_catalog.pg_proc p ON p.oid = t.tgfoid
JOIN pg_catalog.pg_language l ON l.oid = p.prolang
WHERE c.relnamespace = (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = current_schema())
  AND NOT t.tgisinternal AND l.lanname IN ('plpgsql', 'sql')
"""
_COLUMNS = """
SELECT c.relname, a.attname
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid
WHERE c.relnamespace = (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = current_schema())
  AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY c.relname, a.attnum
"""


#: Kinds named per table: two of one name on two tables are two objects.
_PER_TABLE = (*ON_A_TABLE, "foreign key")
#: Tables the engine leaves out (``introspect/postgresql.py``'s ``_MANAGED``): they depend on
#: their parents, and on what their own foreign keys reference, never on themselves.
_CHILDREN = ("partition", "inheritance child")


def read_unmanaged(database: Database) -> list[UnmanagedObject]:
    depends: dict[tuple[str, str, str | None], list[tuple[str, str | None]]] = {}
    for kind, name, own, table, column in database.query(_DEPENDENT):
        pairs = depends.setdefault((kind, name, own if kind in _PER_TABLE else None), [])
        for pair in ((own, None), (table, None), (table, column)):
            if pair[0] is not None and pair not in pairs and not (kind in _CHILDREN and pair[0] == name):
                pairs.append(pair)
    bodies = database.query(_TRIGGER_BODIES)
    if bodies:
        columns: dict[str, list[str]] = {}
        for table, column in database.query(_COLUMNS):
            columns.setdefault(table, []).append(column)
        for name, table, body in bodies:
            pairs = depends[("trigger", name, table)]
            pairs += [pair for pair in named_dependencies(body or "", columns, table) if pair not in pairs]
    for table, column in database.query(_PARTITIONING):
        pairs = depends.setdefault(("partitioning of table", table, None), [(table, None)])
        if column is not None:
            pairs.append((table, column))
    objects = [UnmanagedObject(kind, name, tuple(pairs)) for (kind, name, _), pairs in depends.items()]
    objects += [UnmanagedObject(kind, name) for kind, name in database.query(_LISTED)]
    return objects
