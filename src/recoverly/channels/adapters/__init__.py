"""Vendor protocols behind each channel: one module per vendor, all satisfying
``ChannelAdapter`` (``base.py``).

The vendor modules are imported by name (``recoverly.channels.adapters.smtp``,
``…twilio``) so that loading this package does not load every vendor's client library.
"""

from recoverly.channels.adapters.base import (
    ChannelAdapter,
    DeliveryReceipt,
    DeliveryStatus,
    InvalidReceipt,
    InvalidSignature,
    redact,
)

__all__ = [
    "ChannelAdapter",
    "DeliveryReceipt",
    "DeliveryStatus",
    "InvalidReceipt",
    "InvalidSignature",
    "redact",
]
