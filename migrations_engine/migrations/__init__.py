"""Versioned migrations: a folder of numbered migrations, its integrity file, and the runner.

Layers: ``model`` (one migration), ``folder`` (the folder and ``migrations.sum``), ``history``
(the history table in the target database), ``locks`` (one runner at a time), ``appliers`` (how a
migration runs on each kind of database), ``runner`` (migrate, rollback, baseline, dry runs),
``status`` (applied, pending, drift), ``commands`` (the command-line subcommands).
docs/migrations.md describes the formats and the guarantees.
"""
