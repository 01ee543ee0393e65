"""The project as a user meets it: the console script, settings, architecture rules."""

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SKM = [sys.executable, "-m", "skm"]


def _run(args, **env):
    full_env = {**os.environ, **env}
    full_env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [*SKM, *args], capture_output=True, text=True, env=full_env, cwd=ROOT, timeout=120
    )


def test_skm_help_lists_the_project_commands(tmp_path):
    out = _run(["help"], SKM_DATA_DIR=str(tmp_path)).stdout
    for command in ("ikm", "import", "results", "demo", "migrate", "runserver"):
        assert f"    {command}\n" in out


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "SKM_SECRET_KEY"),
        ({"SKM_SECRET_KEY": "k" * 40}, "SKM_ALLOWED_HOSTS"),
        ({"SKM_SECRET_KEY": "short", "SKM_ALLOWED_HOSTS": "skm.example.go.id"}, "SKM_SECRET_KEY"),
    ],
)
def test_production_refuses_to_start_without_secrets(tmp_path, env, message):
    result = _run(["check"], SKM_ENV="production", SKM_DATA_DIR=str(tmp_path), **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_starts_with_secrets_and_debug_off(tmp_path):
    code = "from django.conf import settings; print(settings.DEBUG, settings.SESSION_COOKIE_SECURE)"
    result = _run(
        ["shell", "--no-imports", "-c", code],
        SKM_ENV="production",
        SKM_SECRET_KEY="k" * 50,
        SKM_ALLOWED_HOSTS="skm.example.go.id",
        SKM_DATA_DIR=str(tmp_path),
    )
    assert result.stdout.strip() == "False True", result.stderr


def test_every_skm_package_is_forbidden_to_the_method_core():
    """A new package must be added to the import-linter contract that keeps method pure."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contract = next(
        c
        for c in config["tool"]["importlinter"]["contracts"]
        if c["source_modules"] == ["skm.method"]
    )
    packages = {
        f"skm.{p.name}"
        for p in (ROOT / "skm").iterdir()
        if (p / "__init__.py").exists() and p.name != "method"
    }
    assert packages <= set(contract["forbidden_modules"])
    assert "django" in contract["forbidden_modules"]


def test_sqlite_database_lives_in_the_data_dir_in_wal_mode(tmp_path):
    import sqlite3

    result = _run(["migrate", "--noinput"], SKM_DATA_DIR=str(tmp_path), DATABASE_URL="")
    assert result.returncode == 0, result.stderr
    database = tmp_path / "skm.sqlite3"
    assert database.exists()
    assert sqlite3.connect(database).execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_production_settings_pass_the_deploy_check(tmp_path):
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "SKM_ENV": "production",
        "SKM_SECRET_KEY": "k" * 20 + "-production-secret-for-the-check-only",
        "SKM_ALLOWED_HOSTS": "skm.example.go.id",
        "SKM_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "skm.config.settings",
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests in this process
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
