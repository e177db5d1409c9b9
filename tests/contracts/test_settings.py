"""A bad LEXRISK_* variable stops a command at start-up with one line naming it, before anything runs."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from contracts.settings import clear_settings, settings_error
from lexrisk.cli import main
from lexrisk.settings import Settings


def test_structured_output_mode_is_checked_when_settings_load(monkeypatch):
    monkeypatch.setenv("LEXRISK_OPENAI_STRUCTURED_OUTPUT", "guided_json")
    with pytest.raises(ValidationError) as info:
        Settings()
    assert settings_error(info.value) == ("bad setting: LEXRISK_OPENAI_STRUCTURED_OUTPUT: Input should be "
                                          "'response_format' or 'structured_outputs' (got 'guided_json')")
    monkeypatch.setenv("LEXRISK_OPENAI_STRUCTURED_OUTPUT", "structured_outputs")
    assert Settings().openai_structured_output == "structured_outputs"


def test_command_with_a_bad_setting_is_one_line_and_exit_2(monkeypatch, capsys):
    monkeypatch.setenv("LEXRISK_PORT", "99999")
    clear_settings()
    try:
        assert main(["serve"]) == 2
    finally:
        clear_settings()
    err = capsys.readouterr().err
    assert err.startswith("lexrisk: error: bad setting: LEXRISK_PORT:") and err.count("\n") == 1


def test_an_unknown_default_analyzer_stops_serve_at_start(monkeypatch, capsys):
    monkeypatch.setenv("LEXRISK_ANALYZER", "gpt")
    clear_settings()
    try:
        assert main(["serve"]) == 2
    finally:
        clear_settings()
    err = capsys.readouterr().err
    assert err == ("lexrisk: error: bad setting: LEXRISK_ANALYZER: unknown analyzer; choose one of: baseline, hf, "
                   "openai (got 'gpt')\n")


def test_a_plugin_analyzer_may_be_the_default(monkeypatch):
    monkeypatch.setenv("LEXRISK_ANALYZER_PLUGINS", '{"house": "house_models:factory"}')
    monkeypatch.setenv("LEXRISK_ANALYZER", "house")
    assert Settings(_env_file=None).analyzer == "house"
    monkeypatch.setenv("LEXRISK_ANALYZER", "hf")
    assert Settings(_env_file=None).analyzer == "hf"


def test_the_parts_split_the_settings_and_read_the_same_variables(monkeypatch):
    from analyzers.settings import AnalyzerSettings
    from contracts.settings import CommonSettings
    from serving.settings import ApiSettings, JobSettings, WebhookSettings
    from ui.settings import ClientSettings

    parts = [CommonSettings, ApiSettings, JobSettings, WebhookSettings, AnalyzerSettings, ClientSettings]
    names = [name for part in parts for name in part.model_fields]
    # each part beside the code that reads it: the domain's below, the service's, the analyzers', the app's
    assert [part.__module__.split(".")[0] for part in parts] == ["contracts", "serving", "serving", "serving",
                                                               "analyzers", "ui"]
    assert sorted(names) == sorted(Settings.model_fields) and len(names) == len(set(names))  # each in one part
    monkeypatch.setenv("LEXRISK_WEBHOOK_MAX_ATTEMPTS", "9")
    assert WebhookSettings(_env_file=None).webhook_max_attempts == 9 == Settings(_env_file=None).webhook_max_attempts
    monkeypatch.setenv("LEXRISK_ANALYZER", "nope")
    with pytest.raises(ValidationError):
        AnalyzerSettings(_env_file=None)


def test_each_part_is_read_once_until_the_settings_are_cleared(monkeypatch):
    """A part's code reads its own part (no layer imports the composition above it for its configuration);
    one cache serves every part, so one clear makes all of them read the environment again."""
    from contracts.settings import CommonSettings, load_settings
    from serving.settings import ServiceSettings

    monkeypatch.setenv("LEXRISK_MAX_PAGES", "7")
    clear_settings()
    try:
        assert load_settings(CommonSettings).max_pages == 7 == load_settings(ServiceSettings).max_pages
        monkeypatch.setenv("LEXRISK_MAX_PAGES", "9")
        assert load_settings(CommonSettings) is load_settings(CommonSettings)
        assert load_settings(ServiceSettings).max_pages == 7  # cached
        clear_settings()
        assert load_settings(CommonSettings).max_pages == 9 == load_settings(ServiceSettings).max_pages
    finally:
        clear_settings()
