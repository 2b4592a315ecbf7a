#!/usr/bin/env python
import os
import sys


def main() -> None:
    if sys.argv[1:2] == ["render_erd"]:
        # Standalone for CI: no settings, SECRET_KEY, database or Django import (docs/erd.md).
        import gc

        gc.disable()  # a short run that leaves no cycles: collections would be wasted time
        from designer.erd.cli import run as render_erd

        render_erd(sys.argv[2:], prog="manage.py render_erd")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schemadesign.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
