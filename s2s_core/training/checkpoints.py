"""Save and load checkpoints: safetensors weights + JSON, never pickle.

A checkpoint is a directory (named `<task>-<attention>` when shipped):

    model.safetensors      the weights (plain tensors: nothing in it can run code)
    config.json            model config, vocabularies, task, training facts, held-out
                           metrics and library versions, as readable JSON
    optimizer.safetensors  (optional) Adam's state, to resume training
    metrics.json           (optional) written by `python -m s2s_core evaluate`

Shipped checkpoints store their weights as float16 (`store_half`): half the bytes, so more
models fit the 25 MB budget. Loading copies them into the model's float32 parameters, and
the shipped metrics are measured after that round trip, on exactly the weights the app uses.

Each file is written to a temporary name and then renamed over the old one
(`os.replace` is atomic), so a run killed mid-write leaves the previous file whole.
"""

from __future__ import annotations

import json
import os
import platform
from dataclasses import dataclass, field
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from s2s_core import tasks as task_registry
from s2s_core.model.build import Model, build_model
from s2s_core.model.config import ModelConfig
from s2s_core.model.vocab import Vocab
from s2s_core.shipped import ModelName
from s2s_core.tasks.pairs import PairsTask

FORMAT = "seq2seq-attention-lab/1"


class CheckpointError(ValueError):
    """A checkpoint that cannot be loaded; the message names the file and why."""


@dataclass
class Checkpoint:
    """A model together with everything needed to use it."""

    model: Model
    src_vocab: Vocab
    tgt_vocab: Vocab
    task: str
    info: dict = field(default_factory=dict)  # the rest of config.json: training, metrics, ...
    path: Path | None = None

    @property
    def name(self) -> str:
        return self.path.name if self.path else str(ModelName(self.task, self.model.cfg.attention))


def library_versions() -> dict[str, str]:
    from importlib.metadata import version

    import babel
    import num2words  # noqa: F401  (its version comes from package metadata)

    return {
        "python": platform.python_version(),
        "torch": torch.__version__,
        "babel": babel.__version__,
        "num2words": version("num2words"),
    }


def _atomic_write(path: Path, write) -> None:
    """Call write(tmp_path), then rename the finished file onto `path`."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_json(path: Path, data: dict) -> None:
    _atomic_write(path, lambda tmp: tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False)))


def save(
    ckpt: Checkpoint, directory: str | Path, optimizer: torch.optim.Optimizer | None = None
) -> Path:
    """Write `ckpt` into `directory` (created if needed); returns the directory."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    weights = {k: v.detach().cpu().contiguous() for k, v in ckpt.model.state_dict().items()}
    _atomic_write(
        directory / "model.safetensors",
        lambda tmp: save_file(weights, str(tmp), metadata={"format": FORMAT}),
    )
    if optimizer is not None:
        _atomic_write(
            directory / "optimizer.safetensors",
            lambda tmp: save_file(optimizer_tensors(ckpt.model, optimizer), str(tmp)),
        )
    config = {
        "format": FORMAT,
        "task": ckpt.task,
        "model": ckpt.model.cfg.to_dict(),
        "src_vocab": ckpt.src_vocab.to_json(),
        "tgt_vocab": ckpt.tgt_vocab.to_json(),
        **{k: v for k, v in ckpt.info.items() if k not in ("format", "task", "model")},
        "versions": library_versions(),
    }
    own = task_registry.OWN_TASKS.get(ckpt.task)
    if isinstance(own, PairsTask):  # a teacher's pairs travel with each of their models
        write_json(directory / TASK_FILE, own.to_json())
    write_json(directory / "config.json", config)
    ckpt.path = directory
    return directory


STORED_DTYPES = (torch.float32, torch.float16)  # what `load` accepts in model.safetensors


def store_half(directory: str | Path) -> int:
    """Rewrite a checkpoint's model.safetensors with float16 weights (shipped models);
    returns the new size in bytes. Loading turns them back into float32."""
    path = Path(directory) / "model.safetensors"
    weights = load_file(str(path))
    for key, w in weights.items():
        if w.is_floating_point():
            weights[key] = w.to(torch.float16).contiguous()
            if not bool(torch.isfinite(weights[key]).all()):  # beyond float16's 65,504
                raise CheckpointError(f"{path}: tensor '{key}' does not fit float16")
    _atomic_write(path, lambda tmp: save_file(weights, str(tmp), metadata={"format": FORMAT}))
    return path.stat().st_size


