"""The calibration folder: what it holds, who may write it, and whether a new command continues it.

    manifest.json        identity (observation, base scenario, FIT, seed, code), details, status,
                         and a log of every session
    abc.db               pyabc's history (SQLite): every generation, so a killed run resumes
    observed.parquet     the observation it was calibrated to (and observation.json)
    fit.yaml, base.json  the FIT file as run, and the base scenario with the FIT's fixed changes
    posterior.parquet    the last generation's particles, with their seeds and posterior draws
    generations.parquet  tolerance, simulations, acceptance and ESS per generation
    predictive/          the posterior particles replayed through the observed days (a sim.batch folder)
    predictive.parquet   the posterior-predictive bands per observed column and day
    calibrated.yaml      the calibrated scenario (posterior medians), loadable by groupsim run
    summary.json         posterior summaries, diagnostics, checks and sentences
    report.html          the report (written by the command line)

One process at a time (an advisory lock). A folder holding another calibration (another
observation, base scenario, FIT definition, seed or code) is refused, unless `overwrite`.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sim.batch.store import StoreError, lock_folder, replace_atomically, write_json_atomically
from sim.outputs import MARKER, mark_folder, write_parquet

MANIFEST_FILE = "manifest.json"
DB_FILE = "abc.db"
OBSERVED_FILE = "observed.parquet"
OBSERVATION_FILE = "observation.json"
FIT_FILE = "fit.yaml"
BASE_FILE = "base.json"
POSTERIOR_FILE = "posterior.parquet"
GENERATIONS_FILE = "generations.parquet"
PREDICTIVE_DIR = "predictive"
BANDS_FILE = "predictive.parquet"
CALIBRATED_FILE = "calibrated.yaml"
SUMMARY_FILE = "summary.json"
REPORT_FILE = "report.html"
FORMAT = 1


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class CalibrationFolder:
    """A locked calibration folder; use as a context manager after `open`."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._lock: Any = None
        self.manifest: dict[str, Any] = {}

    def open(
        self, identity: dict[str, Any], details: dict[str, Any], *, overwrite: bool = False
    ) -> CalibrationFolder:
        """Lock the folder and check it holds this calibration (or nothing); StoreError if not."""
        folder = self.folder
        if folder.exists() and not folder.is_dir():
            raise StoreError(f"{folder} is a file, expected a results folder")
        manifest_path = folder / MANIFEST_FILE
        if (
            folder.is_dir()
            and not manifest_path.exists()
            and any(e.name not in (".lock", MARKER) for e in folder.iterdir())
        ):
            raise StoreError(
                f"{folder} already holds files but is not a calibration folder (no {MANIFEST_FILE}); "
                "pick another --out or delete it"
            )
        folder.mkdir(parents=True, exist_ok=True)
        self._lock = lock_folder(folder)
        mark_folder(folder, "calibration")
        try:
            existing = _read(manifest_path) if manifest_path.exists() else None
            if existing is not None and existing.get("identity") != identity:
                if not overwrite:
                    raise StoreError(_differs(existing.get("identity", {}), identity, folder))
                self._clear()
                existing = None
            elif existing is not None and overwrite:
                self._clear()
                existing = None
            self.manifest = {
                "groupsim_calibration": FORMAT,
                "identity": identity,
                "details": details,
                "created": existing.get("created", now()) if existing else now(),
                "updated": now(),
                "status": existing.get("status", {}) if existing else {},
                "sessions": existing.get("sessions", []) if existing else [],
            }
            self.save()
        except BaseException:
            self.close()
            raise
        return self

    def __enter__(self) -> CalibrationFolder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def save(self) -> None:
        self.manifest["updated"] = now()
        write_json_atomically(self.folder / MANIFEST_FILE, self.manifest)

    @property
    def status(self) -> dict[str, Any]:
        return self.manifest.get("status", {})

    def set_status(self, status: dict[str, Any]) -> None:
        self.manifest["status"] = status
        self.save()

    def log_session(self, session: dict[str, Any]) -> None:
        self.manifest.setdefault("sessions", []).append(session)
        self.save()

    def path(self, name: str) -> Path:
        return self.folder / name

    def write_parquet(self, frame, name: str) -> None:
        replace_atomically(self.folder / name, lambda tmp: write_parquet(frame, tmp))

    def write_text(self, text: str, name: str) -> None:
        replace_atomically(self.folder / name, lambda tmp: tmp.write_text(text, encoding="utf-8"))

    def _clear(self) -> None:
        for entry in self.folder.iterdir():
            if entry.name in (".lock", MARKER):
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StoreError(f"{path} cannot be read ({exc})") from None
    if not isinstance(data, dict) or "groupsim_calibration" not in data:
        raise StoreError(f"{path} is not a groupsim calibration manifest")
    return data


def read_calibration_manifest(folder: Path) -> dict[str, Any]:
    """The manifest of a calibration folder (StoreError if it is not one)."""
    path = Path(folder) / MANIFEST_FILE
    if not path.exists():
        raise StoreError(
            f"{folder} is not a calibration folder (no {MANIFEST_FILE}); run groupsim calibrate first"
        )
    return _read(path)


def _differs(old: dict[str, Any], new: dict[str, Any], folder: Path) -> str:
    names = {
        "observation": "the observation",
        "days": "the observed days",
        "base": "the base scenario",
        "fit": "the FIT file's parameters, fixed changes, statistics, population size or seed",
        "code_fingerprint": "the model or calibration code",
        "version": "the groupsim version",
        "pyabc": "the pyabc version",
    }
    changed = [text for key, text in names.items() if old.get(key) != new.get(key)]
    what = ", ".join(changed) or "its settings"
    return (
        f"{folder} holds another calibration ({what} differ); pick another --out, "
        "or pass --overwrite to delete it and start again"
    )
