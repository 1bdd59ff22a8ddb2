"""The pure core: values and rules of collections, with no I/O and no framework.

Everything else in Recoverly depends on this package; it depends on nothing but the
standard library and reference-data packages (ISO 4217 minor units).
"""
