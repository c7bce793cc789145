import pytest


@pytest.mark.django_db
def test_cast_is_built_through_services(cora, ben, mia, olga):
    assert ben.organisation == cora.organisation
    assert ben.role == "buddy"
    assert mia.role == "manager"
    assert olga.organisation != cora.organisation
