"""Where the tensors live: a CUDA GPU when there is one, the CPU otherwise (same results)."""

from __future__ import annotations

import torch


def pick_device(name: str | None = None) -> torch.device:
    """'auto' (or None): CUDA when present, else CPU; or exactly the device named."""
    if name in (None, "auto"):
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    device = torch.device(name)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ValueError("--device cuda was asked for, but no CUDA GPU is available here")
    return device
