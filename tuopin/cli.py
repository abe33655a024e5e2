"""The `tuopin` console script: every Django management command, honouring DATABASE_URL.

`tuopin regions load`, `tuopin worker`, `tuopin runserver` ... are the same as
`python manage.py ...`; settings come from environment variables (config/base.py).
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.base")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["tuopin", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
