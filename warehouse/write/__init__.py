"""The write layer: every change to the warehouse, by subject, each one `Warehouse.transaction()`.

Nothing else writes: pages and `ui/` call the named operations of `operations/`, files arrive through `etl/`.
"""
