"""Many runs at once: seeds, jobs, executors, a resumable result store, and the batch loop.

Layers, each usable alone (a parameter sweep reuses all of them):

* `seeds`     - replicate seeds from one root seed (NumPy SeedSequence);
* `worker`    - what runs on a worker: a chunk of tasks -> run rows and daily tables;
* `job`       - a batch as data (tasks in output order) and how it is cut into chunks;
* `executors` - serial, local processes, or a Dask cluster, behind one small interface;
* `store`     - a results folder that streams parts to disk, survives being killed, resumes;
* `engine`    - the loop tying them together (`run_job`);
* `compare`, `analysis`, `daily` - the `groupsim compare` job, its statistics and day-by-day bands.
"""

from sim.batch.engine import BatchError, BatchOutcome, BatchProgress, run_job, run_remaining
from sim.batch.executors import EXECUTORS, BatchExecutor, ExecutorError, make_executor
from sim.batch.job import ChunkPlanner, Job
from sim.batch.seeds import replicate_seed, replicate_seeds
from sim.batch.store import ResultStore, StoreError
from sim.batch.worker import Task, code_fingerprint

__all__ = [
    "EXECUTORS",
    "BatchError",
    "BatchExecutor",
    "BatchOutcome",
    "BatchProgress",
    "ChunkPlanner",
    "ExecutorError",
    "Job",
    "ResultStore",
    "StoreError",
    "Task",
    "code_fingerprint",
    "make_executor",
    "replicate_seed",
    "replicate_seeds",
    "run_job",
    "run_remaining",
]
