"""Message templates: versioned data files that carry their required disclosures.

One YAML file per template under ``catalog/``, with its text per locale and channel;
disclosure wording lives once in ``catalog/_disclosures.yaml``. ``load_catalog`` checks
every file before anything is sent, and ``Catalog.render`` picks the best locale for the
debtor, falling back with a warning, never with a crash. See ``docs/templates.md``.
"""

from __future__ import annotations

from recoverly.channels.templates.catalog import Catalog, Disclosure, Template
from recoverly.channels.templates.errors import TemplateInvalid, TemplateNotFound
from recoverly.channels.templates.loader import default_catalog_dir, load_catalog
from recoverly.channels.templates.model import (
    MESSAGE_CHANNELS,
    SAMPLE_CONTEXT,
    MessageContext,
    Rendered,
)

__all__ = [
    "MESSAGE_CHANNELS",
    "SAMPLE_CONTEXT",
    "Catalog",
    "Disclosure",
    "MessageContext",
    "Rendered",
    "Template",
    "TemplateInvalid",
    "TemplateNotFound",
    "default_catalog_dir",
    "load_catalog",
]
