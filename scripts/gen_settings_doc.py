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


DOC = Path(__file__).resolve().parents[1] / "docs" / "settings.md"


def render() -> str:
    """The page, as tests/test_docs.py expects docs/settings.md to read byte for byte."""
    rows = []
    for name, field in Settings.model_fields.items():
        default = field.get_default(call_default_factory=True)  # a default_factory's value, not PydanticUndefined
        shown = "(none)" if default is None else f"`{default}`"
        if name == "database_url":
            shown = "SQLite file in the user data directory"
        rows.append(f"| `LEXRISK_{name.upper()}` | {shown} | {field.description} |")
    return HEADER + "\n".join(rows) + "\n"


def main() -> None:
    DOC.write_text(render(), encoding="utf-8")


if __name__ == "__main__":
    main()
