"""Per-group quantities seen from each member."""

from __future__ import annotations

import numpy as np


def per_member(values: np.ndarray, group: np.ndarray) -> np.ndarray | np.floating:
    """Each member's value of a per-group quantity.

    With one group this is the scalar itself (NumPy broadcasts it), which spares a gather over
    all members: most communities are a single group, and the daily step needs a dozen of these.
    """
    return values[0] if values.shape[0] == 1 else values[group]
