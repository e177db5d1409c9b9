"""`Settings`: every part's settings in one object, for the command root, the benchmarks and the tests.
A part's own code reads only its part (`contracts.settings.load_settings(ServiceSettings)` and so on), so
that no layer imports a layer above it for its configuration."""

from __future__ import annotations

from contracts.settings import load_settings
from serving.settings import ServiceSettings
from ui.settings import ClientSettings


class Settings(ClientSettings, ServiceSettings):
    """All the parts, as `get_settings()` returns it (the order docs/settings.md lists them in)."""


def get_settings() -> Settings:
    return load_settings(Settings)
