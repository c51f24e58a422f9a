"""The trainer's page: a Mesa SolaraViz app showing one community (or two in lockstep) day by day.

Serve it with `groupsim app [SCENARIO]`, which runs
`solara run sim/app/app.py --host 127.0.0.1 --port N --production` with the scenario in the
environment. Importing this module builds nothing: the classroom is made by `open_classroom`
when a browser session renders `Page`.

Structure. `Page` owns the session's state (settings, the classroom, play/pause) and renders
the sidebar controls and the alive banner; the charts are Solara components handed to Mesa's
`SolaraViz`, which lays them out and re-renders them whenever `update_counter` ticks (after
each simulated day). Mesa's own sidebar (one model's play/step/reset with English labels) is
not mounted: the classroom steps two models in lockstep, takes a seed, and speaks two languages,
so the page supplies those controls itself.
"""

from __future__ import annotations

import os
import threading
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import solara
import solara.lab
from solara.components.applayout import sidebar_portal

from sim.app import components
from sim.app.classroom import Classroom, Settings, open_classroom
from sim.app.controls import (
    BUTTONS,
    ENV_SCENARIO,
    ENV_SCENARIOS_DIR,
    ENV_SEED,
    LEVERS,
    Lever,
    default_scenarios_dir,
    first_problem,
    lever_intervention,
    load_for_app,
    scenario_files,
)
from sim.app.widgets import ChartWidget, Drawing, update_widget
from sim.figures import marker_text
from sim.i18n import LANGUAGE_NAMES, LANGUAGES, t

with warnings.catch_warnings():
    # Mesa 3.3.1's ComponentsView trips Solara's hook linter when imported; harmless there.
    warnings.filterwarnings("ignore", message=r".*ComponentsView: `use_state` found despite")
    from mesa.visualization import SolaraViz
    from mesa.visualization.utils import force_update, update_counter

#: The language of this browser session ("en" or "zh"); Solara keeps one value per session.
LANG = solara.reactive("en")
#: Simulated days per second while playing (the slider's choices).
SPEEDS = (1, 2, 4, 8, 15)
#: Most days simulated between two redraws while playing fast.
MAX_DAYS_PER_FRAME = 5
#: Longest wait for the browser to draw a day while playing (a closed tab must not stall the loop).
BROWSER_TIMEOUT_S = 3.0

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


def initial_settings() -> Settings:
    """The session's first settings, from the environment `groupsim app` sets."""
    default = default_scenarios_dir() / "baseline.yaml"
    scenario = Path(os.environ.get(ENV_SCENARIO, str(default)))
    seed = int(os.environ.get(ENV_SEED, "1"))
    return Settings(scenario_a=scenario, seed=seed)


def scenarios_dir() -> Path:
    """Where the scenario picker looks: `$GROUPSIM_APP_SCENARIOS_DIR`, else `scenarios/`."""
    return Path(os.environ.get(ENV_SCENARIOS_DIR, str(default_scenarios_dir())))


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


class DrawnDays:
    """The last day the browser reported drawn; the play loop waits on it (thread-safe)."""

    def __init__(self) -> None:
        self._day = -1
        self._changed = threading.Condition()

    def report(self, day: int) -> None:
        with self._changed:
            self._day = int(day)
            self._changed.notify_all()

    def wait_for(self, day: int, timeout: float) -> bool:
        """Wait until `day` (or a later one) was drawn; False after `timeout` seconds."""
        with self._changed:
            return self._changed.wait_for(lambda: self._day >= day, timeout=timeout)


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


# ---------------------------------------------------------------------------- controls


