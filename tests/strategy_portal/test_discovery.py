"""Apps' contributions are found in their own modules: proven with an app that appears here."""

import sys

import pytest

import tests
from strategy_portal import discovery

from .. import matrix
from . import test_query_counts


@pytest.fixture
def measures_test_modules(tmp_path, monkeypatch):
    """`tests/measures/matrix.py` and `tests/measures/query_budgets.py`, as the measures app would
    add them (in a temporary directory that joins the `tests` package)."""
    package = tmp_path / "measures"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "matrix.py").write_text(
        "from tests.matrix import PUBLIC, PostCase, everyone\n"
        'EXPECTED = {"measures:list": PUBLIC}\n'
        'POST = {"measures:support": PostCase(expected=everyone(403))}\n'
    )
    (package / "query_budgets.py").write_text(
        'PAGES = [("measure list", lambda d: f"/{d.slug}/massnahmen/", None, 9)]\n'
    )
    # First on the path, so that it stands in for a real tests/measures/ for this test only;
    # the real modules are put back afterwards.
    monkeypatch.setattr(tests, "__path__", [str(tmp_path), *tests.__path__])
    for name in [name for name in sys.modules if name.startswith("tests.measures")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setattr(discovery, "_imported", {})
    yield
    for name in [name for name in sys.modules if name.startswith("tests.measures")]:
        del sys.modules[name]


def test_a_contributed_matrix_row_is_picked_up(measures_test_modules):
    assert matrix.merged("EXPECTED")["measures:list"] == matrix.PUBLIC
    assert matrix.merged("POST")["measures:support"].expected["citizen"] == 403
    # The ground floor's rows are still there, and come first (lower floor).
    assert "landing" in matrix.merged("EXPECTED")
    names = [module.__name__ for module in matrix.contributions()]
    assert names[0] == "tests.strategy_portal.matrix"
    assert "tests.measures.matrix" in names


def test_a_contributed_query_budget_is_picked_up(measures_test_modules, district):
    page = next(page for page in test_query_counts.pages() if page[0] == "measure list")
    assert test_query_counts.path_of(page[1], district) == "/landkreis-meissen/massnahmen/"
    assert page[3] == 9


def test_an_app_without_the_module_is_skipped():
    assert discovery.app_modules("{app}.no_such_module") == []
    assert discovery.app_modules("tests.{app}.no_such_module") == []


def test_an_error_inside_a_contributed_module_is_not_hidden(tmp_path, monkeypatch):
    # An installed app that has no test package of its own (every app of the project may have).
    package = tmp_path / "taggit"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "matrix.py").write_text("raise RuntimeError('broken contribution')\n")
    # In front of the real tests/workshops/, which has a matrix module of its own.
    monkeypatch.setattr(tests, "__path__", [str(tmp_path), *tests.__path__])
    for name in [name for name in sys.modules if name.startswith("tests.workshops")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setattr(discovery, "_imported", {})
    try:
        with pytest.raises(RuntimeError, match="broken contribution"):
            matrix.contributions()
    finally:
        for name in [name for name in sys.modules if name.startswith("tests.taggit")]:
            del sys.modules[name]
