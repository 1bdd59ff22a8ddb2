"""The HTTP API: a FastAPI application under ``/api/v1``, one router per area.

``create_app`` is its public face; ``recoverly serve`` runs it.
"""

from recoverly.api.app import create_app

__all__ = ["create_app"]
