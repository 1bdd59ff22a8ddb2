"""The evidence log: an RFC 9162 Merkle log of what Recoverly did, with signed tree heads,
bundles anyone can verify offline, and an audit of the stored log (docs/evidence.md).

It sits just above the store and below every service that records evidence (compliance,
arrangements, channels), so any of them can append in its own transaction.
"""
