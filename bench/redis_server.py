"""A private `redis-server` on a free loopback port, without persistence, that a crash run can
restart: the shared Redis of the machine is never touched. Used by the newsletter bench and by the
crash test of the services suite."""

import contextlib
import shutil
import socket
import subprocess
import tempfile
import time


class RedisServerMissing(RuntimeError):
    """No `redis-server` binary on the PATH."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    """`redis-server --save "" --appendonly no` on 127.0.0.1:`port`. `restart` shuts it down
    without saving and starts it again on the same port: every key, queued and unacknowledged
    task is gone, as after the restart of a broker without persistence."""

    def __init__(self, port: int | None = None):
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            raise RedisServerMissing("redis-server is not installed")
        self.port = port or free_port()
        self.directory = tempfile.TemporaryDirectory(prefix="redis-")
        self.process: subprocess.Popen | None = None
        self.restarts = 0

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def client(self, db: int = 0):
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port, db=db, socket_timeout=5)

    def start(self, timeout: float = 15) -> "PrivateRedis":
        self.process = subprocess.Popen(
            [
                self.binary, "--port", str(self.port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", self.directory.name,
                "--daemonize", "no", "--loglevel", "warning", "--logfile", "",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server on port {self.port} exited at start")
            try:
                if self.client().ping():
                    return self
            except Exception:  # noqa: S110 (not up yet)
                pass
            time.sleep(0.05)
        raise RuntimeError(f"redis-server on port {self.port} did not answer in {timeout:.0f} s")

    def stop(self) -> None:
        """SHUTDOWN NOSAVE; SIGKILL if it does not go."""
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(Exception):  # the connection closes as the server goes
            self.client().shutdown(nosave=True)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def restart(self) -> None:
        """Shut down without saving, start again on the same port."""
        self.stop()
        self.start()
        self.restarts += 1

    def close(self) -> None:
        self.stop()
        self.directory.cleanup()
