"""Synthetic data for Recoverly: portfolios now, the debtor-behaviour simulator later.

Demos, tests, benchmarks and the digital twin all need collections portfolios with the
texture of real ones (many markets, local names, valid contact data, arrears and balances
that hang together) without a single real person in them. ``portfolio`` makes them, fast
and reproducibly from a seed, together with a hidden behaviour profile per debtor that the
simulator will use to decide how each debtor responds to treatment.
"""
