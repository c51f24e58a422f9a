"""Putting a new day's Plotly figure into a widget that is already on screen, cheaply.

`solara.FigurePlotly` replaces the layout, adds the new traces and then deletes the old ones: the
browser redraws three times per chart, and for six charts a day that, not the model, limited how
fast a class could watch. `update_widget` sends one batched update (one `Plotly.update` in the
browser) when the new figure has the same traces as the one on screen, which is the case every
day; it replaces the traces only when their number or types change.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.basedatatypes import BaseFigure
from plotly.graph_objs import FigureWidget


class Drawing:
    """A figure handed to a Solara component, compared by identity.

    Solara compares a component's arguments to decide whether to re-render it; comparing two
    Plotly figures with `==` serialises both (tens of milliseconds a chart, every day).
    """

    __slots__ = ("figure",)

    def __init__(self, figure: go.Figure) -> None:
        self.figure = figure


class ChartWidget(FigureWidget):
    """Plotly's figure widget, tolerant of array-valued style properties (marker sizes, symbols).

    After drawing, the browser reports each trace's defaults back to Python, with arrays as
    {"0": ..., "1": ...} objects; plotly 7.1's `_remove_overlapping_props` then evaluates
    `not numpy_array` and raises (a traceback in the server log for every redraw of the network
    view). Here an array the app set is simply kept; everything else is handled as before.
    """

    @staticmethod
    def _remove_overlapping_props(input_data: Any, delta_data: Any, prop_path: tuple = ()) -> list:
        if not (isinstance(input_data, dict) and isinstance(delta_data, dict)):
            return FigureWidget._remove_overlapping_props(input_data, delta_data, prop_path)
        removed: list = []
        for key, delta in delta_data.items():
            if key not in input_data or key == "uid":
                continue
            value = input_data[key]
            nested = isinstance(delta, dict) or BaseFigure._is_dict_list(delta)
            if nested and isinstance(value, (dict, list)):
                removed.extend(ChartWidget._remove_overlapping_props(value, delta, prop_path + (key,)))
                if not value:
                    input_data.pop(key)
                    removed.append(prop_path + (key,))
            elif not nested:
                input_data.pop(key)
                removed.append(prop_path + (key,))
        return removed


def new_widget() -> ChartWidget:
    """An empty figure widget, as the app creates one per chart."""
    return ChartWidget()


def same_traces(widget: FigureWidget, fig: go.Figure) -> bool:
    """True when `fig` has as many traces as `widget`, of the same types, in the same order."""
    return len(widget.data) == len(fig.data) and all(
        old.type == new.type for old, new in zip(widget.data, fig.data)
    )


def _unchanged(old: Any, new: Any) -> bool:
    """True when a property's value is the same as before (arrays: never assumed the same)."""
    if isinstance(old, np.ndarray) or isinstance(new, np.ndarray):
        return False
    try:
        return bool(old == new)
    except (ValueError, TypeError):  # containers holding arrays
        return False


def _assign(target, source) -> None:
    """Set every top-level property of `target` to `source`'s (None removes one `source` lacks).

    Properties that did not change since yesterday (names, line styles, axes, titles, most of
    the layout) are left alone: setting one re-validates it and sends it to the browser.
    """
    old, new = target._props, source._props
    for key in (old.keys() - {"uid"}) | new.keys():  # the widget gives each trace a uid
        if not _unchanged(old.get(key), new.get(key)):
            target[key] = new.get(key)


def update_widget(widget: FigureWidget, fig: go.Figure) -> None:
    """Make `widget` show `fig`: one batched update if the traces match, else a replacement."""
    if same_traces(widget, fig):
        with widget.batch_update():
            for old, new in zip(widget.data, fig.data):
                _assign(old, new)
            _assign(widget.layout, fig.layout)
        return
    with widget.batch_update():
        widget.layout = fig.layout
    widget.data = []
    widget.add_traces(fig.data)
