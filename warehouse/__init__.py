"""The DuckDB warehouse: schema migrations, the one writer, and the read queries."""
