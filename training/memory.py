"""Measured peak memory of a block of work: the GPU's allocator peak when there is a GPU, otherwise
the process's resident-set high-water mark (Linux VmHWM, reset on entry through /proc/self/clear_refs)
minus the resident set at entry. The CPU figure counts everything the block allocated, including
allocator slack and libraries loaded on first use, so it errs high, as a GPU's reserved memory does."""

from __future__ import annotations

import re
from pathlib import Path

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
