"""The pages the benchmark measures. Later capabilities add their pages here.

The first target is the baseline every other figure is compared to. Paths are requested with
GET against the demo data of `load_demo`, anonymously unless a target names the e-mail address of
a user to log in (its session cookie is then sent with every request); each must answer 200.
"""

from dataclasses import dataclass

BASELINE = "baseline"


@dataclass(frozen=True)
class Target:
    name: str  # the prefix of the printed figures: `<name>.median`, `<name>.p95`, …
    path: str
    login: str | None = None  # e-mail address of the user the page is requested as


TARGETS = [
    Target(BASELINE, "/__bench__/baseline/"),
    Target("landing", "/"),
    Target("district", "/landkreis-meissen/"),
    Target("imprint", "/landkreis-meissen/impressum/"),
]
