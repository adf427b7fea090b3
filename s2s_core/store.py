"""The model store: models trained in the browser, kept on disk under an unguessable id.

A model a student trains lives in that browser session's memory; a reload would lose it.
So the app writes it here, in the same format as checkpoints/ (model.safetensors and
config.json, s2s_core/training/checkpoints.py), under an id of 128 random bits: the link
carries the id, and whoever has the link (the student after a reload, a server restart,
another replica pointed at the same folder, the class the teacher shares it with) opens the
model. Nothing lists the store: without the id, nobody finds a model.

    root/<id>/config.json, model.safetensors     one stored model
    root/.incoming-<id>-<random>/                a model being written (renamed when whole)

Limits keep a class from filling the disk (Limits): a model's size, the store's total and
an age; `clean` removes models past the age, then the oldest until the total fits.

An id is checked before it is used (`check_id`): 22 characters of the URL-safe base64
alphabet, nothing else, so it can never name a path (no "..", "/", NUL).

Where the store lives and its caps come from the environment (`configured`):

    S2S_MODEL_STORE          the folder (default: model_store/ next to checkpoints/)
    S2S_MODEL_STORE_MB       the total cap in MB (default 512)
    S2S_MODEL_MB             one model's cap in MB (default 8)
    S2S_MODEL_STORE_DAYS     the age limit in days (default 14)

Replicas that share one folder (a shared filesystem) share their stored models.
"""

from __future__ import annotations

import math
import os
import re
import secrets
import shutil
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import torch

from s2s_core.training.checkpoints import Checkpoint, CheckpointError, load, save

DEFAULT_ROOT = Path(__file__).resolve().parents[1] / "model_store"  # git-ignored

ID_BYTES = 16  # 128 bits of randomness
ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{22}")  # base64url of 16 bytes, without padding
INCOMING = ".incoming-"  # the prefix of a model being written
STALE_S = 3600.0  # a write unfinished this long was cut off (the server stopped): removed


class StoreError(Exception):
    """A store operation that cannot be done; the message is for the student."""


@dataclass(frozen=True)
class Limits:
    model_bytes: int = 8 * 2**20  # one stored model (a d = 256 RNN takes ~3 MB)
    total_bytes: int = 512 * 2**20  # the whole store
    max_age_s: float = 14 * 24 * 3600.0  # a model older than this is removed


def new_id() -> str:
    """A fresh id: 128 random bits, URL-safe (22 characters)."""
    return secrets.token_urlsafe(ID_BYTES)


def check_id(text: object) -> str:
    """`text` if it is a well-formed id, else StoreError (it is never used as a path)."""
    if not isinstance(text, str) or not ID_PATTERN.fullmatch(text):
        raise StoreError("this link's model id is not a valid id")
    return text


def _size(directory: Path) -> int:
    return sum(f.stat().st_size for f in directory.iterdir() if f.is_file())


