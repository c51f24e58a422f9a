"""The batch loop: hand chunks of pending tasks to an executor and store each as it returns.

`run_job(job, store, executor)` runs every task of `job` that `store` does not already hold,
streaming finished chunks to the store. It is the same for compares and sweeps, and for every
executor. What can go wrong, and what happens:

* a run raises -> the worker records it as an error row; the batch continues;
* a worker process dies (crash, killed for memory) -> the local pool is restarted and the tasks
  that were in flight are re-run one at a time, so the run that kills its worker is found and
  recorded as an error, and the others complete;
* a chunk fails for another reason (e.g. Dask gave up after its worker died repeatedly) ->
  its tasks are retried one per chunk; a single task that fails this way is recorded as an error;
* contact with the workers is lost (cancelled, connection closed) -> the batch stops (BatchError);
* a worker runs different model code (code fingerprint) -> the batch stops (BatchError);
* Ctrl-C -> the workers are stopped at once; finished chunks are already on disk.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, CancelledError, Future, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import UTC, datetime

from sim.batch.executors import BatchExecutor
from sim.batch.job import ChunkPlanner, Job, make_chunk
from sim.batch.store import ResultStore
from sim.batch.worker import (
    STATUS_ERROR,
    STATUS_OK,
    Chunk,
    ChunkResult,
    Task,
    code_fingerprint,
    infrastructure_error_row,
    one_line_error,
    run_chunk,
    worker_name,
)

#: A batch gives up after this many worker-pool restarts (something is badly wrong).
MAX_RESTARTS = 20
WORKER_DIED = (
    "the worker process died while running this replicate "
    "(it crashed or was killed, e.g. by the system for lack of memory)"
)


class BatchError(Exception):
    """The batch cannot continue; the message is worded for the user."""


@dataclass(frozen=True)
class BatchProgress:
    """Where a batch stands. `done` and `failed` include runs from earlier sessions; `ran` and
    `elapsed` are this session's."""

    total: int
    done: int
    failed: int
    ran: int
    elapsed: float


@dataclass(frozen=True)
class BatchOutcome(BatchProgress):
    """How a session ended: progress, worker wall-clock and CPU seconds, and pool restarts."""

    worker_seconds: float
    restarts: int
    worker_cpu_seconds: float = 0.0

    @property
    def complete(self) -> bool:
        return self.done == self.total

    @property
    def runs_per_second(self) -> float | None:
        return self.ran / self.elapsed if self.ran and self.elapsed > 0 else None


def run_remaining(
    job: Job,
    store: ResultStore,
    make_executor: Callable[[], BatchExecutor],
    *,
    on_start: Callable[[BatchProgress, BatchExecutor], None] | None = None,
    on_progress: Callable[[BatchProgress], None] | None = None,
    retry_failed: bool = False,
) -> BatchOutcome | None:
    """Run whatever `store` still lacks of `job`, starting an executor only if something is left.

    `on_start` is called once the executor is up, with the progress so far. Returns None when
    every run was already done.
    """
    keys = [task.key for task in job.tasks]
    ok, failed = store.counts(keys)
    if len(keys) - ok - (0 if retry_failed else failed) == 0:
        return None
    with make_executor() as executor:
        if on_start is not None:
            on_start(BatchProgress(len(keys), ok + failed, failed, 0, 0.0), executor)
        return run_job(job, store, executor, on_progress=on_progress, retry_failed=retry_failed)


def run_job(
    job: Job,
    store: ResultStore,
    executor: BatchExecutor,
    *,
    on_progress: Callable[[BatchProgress], None] | None = None,
    retry_failed: bool = False,
    target_chunk_seconds: float = 2.0,
    max_chunk: int = 64,
) -> BatchOutcome:
    """Run the tasks of `job` that `store` lacks (and, with `retry_failed`, those that failed)."""
    loop = _Loop(job, store, executor, on_progress, retry_failed, target_chunk_seconds, max_chunk)
    started = datetime.now(UTC).isoformat(timespec="seconds")
    interrupted = True
    try:
        outcome = loop.run()
        interrupted = False
        return outcome
    except BaseException:
        executor.abort()
        raise
    finally:
        if loop.ran or interrupted:
            session = {
                "started": started,
                "executor": executor.describe(),
                "ran": loop.ran,
                "seconds": round(loop.elapsed(), 3),
                "interrupted": interrupted,
                "host": worker_name(),
            }
            store.log_session(session)


