"""Every command in the README works on a fresh checkout (issue 33): each is run here, from a workspace that
holds the repository's files but a fresh store (`LEXRISK_DATABASE_URL`) and fresh output folders, or it is
marked `# needs: GPU` / `# needs: served model` in the README. A README command that fails fails this test.

`.venv/bin/lexrisk` and `.venv/bin/python` are the interpreter running the tests (the workspace's `.venv` is
a folder of shims), so `make demo` and `make up` run their own recipes with their install stamps taken as
done (`make -o`); `make up` is started on free ports (its `UP_FLAGS`), checked to be up, and stopped. `make test`
runs the whole suite, this file included: it is checked to end in that suite, not run from inside it."""

from __future__ import annotations

import os
import re
import resource
import shlex
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO

MARKERS = ("# needs: GPU", "# needs: served model")
# what the commands write: never taken from the checkout, so each run starts from nothing
OUTPUTS = {"out", "reports", "runs", "review", "models", ".venv", ".git"}


@dataclass(frozen=True)
class Command:
    line: str  # the command as the shell reads it (continuations joined, comment removed)
    comment: str

    @property
    def marker(self) -> str | None:
        return next((m for m in MARKERS if m in f"# {self.comment}"), None)


def readme_commands(text: str) -> list[Command]:
    """The commands of the README's ```bash blocks, a backslash continuing a line."""
    commands: list[Command] = []
    for block in re.findall(r"```bash\n(.*?)```", text, re.S):
        pending = ""
        for raw in block.splitlines():
            line = pending + raw.strip()
            if line.endswith("\\"):
                pending = line[:-1].rstrip() + " "
                continue
            pending = ""
            code, _, comment = line.partition("  #")
            if code.strip():
                commands.append(Command(code.strip(), comment.strip()))
    return commands


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory, cuad_dir) -> tuple[Path, dict[str, str]]:
    """A folder that reads like the checkout (its files linked) with a fresh store and output folders."""
    root = tmp_path_factory.mktemp("readme")
    for entry in REPO.iterdir():
        if entry.name not in OUTPUTS and not entry.name.startswith(".pytest"):
            (root / entry.name).symlink_to(entry)
    bin_dir = root / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    for name, module in (("lexrisk", "-m lexrisk"), ("python", "")):
        shim = bin_dir / name
        shim.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} {module} "$@"\n')
        shim.chmod(0o755)
    for stamp in (".core", ".up", ".all"):
        (root / ".venv" / stamp).touch()
    env = {**os.environ, "PYTHONPATH": str(REPO), "PATH": f"{bin_dir}:{os.environ['PATH']}",
           "LEXRISK_DATABASE_URL": f"sqlite:///{root / 'store.db'}", "LEXRISK_CUAD_DIR": str(cuad_dir),
           "LEXRISK_ANALYZER": "baseline", "MAKEFLAGS": ""}
    for inherited in ("MAKELEVEL", "MFLAGS", "MAKEOVERRIDES"):  # under `make test` a make run here is no sub-make
        env.pop(inherited, None)
    return root, env


def test_the_readme_has_the_three_commands_and_marks_what_it_cannot_run_here():
    commands = readme_commands((REPO / "README.md").read_text("utf-8"))
    assert [c.line for c in commands[:3]] == ["make demo", "make up", "make test"]
    marked = [c for c in commands if c.marker]
    assert {c.marker for c in marked} == set(MARKERS)  # both kinds are used, and visibly
    for c in commands:  # a mention of a GPU or a served model in a comment must be the marker itself
        assert c.marker or not re.search(r"\bneeds\b", c.comment), f"unmarked need: {c.line}  # {c.comment}"
    assert len(commands) - len(marked) >= 10


def test_make_test_is_the_suite_this_file_is_in(workspace):
    root, env = workspace
    dry = subprocess.run(["make", "-n", "test", "-o", ".venv/.all", "-o", ".vllm-venv/.built"], cwd=root, env=env,
                         capture_output=True, text=True, timeout=60)
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines()[-1] == ".venv/bin/python -m pytest"  # no selection: every test, this one too


def test_every_readme_command_runs(workspace):
    root, env = workspace
    commands = readme_commands((REPO / "README.md").read_text("utf-8"))
    ran = []
    for command in commands:
        if command.marker or command.line == "make test":
            continue
        started, cpu = time.monotonic(), _children_cpu()
        if command.line == "make up":
            _make_up(root, env)
        else:
            line = command.line
            if line.startswith("make "):
                line += " -o .venv/.core -o .venv/.up -o .venv/.all"
            done = subprocess.run(["bash", "-c", line], cwd=root, env=env, capture_output=True, text=True,
                                  timeout=420)
            assert done.returncode == 0, f"README command failed: {command.line}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        ran.append(command.line)
        print(f"{time.monotonic() - started:6.1f} s wall {_children_cpu() - cpu:6.1f} s CPU  {command.line}")
    assert "make demo" in ran and "make up" in ran
    # what the commands said they made is there
    assert list((root / "reports").glob("*.html"))
    assert (root / "out" / "tiny-cpu" / "adapter" / "lexrisk_model_card.json").is_file()
    assert (root / "runs" / "baseline" / "metrics.json").is_file()


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _make_up(root: Path, env: dict[str, str]) -> None:
    """`make up` on free ports until it says it is up and prints a key; then SIGTERM stops it cleanly."""
    api, ui = free_port(), free_port()
    log = root / "up.log"
    with log.open("w") as out:
        process = subprocess.Popen(["make", "up", "-o", ".venv/.up", "-o", ".venv/.core",
                                    f"UP_FLAGS=--api-port {api} --ui-port {ui}"], cwd=root, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        try:
            deadline = time.monotonic() + 180
            while "lexrisk is up" not in log.read_text():
                assert process.poll() is None, f"make up exited:\n{log.read_text()}"
                assert time.monotonic() < deadline, f"make up did not come up:\n{log.read_text()}"
                time.sleep(0.5)
            assert re.search(r"\(shown once\): \S+", log.read_text()), log.read_text()
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=60)
