"""Where chunks run: in this process, in local worker processes, or on a Dask cluster.

Each executor is a context manager wrapping a `concurrent.futures.Executor`; the batch engine
only calls `submit`, reads `slots` (how many chunks run at once) and, when something goes wrong,
`restart` (after a worker process died) or `abort` (Ctrl-C: stop now, drop what is running).
Results never depend on the executor or the number of workers: each run is seeded on its own.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from typing import Any

from sim.inputs import short

#: Executor names accepted by `make_executor` (and `groupsim compare --executor`).
EXECUTORS = ("local", "dask", "serial")
#: Seconds to wait for a Dask scheduler to answer, and then for its first worker to join.
DASK_CONNECT_TIMEOUT = 10.0
DASK_WORKER_TIMEOUT = 60.0


class ExecutorError(Exception):
    """An executor could not be started; the message is worded for the user."""


def available_cores() -> int:
    """CPU cores this process may use (its affinity mask where the OS has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


class BatchExecutor:
    """Base class: runs `fn(*args)` somewhere and returns a `concurrent.futures.Future`."""

    name = "base"
    slots = 1

    def __enter__(self) -> BatchExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()

    def submit(self, fn: Callable[..., Any], /, *args: Any) -> Future:
        raise NotImplementedError

    def restart(self) -> None:
        """Replace a pool that broke because a worker process died (no-op where not needed)."""

    def abort(self) -> None:
        """Stop as fast as possible: cancel what is queued, stop what is running."""
        self.shutdown()

    def shutdown(self) -> None:
        """Release the workers (waits for nothing that was cancelled)."""

    def describe(self) -> str:
        return f"{self.slots} {self.name} worker{'s' if self.slots != 1 else ''}"


class SerialExecutor(BatchExecutor):
    """Runs each chunk immediately in this process (debugging, notebooks, tiny jobs)."""

    name = "serial"
    slots = 1

    def submit(self, fn: Callable[..., Any], /, *args: Any) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args))
        except Exception as exc:  # noqa: BLE001 - handed to the caller through the future
            future.set_exception(exc)
        return future

    def describe(self) -> str:
        return "this process (serial)"


