"""Synthetic data for Recoverly: portfolios now, the debtor-behaviour simulator later.

Demos, tests, benchmarks and the digital twin all need collections portfolios with the
texture of real ones (many markets, local names, valid contact data, arrears and balances
that hang together) without a single real person in them. ``portfolio`` makes them, fast
and reproducibly from a seed, together with a hidden behaviour profile per debtor that the
simulator will use to decide how each debtor responds to treatment.

The modules, from the orchestration down:

* ``portfolio``: the public interface, the chunked generation and the streaming writer.
* ``debtors``, ``accounts``, ``behaviour``: what each chunk is made of.
* ``world``: every market's pools, drawn once per seed.
* ``names``, ``contacts``: people's and companies' names; addresses, emails, mobiles.
* ``identifiers``, ``person_ids``, ``company_ids``: national IDs with their check digits.
* ``markets``, ``products``, ``locales`` (with ``locales.json``): the facts it all rests on;
  time zones and default languages come from ``recoverly.reference``.
* ``arrays``: the array types the modules share.
"""
