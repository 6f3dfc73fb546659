"""The load generator: concurrent clients, each with its own HTTP connection; standard library.

Every client sends GET requests one after the other for the warm-up and then the measured
duration. A request counts when it started inside the measured window; only 200 responses add a
latency, everything else (another status, a refused or reset connection, a timeout) is an error.
"""

import http.client
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

USER_AGENT = "strategieportal-bench"


@dataclass
class LoadResult:
    latencies: list[float] = field(default_factory=list)  # seconds, of the 200 responses
    errors: Counter = field(default_factory=Counter)  # status code or exception name → count
    elapsed: float = 0.0  # seconds from the start of the measured window to the last answer

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def add(self, other: "LoadResult") -> None:
        """Fold in another slice of measurement of the same page."""
        self.latencies.extend(other.latencies)
        self.errors.update(other.errors)
        self.elapsed += other.elapsed


def _client(host, port, path, measure_from, deadline, timeout, result, lock, extra_headers):
    latencies: list[float] = []
    errors: Counter = Counter()
    finished = measure_from
    headers = {"User-Agent": USER_AGENT, "Accept": "text/html", **extra_headers}
    # http.client reopens the connection by itself when the server closed it (gunicorn's sync
    # workers answer with "Connection: close"), so keep-alive is used wherever the server offers it.
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        while (started := time.perf_counter()) < deadline:
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                outcome = response.status
            except (OSError, http.client.HTTPException) as exc:
                connection.close()
                outcome = type(exc).__name__
            ended = time.perf_counter()
            if started >= measure_from:
                finished = max(finished, ended)
                if outcome == 200:
                    latencies.append(ended - started)
                else:
                    errors[str(outcome)] += 1
            if isinstance(outcome, str):
                time.sleep(0.01)  # a dead server must not turn this loop into a busy spin
    finally:
        connection.close()
    with lock:
        result.latencies.extend(latencies)
        result.errors.update(errors)
        result.elapsed = max(result.elapsed, finished - measure_from)


def run_load(
    host: str,
    port: int,
    path: str,
    *,
    clients: int,
    duration: float,
    warmup: float = 1.0,
    timeout: float = 10.0,
    headers: dict[str, str] | None = None,
) -> LoadResult:
    """Load `path` with `clients` concurrent clients; measure `duration` seconds after `warmup`.
    `headers` go with every request (e.g. the session cookie of a logged-in user)."""
    result = LoadResult()
    lock = threading.Lock()
    measure_from = time.perf_counter() + warmup
    deadline = measure_from + duration
    threads = [
        threading.Thread(
            target=_client,
            args=(host, port, path, measure_from, deadline, timeout, result, lock, headers or {}),
            name=f"bench-client-{number}",
            daemon=True,  # an interrupted run must not wait for its clients
        )
        for number in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=warmup + duration + timeout + 5)
    return result


def drain(host: str, port: int, path: str = "/healthz", timeout: float = 120.0) -> float:
    """Wait until the server has worked off what the last load left queued: requests whose
    clients gave up are still answered, one after the other, and would otherwise be counted
    against the next page. One request joins the end of that queue; its answer means the queue
    is empty. Returns the seconds waited."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"User-Agent": USER_AGENT})
        connection.getresponse().read()
    except (OSError, http.client.HTTPException):
        pass  # a dead server shows in the next load's errors
    finally:
        connection.close()
    return time.perf_counter() - started
