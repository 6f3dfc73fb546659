import pytest

from measures import services

from ..factories import MeasureFactory, UserFactory


@pytest.fixture
def measure(district, citizen):
    """A measure of `district` proposed by `citizen`, who follows it."""
    return services.measure_submit(
        district=district,
        author=citizen,
        title="Coworking im Dorfladen",
        description="Ein Arbeitsplatz mit schnellem Internet im Dorfladen.",
        added_value="Weniger Pendeln.",
    )


@pytest.fixture
def other_measure(district):
    return MeasureFactory(district=district, title="Mobiles Bürgerbüro")


@pytest.fixture
def institution(db):
    return UserFactory(
        email="schule@example.org", kind="institution", organisation_name="Oberschule Riesa"
    )
