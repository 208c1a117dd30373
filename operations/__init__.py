"""What users do that changes the warehouse, one named function each: what pages and `ui/` call.

Each takes the Warehouse and the user acting, applies the rules of its subject, and hands files to `etl/` and
changes to the write layer (`warehouse/write/`). Pages never reach past these into `etl/` or the write layer.
"""
