"""apps/portfolio and apps/exams sit among the domain apps: they never import the shell
(landing, navigation, school views, reports); the reports read them, not the other way."""

import ast
from pathlib import Path

APPS = Path(__file__).resolve().parents[2] / "apps"
FORBIDDEN = (
    "apps.school.views",
    "apps.school.landing",
    "apps.school.navigation",
    "apps.school.sections",
    "apps.reports",
    "apps.diary",
)


def _imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
        elif isinstance(node, ast.Import):
            yield from (a.name for a in node.names)


def test_portfolio_and_exams_do_not_import_the_shell():
    offending = [
        f"{path.relative_to(APPS)}: {module}"
        for app in ("portfolio", "exams")
        for path in (APPS / app).rglob("*.py")
        for module in _imports(path)
        if module.startswith(FORBIDDEN)
    ]
    assert not offending, offending


def test_the_portfolio_does_not_know_the_exams_nor_the_gradebook():
    offending = [
        str(path.relative_to(APPS))
        for path in (APPS / "portfolio").rglob("*.py")
        for module in _imports(path)
        if module.startswith(("apps.exams", "apps.gradebook"))
    ]
    assert not offending, offending
