"""Pure pieces of the benchmark: percentiles, figures, ratios and the printed lines."""

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

# How many decimals a value of each unit is printed with; unknown units get one.
DECIMALS = {"ms": 1, "req/s": 1, "queries": 0, "errors": 0, "s": 2, "pages": 0}


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0–100), interpolating linearly between ranks (as numpy does)."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= p <= 100:
        raise ValueError(f"percentile must be between 0 and 100, got {p}")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def ratio(value: float | None, baseline: float | None) -> float | None:
    """value / baseline, or None where it means nothing (a missing value, a zero baseline)."""
    if value is None or baseline is None or baseline == 0:
        return None
    return value / baseline


@dataclass(frozen=True)
class Figure:
    name: str
    value: float | None
    unit: str
    baseline: float | None
    ratio: float | None

    @classmethod
    def compare(cls, name: str, value: float | None, unit: str, baseline: float | None):
        return cls(name, value, unit, baseline, ratio(value, baseline))

    def line(self) -> str:
        """`name: value unit (baseline value unit, ratio)`; `-` where there is no ratio."""
        shown_ratio = "-" if self.ratio is None else f"{self.ratio:.2f}x"
        return (
            f"{self.name}: {format_value(self.value, self.unit)} {self.unit} "
            f"(baseline {format_value(self.baseline, self.unit)} {self.unit}, {shown_ratio})"
        )

    def as_json(self) -> dict:
        data = asdict(self)
        for key in ("value", "baseline", "ratio"):
            if isinstance(data[key], float):
                data[key] = round(data[key], 4)
        return data


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    return f"{value:.{DECIMALS.get(unit, 1)}f}"


def summarize(latencies: Sequence[float], elapsed: float) -> dict[str, float | None]:
    """Median and p95 in milliseconds and the throughput, from latencies in seconds."""
    if not latencies:
        return {"median": None, "p95": None, "throughput": 0.0}
    return {
        "median": percentile(latencies, 50) * 1000,
        "p95": percentile(latencies, 95) * 1000,
        "throughput": len(latencies) / elapsed if elapsed > 0 else None,
    }
