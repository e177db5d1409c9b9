"""The settings of the API's clients: the Streamlit app and `lexrisk batch` (which address, which key,
how long a sign-in lasts)."""

from __future__ import annotations

from pydantic import Field, SecretStr

from contracts.settings import SettingsPart


class ClientSettings(SettingsPart):
    """Clients of the HTTP API."""

    api_url: str = Field("http://127.0.0.1:8000", description="base URL of the lexrisk API that `lexrisk batch` and "
                                                                "the Streamlit app talk to")
    api_key: SecretStr | None = Field(None, description="API key `lexrisk batch` sends (`lexrisk keys create` prints one)")
    ui_idle_minutes: float = Field(480.0, gt=0, description="minutes the app keeps a sign-in without a page run (the "
                                                           "key stays on the app's server; the browser holds an "
                                                           "HttpOnly session cookie)")
