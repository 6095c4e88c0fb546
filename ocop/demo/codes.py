"""Valid identifiers for synthetic data: Vietnamese tax codes and GS1 Vietnam GTIN-13.

Generated codes must pass the same checks as real ones (the registry validates both), so the
demo and the scale generator never store something a form would reject; the tax-code check
digit is the registry's own (``ocop.registry.validators``), not a copy of its weights.
"""

from __future__ import annotations

import random

from ocop.registry.validators import tax_code_check_digit


def make_tax_code(rng: random.Random, prefix: str) -> str:
    """A valid 10-digit tax code starting with ``prefix`` (the issuing province's 2 digits)."""
    while True:
        base = prefix + "".join(str(rng.randrange(10)) for _ in range(9 - len(prefix)))
        check = tax_code_check_digit(base)
        if check is not None:
            return base + str(check)


def gtin_check_digit(payload: str) -> int:
    """GS1 mod-10 check digit: weights 3,1,3,… from the rightmost payload digit."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(payload)))
    return (10 - total % 10) % 10


def make_gtin13(rng: random.Random, company_prefix: str) -> str:
    """A GTIN-13 under a GS1 Vietnam company prefix ("893…"), with a correct check digit."""
    payload = company_prefix + "".join(
        str(rng.randrange(10)) for _ in range(12 - len(company_prefix))
    )
    return payload + str(gtin_check_digit(payload))


def make_company_prefix(rng: random.Random) -> str:
    """A 7-digit GS1 Vietnam company prefix (893 + 4 digits), leaving 5 digits per item."""
    return "893" + "".join(str(rng.randrange(10)) for _ in range(4))
