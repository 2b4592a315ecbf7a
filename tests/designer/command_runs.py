"""Running a management command as a shell would see it: its output and its exit status."""

from __future__ import annotations

from dataclasses import dataclass
from io import StringIO

from django.core.management import CommandError, call_command


@dataclass
class Ran:
    status: int
    out: str
    error: str


def run_command(name: str, *args: str) -> Ran:
    """Run ``manage.py name args…``; a ``CommandError`` becomes its exit status and message."""
    out = StringIO()
    try:
        call_command(name, *args, stdout=out)
    except CommandError as exc:
        return Ran(exc.returncode, out.getvalue(), str(exc))
    return Ran(0, out.getvalue(), "")
