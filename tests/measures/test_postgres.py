"""Against PostgreSQL: German full-text search with ranking and snippets, and supports under real
concurrency (threads, each with its own connection)."""

import queue
import threading

import pytest
from django.db import connection

from measures import services
from measures.models import Measure, Support

from ..factories import CompanyFactory, MeasureFactory, UserFactory

pytestmark = pytest.mark.postgres


@pytest.mark.django_db
def test_german_search_stems_ranks_and_highlights(district, citizen):
    in_title = services.measure_submit(
        district=district,
        author=citizen,
        title="Coworking-Räume in Dörfern",
        description="Arbeitsplätze für Pendler.",
    )
    in_text = services.measure_submit(
        district=district,
        author=citizen,
        title="Dorfladen",
        description="Im Dorfladen entsteht ein kleiner Coworking-Raum mit WLAN.",
    )
    services.measure_submit(
        district=district, author=citizen, title="Radweg", description="Sicher zur Schule."
    )
    results = list(Measure.objects.for_district(district).search("Coworking Raum"))
    assert results == [in_title, in_text]  # a title match ranks above one in the text
    assert results[0].rank > results[1].rank
    assert "\x02Coworking" in results[1].headline
    # German stemming: "Arbeitsplatz" finds "Arbeitsplätze", "Dorf" finds "Dörfern"; websearch
    # syntax: phrases in quotes, words excluded with a minus.
    assert list(Measure.objects.search("Arbeitsplatz")) == [in_title]
    assert list(Measure.objects.search("Dorf")) == [in_title]
    assert list(Measure.objects.search('"Dorfladen entsteht"')) == [in_text]
    assert list(Measure.objects.search("Coworking -Dorfladen")) == [in_title]


@pytest.mark.django_db
def test_search_index_follows_edits(measure, citizen):
    services.measure_update(measure=measure, user=citizen, title="Telemedizin im Ärztehaus")
    assert list(Measure.objects.search("Ärztehaus")) == [measure]
    assert not Measure.objects.search("Dorfladen").filter(title__icontains="Cow").exists()


def _in_threads(jobs, workers=40):
    """Run `jobs` from `workers` threads at once, each thread with its own connection (the
    server's 100 connections are shared with other test runs, so not one thread per job)."""
    errors = []
    pending = queue.SimpleQueue()
    for job in jobs:
        pending.put(job)
    barrier = threading.Barrier(workers)

    def run():
        try:
            barrier.wait()
            while True:
                try:
                    job = pending.get_nowait()
                except queue.Empty:
                    return
                try:
                    job()
                except Exception as exc:  # reported below
                    errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.django_db(transaction=True)
def test_two_hundred_concurrent_supports_count_two_hundred(district):
    measure = MeasureFactory(district=district)
    people = [UserFactory(verified=False) for _ in range(150)] + [
        CompanyFactory(verified=False) for _ in range(50)
    ]
    errors = _in_threads(
        [lambda p=p: services.support_add(measure=measure, user=p) for p in people]
    )
    assert errors == []
    measure.refresh_from_db()
    assert Support.objects.filter(measure=measure).count() == 200
    assert measure.support_count == 200
    assert (measure.support_count_citizen, measure.support_count_company) == (150, 50)


@pytest.mark.django_db(transaction=True)
def test_support_and_take_back_racing_keep_count_equal_to_rows(district):
    measure = MeasureFactory(district=district)
    people = [UserFactory(verified=False) for _ in range(20)]
    jobs = []
    for person in people:
        for _ in range(4):
            jobs.append(lambda p=person: services.support_toggle(measure=measure, user=p))
            jobs.append(lambda p=person: services.support_add(measure=measure, user=p))
    errors = _in_threads(jobs)
    assert errors == []
    measure.refresh_from_db()
    rows = Support.objects.filter(measure=measure).count()
    assert measure.support_count == rows
    assert measure.support_count_citizen == rows


@pytest.mark.django_db
def test_list_search_shows_highlighted_snippets(client, district, citizen):
    services.measure_submit(
        district=district,
        author=citizen,
        title="Dorfladen",
        description="Im Dorfladen entsteht ein kleiner Coworking-Raum mit WLAN <b>fett</b>.",
    )

    response = client.get(f"/{district.slug}/massnahmen/", {"q": "Coworking"})

    html = response.content.decode()
    assert "<mark>Coworking" in html
    assert "<b>fett</b>" not in html  # the snippet is escaped; only the marks are markup
