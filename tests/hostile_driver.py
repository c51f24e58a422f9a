"""Run hostile-input cases through the `groupsim` command line inside one real process, under a
memory limit and a time limit per case, and write what each did as JSON.

    python tests/hostile_driver.py CASES.json RESULTS.json

CASES.json is a list of {"id", "argv", "env"}; RESULTS.json gets, per case, the exit code, the
output (stdout and stderr), the exception that escaped (if any), the seconds it took and the
process's peak memory so far. Used by tests/test_hostile_inputs.py.

The process limits its own data segment to `DATA_HEADROOM` above what it uses once groupsim is
imported (RLIMIT_DATA, which counts the heap and NumPy's large arrays), so a runaway allocation
fails fast with MemoryError instead of taking the machine down; a case that runs past
`CASE_SECONDS` is interrupted (SIGALRM). The run-size limits are lowered (`LOW_LIMITS`) so that
the explosive scenarios of the corpus meet them within seconds; the mechanism is the one real runs
use at the documented limits.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CASE_SECONDS = 60
DATA_HEADROOM = 1536 << 20  # 1.5 GiB above the imported program
LOW_LIMITS = {"MAX_MEMBERS_EVER": 20_000, "MAX_GROUPS": 500, "MAX_TIE_EDGES": 2_000_000}


class CaseTimeout(BaseException):
    """Raised by SIGALRM inside a case that runs too long (BaseException: nothing catches it)."""


def _timeout(signum, frame):  # noqa: ARG001 - the signal handler's signature
    raise CaseTimeout


def _data_size() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmData:"):
            return int(line.split()[1]) * 1024
    return 0


def main() -> None:
    cases = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    from typer.testing import CliRunner

    import sim.limits
    from sim.cli import app  # noqa: F401 - registers every command
    from sim.cli.common import app as typer_app

    for name, value in LOW_LIMITS.items():
        setattr(sim.limits, name, value)
    limit = _data_size() + DATA_HEADROOM
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    signal.signal(signal.SIGALRM, _timeout)
    runner = CliRunner()
    results = []
    for case in cases:
        saved = dict(os.environ)
        os.environ.update(case.get("env", {}))
        started = time.perf_counter()
        signal.alarm(CASE_SECONDS)
        try:
            result = runner.invoke(typer_app, case["argv"], catch_exceptions=True)
            code, output = result.exit_code, result.stdout + result.stderr
            escaped = None
            if result.exception is not None and not isinstance(result.exception, SystemExit):
                escaped = f"{type(result.exception).__name__}: {result.exception}"[:2000]
        except CaseTimeout:
            code, output, escaped = None, "", f"timeout after {CASE_SECONDS} s"
        finally:
            signal.alarm(0)
            os.environ.clear()
            os.environ.update(saved)
        results.append(
            {
                "id": case["id"],
                "exit": code,
                "output": output[-20_000:],
                "output_chars": len(output),
                "exception": escaped,
                "seconds": round(time.perf_counter() - started, 3),
                "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
            }
        )
    Path(sys.argv[2]).write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
