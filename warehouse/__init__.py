"""The DuckDB warehouse: the Warehouse object (`database.py`), the read queries, and the write layer (`write/`)."""
