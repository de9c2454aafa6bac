"""Runs are files: one HDF5 file per run, written while it runs, readable while written.

Layout (``format = "alife-run/1"``)::

    /                       attrs: format, alife_version, substrate, backend, created,
                            config (JSON), schedule (JSON)
    /config                 attrs: one per config field
    /metrics/<name>         (k,) resizable 1-D datasets, one row per metrics record;
                            /metrics/epoch (completed epochs) is their dimension scale
    /snapshots/epoch        (s,) int64: completed epochs of each snapshot
    /snapshots/<key>        (s, *shape) chunked one chunk per snapshot, compressed
                            (zstd through hdf5plugin by default, gzip or none)
    /checkpoint/slot0|1/<key>  two full copies of the state (double buffer)
    /checkpoint/slot_epoch  (2,) int64: epoch held by each slot, -1 when empty
    /checkpoint/current     (1,) int64: the slot to restart from, -1 when none
    /ended                  (1,) bytes: how the writer's session ended ("completed",
                            "stop rule RULE", "interrupted", "failed: ERROR"); empty
                            while a writer runs or after one was killed
                            root attrs ``writer``: "host:pid" of the last writer,
                            ``writer_token``: its boot and start time ("" unknown)

A run file is born whole: it is built as ``<path>.part`` with every dataset, the initial
snapshot and a checkpoint of the initial state, then renamed into place and switched at
once to SWMR mode (single writer, multiple readers). So a viewer can follow the run from
its first moment, and a run killed at any point after its file exists can be resumed.
A checkpoint is written into the slot not in use, flushed, and only then made current by
one small write: a run killed mid-checkpoint still restarts from the previous one.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import socket
from collections.abc import Mapping

import h5py
import numpy as np

from alife import __version__
from alife.engine.h5clear import clear_write_flags
from alife.engine.processes import process_token
from alife.errors import AlifeInputError

FORMAT = "alife-run/1"
COMPRESSIONS = ("zstd", "gzip", "none")
_METRIC_CHUNK = 1024
_ENDED_BYTES = 240  # the longest account of how a run ended that a file keeps


def compression_filters(name: str) -> dict:
    """h5py dataset keyword arguments for compression ``name`` (zstd, gzip or none)."""
    if name == "zstd":
        import hdf5plugin

        return dict(hdf5plugin.Zstd())
    if name == "gzip":
        return {"compression": "gzip", "compression_opts": 4}
    if name == "none":
        return {}
    raise AlifeInputError(
        f"unknown compression {name!r}; valid compressions are {', '.join(COMPRESSIONS)}"
    )


_LEFT_OPEN = "already open for write"  # HDF5's words for flags a killed writer left set
_NOT_SWMR = "not already open for SWMR writing"  # ... when it had not yet switched to SWMR


def _open_h5(path: str, mode: str, *, repair: bool = False, **kwargs) -> h5py.File:
    """Open an HDF5 file, turning "missing" or "not HDF5" into one clear sentence.

    A file whose writer was killed still carries HDF5's "open for write" flags: a reader
    then opens it in SWMR-read mode (which tolerates them), a writer clears them first.
    A writer killed before it switched to SWMR (while it set the run up) leaves flags no
    reader accepts: a reader with ``repair`` (one about to continue the run) clears them,
    any other is told that resuming the run repairs them.
    """
    import hdf5plugin  # noqa: F401  (registers the zstd filter for readers)

    if not os.path.exists(path):
        raise AlifeInputError(f"run file {path!r} does not exist")
    try:
        try:
            return h5py.File(path, mode, locking=False, **kwargs)
        except OSError as err:
            if _LEFT_OPEN not in str(err):
                raise
            if mode == "r":
                try:
                    return h5py.File(path, "r", locking=False, swmr=True)
                except OSError as swmr_err:
                    if _NOT_SWMR not in str(swmr_err):
                        raise
                    if not repair:
                        raise AlifeInputError(
                            f"{path!r} is marked open for writing by a process that was "
                            "killed (or is still starting) before readers could follow it; "
                            "resume the run to repair and continue it"
                        ) from None
            clear_write_flags(path)  # a writer, or a reader told to repair
            return h5py.File(path, mode, locking=False, **kwargs)
    except OSError as err:
        hint = (
            " (a sweep file is read by 'alife sweep status' and 'alife analyze --sweep')"
            if path.endswith(".toml")
            else ""
        )
        raise AlifeInputError(
            f"{path!r} is not a readable HDF5 file ({err.__class__.__name__}: "
            f"{str(err).splitlines()[0]}); give an alife run file{hint}"
        ) from None


def _check_format(f: h5py.File, path: str) -> None:
    found = f.attrs.get("format")
    if found != FORMAT:
        what = f"its format is {found!r}" if found is not None else f"no format={FORMAT!r}"
        other = str(found).startswith("alife-")  # another file alife writes: a dataset
        raise AlifeInputError(
            f"{path!r} is an HDF5 file but not an alife run file ({what}); give a file "
            f"written by 'alife ... run'" + ("; 'alife show' summarises this one" if other else "")
        )


def check_output_path(path: str, overwrite: bool, *, run_file: bool = True) -> None:
    """Raise AlifeInputError unless a new file may be created at ``path`` (missing parent
    folders are fine: writers create them). ``run_file`` adds the hint that an existing
    run can be resumed instead."""
    if not path:
        example = " such as 'run.h5'" if run_file else ""
        raise AlifeInputError(f"the output path is empty; give a file name{example}")
    if os.path.isdir(path):
        example = f" such as {os.path.join(path, 'run.h5')!r}" if run_file else " inside it"
        raise AlifeInputError(f"output path {path!r} is a folder; give a file name{example}")
    if os.path.exists(path) and not overwrite:
        resume = ", or use 'resume' to continue it" if run_file else ""
        raise AlifeInputError(
            f"output file {path!r} already exists; pass --overwrite to replace it{resume}"
        )
    parent = os.path.dirname(os.path.abspath(path))
    while not os.path.exists(parent):
        parent = os.path.dirname(parent)
    if not os.path.isdir(parent):
        raise AlifeInputError(f"{parent!r} is a file, so {path!r} cannot be created under it")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise AlifeInputError(
            f"folder {parent!r} is not writable, so {path!r} cannot be created; give an "
            f"--out path in a folder you can write to"
        )


def no_checkpoint_error(path: str) -> AlifeInputError:
    """The error for a run file without a checkpoint (only files written before run files
    were born with one can lack it)."""
    return AlifeInputError(
        f"{path!r} has no checkpoint to resume from; start it again with --overwrite"
    )


def _read_checkpoint(f: h5py.File, path: str) -> tuple[int, dict[str, np.ndarray]]:
    """Epoch and state arrays of the current checkpoint of an open run file."""
    ck = f["checkpoint"]
    slot = int(ck["current"][0])
    if slot < 0:
        raise no_checkpoint_error(path)
    return int(ck["slot_epoch"][slot]), {key: ds[()] for key, ds in ck[f"slot{slot}"].items()}


def create_h5(building: str, path: str, what: str, **options) -> h5py.File:
    """A new HDF5 file at ``building`` (h5py options ``options``), which becomes the
    ``what`` (e.g. "run file") at ``path`` once complete; its folders are made first.
    The system's refusal is an AlifeInputError naming ``path`` and the plain reason
    (h5py wraps it in a long sentence of its own)."""
    try:
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        return h5py.File(building, "w", **options)
    except OSError as err:
        reason = os.strerror(err.errno) if err.errno else str(err).splitlines()[0]
        raise AlifeInputError(f"cannot create {what} {path!r}: {reason}") from None


class RunWriter:
    """Appends metrics, snapshots and checkpoints to one run file in SWMR mode.

    Get one with :meth:`create` (a new file) or :meth:`reopen` (continue a run); write;
    :meth:`close`.
    """

    def __init__(self, f: h5py.File, path: str):
        self._f = f
        self.path = path
        f.attrs["writer"] = f"{socket.gethostname()}:{os.getpid()}"
        f.attrs["writer_token"] = process_token(os.getpid())
        if "ended" not in f:  # a file written before runs recorded how they end
            f.create_dataset("ended", shape=(1,), dtype=f"S{_ENDED_BYTES}")
        f["ended"][0] = b""  # until close says how this session ended
        f.swmr_mode = True  # readers may now open the file while it grows

    @classmethod
    def create(
        cls,
        path: str,
        *,
        substrate: str,
        config: Mapping,
        schedule: Mapping,
        backend: str,
        metrics: Mapping[str, str],
        epoch: int,
        snapshot: Mapping[str, np.ndarray],
        checkpoint: Mapping[str, np.ndarray],
        compression: str = "zstd",
        overwrite: bool = False,
    ) -> RunWriter:
        """Create ``path`` with every dataset the run will write, holding ``snapshot`` and
        ``checkpoint`` (the state after ``epoch`` completed epochs) as its first snapshot
        and checkpoint.

        The file is built as ``path.part`` and renamed into place once complete, so a
        process killed while creating it never leaves a truncated run file (and an
        existing file replaced with ``overwrite`` stays whole until then).
        ``metrics`` maps metric names to dtypes ("i8", "f8"); ``snapshot`` and
        ``checkpoint`` map state keys to host arrays, whose shapes and dtypes every later
        snapshot and checkpoint keeps. Refuses to replace an existing file unless
        ``overwrite``.
        """
        check_output_path(path, overwrite)
        filters = compression_filters(compression)
        building = path + ".part"  # complete before it takes the run's name
        f = create_h5(building, path, "run file", libver="latest", locking=False)
        try:
            f.attrs["format"] = FORMAT
            f.attrs["alife_version"] = __version__
            f.attrs["substrate"] = substrate
            f.attrs["backend"] = backend
            f.attrs["created"] = _dt.datetime.now(_dt.timezone.utc).isoformat()
            f.attrs["config"] = json.dumps(dict(config))
            f.attrs["schedule"] = json.dumps(dict(schedule))
            cfg = f.create_group("config")
            for key, value in config.items():
                cfg.attrs[key] = "null" if value is None else value
            group = f.create_group("metrics")
            for name, dtype in {"epoch": "i8", **metrics}.items():
                group.create_dataset(
                    name, shape=(0,), maxshape=(None,), dtype=dtype, chunks=(_METRIC_CHUNK,)
                )
            group["epoch"].make_scale("epoch")
            for name in metrics:
                if name != "epoch":
                    group[name].dims[0].attach_scale(group["epoch"])
            snaps = f.create_group("snapshots")
            snaps.create_dataset("epoch", data=[epoch], maxshape=(None,), dtype="i8", chunks=(256,))
            for key, array in snapshot.items():
                snaps.create_dataset(
                    key,
                    data=array[None],
                    maxshape=(None, *array.shape),
                    chunks=(1, *array.shape),
                    **filters,
                )
            ck = f.create_group("checkpoint")
            slot0, slot1 = ck.create_group("slot0"), ck.create_group("slot1")
            for key, array in checkpoint.items():
                slot0.create_dataset(key, data=array)
                slot1.create_dataset(key, shape=array.shape, dtype=array.dtype)
            ck.create_dataset("slot_epoch", data=np.array([epoch, -1], dtype=np.int64))
            ck.create_dataset("current", data=np.array([0], dtype=np.int64))
        except BaseException:
            f.close()
            os.remove(building)
            raise
        f.close()
        os.replace(building, path)
        return cls(h5py.File(path, "r+", libver="latest", locking=False), path)

    @classmethod
    def reopen(
        cls, path: str, backend: str, schedule: Mapping
    ) -> tuple[RunWriter, int, dict[str, np.ndarray]]:
        """Open ``path`` to continue it from its checkpoint with ``backend`` and
        ``schedule`` (which replace the file's attributes of those names).

        Drops metrics rows and snapshots newer than the checkpoint (a killed run may have
        written some), so the continued run is identical to an uninterrupted one. Returns
        the writer, the checkpoint's epoch and its state arrays.
        """
        f = _open_h5(path, "r+", libver="latest")
        try:
            _check_format(f, path)
            epoch, state = _read_checkpoint(f, path)
            metrics_epoch = f["metrics/epoch"][()]
            keep = int(np.searchsorted(metrics_epoch, epoch, side="right"))
            for ds in f["metrics"].values():
                ds.resize((keep,))
            snap_epoch = f["snapshots/epoch"][()]
            keep = int(np.searchsorted(snap_epoch, epoch, side="right"))
            for ds in f["snapshots"].values():
                ds.resize((keep, *ds.shape[1:]))
            f.attrs["backend"] = backend
            f.attrs["schedule"] = json.dumps(dict(schedule))
            writer = cls(f, path)
        except BaseException:
            f.close()
            raise
        return writer, epoch, state

    def last_snapshot_epoch(self) -> int | None:
        epochs = self._f["snapshots/epoch"]
        return int(epochs[-1]) if epochs.shape[0] else None

    def last_metrics_epoch(self) -> int | None:
        epochs = self._f["metrics/epoch"]
        return int(epochs[-1]) if epochs.shape[0] else None

    def append_metrics(self, row: Mapping[str, float]) -> None:
        """Append one record. Names the file does not know are ignored; a metric missing
        from ``row`` is stored as NaN (float datasets) or -1 (integer datasets)."""
        group = self._f["metrics"]
        for name, ds in group.items():
            k = ds.shape[0]
            ds.resize((k + 1,))
            ds[k] = row.get(name, np.nan if ds.dtype.kind == "f" else -1)
            ds.flush()

    def write_snapshot(self, epoch: int, arrays: Mapping[str, np.ndarray]) -> None:
        """Append a snapshot of the state after ``epoch`` completed epochs."""
        group = self._f["snapshots"]
        k = group["epoch"].shape[0]
        for key, array in arrays.items():
            ds = group[key]
            ds.resize((k + 1, *ds.shape[1:]))
            ds[k] = array
            ds.flush()
        group["epoch"].resize((k + 1,))
        group["epoch"][k] = epoch
        group["epoch"].flush()

    def write_checkpoint(self, epoch: int, arrays: Mapping[str, np.ndarray]) -> None:
        """Write the full state into the free slot, flush, then make it current."""
        ck = self._f["checkpoint"]
        current = int(ck["current"][0])
        slot = 1 - current if current >= 0 else 0
        for key, array in arrays.items():
            ck[f"slot{slot}/{key}"][...] = array
        ck["slot_epoch"][slot] = epoch
        self._f.flush()
        ck["current"][0] = slot
        self._f.flush()

    def close(self, ended: str) -> None:
        """Record how this session of the run ended (``ended``: "completed", "stop rule
        RULE", "interrupted", "failed: ERROR", ...; cut to 240 bytes) and close the
        file. A file that cannot take that write (a full disk, say) is still closed and
        reads as killed, which resume handles; the error that ended the run, if any, is
        the one raised."""
        try:
            self._f["ended"][0] = ended.encode()[:_ENDED_BYTES]
        except OSError:
            pass
        finally:
            self._f.close()


class Run:
    """A run file opened for reading (see :func:`open_run`).

    Attributes
    ----------
    path, substrate, config (dict), schedule (dict), attrs (dict of root attributes).
    """

    def __init__(self, path: str, follow: bool = False, repair: bool = False):
        self.path = path
        self._f = _open_h5(path, "r", repair=repair, swmr=follow)
        try:
            _check_format(self._f, path)
            self.attrs = dict(self._f.attrs)
            self.substrate = str(self.attrs["substrate"])
            self.config = json.loads(self.attrs["config"])
            self.schedule = json.loads(self.attrs["schedule"])
        except BaseException:
            self._f.close()
            raise

    def refresh(self) -> None:
        """Pick up rows and snapshots written since opening (for a run still running)."""
        for group in ("metrics", "snapshots"):
            for ds in self._f[group].values():
                ds.refresh()

    @property
    def metrics(self) -> dict[str, np.ndarray]:
        """Every metric as a 1-D numpy array, all aligned with ``metrics["epoch"]``."""
        group = self._f["metrics"]
        n = group["epoch"].shape[0]
        return {name: ds[:n] for name, ds in group.items()}

    @property
    def snapshot_epochs(self) -> np.ndarray:
        """(s,) int64: completed epochs at which a snapshot was taken, ascending."""
        return self._f["snapshots/epoch"][()]

    @property
    def snapshot_keys(self) -> tuple[str, ...]:
        return tuple(k for k in self._f["snapshots"] if k != "epoch")

    def snapshot(self, epoch: int, key: str | None = None) -> np.ndarray:
        """The state array ``key`` (default: the substrate's main one) after ``epoch``."""
        epochs = self.snapshot_epochs
        hits = np.flatnonzero(epochs == epoch)
        if hits.size == 0:
            raise AlifeInputError(
                f"{self.path!r} has no snapshot at epoch {epoch}; snapshots exist at epochs "
                f"{epoch_list(epochs)}"
            )
        key = key or self.snapshot_keys[0]
        return self._f["snapshots"][key][int(hits[-1])]

    def snapshot_range(self, key: str, start: int, stop: int) -> np.ndarray:
        """Snapshots ``start`` to ``stop - 1`` (by position) of array ``key``, stacked:
        (stop - start, *shape)."""
        return self._f["snapshots"][key][start:stop]

    def checkpoint_epoch(self) -> int | None:
        """Completed epochs of the checkpoint a resume would start from (None: none, in a
        file written before run files were born with one)."""
        slot = int(self._f["checkpoint/current"][0])
        return None if slot < 0 else int(self._f["checkpoint/slot_epoch"][slot])

    def checkpoint_state(self) -> dict[str, np.ndarray]:
        """The full state arrays of the current checkpoint."""
        return _read_checkpoint(self._f, self.path)[1]

    @property
    def ended(self) -> str | None:
        """How the last session of the run ended ("completed", "stop rule RULE",
        "interrupted", "failed: ERROR", ...); "" while its writer runs or after it was
        killed; None for a file written before runs recorded it."""
        if "ended" not in self._f:
            return None
        return self._f["ended"][0].decode(errors="replace")

    @property
    def writer(self) -> str | None:
        """ "host:pid" of the process that last wrote the run (None in older files)."""
        return self.attrs.get("writer")

    @property
    def writer_token(self) -> str:
        """Boot and start time of the process that last wrote the run, as
        :func:`~alife.engine.processes.process_token` gives them ("" when unknown)."""
        return self.attrs.get("writer_token", "")

    def close(self) -> None:
        self._f.close()

    def __repr__(self) -> str:
        """What a notebook shows of an open run: substrate, records, snapshots, checkpoint."""
        if not self._f:
            return f"<alife run {self.path!r} (closed)>"
        records = self._f["metrics/epoch"].shape[0]
        return (
            f"<alife run {self.path!r}: {self.substrate}, {records} metrics records, "
            f"snapshots at epochs {epoch_list(self.snapshot_epochs)}, checkpoint at epoch "
            f"{self.checkpoint_epoch()}>"
        )

    def __enter__(self) -> Run:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def epoch_list(values: np.ndarray) -> str:
    """``values`` (epochs, ascending) as text: all of up to 8, else the first two, the
    last and the count."""
    if values.size == 0:
        return "(none)"
    if values.size <= 8:
        return ", ".join(str(int(v)) for v in values)
    return f"{int(values[0])}, {int(values[1])}, ..., {int(values[-1])} ({values.size} in all)"


def open_run(path: str, follow: bool = False, repair: bool = False) -> Run:
    """Open a run file for reading; ``follow=True`` opens it SWMR to track a live run;
    ``repair=True`` (for a caller about to continue the run) first clears the flags of a
    writer that was killed before readers could follow it."""
    return Run(path, follow=follow, repair=repair)
