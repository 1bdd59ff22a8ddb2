"""Privacy: how long a debtor's personal data is kept, and erasing it, exporting it.

``retention`` reads the periods per jurisdiction (``compliance/retention.yaml``) and
decides, purely, from when a debtor's data may be erased; ``service`` runs the purge job,
erasure on request (refused, and recorded, while a legal hold applies) and the
data-subject export. The register of which tables hold personal data, and what erasure
does to each, is ``store/repositories/personal_data.py``.
"""
