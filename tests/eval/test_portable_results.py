"""Results carry no machine's paths (issue 33): what the writers record runs on any checkout, and no file
committed under eval/results/ holds an absolute path."""

from __future__ import annotations

import json

from contracts.portable_paths import REPO_ROOT, absolute_paths, portable, portable_text
from tests.conftest import REPO, load_script


def test_no_committed_result_holds_an_absolute_path():
    script = load_script("portable_results")
    files = script.text_files(REPO / "eval" / "results")
    assert len(files) > 20  # the folder's JSON, Markdown, HTML and logs are read, not skipped
    found = {str(f.relative_to(REPO)): hits for f in files if (hits := absolute_paths(f.read_bytes().decode("utf-8")))}
    assert not found, f"absolute paths in committed results (write them with contracts.portable_paths): {found}"
    for path in files:  # and rewriting them left every JSON file JSON, with no escaped `\$NAME`
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".json":
            json.loads(text)
        assert "\\$LEXRISK_" not in text and "\\$TMPDIR" not in text, path


def test_absolute_paths_are_found_where_results_write_them():
    text = ('"data": "/work/shared/data/cuad", `lexrisk eval run --data /home/me/cuad`, model=/tmp/m, '
            "method=file:///tmp/vllm_dist_1 (/opt/x/y) http://127.0.0.1:8000/v1/chat and train/dev/test")
    assert absolute_paths(text) == ["/work/shared/data/cuad", "/home/me/cuad", "/tmp/m", "/tmp/vllm_dist_1", "/opt/x/y"]


def test_repository_paths_become_relative_and_settings_are_named(tmp_path):
    cuad = tmp_path / "data" / "cuad"
    env = {"LEXRISK_CUAD_DIR": str(cuad), "TMPDIR": "/nonexistent-tmp"}
    line = (f"lexrisk eval run --data {cuad} --contracts {REPO_ROOT}/eval/results/x/contracts.txt "
            f"--set baseline_model={REPO_ROOT}/analyzers/baseline/model --out {REPO_ROOT}")
    assert portable_text(line, env) == ("lexrisk eval run --data $LEXRISK_CUAD_DIR --contracts "
                                        "eval/results/x/contracts.txt --set baseline_model=analyzers/baseline/"
                                        "model --out .")
    assert portable_text(f"{cuad}/full_contract_txt/a.txt and {cuad}-other and {cuad}.", env) == \
        f"$LEXRISK_CUAD_DIR/full_contract_txt/a.txt and {cuad}-other and $LEXRISK_CUAD_DIR."
    assert portable({"a": [REPO_ROOT / "out", 3, None], "b": str(cuad)}, env) == \
        {"a": ["out", 3, None], "b": "$LEXRISK_CUAD_DIR"}


def test_eval_run_writes_a_portable_run_json(tmp_path, monkeypatch):
    """The writer itself: run.json's data and command name the setting, not the folder it had here."""
    from eval.runner import write_run_info

    cuad = tmp_path / "cuad"
    monkeypatch.setenv("LEXRISK_CUAD_DIR", str(cuad))
    out = tmp_path / "run"
    (out / "predictions").mkdir(parents=True)
    info = write_run_info(out, {"contracts": 1, "failed": 0}, analyzer="baseline", data=str(cuad),
                          command=f"lexrisk eval run --data {cuad} --out {REPO_ROOT}/runs/x")
    written = json.loads((out / "run.json").read_text())
    assert written == info
    assert written["data"] == "$LEXRISK_CUAD_DIR"
    assert written["command"] == "lexrisk eval run --data $LEXRISK_CUAD_DIR --out runs/x"
