"""groupsim: an agent-based simulation (Mesa) of chat communities and how they live and die.

Public API (see README "Python API"):
    load_scenario(path) -> Scenario
    run_scenario(scenario, seed, days=None) -> RunResult (daily, members, summary)
    CommunityModel, Member
"""

__version__ = "0.1.0"

from sim.compiled import configure_cache  # noqa: E402

configure_cache()  # before numba reads its configuration: a read-only install caches elsewhere

from sim.agents import Member  # noqa: E402
from sim.model import CommunityModel  # noqa: E402
from sim.runner import RunResult, build_model, run_scenario  # noqa: E402
from sim.scenario import Scenario, ScenarioError, apply_overrides, load_scenario  # noqa: E402

__all__ = [
    "CommunityModel",
    "Member",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "__version__",
    "apply_overrides",
    "build_model",
    "load_scenario",
    "run_scenario",
]
