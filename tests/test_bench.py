"""The benchmark harness's own pieces; the figures themselves are never asserted on."""

import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import resolve

from bench import measures as measures_scenario
from bench import urls as bench_urls
from bench.load import LoadResult, drain, run_load
from bench.run import SCENARIOS, build_figures, parse_args, select_targets
from bench.stats import Figure, percentile, summarize
from bench.targets import BASELINE, TARGETS


def test_percentile_interpolates_between_ranks():
    assert percentile([4, 1, 3, 2], 50) == 2.5
    assert percentile([4, 1, 3, 2], 0) == 1
    assert percentile([4, 1, 3, 2], 100) == 4
    assert percentile(range(1, 101), 95) == pytest.approx(95.05)
    assert percentile([7.0], 95) == 7.0


def test_percentile_of_no_values_is_an_error():
    with pytest.raises(ValueError):
        percentile([], 50)


def test_figure_line_reads_value_unit_baseline_and_ratio():
    figure = Figure.compare("landing.median", 12.3, "ms", 4.1)
    assert figure.line() == "landing.median: 12.3 ms (baseline 4.1 ms, 3.00x)"
    throughput = Figure.compare("landing.throughput", 160.2, "req/s", 480.0)
    assert throughput.line() == "landing.throughput: 160.2 req/s (baseline 480.0 req/s, 0.33x)"


def test_zero_baseline_prints_a_dash_instead_of_a_ratio():
    figure = Figure.compare("landing.queries", 3, "queries", 0)
    assert figure.line() == "landing.queries: 3 queries (baseline 0 queries, -)"
    assert figure.as_json() == {
        "name": "landing.queries",
        "value": 3,
        "unit": "queries",
        "baseline": 0,
        "ratio": None,
    }


def test_summarize_gives_milliseconds_and_requests_per_second():
    summary = summarize([0.010, 0.020, 0.030], elapsed=1.5)
    assert summary["median"] == pytest.approx(20.0)
    assert summary["p95"] == pytest.approx(29.0)
    assert summary["throughput"] == pytest.approx(2.0)
    assert summarize([], elapsed=1.0) == {"median": None, "p95": None, "throughput": 0.0}


def test_figures_of_a_page_are_compared_with_the_baseline():
    targets = [t for t in TARGETS if t.name in (BASELINE, "landing")]
    loads = {
        BASELINE: LoadResult(latencies=[0.010] * 10, elapsed=1.0),
        "landing": LoadResult(latencies=[0.030] * 10, errors=Counter({"500": 2}), elapsed=2.0),
    }
    figures = {f.name: f for f in build_figures(loads, {BASELINE: 0, "landing": 3}, targets)}
    assert figures["landing.median"].ratio == pytest.approx(3.0)
    assert figures["landing.throughput"].ratio == pytest.approx(0.5)
    assert figures["landing.queries"].value == 3
    assert figures["landing.errors"].value == 2
    assert figures["baseline.median"].ratio == pytest.approx(1.0)


def test_targets_begin_with_the_baseline_and_have_unique_names():
    assert TARGETS[0].name == BASELINE
    assert len({t.name for t in TARGETS}) == len(TARGETS)
    assert [t.name for t in select_targets(["imprint"])] == [BASELINE, "imprint"]


def test_options_must_be_positive():
    assert parse_args(["--duration", "2", "--clients", "4"]).clients == 4
    with pytest.raises(SystemExit):
        parse_args(["--duration", "0"])


@pytest.mark.django_db
def test_baseline_view_renders_the_base_layout(client, settings, django_assert_num_queries):
    settings.ROOT_URLCONF = "bench.urls"
    assert resolve("/__bench__/baseline/").func is bench_urls.baseline
    with django_assert_num_queries(0):
        response = client.get("/__bench__/baseline/")
    assert response.status_code == 200
    assert "base.html" in [template.name for template in response.templates]
    assert 'class="sp-skip-link"' in response.content.decode()


def test_bench_urls_keep_the_project_pages(settings):
    settings.ROOT_URLCONF = "bench.urls"
    assert resolve("/").url_name == "landing"
    assert resolve("/landkreis-meissen/").url_name == "district_home"
    assert resolve("/landkreis-meissen/impressum/").url_name == "imprint"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a client of a real server would see it

    def do_GET(self):
        found = self.path == "/ok" or (
            self.path == "/private" and self.headers.get("Cookie") == "sessionid=abc"
        )
        body = b"ok" if found else b"missing"
        self.send_response(200 if found else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def http_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_load_generator_records_latencies_of_successful_answers(http_server):
    result = run_load("127.0.0.1", http_server, "/ok", clients=3, duration=0.2, warmup=0.05)
    assert result.latencies
    assert result.error_count == 0
    assert result.elapsed > 0


def test_load_generator_counts_other_statuses_as_errors(http_server):
    result = run_load("127.0.0.1", http_server, "/missing", clients=2, duration=0.1, warmup=0)
    assert result.latencies == []
    assert set(result.errors) == {"404"}
    assert result.error_count > 0


def test_load_generator_sends_the_given_headers(http_server):
    cookie = {"Cookie": "sessionid=abc"}
    result = run_load(
        "127.0.0.1", http_server, "/private", clients=2, duration=0.1, warmup=0, headers=cookie
    )
    without = run_load("127.0.0.1", http_server, "/private", clients=2, duration=0.1, warmup=0)
    assert result.latencies and result.error_count == 0
    assert without.latencies == [] and set(without.errors) == {"404"}


def test_drain_returns_once_the_server_answers(http_server):
    assert drain("127.0.0.1", http_server, "/ok", timeout=5) < 5


def test_measures_scenario_is_registered_and_checks_its_sizes():
    assert SCENARIOS["--measures"] == "bench.measures"
    args = measures_scenario.parse_args(["--database", "sqlite", "--measure-count", "2000"])
    assert (args.database, args.measures, args.clients) == ("sqlite", 2000, 20)
    with pytest.raises(SystemExit):
        measures_scenario.parse_args(["--measure-count", "100"])  # no page 50 of the list
