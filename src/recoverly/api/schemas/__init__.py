"""Response models of the API: built from domain values, never from tables.

Keeping them separate from ``store/tables`` lets the schema change without changing the
wire format, and puts masking and computed fields (past-due days, buckets) at the edge.
"""
