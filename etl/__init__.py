"""Report files → validation → the warehouse; `python -m etl --help` lists the commands."""
