"""Every table of the schema; importing this package registers them on ``metadata``.

Each row carries ``tenant_id``, and every foreign key includes it, so that even a wrong
query cannot join one tenant's rows to another's.
"""

from recoverly.store.tables.accounts import accounts
from recoverly.store.tables.cases import cases, holds
from recoverly.store.tables.complaints import complaints
from recoverly.store.tables.events import (
    contact_attempts,
    payment_allocations,
    payments,
    promises,
)
from recoverly.store.tables.evidence import (
    evidence_entries,
    evidence_log,
    evidence_nodes,
    tree_heads,
)
from recoverly.store.tables.imports import import_runs
from recoverly.store.tables.outbox import delivery_receipts, outbox
from recoverly.store.tables.parties import contact_points, debtors
from recoverly.store.tables.plans import case_paths, daily_runs, plan_blocks, plan_items
from recoverly.store.tables.privacy import erasures, legal_holds, personal_data_reads
from recoverly.store.tables.qa import qa_alerts
from recoverly.store.tables.strategies import strategies
from recoverly.store.tables.template_pauses import template_pauses
from recoverly.store.tables.tenancy import api_tokens, tenants, users

__all__ = [
    "accounts",
    "api_tokens",
    "case_paths",
    "cases",
    "complaints",
    "contact_attempts",
    "contact_points",
    "daily_runs",
    "debtors",
    "delivery_receipts",
    "erasures",
    "evidence_entries",
    "evidence_log",
    "evidence_nodes",
    "holds",
    "import_runs",
    "legal_holds",
    "outbox",
    "payment_allocations",
    "payments",
    "personal_data_reads",
    "plan_blocks",
    "plan_items",
    "promises",
    "qa_alerts",
    "strategies",
    "template_pauses",
    "tenants",
    "tree_heads",
    "users",
]
