"""One browser session's state, as a Solara hook: what the trainer chose, the classroom it built
(one model, or two in lockstep), and playing.

`use_session()` is called once by the page (`app.py`); the sidebar (`sidebar.py`) reads and
changes the session through the returned `Session`. Nothing here draws anything.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import solara
import solara.lab

from sim.app.classroom import Classroom, Settings, open_classroom
from sim.app.controls import ENV_SCENARIO, ENV_SCENARIOS_DIR, ENV_SEED, default_scenarios_dir, first_problem
from sim.app.viz import force_update
from sim.i18n import t

#: The language of this browser session ("en" or "zh"); Solara keeps one value per session.
LANG = solara.reactive("en")
#: Simulated days per second while playing (the slider's choices).
SPEEDS = (1, 2, 4, 8, 15)
#: Most days simulated between two redraws while playing fast.
MAX_DAYS_PER_FRAME = 5
#: Longest wait for the browser to draw a day while playing (a closed tab must not stall the loop).
BROWSER_TIMEOUT_S = 3.0


def initial_settings() -> Settings:
    """The session's first settings, from the environment `groupsim app` sets."""
    default = default_scenarios_dir() / "baseline.yaml"
    scenario = Path(os.environ.get(ENV_SCENARIO, str(default)))
    seed = int(os.environ.get(ENV_SEED, "1"))
    return Settings(scenario_a=scenario, seed=seed)


def scenarios_dir() -> Path:
    """Where the scenario picker looks: `$GROUPSIM_APP_SCENARIOS_DIR`, else `scenarios/`."""
    return Path(os.environ.get(ENV_SCENARIOS_DIR, str(default_scenarios_dir())))


def open_or_explain(settings: Settings) -> tuple[Classroom | None, str]:
    """The classroom for `settings` and "", or None and why it could not be built."""
    try:
        return open_classroom(settings), ""
    except Exception as exc:  # a scenario or lever problem, shown to the trainer instead of a traceback
        return None, t(LANG.value, "error.scenario", problem=first_problem(exc))


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


@dataclass(eq=False)
class Session:
    """A browser session: the trainer's settings and the seed being typed, the classroom (None
    when the settings could not be built, with `error` saying why), play state and speed, which
    run interventions go to, whether any day was simulated (`started`) or the horizon reached
    (`finished`), and the days the browser has drawn."""

    settings: solara.Reactive[Settings]
    seed_draft: solara.Reactive[int]
    room: solara.Reactive[Classroom | None]
    error: solara.Reactive[str]
    playing: solara.Reactive[bool]
    speed: solara.Reactive[int]
    target: solara.Reactive[str]
    started: solara.Reactive[bool]
    finished: solara.Reactive[bool]
    drawn: DrawnDays

    def advance(self, room: Classroom, days: int = 1) -> bool:
        """Simulate `days` days, then redraw what shows days (from Step and the play loop); False
        if the model failed, with the reason shown instead of a traceback."""
        try:
            for _ in range(days):
                room.step()
        except Exception as exc:  # a model bug must not freeze the page in the middle of a class
            self.playing.set(False)
            problem = f"{type(exc).__name__}: {exc}"
            self.error.set(t(LANG.value, "error.step", day=room.day + 1, problem=problem))
            return False
        self.started.set(room.day > 0)
        self.finished.set(not room.running)
        force_update()
        return True

    def rebuild(self, new: Settings) -> None:
        """Stop playing and build the classroom for `new` (kept only if it builds)."""
        self.playing.set(False)
        built, problem = open_or_explain(new)
        self.error.set(problem)
        if built is not None:
            self.settings.set(new)
            self.room.set(built)
            self.started.set(False)
            self.finished.set(False)

    def reset(self) -> None:
        """Start over from day 0 with the settings and the seed in the seed box."""
        current, seed = self.settings.value, self.seed_draft.value
        seed = current.seed if seed is None else int(seed)
        self.rebuild(Settings(current.scenario_a, current.scenario_b, seed, current.levers))

    def play_loop(self) -> None:
        """Simulate and redraw at the chosen days/second until paused or the horizon."""
        frame = 0.0  # seconds the last simulate-and-draw cycle took
        while self.playing.value:
            room = self.room.value
            if room is None or not room.running:
                self.playing.set(False)
                return
            began = time.perf_counter()
            # keep the chosen days/second: if drawing a day takes longer than a day may, draw every
            # few days (the charts still show every day; the network view jumps)
            days = max(1, min(MAX_DAYS_PER_FRAME, round(self.speed.value * frame)))
            if not self.advance(room, min(days, room.horizon - room.day)):
                return
            # never run ahead of the browser: a backlog of redraws would make Pause take seconds
            self.drawn.wait_for(room.day, timeout=BROWSER_TIMEOUT_S)
            frame = time.perf_counter() - began
            time.sleep(max(0.0, days / self.speed.value - frame))


def use_session() -> Session:
    """The session of the page calling it (a Solara hook: call it once, unconditionally)."""
    start = solara.use_memo(initial_settings, [])
    first_room, first_error = solara.use_memo(lambda: open_or_explain(start), [])
    session = Session(
        settings=solara.use_reactive(start),
        seed_draft=solara.use_reactive(start.seed),
        room=solara.use_reactive(first_room),
        error=solara.use_reactive(first_error),
        playing=solara.use_reactive(False),
        speed=solara.use_reactive(SPEEDS[2]),
        target=solara.use_reactive("a"),
        started=solara.use_reactive(False),
        finished=solara.use_reactive(False),
        drawn=solara.use_memo(DrawnDays, []),
    )
    solara.lab.use_task(session.play_loop, dependencies=[session.playing.value], prefer_threaded=True)
    return session
