"""`make backup` and `make restore`: a throwaway database with a table and a row, and a media
directory with a file, are backed up, restored into another database and media directory, and
compared; both databases are dropped at the end."""

import os
import subprocess
import uuid

import psycopg
import pytest
from django.conf import settings

from tests.conftest import PROJECT_ROOT, _database_url

pytestmark = pytest.mark.django_db


def _admin_connection():
    return psycopg.connect(_database_url("postgres"), autocommit=True)


def test_backup_and_restore_of_a_throwaway_database(tmp_path):
    suffix = uuid.uuid4().hex[:10]
    source, target = f"backup_src_{suffix}", f"backup_dst_{suffix}"
    with _admin_connection() as admin:
        admin.execute(f'CREATE DATABASE "{source}"')
        admin.execute(f'CREATE DATABASE "{target}"')
    try:
        with psycopg.connect(_database_url(source), autocommit=True) as db:
            db.execute("CREATE TABLE note (id serial PRIMARY KEY, body text NOT NULL)")
            db.execute("INSERT INTO note (body) VALUES ('Zażółć gęślą jaźń')")
        media = tmp_path / "media"
        (media / "events").mkdir(parents=True)
        (media / "events" / "plan.pdf").write_bytes(b"%PDF-1.4 plan")
        backups = tmp_path / "backups"
        env = {**os.environ, "DATABASE_URL": _database_url(source), "MEDIA_ROOT": str(media)}
        made = subprocess.run(
            ["make", "--no-print-directory", "backup", f"BACKUP_DIR={backups}"],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert made.returncode == 0, made.stdout + made.stderr
        dumps = list(backups.glob("portal-*.dump"))
        assert len(dumps) == 1 and list(backups.glob("portal-*.media.tar.gz"))

        restored_media = tmp_path / "restored-media"
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(target),
            "MEDIA_ROOT": str(restored_media),
        }
        restored = subprocess.run(
            ["make", "--no-print-directory", "restore", f"BACKUP={dumps[0]}"],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert restored.returncode == 0, restored.stdout + restored.stderr
        with psycopg.connect(_database_url(target)) as db:
            assert db.execute("SELECT body FROM note").fetchall() == [("Zażółć gęślą jaźń",)]
        assert (restored_media / "events" / "plan.pdf").read_bytes() == b"%PDF-1.4 plan"
    finally:
        with _admin_connection() as admin:
            for name in (source, target):
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    assert settings.DATABASES["default"]["NAME"].startswith("test_")
