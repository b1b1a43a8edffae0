#!/usr/bin/env python
"""Django's command-line utility for ldncare (``ldncare`` covers the everyday commands)."""

import sys


def main() -> None:
    from ldncare.web.bootstrap import ConfigurationError, setup_django

    try:
        setup_django()
    except ConfigurationError as exc:
        sys.stderr.write(f"error: {exc}\n")
        raise SystemExit(2) from None
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
