"""A pyabc sampler on the project's executors whose generations do not depend on the executor.

pyabc's own parallel samplers (multicore, Dask) let workers race and seed themselves from the
clock, so two runs never give the same posterior. This one does not race: candidate *i* of
generation *t* is simulated with NumPy's global generator seeded from
`SeedSequence(root, spawn_key=(TAG, t + 1, i))` - its proposal, its simulation seed, its statistics
and its acceptance depend only on (root, t, i) and the previous generation - and a generation keeps
candidates 0, 1, 2, ... up to and including the n-th accepted one, exactly as a one-core sampler
going through them in order would. Candidates are simulated in chunks on any `BatchExecutor`
(local processes, a Dask cluster, or this process), several chunks in flight; chunks beyond the
n-th acceptance are cancelled or their results dropped. So the same FIT file, observation and seed
give the same posterior whatever the executor and the number of workers; only a session stopped by
wall-clock time (`max_minutes`) or resumed after a kill can differ (see `sim.calibrate.run`).

`nr_evaluations_` (what pyabc records and its acceptance rate divides by) counts the candidates
kept; `simulations` also counts those run and dropped, the real cost.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, CancelledError, Future, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cloudpickle
import numpy as np
from pyabc.sampler import Sampler

from sim.batch.executors import BatchExecutor
from sim.batch.worker import code_fingerprint, one_line_error, worker_name

#: First word of every candidate's spawn key, so calibration seeds never meet replicate seeds.
TAG = 0xCA11B
#: A chunk should take about this many seconds of worker time.
TARGET_CHUNK_SECONDS = 1.0
MAX_CHUNK = 256
#: A generation gives up after this many restarts of a broken local pool.
MAX_RESTARTS = 5


class SamplerError(Exception):
    """The calibration cannot go on; worded for the user."""


def _fingerprint() -> str:
    """The model's code fingerprint plus the calibration code that turns runs into statistics."""
    digest = hashlib.sha256(code_fingerprint().encode())
    for path in sorted(Path(__file__).resolve().parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


_FINGERPRINT = _fingerprint()


def calibration_fingerprint() -> str:
    """A short hash of the code that decides a calibration's numbers (computed at import)."""
    return _FINGERPRINT


@dataclass(frozen=True)
class CandidateBatch:
    """What a worker returns: the particles of candidates start..start+len-1, and provenance."""

    start: int
    particles: list[Any]
    fingerprint: str
    seconds: float
    worker: str
    cpu_seconds: float = 0.0


def candidate_seed(root: int, generation: int, index: int) -> np.ndarray:
    """The state NumPy's global generator is seeded with before candidate `index` of `generation`."""
    return np.random.SeedSequence(root, spawn_key=(TAG, generation + 1, index)).generate_state(4)


def simulate_candidates(blob: bytes, root: int, generation: int, start: int, count: int) -> CandidateBatch:
    """Run pyabc's `simulate_one` (cloudpickled in `blob`) for candidates start..start+count-1."""
    began, cpu = time.perf_counter(), time.process_time()
    simulate_one = cloudpickle.loads(blob)
    particles = []
    for index in range(start, start + count):
        state = candidate_seed(root, generation, index)
        np.random.seed(state)
        random.seed(int(state[0]))
        particles.append(simulate_one())
    return CandidateBatch(
        start,
        particles,
        calibration_fingerprint(),
        time.perf_counter() - began,
        worker_name(),
        time.process_time() - cpu,
    )


@dataclass
class GenerationProgress:
    """Where a generation stands: accepted so far (in candidate order), candidates kept, simulations run."""

    generation: int
    epsilon: float | None
    accepted: int
    wanted: int
    candidates: int
    simulations: int


class OrderedBatchSampler(Sampler):
    """See the module docstring. `on_progress` is called as chunks come back."""

    def __init__(
        self,
        executor: BatchExecutor,
        root_seed: int,
        on_progress: Callable[[GenerationProgress], None] | None = None,
        first_chunk: int = 2,
    ) -> None:
        super().__init__()
        self.executor = executor
        self.root_seed = int(root_seed)
        self.on_progress = on_progress
        self.first_chunk = max(1, first_chunk)
        #: candidates a generation may still use (e.g. what is left of a simulation budget); None: no cap
        self.budget: Callable[[], float] | None = None
        self.cut_by_budget = False  # a generation stopped at the budget before its n-th acceptance
        self.simulations = 0  # every candidate simulated, kept or not, over all generations
        self.worker_seconds = 0.0
        self.worker_cpu_seconds = 0.0  # CPU the workers spent: worker_seconds / this = cores obtained
        self._seconds_per_candidate: float | None = None
        self._fingerprint = calibration_fingerprint()

    def sample_until_n_accepted(
        self, n, simulate_one, t, *, max_eval=np.inf, all_accepted=False, ana_vars=None
    ):  # noqa: D102 - pyabc's interface
        epsilon = None
        if ana_vars is not None and t >= 0:
            try:
                epsilon = float(ana_vars.eps(t))
            except Exception:  # noqa: BLE001 - the tolerance is only shown
                epsilon = None
        limit = n if all_accepted else max_eval
        capped = False
        if self.budget is not None and not all_accepted:
            room = max(0.0, float(self.budget()))
            capped, limit = room < limit, min(limit, room)
        run = _Generation(self, cloudpickle.dumps(simulate_one), int(t), int(n), limit, epsilon)
        # a serial executor simulates in this process and reseeds the global generators: restore
        # them, so this process goes on exactly as it would with workers elsewhere
        numpy_state, python_state = np.random.get_state(), random.getstate()
        try:
            kept, ok = run.collect()
        finally:
            np.random.set_state(numpy_state)
            random.setstate(python_state)
        sample = self._create_empty_sample()
        for particle in kept:
            sample.append(particle)
        self.nr_evaluations_ = len(kept)
        self.cut_by_budget = capped and not ok
        if not ok:
            sample.ok = False
        return sample

    def chunk_size(self, remaining_needed: float) -> int:
        """Candidates per chunk: about TARGET_CHUNK_SECONDS of work, fewer near the end of a generation."""
        if self._seconds_per_candidate is None:
            return self.first_chunk
        wanted = round(TARGET_CHUNK_SECONDS / max(self._seconds_per_candidate, 1e-4))
        share = int(np.ceil(remaining_needed / max(1, self.executor.slots)))
        return int(max(1, min(wanted, MAX_CHUNK, max(share, 1))))

    def learn(self, batch: CandidateBatch) -> None:
        if batch.fingerprint != self._fingerprint:
            raise SamplerError(
                f"worker {batch.worker} runs different groupsim model code (code fingerprint {batch.fingerprint}, "
                f"here {self._fingerprint}); every worker must run the same version"
            )
        count = max(1, len(batch.particles))
        per = batch.seconds / count
        self._seconds_per_candidate = (
            per if self._seconds_per_candidate is None else 0.7 * self._seconds_per_candidate + 0.3 * per
        )
        self.simulations += len(batch.particles)
        self.worker_seconds += batch.seconds
        self.worker_cpu_seconds += batch.cpu_seconds


class _Generation:
    """The candidates of one generation, submitted in order and kept up to the n-th acceptance."""

    def __init__(
        self, sampler: OrderedBatchSampler, blob: bytes, t: int, n: int, limit: float, epsilon
    ) -> None:
        self.sampler, self.blob, self.t, self.n, self.limit, self.epsilon = (
            sampler,
            blob,
            t,
            n,
            limit,
            epsilon,
        )
        self.results: dict[int, Any] = {}
        self.in_flight: dict[Future, tuple[int, int]] = {}
        self.next_index = 0
        self.frontier = 0  # every candidate below this has come back
        self.accepted = 0  # acceptances among candidates below the frontier
        self.seen_accepted = 0  # acceptances among every candidate back so far
        self.restarts = 0

    def collect(self) -> tuple[list[Any], bool]:
        """(particles kept, ok): ok is False if `limit` candidates did not give n acceptances."""
        try:
            while self.accepted < self.n:
                self._fill()
                if not self.in_flight:
                    break  # the limit is reached and everything is back
                done, _ = wait(list(self.in_flight), return_when=FIRST_COMPLETED)
                for future in done:
                    self._take(future)
                self._advance()
                self._report()
        finally:
            for future in self.in_flight:
                future.cancel()
            self.in_flight.clear()
        return [self.results[i] for i in range(self.frontier)], self.accepted >= self.n

    def _fill(self) -> None:
        window = 2 * max(1, self.sampler.executor.slots)
        while len(self.in_flight) < window and self.next_index < self.limit:
            back = max(1, len(self.results))
            rate = max(self.seen_accepted / back, 0.005) if self.results else None
            pending = sum(count for _, count in self.in_flight.values())
            if rate is not None and (self.seen_accepted + rate * pending) >= self.n * 1.1 and self.in_flight:
                return  # what is in flight should already give the acceptances still needed
            needed = (self.n - self.seen_accepted) / rate if rate else self.n
            size = self.sampler.chunk_size(needed)
            if self.limit != np.inf:
                size = int(min(size, self.limit - self.next_index))
            self._submit(self.next_index, size)
            self.next_index += size

    def _submit(self, start: int, count: int) -> None:
        executor = self.sampler.executor
        try:
            future = executor.submit(
                simulate_candidates, self.blob, self.sampler.root_seed, self.t, start, count
            )
        except BrokenProcessPool:
            self._restart([(start, count)])
            return
        self.in_flight[future] = (start, count)

    def _take(self, future: Future) -> None:
        start, count = self.in_flight.pop(future)
        try:
            batch: CandidateBatch = future.result()
        except BrokenProcessPool:
            self._restart([(start, count)])
            return
        except (CancelledError, OSError, TimeoutError) as exc:
            raise SamplerError(
                f"lost contact with the workers ({one_line_error(exc)}); finished generations are saved, "
                "run the command again to resume"
            ) from None
        except Exception as exc:  # noqa: BLE001 - a simulation raised: the model or the FIT is at fault
            raise SamplerError(f"a simulation failed: {one_line_error(exc)}") from None
        self.sampler.learn(batch)
        for offset, particle in enumerate(batch.particles):
            self.results[start + offset] = particle
            self.seen_accepted += bool(particle.accepted)

    def _restart(self, lost: list[tuple[int, int]]) -> None:
        """A local worker died: restart the pool and resubmit every chunk that was in flight."""
        self.restarts += 1
        if self.restarts > MAX_RESTARTS:
            raise SamplerError(
                f"worker processes died {self.restarts} times (out of memory?); run with --executor serial to see why"
            )
        lost = lost + list(self.in_flight.values())
        self.in_flight.clear()
        self.sampler.executor.restart()
        for start, count in lost:
            self._submit(start, count)

    def _advance(self) -> None:
        while self.frontier in self.results and self.accepted < self.n:
            self.accepted += bool(self.results[self.frontier].accepted)
            self.frontier += 1

    def _report(self) -> None:
        if self.sampler.on_progress is not None:
            self.sampler.on_progress(
                GenerationProgress(
                    self.t, self.epsilon, self.accepted, self.n, self.frontier, self.sampler.simulations
                )
            )
