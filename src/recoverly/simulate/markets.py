"""The fifteen markets' economics: who owes what, where, and how they like to be reached.

A market's share of debtors, its currency, the size of its debts relative to the US, how
many of its debtors are companies, which products are common there and which channels its
debtors answer. The generator draws every amount as a log-normal US-dollar equivalent for
the product, scales it by the market's ``income_scale`` and converts it with
``usd_factor``: a fixed, round order of magnitude of early-2026 exchange rates (1 USD =
7.2 CNY = 25,000 VND = 16,000 IDR ...) that only makes amounts look local. It is not a
dated rate and nothing may convert money with it.

Which markets exist, and in what order, is ``locales.json``'s to say; this table only
gives each of them its economics.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

# The channels a debtor can be reached through, in the order of every channel array.
CHANNELS: Final = ("sms", "email", "call", "letter", "push")


@dataclass(frozen=True, slots=True)
class Economy:
    """A market's share of debtors and the scale of its debts."""

    weight: float  # share of debtors
    currency: str
    usd_factor: float  # local units per USD, a round magnitude (see the module docstring)
    income_scale: float  # typical debt size relative to the US
    company_share: float  # share of debtors that are companies
    product_tilt: Mapping[str, float]  # multiplies a product's base weight
    channel_tilt: Mapping[str, float]  # added to a channel's appeal


ECONOMY: Final[Mapping[str, Economy]] = {
    "CN": Economy(0.22, "CNY", 7.2, 0.40, 0.10,
                  {"bnpl": 1.6, "ecommerce_instalment": 2.0, "credit_card": 0.8,
                   "auto_loan": 0.6, "medical_instalment": 0.5},
                  {"push": 1.0, "sms": 0.5, "call": 0.2, "email": -1.0, "letter": -2.0}),
    "HK": Economy(0.02, "HKD", 7.8, 0.90, 0.08,
                  {"credit_card": 1.5, "personal_loan": 1.3, "auto_loan": 0.3},
                  {"sms": 0.6, "push": 0.4, "email": 0.2, "call": 0.2, "letter": -0.5}),
    "TW": Economy(0.03, "TWD", 32.0, 0.60, 0.08,
                  {"credit_card": 1.6, "bnpl": 0.8},
                  {"sms": 0.6, "call": 0.3, "push": 0.2, "letter": -0.5}),
    "SG": Economy(0.02, "SGD", 1.35, 1.00, 0.08,
                  {"credit_card": 1.5, "bnpl": 1.2, "auto_loan": 0.4},
                  {"sms": 0.4, "email": 0.5, "push": 0.3, "letter": -0.5}),
    "TH": Economy(0.05, "THB", 35.0, 0.25, 0.07,
                  {"auto_loan": 1.6, "personal_loan": 1.2, "credit_card": 0.8},
                  {"sms": 0.6, "push": 0.5, "call": 0.4, "email": -0.5, "letter": -1.0}),
    "VN": Economy(0.06, "VND", 25_000.0, 0.12, 0.06,
                  {"personal_loan": 1.4, "bnpl": 1.6, "ecommerce_instalment": 1.5,
                   "credit_card": 0.4, "auto_loan": 1.2},
                  {"sms": 0.6, "call": 0.6, "push": 0.5, "email": -1.0, "letter": -2.0}),
    "ID": Economy(0.10, "IDR", 16_000.0, 0.15, 0.06,
                  {"bnpl": 2.0, "ecommerce_instalment": 1.8, "personal_loan": 1.3,
                   "credit_card": 0.3, "auto_loan": 1.4},
                  {"sms": 0.4, "push": 0.8, "call": 0.3, "email": -0.8, "letter": -2.0}),
    "MY": Economy(0.04, "MYR", 4.5, 0.30, 0.08,
                  {"personal_loan": 1.2, "auto_loan": 1.3, "bnpl": 1.2},
                  {"sms": 0.6, "call": 0.3, "push": 0.3, "letter": -0.5}),
    "PH": Economy(0.06, "PHP", 57.0, 0.12, 0.06,
                  {"personal_loan": 1.4, "bnpl": 1.5, "ecommerce_instalment": 1.4,
                   "credit_card": 0.6, "education_instalment": 1.3},
                  {"sms": 1.0, "call": 0.4, "push": 0.3, "email": -0.5, "letter": -2.0}),
    "IN": Economy(0.12, "INR", 85.0, 0.10, 0.07,
                  {"personal_loan": 1.6, "education_instalment": 1.5, "bnpl": 1.3,
                   "credit_card": 0.6, "auto_loan": 0.8},
                  {"sms": 0.8, "call": 0.7, "push": 0.2, "email": -0.5, "letter": -1.5}),
    "US": Economy(0.09, "USD", 1.0, 1.00, 0.06,
                  {"credit_card": 1.6, "medical_instalment": 2.0, "auto_loan": 1.5,
                   "education_instalment": 0.5, "bnpl": 0.8},
                  {"email": 0.6, "sms": 0.3, "call": 0.3, "letter": 0.3, "push": -0.3}),
    "GB": Economy(0.04, "GBP", 0.79, 0.90, 0.07,
                  {"credit_card": 1.5, "personal_loan": 1.2, "medical_instalment": 0.2},
                  {"email": 0.6, "sms": 0.4, "letter": 0.4, "push": -0.3}),
    "DE": Economy(0.03, "EUR", 0.92, 0.90, 0.09,
                  {"ecommerce_instalment": 1.4, "credit_card": 0.5, "medical_instalment": 0.3},
                  {"letter": 1.0, "email": 0.6, "call": -0.3, "sms": -0.3, "push": -0.5}),
    "BR": Economy(0.07, "BRL", 5.5, 0.25, 0.07,
                  {"credit_card": 1.8, "personal_loan": 1.2},
                  {"sms": 0.4, "call": 0.5, "push": 0.3, "letter": -1.0}),
    "MX": Economy(0.05, "MXN", 18.5, 0.30, 0.07,
                  {"personal_loan": 1.3, "ecommerce_instalment": 1.2},
                  {"sms": 0.4, "call": 0.6, "push": 0.2, "email": -0.3, "letter": -1.0}),
}  # fmt: skip
