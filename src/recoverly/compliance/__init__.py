"""Compliance: rule packs per jurisdiction and the one engine that screens contacts.

Rules are data (``packs/*.yaml``, each rule with its citation and the reading Recoverly
takes); :mod:`recoverly.compliance.screen` applies them, vectorised, to any number of
proposed contacts, so the daily run and the dispatcher decide with the same code.
"""
