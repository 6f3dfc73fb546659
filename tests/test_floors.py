"""The floors of the architecture hold: import-linter's contracts in pyproject.toml are kept."""

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_are_kept():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout, result.stdout


def test_contracts_cover_every_floor_and_the_email_cycle():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    names = [contract["name"] for contract in config["contracts"]]
    assert names == [
        "The ground floor imports no app",
        "Measures import neither workshops nor newsletters",
        "Workshops do not import newsletters",
        "Nothing imports the roof (URL configuration, settings, strategy document)",
        "E-mails do not import the tasks that send them (no emails <-> tasks cycle)",
    ]
    assert set(config["root_packages"]) == {
        "strategy_portal",
        "measures",
        "workshops",
        "newsletters",
    }


def test_the_lint_target_runs_the_contracts():
    makefile = (ROOT / "Makefile").read_text()
    lint = makefile[makefile.index("\nlint:") : makefile.index("\nformat:")]
    assert "lint-imports" in lint
