"""The relational store: tables, repositories, migrations and bulk paths.

SQLite is the embedded default; PostgreSQL runs production. All SQL lives in
``store/repositories``; callers get domain values or plain rows back.
"""
