"""The `groupsim` command line. Each command lives in its own module and registers on `app`."""

from __future__ import annotations

from sim.cli import calibrate as _calibrate  # noqa: F401  (registers `calibrate`)
from sim.cli import compare as _compare  # noqa: F401  (registers `compare`)
from sim.cli import discover as _discover  # noqa: F401  (registers `discover`)
from sim.cli import forecast as _forecast  # noqa: F401  (registers `forecast`)
from sim.cli import observe as _observe  # noqa: F401  (registers `observe`)
from sim.cli import optimize as _optimize  # noqa: F401  (registers `optimize`)
from sim.cli import run as _run  # noqa: F401  (registers `run`)
from sim.cli import sweep as _sweep  # noqa: F401  (registers `sweep`, `analyze`)
from sim.cli import validate as _validate  # noqa: F401  (registers `validate`, `params`)
from sim.cli import webapp as _webapp  # noqa: F401  (registers `app`)
from sim.cli.common import app


def main() -> None:
    """Entry point of the `groupsim` console script and `python -m sim`."""
    app()