@solara.component
def LeverControl(lever: Lever, value: Any, on_value: Callable[[Any], None], lang: str, started: bool):
    """One lever: a switch, a choice, or a slider over `lever.positions`, with name, value, unit."""
    name = t(lang, f"lever.{lever.path}")
    if not lever.live and started:
        name = f"{name} · {t(lang, 'levers.founding')}"
    with solara.Div(classes=["groupsim-lever", f"groupsim-lever-{lever.path.replace('.', '-')}"]):
        with solara.Tooltip(t(lang, f"doc.{lever.path}")):
            if lever.kind == "bool":
                solara.Switch(label=name, value=bool(value), on_value=on_value)
            elif lever.kind == "choice":
                items = [
                    {"text": t(lang, f"choice.{lever.path}.{c}"), "value": c} for c in lever.spec.choices
                ]
                solara.v.Select(
                    label=name,
                    items=items,
                    v_model=value,
                    dense=True,
                    hide_details=True,
                    on_v_model=on_value,
                )
            else:
                solara.Text(
                    f"{name}: {value:g} {t(lang, f'unit.{lever.spec.unit}')}",
                    classes=["groupsim-lever-label"],
                )
        if lever.kind not in ("bool", "choice"):
            PositionSlider(lever.positions(value), value, on_value)


@solara.component
def PositionSlider(positions: tuple, value: Any, on_value: Callable[[Any], None]):
    """A slider over a list of allowed values; reports the value when the thumb is released."""
    slider = solara.v.Slider(
        v_model=positions.index(value),
        min=0,
        max=len(positions) - 1,
        step=1,
        hide_details=True,
        dense=True,
    )

    def on_change(_widget, _event, index) -> None:
        on_value(positions[int(index)])

    solara.v.use_event(slider, "change", on_change)
    return slider


@solara.component
def InterventionPanel(room: Classroom, target: solara.Reactive[str], lang: str):
    """The intervention buttons, what they will act on, and what is queued for tomorrow."""
    update_counter.get()
    message = solara.use_reactive("")
    next_day = room.day + 1

    def press(button) -> None:
        runs = room.targets(target.value)
        try:
            room.schedule(button.make(next_day), runs)
        except ValueError as exc:
            message.set(t(lang, "error.lever", problem=str(exc)))
            return
        message.set("")
        force_update()

    if room.comparing:
        with solara.Row():
            solara.Text(t(lang, "interventions.target"))
            solara.ToggleButtonsSingle(
                value=target,
                dense=True,
                children=[
                    solara.Button(t(lang, f"target.{k}"), value=k, classes=[f"groupsim-target-{k}"])
                    for k in ("a", "b", "both")
                ],
            )
    usable = room.running and any(room.can_intervene(r) for r in room.targets(target.value))
    if usable:
        solara.Text(t(lang, "interventions.next_day", day=next_day), classes=["groupsim-hint"])
    else:
        solara.Text(t(lang, "interventions.done"), classes=["groupsim-hint"])
    with solara.Column(classes=["groupsim-iv"], gap="0px"):
        for button in BUTTONS:
            solara.Button(
                t(lang, f"action.{button.key}", **button.label_values()),
                outlined=True,
                color="primary",
                disabled=not usable,
                on_click=lambda b=button: press(b),
                classes=[f"groupsim-iv-{button.key}"],
            )
    for run in room.runs:
        queued = room.pending(run)
        if queued:
            names = ", ".join(
                marker_text({"action": i.action, "detail": i.model_dump(mode="json")}, lang) for i in queued
            )
            prefix = f"{t(lang, f'run.{run.key}')}: " if room.comparing else ""
            solara.Text(
                prefix + t(lang, "interventions.queued", day=next_day, names=names),
                classes=["groupsim-hint", "groupsim-queued"],
            )
    if message.value:
        solara.Error(message.value)


@solara.component
def RunButtons(
    playing: solara.Reactive[bool],
    finished: bool,
    day: int,
    on_step: Callable[[], None],
    on_reset: Callable[[], None],
    lang: str,
):
    """Play/pause, step one day, reset."""
    with solara.Row(gap="4px"):
        if playing.value:
            solara.Button(
                t(lang, "btn.pause"),
                icon_name="mdi-pause",
                color="primary",
                on_click=lambda: playing.set(False),
                classes=["groupsim-pause"],
            )
        else:
            solara.Button(
                t(lang, "btn.play"),
                icon_name="mdi-play",
                color="primary",
                disabled=finished,
                on_click=lambda: playing.set(True),
                classes=["groupsim-play"],
            )
        solara.Button(
            t(lang, "btn.step"),
            icon_name="mdi-skip-next",
            disabled=playing.value or finished,
            on_click=on_step,
            classes=["groupsim-step"],
        )
        solara.Button(
            t(lang, "btn.reset"),
            icon_name="mdi-restore",
            on_click=on_reset,
            classes=["groupsim-reset"],
        )
    if finished:
        solara.Text(t(lang, "run.finished", day=day), classes=["groupsim-hint"])


