"""Every model change has its migration: a model edited without `makemigrations` fails here,
before a deployment's `migrate` would find nothing to apply and the code a column that is not there.

Fix what this reports with `.venv/bin/python manage.py makemigrations` and commit the new file."""

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit:
        pytest.fail(
            f"makemigrations would write new migrations (exit {exit.code}):\n{out.getvalue()}"
        )
