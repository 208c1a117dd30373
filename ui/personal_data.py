"""How member data is shown: names to staff only, phone numbers masked for everyone else."""

from __future__ import annotations

import re

import pandas as pd

# Digits kept visible at each end of a masked phone number: enough to tell two members apart, not to call them.
VISIBLE_START, VISIBLE_END = 4, 2


def mask_phone(phone: str | None) -> str | None:
    """`0912 345 645` → `0912 *** *45`; None stays None."""
    if phone is None or pd.isna(phone):
        return None
    digits = re.sub(r"\D", "", str(phone))
    if str(phone).strip().startswith("+84"):
        # The international form of a Vietnamese number: show it as dialled at home.
        digits = "0" + digits[2:]
    if len(digits) <= VISIBLE_START + VISIBLE_END:
        return "*" * len(digits)
    return f"{digits[:VISIBLE_START]} *** *{digits[-VISIBLE_END:]}"
