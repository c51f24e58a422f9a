"""The trainer's page: a Mesa SolaraViz app showing one community (or two in lockstep) day by day.

Serve it with `groupsim app [SCENARIO]`, which runs
`solara run sim/app/app.py --host 127.0.0.1 --port N --production` with the scenario in the
environment. Importing this module builds nothing: the classroom is made by `open_classroom`
when a browser session renders `Page`.

Structure. `Page` takes the session's state from `use_session()` (`session.py`: settings, the
classroom, play/pause) and renders the language switch, the sidebar (`sidebar.py`) and the alive
banner; the charts are Solara components handed to Mesa's `SolaraViz`, which lays them out and
re-renders them whenever `update_counter` ticks (after each simulated day). Mesa's own sidebar
(one model's play/step/reset with English labels) is not mounted: the classroom steps two models
in lockstep, takes a seed, and speaks two languages, so the page supplies those controls itself.
"""

from __future__ import annotations

from collections.abc import Callable

import solara
from solara.components.applayout import sidebar_portal

from sim.app import components
from sim.app.classroom import Classroom
from sim.app.session import LANG, DrawnDays, use_session
from sim.app.sidebar import Sidebar
from sim.app.viz import SolaraViz, update_counter
from sim.app.widgets import ChartWidget, Drawing, update_widget
from sim.i18n import LANGUAGE_NAMES, LANGUAGES, t

CSS = """
.groupsim-viz .v-tabs { display: none; }  /* SolaraViz's single 'Page 0' tab */
.groupsim-status { border-radius: 6px; padding: 8px 14px; margin: 4px 8px; color: white;
                   flex: 1 1 0; }
.groupsim-status--alive { background: #2e7d32; }
.groupsim-status--dead, .groupsim-status--dissolved { background: #c62828; }
.groupsim-status .groupsim-status-head { font-size: 22px; font-weight: 700; display: block; }
.groupsim-status .groupsim-status-run { font-size: 13px; opacity: 0.9; display: block; }
.groupsim-status .groupsim-status-detail { font-size: 13px; display: block; }
.groupsim-hint { font-size: 12px; color: #666; display: block; margin: 2px 0 6px 0; }
.groupsim-description { margin-bottom: 16px; line-height: 1.35; }
.groupsim-lever-label { font-size: 13px; display: block; margin-top: 6px; }
.groupsim-iv button { margin: 2px 0; width: 100%; }
"""


# ------------------------------------------------------------------------- chart components


@solara.component
def PlotlyInPlace(drawing: Drawing):
    """A Plotly figure widget that is updated in place each day (see `sim.app.widgets`)."""
    element = ChartWidget.element()

    def sync() -> None:
        update_widget(solara.get_widget(element), drawing.figure)

    solara.use_effect(sync, [drawing])
    return element


def _chart(key: str, build: Callable) -> Callable:
    """A SolaraViz component drawing figure `key` of the classroom's runs (re-rendered each day)."""

    @solara.component
    def Chart(model: Classroom):
        update_counter.get()
        lang = LANG.value
        with model.lock:
            fig = build(model.runs, lang)
        with solara.Div(classes=["groupsim-chart", f"groupsim-chart-{key}"]):
            # a new widget when runs are added or removed (Plotly kept stale subplot domains)
            PlotlyInPlace(Drawing(fig)).key(f"{key}-{len(model.runs)}")

    Chart.__name__ = f"{key.title()}Chart"
    return Chart


CHARTS = [_chart(key, build) for key, build in components.FIGURES]


@solara.component_vue("fit_charts.vue")
def FitCharts():
    """Invisible: keeps every chart as wide as its grid cell (see fit_charts.vue)."""


@solara.component_vue("render_ack.vue")
def RenderAck(day: int, event_rendered: Callable[[int], None]):
    """Invisible: reports each day the browser has drawn, so playing never outruns the browser."""


@solara.component
def StatusBanner(room: Classroom):
    """The alive/dead indicator of every run: state, day, lifespan, quiet days, members."""
    update_counter.get()
    lang = LANG.value
    with room.lock:
        rows = [(run, components.status(run.model)) for run in room.runs]
    with solara.Row(classes=["groupsim-banner"], gap="0px"):
        for run, st in rows:
            head, detail = components.status_lines(st, lang)
            with solara.Div(
                classes=[
                    "groupsim-status",
                    f"groupsim-status--{st.state}",
                    f"groupsim-status-{run.key}",
                ]
            ):
                solara.Text(components.run_label(run, lang), classes=["groupsim-status-run"])
                solara.Text(head, classes=["groupsim-status-head"])
                solara.Text(detail, classes=["groupsim-status-detail"])


@solara.component
def _WithoutMesaSidebar(children: list = []):  # noqa: B006 (Solara's children convention)
    """Render `children` with their sidebar content discarded (used around SolaraViz)."""
    sidebar_portal.context.provide(lambda update: None)
    return solara.Div(children=children, classes=["groupsim-viz"])


# -------------------------------------------------------------------------------- page


@solara.component
def Page():
    """The whole app for one browser session: the language switch, the sidebar, the banner and
    the charts."""
    lang = LANG.value
    session = use_session()
    solara.Style(CSS)
    solara.Title(t(lang, "app.title"))
    with solara.AppBar():
        solara.ToggleButtonsSingle(
            value=LANG,
            dense=True,
            classes=["groupsim-lang"],
            children=[
                solara.Button(LANGUAGE_NAMES[code], value=code, text=True, classes=[f"groupsim-lang-{code}"])
                for code in LANGUAGES
            ],
        )
    Sidebar(session, lang)
    room = session.room.value
    if room is None:
        solara.Error(session.error.value or "no scenario")
        return
    StatusBanner(room)
    FitCharts()
    _WithoutMesaSidebar(children=[SolaraViz(session.room, components=CHARTS, name=t(lang, "app.title"))])
    DayDrawn(room, session.drawn)  # last, so its update reaches the browser after the charts'


@solara.component
def DayDrawn(room: Classroom, drawn: DrawnDays):
    """Sends the browser the day on screen; the browser answers once it has drawn it."""
    update_counter.get()
    RenderAck(day=room.day, event_rendered=drawn.report)
