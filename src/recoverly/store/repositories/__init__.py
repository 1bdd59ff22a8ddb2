"""The only home of SQL: one module per area, functions taking a Connection."""