# -------------------------------------------------------------------------------- page


@solara.component
def Page():
    """The whole app for one browser session."""
    lang = LANG.value
    start = solara.use_memo(initial_settings, [])
    settings = solara.use_reactive(start)
    seed_draft = solara.use_reactive(start.seed)
    first_room, first_error = solara.use_memo(lambda: _try_open(start), [])
    error = solara.use_reactive(first_error)
    room = solara.use_reactive(first_room)
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(SPEEDS[2])
    target = solara.use_reactive("a")
    drawn = solara.use_memo(DrawnDays, [])
    # what the sidebar needs to know about the days; changes rarely, so it re-renders rarely
    started = solara.use_reactive(False)
    finished = solara.use_reactive(False)

    def advance(current: Classroom, days: int = 1) -> bool:
        """Simulate `days` days, then redraw what shows days (from Step and the play loop); False
        if the model failed, with the reason shown instead of a traceback."""
        try:
            for _ in range(days):
                current.step()
        except Exception as exc:  # a model bug must not freeze the page in the middle of a class
            playing.set(False)
            error.set(
                t(
                    LANG.value,
                    "error.step",
                    day=current.day + 1,
                    problem=f"{type(exc).__name__}: {exc}",
                )
            )
            return False
        started.set(current.day > 0)
        finished.set(not current.running)
        force_update()
        return True

    def rebuild(new: Settings) -> None:
        playing.set(False)
        built, problem = _try_open(new)
        error.set(problem)
        if built is not None:
            settings.set(new)
            room.set(built)
            started.set(False)
            finished.set(False)

    def play_loop() -> None:
        frame = 0.0  # seconds the last simulate-and-draw cycle took
        while playing.value:
            current = room.value
            if current is None or not current.running:
                playing.set(False)
                return
            began = time.perf_counter()
            # keep the chosen days/second: if drawing a day takes longer than a day may, draw every
            # few days (the charts still show every day; the network view jumps)
            days = max(1, min(MAX_DAYS_PER_FRAME, round(speed.value * frame)))
            if not advance(current, min(days, current.horizon - current.day)):
                return
            # never run ahead of the browser: a backlog of redraws would make Pause take seconds
            drawn.wait_for(current.day, timeout=BROWSER_TIMEOUT_S)
            frame = time.perf_counter() - began
            time.sleep(max(0.0, days / speed.value - frame))

    solara.lab.use_task(play_loop, dependencies=[playing.value], prefer_threaded=True)

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

    files = scenario_files(scenarios_dir(), settings.value.scenario_a)
    by_name = {str(path): path for path in files}
    with solara.Sidebar():
        with solara.Card(t(lang, "panel.run"), classes=["groupsim-run-panel"]):
            solara.v.Autocomplete(
                label=t(lang, "scenario.label"),
                v_model=str(settings.value.scenario_a),
                dense=True,
                items=[{"text": p.stem, "value": str(p)} for p in files],
                class_="groupsim-scenario",
                on_v_model=lambda value: (
                    value and rebuild(Settings(by_name[value], settings.value.scenario_b, seed_draft.value))
                ),
            )
            Description(settings.value.scenario_a, lang)
            none = "-"
            solara.v.Autocomplete(
                label=t(lang, "compare.label"),
                dense=True,
                class_="groupsim-compare",
                v_model=str(settings.value.scenario_b) if settings.value.scenario_b else none,
                items=[{"text": t(lang, "compare.none"), "value": none}]
                + [{"text": p.stem, "value": str(p)} for p in files],
                on_v_model=lambda value: (
                    value
                    and rebuild(
                        Settings(
                            settings.value.scenario_a,
                            None if value == none else by_name[value],
                            seed_draft.value,
                            settings.value.levers,
                        )
                    )
                ),
            )
            if settings.value.scenario_b is not None:
                Description(settings.value.scenario_b, lang)
            solara.InputInt(t(lang, "seed.label"), value=seed_draft, classes=["groupsim-seed"])
            if room.value is not None:
                RunButtons(
                    playing,
                    finished.value,
                    room.value.day,
                    lambda: advance(room.value),
                    lambda: rebuild(_reseeded(settings.value, seed_draft.value)),
                    lang,
                )
            solara.SliderValue(t(lang, "speed.label", speed=speed.value), value=speed, values=list(SPEEDS))
            if error.value:
                solara.Error(error.value, classes=["groupsim-error"])
        if room.value is not None:
            with solara.Card(t(lang, "panel.interventions"), classes=["groupsim-interventions"]):
                InterventionPanel(room.value, target, lang)
            with solara.Card(t(lang, "panel.levers"), classes=["groupsim-levers"]):
                Levers(room.value, started.value, settings, rebuild, error, lang)

    if room.value is None:
        solara.Error(error.value or "no scenario")
        return
    StatusBanner(room.value)
    FitCharts()
    _WithoutMesaSidebar(children=[SolaraViz(room, components=CHARTS, name=t(lang, "app.title"))])
    DayDrawn(room.value, drawn)  # last, so its update reaches the browser after the charts'