def _init_worker(parent_pid: int) -> None:
    """Worker initializer. Ctrl-C is handled by the parent, which stops the workers itself; and a
    worker exits on its own once the parent is gone (killed with SIGKILL, say), instead of
    lingering blocked on a queue nobody reads."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_when_gone, args=(parent_pid,), name="parent-watch", daemon=True).start()


def _exit_when_gone(pid: int, every: float = 0.5) -> None:
    while True:
        time.sleep(every)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:  # pid taken by another user's process: ours is gone
            os._exit(1)


class LocalExecutor(BatchExecutor):
    """A pool of `workers` local processes (default: one per available core).

    Workers are forked from a forkserver that has imported the model once (fast start, and safe
    even though the parent runs threads such as the progress display); where forkserver does not
    exist they are spawned. Workers ignore SIGINT (on Ctrl-C the parent terminates them) and
    exit by themselves if the parent dies. `preload` names further modules the forkserver imports
    once (a calibration's workers need pyabc, which takes seconds to import); it applies when this
    process starts its forkserver, i.e. to the first local pool it creates.
    """

    name = "local"

    def __init__(self, workers: int | None = None, preload: tuple[str, ...] = ()) -> None:
        if workers is not None and workers < 1:
            raise ExecutorError(f"--workers must be at least 1, got {workers}")
        self.slots = workers or available_cores()
        methods = multiprocessing.get_all_start_methods()
        if "forkserver" in methods:
            self._context = multiprocessing.get_context("forkserver")
            self._context.set_forkserver_preload(["sim.batch.worker", *preload])
        else:  # pragma: no cover - Windows
            self._context = multiprocessing.get_context("spawn")
        self._pool: ProcessPoolExecutor | None = None
        self._start()

    def _start(self) -> None:
        self._pool = ProcessPoolExecutor(
            max_workers=self.slots,
            mp_context=self._context,
            initializer=_init_worker,
            initargs=(os.getpid(),),
        )

    def submit(self, fn: Callable[..., Any], /, *args: Any) -> Future:
        assert self._pool is not None, "executor used after shutdown"
        return self._pool.submit(fn, *args)

    def restart(self) -> None:
        self._kill()
        self._start()

    def abort(self) -> None:
        self._kill()

    def shutdown(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _kill(self) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        processes = list(getattr(pool, "_processes", {}).values())  # no public handle before 3.14
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(timeout=5)

    def describe(self) -> str:
        return f"{self.slots} local worker process{'es' if self.slots != 1 else ''}"


class DaskExecutor(BatchExecutor):
    """Chunks run on a Dask distributed cluster: the scheduler at `scheduler` (e.g.
    `tcp://10.0.0.5:8786`), or a local cluster of `workers` single-threaded processes.

    Every worker must be able to import this version of `sim` (the batch checks the code
    fingerprint each chunk reports and stops on a mismatch).
    """

    name = "dask"

    def __init__(self, scheduler: str | None = None, workers: int | None = None) -> None:
        if workers is not None and workers < 1:
            raise ExecutorError(f"--workers must be at least 1, got {workers}")
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError:
            raise ExecutorError(
                "the Dask executor needs dask.distributed: "
                "pip install 'groupsim[dask]' (or dask[distributed])"
            ) from None
        self._log = logging.getLogger("distributed")
        self._log_level = self._log.level
        self._log.setLevel(logging.ERROR)  # connection chatter at shutdown is not the user's problem
        self._cluster = None
        self.address = scheduler
        if scheduler:
            check_scheduler_address(scheduler)
        try:
            if scheduler:
                self._client = Client(scheduler, timeout=DASK_CONNECT_TIMEOUT, set_as_default=False)
            else:
                self._cluster = LocalCluster(
                    n_workers=workers or available_cores(),
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=":0",
                    silence_logs=logging.ERROR,
                )
                self._client = Client(self._cluster, set_as_default=False)
                self.address = self._cluster.scheduler_address
        except (OSError, TimeoutError) as exc:
            self._log.setLevel(self._log_level)
            raise ExecutorError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        except ValueError as exc:  # a malformed address
            self._log.setLevel(self._log_level)
            raise ExecutorError(
                f"--scheduler {scheduler}: {exc}; expected an address like tcp://HOST:8786"
            ) from None
        try:
            self._client.wait_for_workers(1, timeout=DASK_WORKER_TIMEOUT)
        except TimeoutError:
            self.shutdown()
            raise ExecutorError(
                f"no Dask worker joined the scheduler at {self.address} within "
                f"{DASK_WORKER_TIMEOUT:.0f} s; start one with `dask worker {self.address}`"
            ) from None
        self._slots = max(1, sum(self._client.nthreads().values()))
        self._slots_checked = time.monotonic()
        self._where = f"Dask at {self.address}" if scheduler else "a local Dask cluster"
        self._executor: Executor | None = self._client.get_executor(pure=False)

    @property
    def slots(self) -> int:  # type: ignore[override]
        """Worker threads on the cluster (re-read every few seconds: workers may join or leave)."""
        if self._client is not None and time.monotonic() - self._slots_checked > 5.0:
            self._slots_checked = time.monotonic()
            with contextlib.suppress(OSError, TimeoutError):
                self._slots = max(1, sum(self._client.nthreads().values()))
        return self._slots

    def submit(self, fn: Callable[..., Any], /, *args: Any) -> Future:
        assert self._executor is not None, "executor used after shutdown"
        return self._executor.submit(fn, *args)

    def abort(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False)  # cancels every future it made
            self._executor = None
        self.shutdown()

    def shutdown(self) -> None:
        client, self._client = getattr(self, "_client", None), None
        if client is not None:
            client.close()
        cluster, self._cluster = self._cluster, None
        if cluster is not None:
            cluster.close()
        self._log.setLevel(self._log_level)

    def describe(self) -> str:
        return f"{self.slots} worker thread{'s' if self.slots != 1 else ''} on {self._where}"


def check_scheduler_address(address: str) -> None:
    """ExecutorError unless `address` reads as a Dask scheduler address (scheme://host:port,
    e.g. tcp://10.0.0.5:8786, or host:port). Checked before a client is made: a client built on
    a malformed address fails in its constructor and then hangs for 20 s when it is collected."""
    shown = short(address)
    host, port = "", -1
    if len(address) <= 1000 and "\x00" not in address:
        try:
            from distributed.comm import parse_address
            from distributed.comm.addressing import parse_host_port

            scheme, location = parse_address(address)
            host, port = parse_host_port(location) if scheme in ("tcp", "tls") else (location, 0)
        except ImportError:
            return  # DaskExecutor says what to install
        except (ValueError, TypeError):
            pass
    if not host or not 0 <= int(port) <= 65535:
        raise ExecutorError(
            f"--scheduler {shown} is not a scheduler address; expected one like tcp://HOST:8786"
        )


def make_executor(
    kind: str = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    *,
    preload: tuple[str, ...] = (),
) -> BatchExecutor:
    """The executor named `kind` ("local", "dask" or "serial"); ExecutorError if it cannot start.
    `preload`: modules local workers import before their first task (see `LocalExecutor`)."""
    if kind == "local":
        if scheduler:
            raise ExecutorError("--scheduler is for --executor dask")
        return LocalExecutor(workers, preload)
    if kind == "dask":
        return DaskExecutor(scheduler, workers)
    if kind == "serial":
        if scheduler:
            raise ExecutorError("--scheduler is for --executor dask")
        return SerialExecutor()
    raise ExecutorError(f"unknown executor {kind!r}; choose one of {', '.join(EXECUTORS)}")
