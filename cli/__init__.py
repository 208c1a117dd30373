"""The `python -m etl` command line, one module per command family; exit status 0 done, 1 refused, 2 usage error."""

from cli.exit_codes import EXIT_OK, EXIT_REFUSED, EXIT_USAGE
from cli.main import build_parser, main

__all__ = ["EXIT_OK", "EXIT_REFUSED", "EXIT_USAGE", "build_parser", "main"]
