"""Putting a new day's Plotly figure into a widget that is already on screen, cheaply.

`solara.FigurePlotly` replaces the layout, adds the new traces and then deletes the old ones: the
browser redraws three times per chart, and for six charts a day that, not the model, limited how
fast a class could watch. `update_widget` sends one batched update (one `Plotly.update` in the
browser) when the new figure has the same traces as the one on screen, which is the case every
day; it replaces the traces only when their number or types change.
"""

from __future__ import annotations

import plotly.graph_objects as go
from plotly.graph_objs import FigureWidget


class Drawing:
    """A figure handed to a Solara component, compared by identity.

    Solara compares a component's arguments to decide whether to re-render it; comparing two
    Plotly figures with `==` serialises both (tens of milliseconds a chart, every day).
    """

    __slots__ = ("figure",)

    def __init__(self, figure: go.Figure) -> None:
        self.figure = figure


def new_widget() -> FigureWidget:
    """An empty figure widget, as the app creates one per chart."""
    return FigureWidget()


def same_traces(widget: FigureWidget, fig: go.Figure) -> bool:
    """True when `fig` has as many traces as `widget`, of the same types, in the same order."""
    return len(widget.data) == len(fig.data) and all(
        old.type == new.type for old, new in zip(widget.data, fig.data)
    )


def _assign(target, source) -> None:
    """Set every top-level property of `target` to `source`'s (None removes one `source` lacks)."""
    new = source._props
    for key in (target._props.keys() - {"uid"}) | new.keys():  # the widget gives each trace a uid
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
