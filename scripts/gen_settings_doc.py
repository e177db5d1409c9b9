"""Regenerate docs/settings.md from the settings classes, part by part: `python scripts/gen_settings_doc.py`."""

from __future__ import annotations

import inspect
from pathlib import Path

from pydantic_settings import BaseSettings

from analyzers.settings import AnalyzerSettings
from contracts.settings import CommonSettings
from lexrisk.settings import Settings
from serving.settings import ApiSettings, JobSettings, WebhookSettings
from ui.settings import ClientSettings

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "settings.md"
# the order a reader meets them: what every part reads, then the service's parts, the analyzers, the clients
PARTS: tuple[type[BaseSettings], ...] = (CommonSettings, ApiSettings, JobSettings, WebhookSettings, AnalyzerSettings,
                                         ClientSettings)

HEADER = """# Settings

lexrisk reads its settings from environment variables prefixed `LEXRISK_`, or from a `.env` file in the
working directory. Each part declares its own settings beside its code; `lexrisk.settings.Settings` holds
them all. This page is generated from those classes by `scripts/gen_settings_doc.py`; a test fails when a
setting is missing here.
"""


def _declared(part: type[BaseSettings]) -> list[str]:
    """The fields a part declares itself (not those it inherits)."""
    own = inspect.get_annotations(part)
    return [name for name in part.model_fields if name in own]


def render() -> str:
    """The page, as tests/test_docs.py expects docs/settings.md to read byte for byte."""
    sections = [HEADER]
    for part in PARTS:
        source = Path(inspect.getfile(part)).resolve().relative_to(REPO)
        summary = (part.__doc__ or "").strip().splitlines()[0]
        rows = []
        for name in _declared(part):
            field = Settings.model_fields[name]
            default = field.get_default(call_default_factory=True)  # a default_factory's value, not PydanticUndefined
            shown = "(none)" if default is None else f"`{default}`"
            if name == "database_url":
                shown = "SQLite file in the user data directory"
            rows.append(f"| `LEXRISK_{name.upper()}` | {shown} | {field.description} |")
        sections.append(f"## {part.__name__} (`{source}`)\n\n{summary}\n\n| variable | default | what it does |\n"
                        "|---|---|---|\n" + "\n".join(rows) + "\n")
    return "\n".join(sections)


def main() -> None:
    DOC.write_text(render(), encoding="utf-8")


if __name__ == "__main__":
    main()
