"""A batch declared as data (`Job`), and how its pending tasks are cut into chunks.

A job is a list of tasks (task key, scenario label, seed, identity columns) in output order,
plus the scenarios they refer to. `groupsim compare` builds one task per scenario and replicate;
a sweep builds one per parameter point and replicate. Nothing here knows which.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sim import __version__
from sim.batch.worker import Chunk, Simulate, Task, code_fingerprint
from sim.runner import run_scenario
from sim.scenario import Scenario, scenario_hash


@dataclass(frozen=True)
class Job:
    """What a batch computes. Outputs are sorted in the order of `tasks`.

    `scenarios` maps each label used by a task to its (validated, frozen) scenario.
    `simulate(scenario, seed)` must be a module-level function (it is pickled by reference)
    returning a `RunResult`; `daily_columns` limits the stored daily columns (None: all; an
    empty tuple: no daily table, only run rows). `extra_identity` holds whatever else must match
    for a folder to be resumed (e.g. a sweep's design hash); it is part of `identity()`.
    """

    kind: str
    scenarios: Mapping[str, Scenario]
    tasks: tuple[Task, ...]
    root_seed: int
    simulate: Simulate = run_scenario
    daily_columns: tuple[str, ...] | None = None
    details: Mapping[str, Any] = field(default_factory=dict)  # shown in the manifest, not part of identity
    extra_identity: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for task in self.tasks:
            if task.key in seen:
                raise ValueError(f"task key {task.key!r} appears twice in the job")
            seen.add(task.key)
            if task.scenario not in self.scenarios:
                raise ValueError(f"task {task.key!r} refers to unknown scenario {task.scenario!r}")

    def position(self) -> dict[str, int]:
        """Task key -> its index in the job (the output order)."""
        return {task.key: i for i, task in enumerate(self.tasks)}

    def identity(self) -> dict[str, Any]:
        """What must match for a results folder to be resumed or extended by this job.

        Not the task list: a job with more replicates of the same scenarios and root seed
        continues an earlier one (the seeds of the earlier replicates do not change).
        """
        identity = {
            "kind": self.kind,
            "root_seed": self.root_seed,
            "scenarios": [
                {"label": label, "name": sc.name, "hash": scenario_hash(sc)}
                for label, sc in self.scenarios.items()
            ],
            "simulate": f"{self.simulate.__module__}.{self.simulate.__qualname__}",
            "daily_columns": list(self.daily_columns) if self.daily_columns is not None else None,
            "code_fingerprint": code_fingerprint(),
            "version": __version__,
        }
        if self.extra_identity:  # absent when empty, so earlier folders keep their identity
            identity["extra"] = dict(self.extra_identity)
        return identity

    def identity_hash(self) -> str:
        """A short hash of `identity()` (e.g. to name a default results folder)."""
        text = json.dumps(self.identity(), sort_keys=True, ensure_ascii=True)
        return hashlib.sha256(text.encode()).hexdigest()[:8]


class ChunkPlanner:
    """Cuts the pending tasks of a job into chunks, in job order, as workers become free.

    A chunk holds tasks of one scenario that are adjacent in the job order, so every part file
    of the result store covers one contiguous stretch of the output. Chunks are sized from the
    measured time per task to take about `target_seconds` (amortising the cost of shipping a
    chunk), at most `max_size` tasks, and small enough near the end that every slot stays busy.
    The first chunks hold `first_size` tasks, until a time per task has been measured.
    """

    def __init__(
        self,
        job: Job,
        pending: Iterable[Task],
        slots: int,
        *,
        target_seconds: float = 2.0,
        max_size: int = 64,
        first_size: int = 1,
    ) -> None:
        self._job = job
        self._queue: deque[Task] = deque(pending)
        self._position = job.position()
        self._slots = max(1, slots)
        self._target = target_seconds
        self._max = max(1, max_size)
        self._first = max(1, first_size)
        self._seconds = 0.0
        self._measured = 0

    def __len__(self) -> int:
        """Tasks not yet handed out."""
        return len(self._queue)

    def record(self, tasks: int, seconds: float) -> None:
        """Learn from a finished chunk: `tasks` runs took `seconds` of worker time."""
        if tasks > 0 and seconds >= 0:
            self._measured += tasks
            self._seconds += seconds

    def seconds_per_task(self) -> float | None:
        """Mean worker seconds per task so far (None before the first chunk returns)."""
        return self._seconds / self._measured if self._measured else None

    def size(self) -> int:
        """How many tasks the next chunk should hold (before cutting at scenario boundaries)."""
        per_task = self.seconds_per_task()
        wanted = self._first if per_task is None else round(self._target / max(per_task, 1e-6))
        tail = math.ceil(len(self._queue) / (2 * self._slots))
        return max(1, min(wanted, self._max, tail))

    def next_chunk(self) -> Chunk:
        """The next chunk (IndexError when nothing is left)."""
        if not self._queue:
            raise IndexError("no pending tasks left")
        limit = self.size()
        first = self._queue.popleft()
        tasks = [first]
        while self._queue and len(tasks) < limit:
            candidate = self._queue[0]
            if (
                candidate.scenario != first.scenario
                or self._position[candidate.key] != self._position[tasks[-1].key] + 1
            ):
                break
            tasks.append(self._queue.popleft())
        return make_chunk(self._job, tasks)


def make_chunk(job: Job, tasks: list[Task]) -> Chunk:
    """A chunk of `tasks` (all of one scenario) with the job's simulate function and columns."""
    label = tasks[0].scenario
    return Chunk(job.scenarios[label], tuple(tasks), job.simulate, job.daily_columns)
