"""The test suite's own isolation: pytest-xdist workers never share a Redis database."""

import pytest

from tests.conftest import redis_database_for_worker


def test_first_worker_keeps_the_configured_database():
    assert redis_database_for_worker("redis://h:6379/15", "gw0") == "redis://h:6379/15"


def test_other_workers_count_down_and_pass_over_the_brokers_database():
    broker = "redis://h:6379/14"
    dbs = [redis_database_for_worker("redis://h:6379/15", f"gw{n}", broker) for n in range(4)]
    assert dbs == [
        "redis://h:6379/15",
        "redis://h:6379/13",
        "redis://h:6379/12",
        "redis://h:6379/11",
    ]


def test_running_out_of_databases_is_an_error():
    with pytest.raises(pytest.UsageError):
        redis_database_for_worker("redis://h:6379/1", "gw2")
