"""PostgreSQL's SQL for standalone sequences and domains, mixed into ``PostgreSQLDialect``.

A sequence is created without its owner (its column may not exist yet) and given it by
``ALTER SEQUENCE ... OWNED BY`` once it does; its current value is never set: it is data.
A domain changes in place with ``ALTER DOMAIN`` (default, NOT NULL, checks); the diff refuses a
change of its base type while a column uses it.
"""

from __future__ import annotations

from typing import Any

from ..schema import Check, Domain, Sequence


class ObjectSQL:
    """Templates and one method per operation on sequences and domains."""

    sql_create_standalone_sequence = "CREATE SEQUENCE %(name)s AS %(type)s%(options)s"
    sql_drop_standalone_sequence = "DROP SEQUENCE %(name)s"
    sql_alter_standalone_sequence = "ALTER SEQUENCE %(name)s %(changes)s"
    sql_create_domain = "CREATE DOMAIN %(name)s AS %(type)s%(options)s"
    sql_drop_domain = "DROP DOMAIN %(name)s"
    sql_alter_domain = "ALTER DOMAIN %(name)s %(change)s"

    quote: Any  # the dialect's

    def create_sequence(self, op: Any, before: Any, after: Any) -> list[str]:
        from .postgresql import sequence_options_sql

        sequence: Sequence = op.sequence
        options = sequence_options_sql(sequence.options)
        sql = self.sql_create_standalone_sequence % {
            "name": self.quote(sequence.name),
            "type": sequence.data_type,
            "options": f" {options}" if options else "",
        }
        return [sql + self._owned_by(sequence) if sequence.owned_by else sql]

    def drop_sequence(self, op: Any, before: Any, after: Any) -> list[str]:
        return [self.sql_drop_standalone_sequence % {"name": self.quote(op.sequence.name)}]

    def alter_sequence(self, op: Any, before: Any, after: Any) -> list[str]:
        from .postgresql import all_sequence_options

        old, new = op.old, op.new
        changes: list[str] = []
        if (old.data_type, old.options) != (new.data_type, new.options):
            changes += [f"AS {new.data_type}", *all_sequence_options(new.options)]
        if old.owned_by != new.owned_by:
            changes.append(self._owned_by(new).strip())
        if not changes:
            return []
        return [self.sql_alter_standalone_sequence % {"name": self.quote(old.name), "changes": " ".join(changes)}]

    def _owned_by(self, sequence: Sequence) -> str:
        if sequence.owned_by is None:
            return " OWNED BY NONE"
        table, column = sequence.owned_by
        return f" OWNED BY {self.quote(table)}.{self.quote(column)}"

    def create_domain(self, op: Any, before: Any, after: Any) -> list[str]:
        domain: Domain = op.domain
        options = ""
        if domain.collation is not None:
            options += f" COLLATE {self.quote(domain.collation)}"
        if domain.default is not None:
            options += f" DEFAULT {domain.default}"
        if not domain.nullable:
            options += " NOT NULL"
        options += "".join(f" {self._domain_check(check)}" for check in domain.checks)
        return [self.sql_create_domain % {"name": self.quote(domain.name), "type": domain.base_type, "options": options}]

    def _domain_check(self, check: Check) -> str:
        return f"CONSTRAINT {self.quote(check.name or '')} CHECK ({check.expression})"

    def drop_domain(self, op: Any, before: Any, after: Any) -> list[str]:
        return [self.sql_drop_domain % {"name": self.quote(op.domain.name)}]

    def alter_domain(self, op: Any, before: Any, after: Any) -> list[str]:
        old, new = op.old, op.new
        changes: list[str] = [f"DROP CONSTRAINT {self.quote(c.name or '')}" for c in op.dropped_checks]
        if old.default != new.default:
            changes.append(f"SET DEFAULT {new.default}" if new.default is not None else "DROP DEFAULT")
        if old.nullable != new.nullable:
            changes.append("DROP NOT NULL" if new.nullable else "SET NOT NULL")
        changes += [f"ADD {self._domain_check(c)}" for c in op.added_checks]
        return [self.sql_alter_domain % {"name": self.quote(old.name), "change": change} for change in changes]