@solara.component
def DayDrawn(room: Classroom, drawn: DrawnDays):
    """Sends the browser the day on screen; the browser answers once it has drawn it."""
    update_counter.get()
    RenderAck(day=room.day, event_rendered=drawn.report)


@solara.component
def Levers(
    room: Classroom,
    started: bool,
    settings: solara.Reactive[Settings],
    rebuild: Callable[[Settings], None],
    error: solara.Reactive[str],
    lang: str,
):
    """The lever controls for run A (values: the settings' overrides, else scenario A's own)."""
    base = solara.use_memo(lambda: _load_quietly(settings.value.scenario_a), [str(settings.value.scenario_a)])
    if base is None:
        return
    chosen = dict(settings.value.levers)

    def change(lever: Lever, value: Any) -> None:
        new = settings.value.with_lever(lever.path, value)
        if room.day == 0:
            rebuild(new)  # nothing simulated yet: start over with the new value
            return
        if lever.live:
            try:
                room.schedule(lever_intervention(room.day + 1, {lever.path: value}), room.targets("a"))
            except ValueError as exc:
                error.set(t(lang, "error.lever", problem=str(exc)))
                return
            force_update()
        error.set("")
        settings.set(new)

    solara.Text(t(lang, "levers.live"), classes=["groupsim-hint"])
    for lever in LEVERS:
        LeverControl(
            lever,
            chosen.get(lever.path, lever.read(base)),
            lambda v, lv=lever: change(lv, v),
            lang,
            started,
        )


@solara.component
def Description(path: Path, lang: str):
    """The scenario's own description in the page's language (nothing if it does not load)."""
    scenario = solara.use_memo(lambda: _load_quietly(path), [str(path)])
    if scenario is not None:
        text = getattr(scenario.description, lang) or scenario.description.en
        solara.Text(text, classes=["groupsim-hint", "groupsim-description"])


def _reseeded(settings: Settings, seed: int | None) -> Settings:
    return Settings(
        settings.scenario_a,
        settings.scenario_b,
        settings.seed if seed is None else int(seed),
        settings.levers,
    )


def _try_open(settings: Settings) -> tuple[Classroom | None, str]:
    """The classroom for `settings` and "", or None and why it could not be built."""
    try:
        return open_classroom(settings), ""
    except Exception as exc:  # a scenario or lever problem, shown to the trainer instead of a traceback
        return None, t(LANG.value, "error.scenario", problem=first_problem(exc))


def _load_quietly(path: Path):
    try:
        return load_for_app(path)
    except Exception:  # reported by _try_open when the classroom is built
        return None
