"""A group's own history, turned into the daily observation table the model is calibrated to.

`observe_file(path, ObserveOptions(...))` reads a daily statistics CSV, a message-level CSV or a
QQ text export (`sim.observe.formats`) and returns an `Observation`: the daily table
(`sim.observe.table`), a per-sender table under pseudonyms, and what was done (`meta`).
`write_observation` stores it in a results folder (observed.parquet, senders.parquet,
observation.json, summary.html); `load_observation` reads one back for `groupsim calibrate`.
"""

from sim.observe.folder import OBSERVED_FILE, load_observation, write_tables
from sim.observe.observation import Observation, ObserveOptions, observe_file, table_hash

__all__ = [
    "OBSERVED_FILE",
    "ObserveOptions",
    "Observation",
    "load_observation",
    "observe_file",
    "table_hash",
    "write_tables",
]
