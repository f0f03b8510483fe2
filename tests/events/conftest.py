import pytest

from .factories import ConsentTextFactory


@pytest.fixture
def consent_text(db):
    return ConsentTextFactory()
