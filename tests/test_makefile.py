"""`make test` and `make run` collect static files only when an input changed."""

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def checkout(tmp_path):
    """The Makefile and static/ in a scratch directory, with a Python that only counts calls."""
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    shutil.copytree(ROOT / "static", tmp_path / "static")
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "package.json").write_text("")
    (tmp_path / "package-lock.json").write_text("")
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    python = bin_dir / "python"
    python.write_text('#!/bin/sh\nmkdir -p staticfiles\necho "$@" >> calls.log\n')
    python.chmod(0o755)
    (tmp_path / "node_modules").mkdir()
    time.sleep(0.01)
    (tmp_path / ".venv" / ".installed").touch()
    (tmp_path / "node_modules" / ".installed").touch()
    return tmp_path


def collections(checkout: Path) -> int:
    log = checkout / "calls.log"
    return log.read_text().count("collectstatic") if log.exists() else 0


def make_static(checkout: Path):
    subprocess.run(
        ["make", "--no-print-directory", "static"],
        cwd=checkout,
        check=True,
        capture_output=True,
        env={**os.environ, "MAKEFLAGS": ""},
    )


def test_static_files_are_collected_once_until_an_input_changes(checkout):
    make_static(checkout)
    make_static(checkout)
    assert collections(checkout) == 1

    time.sleep(1.1)  # file times have a resolution of a second on some file systems
    (checkout / "static" / "css" / "portal.css").touch()
    make_static(checkout)
    assert collections(checkout) == 2

    time.sleep(1.1)
    (checkout / "node_modules" / ".installed").touch()
    make_static(checkout)
    assert collections(checkout) == 3


def test_pyproject_uses_the_current_licence_metadata():
    """A licence table is deprecated by setuptools (and stops building in 2027): an SPDX
    expression and the licence file, with a setuptools that understands them."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert config["project"]["license"] == "EUPL-1.2"
    assert config["project"]["license-files"] == ["LICENSE"]
    [setuptools] = [Requirement(r) for r in config["build-system"]["requires"]]
    assert setuptools.name == "setuptools"
    assert "76.9" not in setuptools.specifier, "setuptools before 77 cannot read SPDX licences"
    assert "80.9" in setuptools.specifier
    assert "SPDX-License-Identifier: EUPL-1.2" in (ROOT / "LICENSE").read_text()
