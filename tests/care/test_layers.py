"""apps/care sits among the domain apps: it reads the core and attendance, never the shell
(landing, navigation, school views, reports) nor another domain's pages."""

import ast
from pathlib import Path

CARE = Path(__file__).resolve().parents[2] / "apps" / "care"
FORBIDDEN = (
    "apps.school.views",
    "apps.school.landing",
    "apps.school.navigation",
    "apps.school.sections",
    "apps.reports",
    "apps.diary",
    "apps.orders",
    "apps.gradebook",
)


def _imports(path: Path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
        elif isinstance(node, ast.Import):
            yield from (a.name for a in node.names)


def test_care_does_not_import_the_shell():
    offending = [
        f"{path.relative_to(CARE)}: {module}"
        for path in CARE.rglob("*.py")
        for module in _imports(path)
        if module.startswith(FORBIDDEN)
    ]
    assert not offending, offending


def test_the_shell_finds_care_only_by_url_names():
    navigation = (CARE.parent / "school" / "navigation.py").read_text()
    assert '"care:health"' in navigation and "apps.care" not in navigation
