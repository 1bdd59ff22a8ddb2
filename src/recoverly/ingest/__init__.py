"""Import of portfolios, payments and contact history from files, with validation.

Every row is checked; problems come back as ``Finding`` values naming file, line, column
and reason. An import is one transaction: all or nothing, unless the caller asks for a
partial import, in which case the rejected rows go to a quarantine file.
"""
