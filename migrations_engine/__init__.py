"""The migration engine: schema snapshots, diffs, reversible operations, SQL per dialect, introspection, runner, CLI. Imports no Django."""
