"""Replay pickled fuzz cases through whichever `contracts` package is first on sys.path, in-process.

    python benchmarks/fuzz_replay.py CASES.pkl TIMEOUT_S MEMORY_MIB

benchmarks/fuzz_ingest.py runs this with an older checkout's `contracts` first on the path (`--compare-ref`)
to show what the same files did before the guards. It imports nothing but `load_bytes` and `IngestError`,
which every version has. Each file gets TIMEOUT_S (SIGALRM; a parser stuck in C code is stopped when it
returns) and the process an address-space cap of MEMORY_MIB, so a bomb ends as `over-memory`, not as a
swapping machine. Prints one JSON object: outcome counts per kind and per exception type."""

from __future__ import annotations

import json
import pickle
import resource
import signal
import sys
from collections import Counter


class _Hang(BaseException):
    """Raised by the alarm; a BaseException so the code under test cannot swallow it."""


def _alarm(signum: int, frame: object) -> None:
    raise _Hang


def main() -> None:
    path, timeout_s, memory_mib = sys.argv[1], int(float(sys.argv[2])), int(sys.argv[3])
    resource.setrlimit(resource.RLIMIT_AS, (memory_mib << 20, memory_mib << 20))
    from contracts.errors import IngestError
    from contracts.ingest import load_bytes

    with open(path, "rb") as handle:
        cases = pickle.load(handle)
    signal.signal(signal.SIGALRM, _alarm)
    by_kind: dict[str, Counter[str]] = {}
    exceptions: Counter[str] = Counter()
    for how, name, data in cases:
        verdict = "ok"
        try:
            signal.alarm(max(timeout_s, 1))
            try:
                load_bytes(data, name)
            finally:
                signal.alarm(0)
        except _Hang:
            verdict = "hang"
        except IngestError:
            verdict = "clean error"
        except MemoryError:
            verdict = "over-memory"
        except Exception as exc:
            verdict = "crash"
            exceptions[type(exc).__name__] += 1
        by_kind.setdefault(how.split(":")[0], Counter())[verdict] += 1
    print(json.dumps({"by_kind": by_kind, "crash_exceptions": dict(exceptions.most_common())}))


if __name__ == "__main__":
    main()
