from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal.env import dev_secret, env_bool, env_int, env_str

ROOT = Path(__file__).resolve().parents[2]


def test_it_reads_booleans(monkeypatch):
    monkeypatch.setenv("FLAG", "yes")
    assert env_bool("FLAG", False) is True
    monkeypatch.setenv("FLAG", "off")
    assert env_bool("FLAG", True) is False


def test_it_refuses_a_bad_boolean(monkeypatch):
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FLAG='maybe' is not a boolean"):
        env_bool("FLAG", False)


def test_it_refuses_a_bad_number(monkeypatch):
    monkeypatch.setenv("COUNT", "ten")
    with pytest.raises(ImproperlyConfigured, match="COUNT='ten' is not a whole number"):
        env_int("COUNT", 1)


def test_it_reads_a_secret_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "key"
    secret.write_text("s3cret\n")
    monkeypatch.setenv("API_KEY_FILE", str(secret))
    assert env_str("API_KEY") == "s3cret"


def test_it_says_which_secret_file_is_missing(monkeypatch, tmp_path):
    monkeypatch.setenv("API_KEY_FILE", str(tmp_path / "nope"))
    with pytest.raises(ImproperlyConfigured, match=r"API_KEY_FILE=.*cannot be read"):
        env_str("API_KEY")


def test_dev_secret_is_generated_once_and_reused(tmp_path):
    path = tmp_path / "var" / "encryption_key"
    first = dev_secret(path, lambda: "first")
    second = dev_secret(path, lambda: "second")
    assert first == second == "first"
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def _settings_env(**overrides: str) -> dict[str, str]:
    dropped = {"SECRET_KEY", "PORTAL_ENCRYPTION_KEY", "DJANGO_SETTINGS_MODULE"}
    dropped.add("DJANGO_ALLOW_ASYNC_UNSAFE")  # set by the test harness for Playwright only
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(overrides)
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = _settings_env(DEBUG="false", PORTAL_VAR_DIR=str(tmp_path))
    result = _run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_production_refuses_to_start_without_an_encryption_key(tmp_path):
    env = _settings_env(DEBUG="false", SECRET_KEY="x" * 60, PORTAL_VAR_DIR=str(tmp_path))
    result = _run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert "PORTAL_ENCRYPTION_KEY must be set when DEBUG is off" in result.stderr


def test_deploy_check_is_clean_apart_from_what_the_proxy_owns(tmp_path):
    env = _settings_env(
        DEBUG="false",
        SECRET_KEY="pR0d-Ke7_" + "".join(chr(65 + i % 26) for i in range(3, 60)),
        PORTAL_ENCRYPTION_KEY="n8nTsbXfGQhjvJ9GyPz9VkQzq8KMd8Rk0aVfQ7Mfo0c=",
        ALLOWED_HOSTS="portal.example.com",
        PORTAL_VAR_DIR=str(tmp_path),
    )
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_development_generates_keys_once_into_var(tmp_path):
    env = _settings_env(DEBUG="true", PORTAL_VAR_DIR=str(tmp_path))
    env.pop("DATABASE_URL", None)
    code = "from django.conf import settings; print(settings.PORTAL_ENCRYPTION_KEY)"
    shell = ["-c", f"import django, os; django.setup(); {code}"]
    env["DJANGO_SETTINGS_MODULE"] = "portal.settings.base"
    first = _run(shell, env)
    second = _run(shell, env)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    assert (tmp_path / "encryption_key").read_text().strip() == first.stdout.strip()