class _Loop:
    def __init__(
        self,
        job: Job,
        store: ResultStore,
        executor: BatchExecutor,
        on_progress: Callable[[BatchProgress], None] | None,
        retry_failed: bool,
        target_chunk_seconds: float,
        max_chunk: int,
    ) -> None:
        self.job, self.store, self.executor, self.on_progress = job, store, executor, on_progress
        self.keys = [task.key for task in job.tasks]
        finished = store.finished_keys(retry_failed=retry_failed)
        pending = [task for task in job.tasks if task.key not in finished]
        self.planner = ChunkPlanner(
            job, pending, executor.slots, target_seconds=target_chunk_seconds, max_size=max_chunk
        )
        self.position = job.position()
        self.suspects: deque[Task] = deque()  # re-run one at a time after a worker died
        self.suspected: set[str] = set()  # every task that has been a suspect
        self.singles: deque[Task] = deque()  # re-run one per chunk after a chunk failed
        self.in_flight: dict[Future, Chunk] = {}
        self.fingerprint = code_fingerprint()
        self.ok, self.failed = store.counts(self.keys)
        self.ran = 0
        self.worker_seconds = 0.0
        self.worker_cpu_seconds = 0.0
        self.restarts = 0
        self.returned = 0  # chunks that came back from a worker
        self._start = time.perf_counter()

    def elapsed(self) -> float:
        return time.perf_counter() - self._start

    def progress(self) -> BatchProgress:
        return BatchProgress(len(self.keys), self.ok + self.failed, self.failed, self.ran, self.elapsed())

    def _add(self, result: ChunkResult) -> None:
        """Store a chunk's rows and keep the ok/failed counts current."""
        before = {row["_key"]: self.store.status(row["_key"]) for row in result.rows}
        self.store.add(result)
        for key, old in before.items():
            new = self.store.status(key)
            self.ok += (new == STATUS_OK) - (old == STATUS_OK)
            self.failed += (new == STATUS_ERROR) - (old == STATUS_ERROR)
        self.ran += len(result.rows)

    def run(self) -> BatchOutcome:
        self._report()
        while self.planner or self.suspects or self.singles or self.in_flight:
            self._fill()
            done, _ = wait(list(self.in_flight), return_when=FIRST_COMPLETED)
            lost: list[Chunk] = []
            for future in sorted(done, key=lambda f: self.position[self.in_flight[f].tasks[0].key]):
                chunk = self.in_flight.pop(future)
                try:
                    result = future.result()
                except BrokenProcessPool:
                    lost.append(chunk)
                except Exception as exc:  # noqa: BLE001 - the chunk failed around its runs
                    self._chunk_failed(chunk, exc)
                else:
                    self._store(chunk, result)
            if lost:
                self._pool_broke(lost)
        p = self.progress()
        return BatchOutcome(
            p.total,
            p.done,
            p.failed,
            p.ran,
            p.elapsed,
            self.worker_seconds,
            self.restarts,
            self.worker_cpu_seconds,
        )

    def _fill(self) -> None:
        """Submit work: one suspect at a time while there are any, else keep every slot fed twice."""
        if self.suspects:
            if not self.in_flight:
                self._submit(make_chunk(self.job, [self.suspects.popleft()]))
            return
        window = 2 * self.executor.slots
        while self.singles and len(self.in_flight) < window:
            self._submit(make_chunk(self.job, [self.singles.popleft()]))
        while self.planner and len(self.in_flight) < window:
            self._submit(self.planner.next_chunk())

    def _submit(self, chunk: Chunk) -> None:
        try:
            self.in_flight[self.executor.submit(run_chunk, chunk)] = chunk
        except BrokenProcessPool:  # a worker died since the last look
            self._pool_broke([chunk])

    def _store(self, chunk: Chunk, result: ChunkResult) -> None:
        if result.fingerprint != self.fingerprint:
            raise BatchError(
                f"worker {result.worker} runs different groupsim model code (code fingerprint "
                f"{result.fingerprint}, here {self.fingerprint}); every worker must run the same "
                "version (in a notebook or long-lived session, restart it after editing the model). "
                "Finished runs are saved; fix the workers and run the command again"
            )
        self.returned += 1
        self._add(result)
        self.planner.record(len(chunk.tasks), result.seconds)
        self.worker_seconds += result.seconds
        self.worker_cpu_seconds += result.cpu_seconds
        self._report()

    def _chunk_failed(self, chunk: Chunk, exc: Exception) -> None:
        """A chunk failed around its runs. Lost contact with the workers (cancelled, connection
        closed, timed out) stops the batch - the runs are not at fault. Anything else (e.g. Dask
        gave up after the chunk's worker died repeatedly) is narrowed down one run per chunk."""
        if isinstance(exc, (CancelledError, OSError, TimeoutError)):
            raise BatchError(
                f"lost contact with the workers ({one_line_error(exc)}). Finished runs are saved; "
                "run the command again to resume"
            )
        if len(chunk.tasks) > 1:
            self.singles.extend(chunk.tasks)
            return
        task = chunk.tasks[0]
        self._record_errors([task], f"the run was lost by its worker: {one_line_error(exc)}")

    def _pool_broke(self, lost: list[Chunk]) -> None:
        """A local worker died, so every chunk in flight is lost. The lost tasks become suspects and
        re-run one at a time; a suspect that breaks the pool again while running alone is the
        culprit and is recorded as failed."""
        lost += list(self.in_flight.values())
        self.in_flight.clear()
        self.restarts += 1
        if self.restarts >= 2 and self.returned == 0:
            raise BatchError(
                "worker processes die before finishing any run. If you started the batch from a "
                'Python script, put the code under `if __name__ == "__main__":` (worker processes '
                "import the main script); otherwise run with --executor serial to see the error"
            )
        if self.restarts > MAX_RESTARTS:
            raise BatchError(
                f"worker processes died {self.restarts} times; giving up. "
                "Finished runs are saved; run the command again to resume"
            )
        tasks = sorted((t for chunk in lost for t in chunk.tasks), key=lambda t: self.position[t.key])
        if len(tasks) == 1 and tasks[0].key in self.suspected:
            self._record_errors(tasks, WORKER_DIED)
        else:
            self.suspects.extendleft(reversed(tasks))
            self.suspected.update(t.key for t in tasks)
        self.executor.restart()

    def _record_errors(self, tasks: list[Task], message: str) -> None:
        rows = [infrastructure_error_row(task, message) for task in tasks]
        self._add(ChunkResult(rows, None, self.fingerprint, 0.0, worker_name()))
        self._report()

    def _report(self) -> None:
        if self.on_progress is not None:
            self.on_progress(self.progress())
