"""The model's compiled code: where numba keeps it, whether it is compiled yet, and compiling it ahead.

The day's kernels are compiled by numba on first use and cached on disk (`cache=True`), beside
their modules (`sim/mechanisms/__pycache__`); every later process loads them in about a second.
`scripts/setup.sh` compiles them once (`sim.compiled.main`), and the commands that run the
model say so when they have to do it themselves ("compiling the model (first run only)").

This module imports no numba code at import time: `configure_cache` must run before numba reads its
configuration (sim/__init__.py calls it first).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def configure_cache(
    package_dir: Path = PACKAGE, writable: Callable[[Path], bool] | None = None
) -> Path | None:
    """Make sure numba has a writable place for its cache.

    Beside the modules when the package folder is writable (an editable install, this repository);
    otherwise (a read-only install) a user cache folder, or a temporary one if even that cannot be
    written. An explicit NUMBA_CACHE_DIR is left alone. Returns the folder chosen, or None when
    numba caches beside the modules (or the user chose)."""
    if "NUMBA_CACHE_DIR" in os.environ:
        return None
    can_write = writable or (lambda path: os.access(path, os.W_OK))
    if can_write(package_dir):
        return None
    home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    for folder in (home / "groupsim-numba", Path(tempfile.gettempdir()) / f"groupsim-numba-{os.getuid()}"):
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if can_write(folder):
            os.environ["NUMBA_CACHE_DIR"] = str(folder)
            return folder
    return None


def is_compiled() -> bool:
    """Whether the day's kernels are in numba's cache for this code and this machine (checked on
    one of them; a wrong answer only costs a note or a needless warm-up)."""
    from sim.mechanisms import posting

    try:
        return bool(posting.post._cache._cache_file._load_index())
    except Exception:  # numba's cache layout is private: when in doubt, say it is not compiled
        return False


def warm() -> float:
    """Compile every kernel by simulating a few days of a community that uses every mechanism;
    returns the seconds it took."""
    from sim.runner import run_scenario
    from sim.scenario import Scenario

    start = time.perf_counter()
    cadence = {name: {"enabled": True} for name in ("morning_report", "topic_prompts", "mentions",
                                                     "guided_discussion", "red_packets", "lottery")}  # fmt: skip
    everything = {
        "horizon": {"days": 12, "stop_at_death": False},
        "population": {"initial_members": 40},
        "entry": {"threshold": "vetting"},
        "rules": {"ban_off_topic": True},
        "cadence": cadence | {"promotion": {"enabled": True, "start_day": 1}},
        "kol": {"count": 1},
        "koc": {"enabled": True, "start_day": 2},
        "events": {"enabled": True, "start_day": 3},
        "incentives": {"enabled": True},
        "matrix": {"max_group_size": 30},
        "timeline": [{"day": 5, "action": "mass_add", "count": 10}, {"day": 6, "action": "run_event"}],
        # the seeds' mechanisms (issue 15)
        "group": {"type": "deals"},
        "checkins": {"enabled": True},
        "culture": {"enabled": True, "manifesto": {"enabled": True}},
        "onboarding": {"welcome_ritual": True, "self_introductions": True},
        "energy": {"enabled": True},
        "playbook": [
            {"when": "value_contributors", "below": 100, "for_days": 2, "do": {"action": "run_event"}}
        ],
    }
    cadence["introductions"] = {"enabled": True}
    for seed, bait in ((1, False), (2, True)):
        run_scenario(Scenario.model_validate(everything | {"referral": {"bait": {"enabled": bait}}}), seed)
    return time.perf_counter() - start


def ensure_compiled(say: Callable[[str], None]) -> None:
    """Compile the kernels now (saying so) if this is the first run on this machine, so that worker
    processes started afterwards load them from the cache instead of each compiling them."""
    if not is_compiled():
        say("compiling the model (first run only; about a minute) ...")
        warm()


def main() -> None:
    """Compile (or load) every kernel, saying how long it took (scripts/setup.sh calls this)."""
    print("compiling the model's kernels (cached after the first time) ...", file=sys.stderr, flush=True)
    print(f"ready in {warm():.1f} s", file=sys.stderr)
