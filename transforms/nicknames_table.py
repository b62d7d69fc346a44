"""Forename equivalence groups from the ``nicknames`` data package (Old Dominion University's
hand-curated English names and nicknames), so Bob and Robert, Peggy and Margaret agree."""

from __future__ import annotations

from functools import lru_cache

import pandas as pd
from nicknames import name_triplets


@lru_cache(maxsize=1)
def nickname_groups() -> pd.DataFrame:
    """Rows (name, canon): each forename with every canonical name it may stand for.

    A canonical name is in its own group, so two forenames agree as nicknames when they share
    any canon. Upper-cased to match folded names.
    """
    rows: set[tuple[str, str]] = set()
    for triplet in name_triplets():
        canon, nick = triplet.name1.upper(), triplet.name2.upper()
        rows.add((canon, canon))
        rows.add((nick, canon))
    frame = pd.DataFrame(sorted(rows), columns=["name", "canon"])
    return frame
