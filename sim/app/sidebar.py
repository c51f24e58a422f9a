"""The app's sidebar: the run panel (scenarios, seed, play/step/reset, speed), the intervention
buttons, and the levers of group A. Every control reads and changes the page's `Session`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import solara

from sim.app.classroom import Classroom, Settings
from sim.app.controls import BUTTONS, LEVERS, Lever, lever_intervention, load_for_app, scenario_files
from sim.app.session import SPEEDS, Session, scenarios_dir
from sim.app.viz import force_update, update_counter
from sim.figures import marker_text
from sim.i18n import t


@solara.component
def Sidebar(session: Session, lang: str):
    """Everything in the page's left column."""
    room = session.room.value
    with solara.Sidebar():
        with solara.Card(t(lang, "panel.run"), classes=["groupsim-run-panel"]):
            RunPanel(session, lang)
        if room is not None:
            with solara.Card(t(lang, "panel.interventions"), classes=["groupsim-interventions"]):
                InterventionPanel(room, session.target, lang)
            with solara.Card(t(lang, "panel.levers"), classes=["groupsim-levers"]):
                Levers(session, lang)


@solara.component
def RunPanel(session: Session, lang: str):
    """Scenario A and the one to compare with (B), the seed, play/step/reset, speed, problems."""
    settings = session.settings.value
    files = scenario_files(scenarios_dir(), settings.scenario_a)
    by_name = {str(path): path for path in files}
    choices = [{"text": p.stem, "value": str(p)} for p in files]
    none = "-"

    def choose_a(value: str | None) -> None:
        if value:  # a new scenario A starts from its own lever values
            session.rebuild(Settings(by_name[value], settings.scenario_b, session.seed_draft.value))

    def choose_b(value: str | None) -> None:
        if value:
            b = None if value == none else by_name[value]
            session.rebuild(Settings(settings.scenario_a, b, session.seed_draft.value, settings.levers))

    solara.v.Autocomplete(
        label=t(lang, "scenario.label"),
        v_model=str(settings.scenario_a),
        dense=True,
        items=choices,
        class_="groupsim-scenario",
        on_v_model=choose_a,
    )
    Description(settings.scenario_a, lang)
    solara.v.Autocomplete(
        label=t(lang, "compare.label"),
        dense=True,
        class_="groupsim-compare",
        v_model=str(settings.scenario_b) if settings.scenario_b else none,
        items=[{"text": t(lang, "compare.none"), "value": none}, *choices],
        on_v_model=choose_b,
    )
    if settings.scenario_b is not None:
        Description(settings.scenario_b, lang)
    solara.InputInt(t(lang, "seed.label"), value=session.seed_draft, classes=["groupsim-seed"])
    room = session.room.value
    if room is not None:
        RunButtons(
            session.playing,
            session.finished.value,
            room.day,
            lambda: session.advance(room),
            session.reset,
            lang,
        )
    speed = session.speed
    solara.SliderValue(t(lang, "speed.label", speed=speed.value), value=speed, values=list(SPEEDS))
    if session.error.value:
        solara.Error(session.error.value, classes=["groupsim-error"])


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


@solara.component
def Levers(session: Session, lang: str):
    """The lever controls for run A (values: the settings' overrides, else scenario A's own)."""
    settings, room = session.settings, session.room.value
    base = solara.use_memo(lambda: _load_quietly(settings.value.scenario_a), [str(settings.value.scenario_a)])
    if base is None or room is None:
        return
    chosen = dict(settings.value.levers)

    def change(lever: Lever, value: Any) -> None:
        new = settings.value.with_lever(lever.path, value)
        if room.day == 0:
            session.rebuild(new)  # nothing simulated yet: start over with the new value
            return
        if lever.live:
            try:
                room.schedule(lever_intervention(room.day + 1, {lever.path: value}), room.targets("a"))
            except ValueError as exc:
                session.error.set(t(lang, "error.lever", problem=str(exc)))
                return
            force_update()
        session.error.set("")
        settings.set(new)

    solara.Text(t(lang, "levers.live"), classes=["groupsim-hint"])
    for lever in LEVERS:
        LeverControl(
            lever,
            chosen.get(lever.path, lever.read(base)),
            lambda v, lv=lever: change(lv, v),
            lang,
            session.started.value,
        )


@solara.component
def Description(path: Path, lang: str):
    """The scenario's own description in the page's language (nothing if it does not load)."""
    scenario = solara.use_memo(lambda: _load_quietly(path), [str(path)])
    if scenario is not None:
        text = getattr(scenario.description, lang) or scenario.description.en
        solara.Text(text, classes=["groupsim-hint", "groupsim-description"])


def _load_quietly(path: Path):
    try:
        return load_for_app(path)
    except Exception:  # reported by _try_open when the classroom is built
        return None