def _read_json(path: Path) -> dict:
    if not path.is_file():
        raise CheckpointError(
            f"{path}: missing (a checkpoint directory holds config.json and model.safetensors)"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise CheckpointError(f"{path}: not readable JSON ({err})") from None
    if not isinstance(data, dict):
        raise CheckpointError(f"{path}: expected a JSON object")
    return data


TASK_FILE = "task.json"  # a teacher's own task, beside the models trained on it


def _register_own_task(directory: Path, name: str) -> None:
    """Make the task of a model trained on a teacher's pairs known (its task.json)."""
    if name in task_registry.TASKS or name in task_registry.OWN_TASKS:
        return
    path = directory / TASK_FILE
    if not path.is_file():
        return  # (a page names an unknown task when it asks for it)
    try:
        task_registry.register(PairsTask.from_json(_read_json(path)))
    except (KeyError, TypeError, IndexError, ValueError) as err:
        raise CheckpointError(f"{path}: not a valid task ({err})") from None


def load(directory: str | Path, device: torch.device | str = "cpu") -> Checkpoint:
    """Load a checkpoint directory; raises CheckpointError naming the file at fault."""
    directory = Path(directory)
    if not directory.is_dir():
        raise CheckpointError(f"{directory}: not a checkpoint directory")
    config_path, weights_path = directory / "config.json", directory / "model.safetensors"
    config = _read_json(config_path)
    if config.get("format") != FORMAT:
        raise CheckpointError(f"{config_path}: not a {FORMAT} checkpoint config")
    try:
        cfg = ModelConfig(**config["model"])
        src_vocab = Vocab.from_json(config["src_vocab"])
        tgt_vocab = Vocab.from_json(config["tgt_vocab"])
        task = str(config["task"])
    except (KeyError, TypeError, ValueError) as err:
        raise CheckpointError(f"{config_path}: invalid config ({err})") from None
    if not weights_path.is_file():
        raise CheckpointError(f"{weights_path}: missing")
    _register_own_task(directory, task)
    try:
        weights = load_file(str(weights_path))  # safetensors: parses tensors, never runs code
    except (SafetensorError, OSError, ValueError) as err:
        raise CheckpointError(f"{weights_path}: not a valid safetensors file ({err})") from None
    model = build_model(cfg)
    expected = model.state_dict()
    for key, tensor in expected.items():
        if key not in weights:
            raise CheckpointError(f"{weights_path}: tensor '{key}' is missing")
        if weights[key].dtype not in STORED_DTYPES:
            raise CheckpointError(
                f"{weights_path}: tensor '{key}' is {weights[key].dtype}, "
                "expected float32 or float16"
            )
        if weights[key].shape != tensor.shape:
            raise CheckpointError(
                f"{weights_path}: tensor '{key}' has shape "
                f"{tuple(weights[key].shape)}, config.json implies "
                f"{tuple(tensor.shape)}"
            )
    if extra := sorted(set(weights) - set(expected)):
        raise CheckpointError(f"{weights_path}: unexpected tensor '{extra[0]}'")
    model.load_state_dict(weights)  # copies into float32 parameters (float16 stored: widened)
    model.to(device).eval()
    info = {k: v for k, v in config.items() if k not in ("model", "src_vocab", "tgt_vocab")}
    return Checkpoint(model, src_vocab, tgt_vocab, task, info, directory)


def optimizer_tensors(model: Model, optimizer: torch.optim.Optimizer) -> dict[str, torch.Tensor]:
    """Adam's per-parameter state as named tensors ('exp_avg.<param>', ...)."""
    names = {id(p): n for n, p in model.named_parameters()}
    out = {}
    for group in optimizer.param_groups:
        for p in group["params"]:
            for key, value in optimizer.state.get(p, {}).items():
                out[f"{key}.{names[id(p)]}"] = torch.as_tensor(value).detach().cpu().clone()
    return out


def load_optimizer(directory: str | Path, model: Model, optimizer: torch.optim.Optimizer) -> bool:
    """Restore Adam's state saved by `save`; False when the checkpoint has none."""
    path = Path(directory) / "optimizer.safetensors"
    if not path.is_file():
        return False
    try:
        tensors = load_file(str(path))
    except (SafetensorError, OSError, ValueError) as err:
        raise CheckpointError(f"{path}: not a valid safetensors file ({err})") from None
    params = dict(model.named_parameters())
    for flat, value in tensors.items():
        key, name = flat.split(".", 1)
        p = params[name]
        optimizer.state[p][key] = value.to(p.device) if key != "step" else value
    return True
