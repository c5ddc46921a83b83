"""The results store: one directory per experiment, safe to kill at any moment and to resume.

Layout of ``DIR``::

    manifest.json            the experiment definition, its fingerprint, seeds, package versions
    summary/<run_id>.parquet one row per run: keys, varied factors, every run-level metric
    daily/<run_id>.parquet   one row per simulated day (the experiment's metrics)
    teams/<run_id>.parquet   one row per front-office team (engagement, csat, ...)

Every file is written under a hidden temporary name in its final folder and then renamed
(``os.replace``, atomic on POSIX), so a reader never sees half a file. A run's summary file is
written *last*: a run is finished exactly when its summary file exists. Orphans (a daily or
teams file whose summary never landed because the process was killed) are removed on resume
and ignored by :func:`load`. Only the sweep's main process writes, so there are no races.

Read it back with :func:`load` (sorted by run id: the same tables whatever the number of
workers), or with plain pandas: ``pd.read_parquet("DIR/summary")`` (pyarrow skips the hidden
temporary files).
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .design import Experiment
from .fields import ExperimentError

TABLES = ("summary", "daily", "teams")
MANIFEST = "manifest.json"
FORMAT = "servicesim-results/1"
PACKAGES = ("servicesim", "mesa", "numpy", "scipy", "pandas", "pyarrow", "SALib", "dask", "distributed")


def package_versions() -> dict[str, str]:
    out = {"python": platform.python_version(), "model_digest": model_digest()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def model_digest() -> str:
    """A hash of the model's source code: results from different model code must not be mixed unknowingly."""
    import hashlib

    import servicesim.model as model

    h = hashlib.sha256()
    for path in sorted(Path(model.__file__).resolve().parent.glob("*.py")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def _atomic_write_bytes(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:          # Ctrl-C mid-write: leave nothing half-written behind
        tmp.unlink(missing_ok=True)
        raise


def _atomic_write_table(path: Path, frame: pd.DataFrame) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), tmp, compression="zstd")
        os.replace(tmp, path)
    except BaseException:          # Ctrl-C mid-write: leave nothing half-written behind
        tmp.unlink(missing_ok=True)
        raise


def _first_difference(old: dict, new: dict) -> tuple[str, Any, Any]:
    for key in ("name", "days", "seed", "metrics", "arms", "design_kind", "design", "output"):
        if old.get(key) != new.get(key):
            if key == "arms" and isinstance(old.get(key), list) and isinstance(new.get(key), list):
                names_old = [a.get("name") for a in old[key]]
                names_new = [a.get("name") for a in new[key]]
                if names_old != names_new:
                    return "arms", names_old, names_new
                for a, b in zip(old[key], new[key], strict=True):
                    for fld in ("params", "interventions"):
                        if a.get(fld) != b.get(fld):
                            diff = next((k for k in {**a[fld], **b[fld]} if a[fld].get(k) != b[fld].get(k)), None) \
                                if fld == "params" else None
                            if diff:
                                return f"arms.{a['name']}.params.{diff}", a[fld].get(diff), b[fld].get(diff)
                            return f"arms.{a['name']}.{fld}", a.get(fld), b.get(fld)
            return key, old.get(key), new.get(key)
    return "fingerprint", old.get("fingerprint"), new.get("fingerprint")


def _short(value: Any, limit: int = 60) -> str:
    text = json.dumps(value, default=str) if not isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


WRITABLE = "allowed: a directory that can be created and written to"