@dataclass
class ModelStore:
    """One folder of stored models (see the module docstring)."""

    root: Path
    limits: Limits = field(default_factory=Limits)

    def _dir(self, model_id: str) -> Path:
        return self.root / check_id(model_id)

    def put(self, ckpt: Checkpoint, model_id: str | None = None) -> str:
        """Store `ckpt` (again, under `model_id`, while it trains; else under a new id);
        returns the id. StoreError when the store cannot take it (not writable, the model
        too large, full even after clean-up)."""
        model_id = check_id(model_id) if model_id is not None else new_id()
        incoming = self.root / f"{INCOMING}{model_id}-{secrets.token_hex(4)}"
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            save(
                Checkpoint(ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab, ckpt.task, ckpt.info),
                incoming,
            )
            size = _size(incoming)
            if size > self.limits.model_bytes:
                raise StoreError(
                    f"this model takes {size / 2**20:.1f} MB; the store keeps models of at "
                    f"most {self.limits.model_bytes / 2**20:.0f} MB"
                )
            self.clean(room_for=size, keep=model_id)
            final = self._dir(model_id)
            old = final.with_name(f"{INCOMING}{model_id}-old-{secrets.token_hex(4)}")
            if final.exists():
                os.replace(final, old)  # a directory cannot be replaced while it has files
            os.replace(incoming, final)
            shutil.rmtree(old, ignore_errors=True)
        except OSError as err:
            raise StoreError(f"the model store cannot be written ({err.strerror})") from None
        finally:
            shutil.rmtree(incoming, ignore_errors=True)
        return model_id

    def _existing(self, model_id: str) -> Path:
        """The folder of stored model `model_id`. While a model is stored again (put: two
        renames, a millisecond apart) its folder is missing for that instant: look twice."""
        directory = self._dir(model_id)
        if not directory.is_dir() and any(self.root.glob(f"{INCOMING}{model_id}-old-*")):
            time.sleep(0.05)  # being stored again right now: look once more
        if directory.is_dir():
            return directory
        days = self.limits.max_age_s / 86400
        raise StoreError(
            f"no stored model has this id (the store keeps a model up to {days:g} days after "
            "it was trained, less when it fills up)"
        )

    def get(self, model_id: str, device: torch.device | str = "cpu") -> Checkpoint:
        """The stored model `model_id`; StoreError if there is none or it is damaged."""
        directory = self._existing(model_id)
        try:
            return load(directory, device)
        except (CheckpointError, OSError) as err:
            raise StoreError("the stored model is damaged and cannot be opened") from err

    def version(self, model_id: str) -> int:
        """When `model_id` was last stored (ns): a model stored again while it trains has a
        new version. StoreError if there is none."""
        try:
            return (self._existing(model_id) / "config.json").stat().st_mtime_ns
        except OSError:
            raise StoreError("the stored model is damaged: it has no config.json") from None

    def stored(self) -> list[tuple[float, int, Path]]:
        """(modified time, bytes, folder) of every stored model, oldest first."""
        if not self.root.is_dir():
            return []
        found = [
            (d.stat().st_mtime, _size(d), d)
            for d in self.root.iterdir()
            if d.is_dir() and ID_PATTERN.fullmatch(d.name)
        ]
        return sorted(found)

    def clean(self, room_for: int = 0, keep: str = "", now: float | None = None) -> list[str]:
        """Remove models older than the age limit, then the oldest until `room_for` more
        bytes fit in the total; never `keep`. The ids removed. StoreError if it cannot fit.
        Writes left unfinished (a server stopped in the middle) go too, after STALE_S."""
        now = time.time() if now is None else now
        for unfinished in self.root.glob(f"{INCOMING}*") if self.root.is_dir() else []:
            if now - unfinished.stat().st_mtime > STALE_S:
                shutil.rmtree(unfinished, ignore_errors=True)
        removed = []
        models = self.stored()
        total = sum(size for _, size, _ in models)
        for mtime, size, directory in models:
            too_old = now - mtime > self.limits.max_age_s
            if directory.name != keep and (too_old or total + room_for > self.limits.total_bytes):
                shutil.rmtree(directory, ignore_errors=True)
                removed.append(directory.name)
                total -= size
        if total + room_for > self.limits.total_bytes:
            raise StoreError("the model store is full: it keeps no more models for now")
        return removed


def configured(environ: Mapping[str, str] = os.environ) -> ModelStore:
    """The store the environment names (the module docstring lists the variables); a cap
    that is not a positive number keeps its default."""

    def number(name: str, default: float) -> float:
        try:
            value = float(environ.get(name, default))
        except ValueError:
            return default
        return value if math.isfinite(value) and value > 0 else default

    base = Limits()
    limits = Limits(
        model_bytes=int(number("S2S_MODEL_MB", base.model_bytes / 2**20) * 2**20),
        total_bytes=int(number("S2S_MODEL_STORE_MB", base.total_bytes / 2**20) * 2**20),
        max_age_s=number("S2S_MODEL_STORE_DAYS", base.max_age_s / 86400) * 86400,
    )
    return ModelStore(Path(environ.get("S2S_MODEL_STORE") or DEFAULT_ROOT), limits)
