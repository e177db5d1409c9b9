"""Measured peak memory of a block of work: the GPU's allocator peak when there is a GPU, otherwise
the process's resident-set high-water mark (Linux VmHWM, reset on entry through /proc/self/clear_refs)
minus the resident set at entry. The CPU figure counts everything the block allocated, including
allocator slack and libraries loaded on first use, so it errs high, as a GPU's reserved memory does."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

_STATUS = Path("/proc/self/status")


def _status_kib(field: str) -> int:
    match = re.search(rf"^{field}:\s+(\d+) kB", _STATUS.read_text(), re.MULTILINE)
    return int(match[1]) if match else 0


class PeakMemory:
    """`with PeakMemory() as peak: ...; peak.peak_bytes, peak.source`."""

    def __init__(self) -> None:
        self.peak_bytes = 0
        self.source = ""
        self._base = 0
        self._cuda = False

    def __enter__(self) -> PeakMemory:
        import torch

        self._cuda = torch.cuda.is_available()
        if self._cuda:
            torch.cuda.synchronize()
            torch.cuda.reset_peak_memory_stats()
            self._base = torch.cuda.memory_allocated()
            self.source = "torch.cuda.max_memory_allocated"
        elif _STATUS.is_file():
            try:
                Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS
                self.source = "process RSS high-water mark (VmHWM) minus RSS at start"
            except OSError:
                self.source = "process RSS high-water mark since start (could not reset) minus RSS at start"
            self._base = _status_kib("VmRSS") * 1024
        else:
            self.source = "unavailable"
        return self

    def __exit__(self, *exc) -> None:
        import torch

        if self._cuda:
            torch.cuda.synchronize()
            self.peak_bytes = torch.cuda.max_memory_allocated() - self._base
        elif _STATUS.is_file():
            self.peak_bytes = max(0, _status_kib("VmHWM") * 1024 - self._base)


def model_bytes(model) -> int:
    """Bytes held by a model's weights, counted once per storage, bitsandbytes quantization state included
    (absmax, nested absmax and code tensors live beside the packed 4-bit weights, not in parameters())."""
    import torch

    seen: dict[int, int] = {}

    def add(tensor) -> None:
        if isinstance(tensor, torch.Tensor):
            storage = tensor.untyped_storage()
            seen[storage.data_ptr()] = storage.nbytes()

    for tensor in [*model.parameters(), *model.buffers()]:
        add(tensor)
        state = getattr(tensor, "quant_state", None)
        while state is not None:
            for value in (state.absmax, state.code, getattr(state, "offset", None)):
                add(value)
            state = getattr(state, "state2", None)
    return sum(seen.values())


class TensorPeak:
    """Peak bytes of tensor storage allocated inside the block and still alive, on any device: a
    TorchDispatchMode sees every op's outputs, and weak references tell when a storage is freed. It is the
    CPU's stand-in for torch.cuda.max_memory_allocated (which CPUs do not have); tensors that existed
    before the block (the loaded weights) are not counted, add them with `model_bytes`."""

    source = "tensor storages allocated in the block (TorchDispatchMode + storage weakrefs), peak"

    def __init__(self) -> None:
        self.peak_bytes = 0
        self._live: dict[int, tuple[int, Any]] = {}  # data_ptr -> (bytes, torch StorageWeakRef)
        self._current = 0
        self._mode: Any = None  # a TorchDispatchMode subclass defined in __enter__

    def _record(self, outputs) -> None:
        import torch
        from torch.multiprocessing.reductions import StorageWeakRef
        from torch.utils._pytree import tree_leaves

        for ptr, (size, ref) in list(self._live.items()):
            if ref.expired():
                del self._live[ptr]
                self._current -= size
        for leaf in tree_leaves(outputs):
            if isinstance(leaf, torch.Tensor) and not leaf.is_meta:
                storage = leaf.untyped_storage()
                ptr = storage.data_ptr()
                if ptr and ptr not in self._live:
                    self._live[ptr] = (storage.nbytes(), StorageWeakRef(storage))
                    self._current += storage.nbytes()
        self.peak_bytes = max(self.peak_bytes, self._current)

    def __enter__(self) -> TensorPeak:
        from torch.utils._python_dispatch import TorchDispatchMode

        tracker = self

        class _Mode(TorchDispatchMode):
            def __torch_dispatch__(self, func, types, args=(), kwargs=None):
                out = func(*args, **(kwargs or {}))
                tracker._record(out)
                return out

        self._mode = _Mode()
        self._mode.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._mode.__exit__(*exc)
