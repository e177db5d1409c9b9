"""Regenerate docs/settings.md from the Settings class: `python scripts/gen_settings_doc.py`."""

from __future__ import annotations

from pathlib import Path

from contracts.settings import Settings

HEADER = """# Settings

lexrisk reads its settings from environment variables prefixed `LEXRISK_`, or from a `.env` file in the
working directory. This page is generated from `contracts/settings.py` by `scripts/gen_settings_doc.py`;
a test fails when a setting is missing here.

| variable | default | what it does |
|---|---|---|
"""


def main() -> None:
    rows = []
    for name, field in Settings.model_fields.items():
        default = field.default
        shown = "(none)" if default is None else f"`{default}`"
        if name == "database_url":
            shown = "SQLite file in the user data directory"
        rows.append(f"| `LEXRISK_{name.upper()}` | {shown} | {field.description} |")
    Path("docs/settings.md").write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
