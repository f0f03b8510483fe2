"""Benchmarks of the partner registry: previewing and importing a 1,000-row organisation spreadsheet."""

import pytest

from partners.models import Organisation
from partners.resources import OrganisationResource
from tests.partners.factories import GminaFactory, organisation_import_dataset

pytestmark = pytest.mark.django_db


@pytest.fixture
def gmina_codes():
    return [GminaFactory().teryt for _ in range(20)]


def test_preview_1000_rows_with_25_rejected(benchmark, gmina_codes):
    """The admin's preview (a dry run) of a file with 25 bad rows: every reason is listed, nothing kept."""
    dataset, bad = organisation_import_dataset(count=1000, gmina_codes=gmina_codes, bad_every=40)

    result = benchmark.pedantic(
        lambda: OrganisationResource().import_data(dataset, dry_run=True), rounds=3, iterations=1
    )
    assert len(result.invalid_rows) == len(bad) == 25
    assert Organisation.objects.count() == 0


def test_import_1000_valid_rows(benchmark, gmina_codes):
    """The confirmed import of 1,000 new organisations (with history rows)."""
    dataset, _ = organisation_import_dataset(count=1000, gmina_codes=gmina_codes)

    def clean():
        Organisation.history.model.objects.all().delete()
        Organisation.objects.all().delete()
        return (), {}

    result = benchmark.pedantic(
        lambda: OrganisationResource().import_data(dataset, dry_run=False),
        setup=clean,
        rounds=3,
        iterations=1,
    )
    assert not result.has_validation_errors()
    assert Organisation.objects.count() == 1000
