"""One command timed whole, as a user waits for it, in a session of its own: its wall seconds from start to
exit, the peak of the proportional memory (PSS) summed over its process group (the command and every worker
it starts, each counted once, sampled every 0.1 s), its exit status and what it wrote on stderr. A run past
`kill_after` seconds is killed, its whole group with it. Shared by the benchmarks that run one process per
case (analyze_per_file.py, compare_cli.py)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

MIB = 2**20


def group_pss(pgid: int) -> int:
    """Bytes of PSS summed over the live processes of process group `pgid`."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
            if int(fields[2]) != pgid:
                continue
            for line in (stat.parent / "smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) * 1024
                    break
        except (OSError, ValueError, IndexError):
            continue
    return total


@dataclass
class GroupRun:
    wall_s: float
    peak_bytes: int  # the group's peak PSS
    returncode: int | None  # None when killed
    killed: bool
    stderr: str


def run_group(argv: list[str], cwd: Path, env: dict[str, str], kill_after: float,
              stdout: int | IO[bytes] = subprocess.DEVNULL) -> GroupRun:
    """Run `argv` in a session of its own and wait for it (at most `kill_after` seconds)."""
    started = time.monotonic()
    process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=stdout, stderr=subprocess.PIPE,
                               start_new_session=True)
    peak, killed = 0, False
    while process.poll() is None:
        peak = max(peak, group_pss(process.pid))
        if time.monotonic() - started > kill_after:
            os.killpg(process.pid, signal.SIGKILL)
            killed = True
            break
        time.sleep(0.1)
    process.wait()
    wall = time.monotonic() - started
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # a worker the command left behind
    err = process.stderr.read().decode(errors="replace") if process.stderr else ""
    return GroupRun(wall, peak, None if killed else process.returncode, killed, err)
