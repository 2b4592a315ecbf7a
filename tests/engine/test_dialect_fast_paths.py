"""The dialects quote plain names and literals without SQLAlchemy; the result must be SQLAlchemy's."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import String

from migrations_engine.dialects import NAMES, get_dialect

SAMPLES = [
    "version",
    "me_backup_0001_1",
    "Mixed_Case9",
    "select",
    '["id", "name"]',
    "a b",
    "",
    "50% off",
    "it's",
    'say "hi"',
    "back`tick",
    "back\\slash",
    "naïve",
    "表",
    "tab\there",
    *(chr(i) for i in range(128)),
]


def _sqlalchemy_literal(dialect_name: str, value: str) -> str:
    dialect = get_dialect(dialect_name)
    if dialect_name == "mysql":
        return dialect._compiler.render_literal_value(value, String())
    return String().literal_processor(dialect.sa_dialect)(value)


@pytest.mark.parametrize("dialect_name", NAMES)
@pytest.mark.parametrize("value", SAMPLES)
def test_quote_and_literal_match_sqlalchemy(dialect_name: str, value: str) -> None:
    dialect = get_dialect(dialect_name)
    if value:
        assert dialect.quote(value) == dialect.sa_dialect.identifier_preparer.quote_identifier(value)
    assert dialect.string_literal(value) == _sqlalchemy_literal(dialect_name, value)


def test_migrate_command_does_not_import_sqlalchemy_or_sqlglot() -> None:
    code = (
        "import sys\n"
        "from migrations_engine.cli import build_parser\n"
        "from migrations_engine.dialects import get_dialect\n"
        "build_parser()\n"
        "for name in ('postgresql', 'mysql', 'sqlite'):\n"
        "    d = get_dialect(name)\n"
        "    d.quote('history'); d.string_literal('[\"id\"]')\n"
        "print(sorted(m for m in ('sqlalchemy', 'sqlglot') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
