"""Exit status of every `python -m etl` command: 0 done, 1 refused or failed, 2 usage error."""

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2