class ResultStore:
    """Writes one experiment's runs into ``root`` (see the module docstring).

    A file-system failure (a directory that cannot be created, a disk that is full, ...) is an
    :class:`ExperimentError` naming ``--out``, the path and the reason: one line, not a traceback.
    """

    def __init__(self, root: str | Path):
        self.root = Path(root)

    @contextmanager
    def _fs(self, doing: str, path: Path) -> Iterator[None]:
        try:
            yield
        except OSError as exc:
            reason = exc.strerror or str(exc) or type(exc).__name__
            raise ExperimentError(f"--out '{self.root}': cannot {doing} '{path}' ({reason}); {WRITABLE}") from None

    @property
    def manifest_path(self) -> Path:
        return self.root / MANIFEST

    # --- opening ------------------------------------------------------------------------------------
    def check(self, exp: Experiment) -> dict | None:
        """Raise if ``root`` cannot hold ``exp``'s results; return the existing manifest (or None). Writes nothing."""
        where = f"--out '{self.root}'"
        if self.root.exists() and not self.root.is_dir():
            raise ExperimentError(f"{where} is a file; allowed: a new or empty directory, or one holding this "
                                  f"experiment's results (to resume)")
        if not self.root.exists():
            return None
        if not self.manifest_path.exists():
            with self._fs("read", self.root):
                empty = all(p.name in TABLES and p.is_dir() and not any(p.iterdir()) for p in self.root.iterdir())
            if not empty:   # (empty table folders, as make_dirs leaves them, hold nothing)
                raise ExperimentError(f"{where} is not empty and holds no {MANIFEST}; allowed: a new or empty "
                                      f"directory, or one holding this experiment's results (to resume)")
            return None
        try:
            manifest = json.loads(self.manifest_path.read_text())
            assert manifest.get("format") == FORMAT
        except (ValueError, AssertionError, OSError):
            raise ExperimentError(f"{where}: {MANIFEST} is not a servicesim results manifest ({FORMAT}); allowed: "
                                  f"a new or empty directory") from None
        old = manifest["experiment"]
        new = json.loads(json.dumps(exp.describe(), default=str))  # as it would read back from JSON
        if old.get("fingerprint") != new["fingerprint"]:
            fld, a, b = _first_difference(old, new)
            raise ExperimentError(
                f"{where} holds results of another experiment ('{old.get('name')}'): field '{fld}' is "
                f"{_short(a)} there but {_short(b)} here; allowed: the same experiment definition (to resume), "
                f"or a new or empty directory")
        return manifest

    def make_dirs(self) -> None:
        """Create ``root`` and its table folders (nothing if they exist)."""
        for name in TABLES:
            with self._fs("create the directory", self.root / name):
                (self.root / name).mkdir(parents=True, exist_ok=True)

    def open(self, exp: Experiment) -> dict:
        """Create or resume: check, then write/refresh the manifest and clear debris of a killed sweep."""
        manifest = self.check(exp)
        self.make_dirs()
        now = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
        if manifest is None:
            manifest = {"format": FORMAT, "created": now, "experiment": exp.describe(),
                        "definition": exp.definition,
                        "seeds": exp.seeds(), "versions": package_versions(), "stages": {},
                        "command": " ".join(sys.argv), "sessions": []}
        else:
            if exp.replicates > manifest["experiment"]["replicates"]:
                manifest["experiment"]["replicates"] = exp.replicates
                manifest["seeds"] = exp.seeds()
            versions = package_versions()
            if versions != manifest["versions"]:
                changed = sorted(k for k in versions if versions[k] != manifest["versions"].get(k))
                print(f"servicesim: warning: resuming {self.root} with different {', '.join(changed)} than the "
                      f"runs already there (recorded in {MANIFEST}: version_changes)", file=sys.stderr)
                manifest.setdefault("version_changes", []).append({"at": now, "versions": versions})
        manifest["sessions"].append({"started": now, "replicates": exp.replicates})
        self.write_manifest(manifest)
        self.cleanup()
        return manifest

    def read_manifest(self) -> dict:
        return json.loads(self.manifest_path.read_text())

    def write_manifest(self, manifest: dict) -> None:
        with self._fs("write", self.manifest_path):
            _atomic_write_bytes(self.manifest_path, (json.dumps(manifest, indent=2, default=str) + "\n").encode())

    def update_manifest(self, **fields) -> dict:
        manifest = self.read_manifest()
        manifest.update(fields)
        self.write_manifest(manifest)
        return manifest

    # --- runs ---------------------------------------------------------------------------------------
    def done_ids(self) -> set[str]:
        folder = self.root / "summary"
        if not folder.is_dir():
            return set()
        return {p.stem for p in folder.glob("*.parquet") if not p.name.startswith(".")}

    def cleanup(self) -> int:
        """Remove temporary files and orphans (daily/teams files of runs that never finished)."""
        done = self.done_ids()
        removed = 0
        for name in TABLES:
            folder = self.root / name
            if not folder.is_dir():
                continue
            for p in folder.iterdir():
                if p.name.startswith(".") and ".tmp-" in p.name or (name != "summary" and p.suffix == ".parquet"
                                                                    and p.stem not in done):
                    p.unlink(missing_ok=True)
                    removed += 1
        return removed

    def write(self, result: RunOutput) -> None:
        tables = [("daily", result.daily), ("teams", result.teams), ("summary", pd.DataFrame([result.summary]))]
        for name, frame in tables:   # the summary last: a run is finished when its summary file exists
            if frame is not None:
                path = self.root / name / f"{result.run_id}.parquet"
                with self._fs("write", path):
                    _atomic_write_table(path, frame)


@dataclass
class RunOutput:
    run_id: str
    summary: dict
    daily: pd.DataFrame | None
    teams: pd.DataFrame | None


class MemorySink:
    """Collects summaries in memory (for `servicesim compare`, which stores nothing)."""

    def __init__(self):
        self.rows: list[dict] = []

    def write(self, result: RunOutput) -> None:
        self.rows.append(result.summary)

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows).sort_values("run_id", kind="stable").reset_index(drop=True)


# --- reading ------------------------------------------------------------------------------------------
@dataclass
class Results:
    root: Path
    manifest: dict
    summary: pd.DataFrame
    daily: pd.DataFrame
    teams: pd.DataFrame


def _read_folder(folder: Path, keep: set[str] | None) -> pd.DataFrame:
    if not folder.is_dir():
        return pd.DataFrame()
    files = sorted(p for p in folder.glob("*.parquet") if not p.name.startswith(".")
                   and (keep is None or p.stem in keep))
    if not files:
        return pd.DataFrame()
    table = pa.concat_tables([pq.read_table(p) for p in files], promote_options="permissive")
    frame = table.to_pandas()
    sort = ["run_id"] + [c for c in ("day", "team") if c in frame.columns]
    return frame.sort_values(sort, kind="stable").reset_index(drop=True)


def load(root: str | Path) -> Results:
    """Read a results directory: manifest and the three tables, sorted by run id (finished runs only)."""
    root = Path(root)
    path = root / MANIFEST
    if not path.is_file():
        raise ExperimentError(f"DIR '{root}' holds no {MANIFEST}; allowed: a directory written by `servicesim sweep`")
    try:
        manifest = json.loads(path.read_text())
    except ValueError:
        raise ExperimentError(f"DIR '{root}': {MANIFEST} is not valid JSON; allowed: a directory written by "
                              f"`servicesim sweep`") from None
    summary = _read_folder(root / "summary", None)
    done = set(summary["run_id"]) if len(summary) else set()
    return Results(root, manifest, summary, _read_folder(root / "daily", done), _read_folder(root / "teams", done))


__all__ = ["ResultStore", "RunOutput", "MemorySink", "Results", "load", "package_versions"]
