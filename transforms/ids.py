"""Ids as Sweep compares them: trimmed (by the loader) and case-folded, so "S000012" and
"s000012" are one id, in one night's extract (``transforms.validate``) and from one night to
the next (the screening ledger, flag lifecycle and staff directory). An id keeps the spelling
its extract gives it; only comparisons use the key.
"""

from __future__ import annotations

import pandas as pd

_TEXT = pd.StringDtype("pyarrow")


def id_key(values: pd.Series) -> pd.Series:
    """Ids as compared: case-folded (the loader has trimmed them), missing stays missing."""
    return values.astype(_TEXT).str.upper()
