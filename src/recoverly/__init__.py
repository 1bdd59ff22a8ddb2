"""Recoverly: an open-source collections and recovery platform."""

__version__ = "0.1.0"
