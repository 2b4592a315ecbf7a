"""Conformance: sqldef's test cases run against the engine on real servers.

For each case in scope, ``current`` is built in one scratch database and ``desired`` in another;
the diff between the two live schemas is rendered, the up script must turn the first into the
second and the down script must take it back. ``python -m migrations_engine.conformance FOLDER``
runs them and writes ``docs/conformance.md``.
"""
