"""Mesa's Solara visualisation, imported in one place with its harmless import warning silenced.

Mesa 3.3.1's ComponentsView trips Solara's hook linter when `mesa.visualization` is imported.
"""

from __future__ import annotations

import warnings

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=r".*ComponentsView: `use_state` found despite")
    from mesa.visualization import SolaraViz
    from mesa.visualization.utils import force_update, update_counter

__all__ = ["SolaraViz", "force_update", "update_counter"]
