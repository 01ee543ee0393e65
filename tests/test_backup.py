"""Backup and restore (deploy/backup.sh, deploy/restore.sh) lose nothing: a round trip on
PostgreSQL wipes the database and the files, restores them, and finds every row, every
evidence file and counts that still equal the responses."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.django_db(transaction=True)


def _url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def test_a_backup_restore_round_trip_loses_nothing(settings, tmp_path):
    if connection.vendor != "postgresql" or not shutil.which("pg_dump"):
        pytest.skip("PostgreSQL with pg_dump/pg_restore only (CI runs the suite on it)")
    data = tmp_path / "data"
    settings.DATA_DIR = data
    call_command("demo")
    from django.apps import apps

    models = [m for m in apps.get_models() if m._meta.managed and not m._meta.proxy]
    before = {m._meta.label: m.objects.count() for m in models}
    evidence = sorted(p.name for p in (data / "evidence").iterdir())
    assert before["surveys.Response"] > 1000 and evidence

    env = {
        **os.environ,
        "DATABASE_URL": _url(),
        "SKM_DATA_DIR": str(data),
        "SKM": str(Path(sys.executable).with_name("skm")),
    }
    backup = tmp_path / "backup"
    connection.close()
    subprocess.run(
        [str(ROOT / "deploy/backup.sh"), str(backup)], env=env, check=True, capture_output=True
    )
    # wipe: the schema and the files
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    connection.close()
    shutil.rmtree(data)
    result = subprocess.run(
        [str(ROOT / "deploy/restore.sh"), str(backup)], env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "terverifikasi" in result.stdout or "verified" in result.stdout
    after = {m._meta.label: m.objects.count() for m in models}
    assert after == before
    assert sorted(p.name for p in (data / "evidence").iterdir()) == evidence
