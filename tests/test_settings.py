"""Settings are read from the `VIGIE_*` variables by the rules each field declares, and a bad value is refused
with a French message naming the variable."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from vigie.errors import ConfigurationError
from vigie.settings import SETTING_NAMES, Settings, load_settings


@pytest.fixture(autouse=True)
def no_vigie_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.upper().startswith("VIGIE_"):
            monkeypatch.delenv(name)


def test_variables_become_typed_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("VIGIE_PORT", " 8080 ")
    monkeypatch.setenv("VIGIE_DEMO", "yes")
    monkeypatch.setenv("VIGIE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("VIGIE_AUDIT_WRITER", "process")
    monkeypatch.setenv("VIGIE_TRUST_FORWARDED_PROTO", "0")
    settings = load_settings()
    assert settings.port == 8080
    assert settings.demo is True
    assert settings.data_dir == tmp_path
    assert settings.audit_writer == "process"
    assert settings.trust_forwarded_proto is False
    assert settings.resolved_key_file == tmp_path / "master.key"


def test_variable_names_are_read_in_any_case_and_unknown_ones_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("vigie_host", "0.0.0.0")
    monkeypatch.setenv("VIGIE_NOT_A_SETTING", "anything")
    assert load_settings().host == "0.0.0.0"


def test_explicit_values_win_over_the_environment_and_none_means_not_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIGIE_DATABASE_URL", "sqlite:///from-env.db")
    assert load_settings(database_url="sqlite:///given.db").database_url == "sqlite:///given.db"
    assert load_settings(database_url=None).database_url == "sqlite:///from-env.db"


def test_defaults_hold_when_nothing_is_set() -> None:
    settings = load_settings()
    assert (settings.data_dir, settings.port, settings.demo, settings.database_url) == (Path("var"), 8000, False, None)
    assert settings.resolved_database_url == "sqlite:///var/vigie.db"


def test_the_constructor_reads_no_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIGIE_PORT", "9000")
    assert Settings().port == 8000


@pytest.mark.parametrize(
    ("variable", "value", "rule"),
    [
        ("VIGIE_PORT", "0", "de 1 à 65535"),
        ("VIGIE_PORT", "huit mille", "de 1 à 65535"),
        ("VIGIE_PORT", "80.5", "de 1 à 65535"),
        ("VIGIE_DEMO", "peut-être", "oui ou non"),
        ("VIGIE_AUDIT_WRITER", "fork", "thread, process"),
        ("VIGIE_RETENTION_SWEEP_HOUR", "24", "de -1 à 23"),
        ("VIGIE_PASSWORD_MEMORY_KIB", "8", "de 32 à"),
        ("VIGIE_AUDIT_LOG_RETENTION", "un an", "ISO 8601"),
        ("VIGIE_AUDIT_ORIGIN", "mon journal", "sans espace"),
    ],
)
def test_a_bad_value_is_refused_naming_the_variable_and_the_rule(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, rule: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigurationError) as refused:
        load_settings()
    message = str(refused.value)
    assert message.startswith(f"configuration invalide : {variable} = « {value} » : ")
    assert rule in message


def test_a_value_of_the_wrong_type_given_in_code_is_refused_too() -> None:
    with pytest.raises(ConfigurationError, match="VIGIE_PASSWORD_TIME_COST"):
        Settings(password_time_cost=True)  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="VIGIE_HOST"):
        Settings(host=8000)  # type: ignore[arg-type]


def test_settings_are_frozen() -> None:
    settings = Settings()
    with pytest.raises(AttributeError):
        settings.port = 1  # type: ignore[misc]


def test_an_unknown_override_is_a_programming_error() -> None:
    with pytest.raises(TypeError, match="unknown settings: colour"):
        load_settings(colour="bleu")


def test_every_field_is_a_setting_name() -> None:
    assert "data_dir" in SETTING_NAMES and "audit_log_retention" in SETTING_NAMES
    assert len(SETTING_NAMES) == len(set(SETTING_NAMES))
