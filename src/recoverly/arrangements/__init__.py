"""Arrangements: payments and how they are allocated, promises to pay and whether they
were kept. Instalment plans and settlements join them here."""
