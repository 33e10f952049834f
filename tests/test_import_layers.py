"""The apps stand in layers, and an import never runs from a lower layer up to a higher one.

The layers, lowest first, are written in README.md («Layers»). A module of `school` belongs to
its core (the clock, the policy, the models…), to the door every view passes (`access`, the
form base), or to the shell (landing, navigation, the structure pages, the demo): the shell
sits on top of everything. Imports inside one layer are allowed.

ALLOWED lists the upward imports that remain, each with why; the test also fails when an
allowed import is gone, so the list only shrinks.
"""

import ast
from pathlib import Path

import apps

APPS = Path(apps.__file__).parent

LAYERS: tuple[tuple[str, ...], ...] = (
    ("school",),  # the clock, spans, policy, inputs, models: what every app stands on
    ("accounts", "school.door"),  # people, roles and the permission table; the door of views
    ("classes", "messaging", "stamps"),  # messaging: notifications and the mail models
    ("privacy",),
    ("students",),
    ("staff",),
    ("schedule",),
    ("attendance", "homework", "gradebook"),  # the class journal
    ("orders", "documents"),  # the document store files signed orders; orders serve its files
    # The mail, board and events pages: they address students, families and classes.
    ("care", "diary", "reports", "messaging.pages", "facilities", "portfolio", "exams"),
    ("school.shell",),  # landing, navigation, the structure pages, the demo
)
LAYER = {unit: level for level, units in enumerate(LAYERS) for unit in units}
SCHOOL_CORE = {
    "__init__",
    "apps",
    "clock",
    "inputs",
    "models",
    "policy",
    "services",
    "spans",
    "spreadsheets",
    "uploads",
}
SCHOOL_DOOR = {"access", "confirm", "form_base"}
# What every app may use of messaging (notify, the models); the rest are its pages.
MESSAGING_CORE = {"__init__", "apps", "models", "services", "tasks"}

# (importing file, imported unit) -> why it stays for now.
ALLOWED: dict[tuple[str, str], str] = {
    ("apps/accounts/logins.py", "messaging"): "login slips mail parents; logins belong above "
    "students (they issue accounts to students and parents) and should move to a shell app",
    ("apps/accounts/logins.py", "students"): "the same: logins of students and parents",
    ("apps/accounts/logins_views.py", "classes"): "the same: the logins page lists classes",
    ("apps/accounts/logins_views.py", "orders"): "the same: slips for a signed enrolment order",
    ("apps/accounts/logins_views.py", "privacy"): "the same: issuing logins is logged",
    ("apps/accounts/logins_views.py", "students"): "the same",
    ("apps/accounts/views.py", "school.shell"): "the user forms live with the structure forms "
    "in school/forms.py; they go to accounts/forms.py",
    ("apps/gradebook/views.py", "documents"): "the lesson page offers the resource catalogue's "
    "materials for the lesson's subject and grade; the Resource model could sit beneath the "
    "journal",
    ("apps/messaging/tasks.py", "messaging.pages"): "one task module is Celery's entry point "
    "for notifications and mail copies alike; the copy task imports the mail service lazily",
    ("apps/orders/demo.py", "school.shell"): "demo builders: to move into one demo package",
    ("apps/schedule/demo.py", "attendance"): "demo builders: to move into one demo package",
    ("apps/schedule/demo.py", "gradebook"): "demo builders: to move into one demo package",
    ("apps/schedule/demo.py", "homework"): "demo builders: to move into one demo package",
    ("apps/schedule/demo.py", "school.shell"): "demo builders: to move into one demo package",
    ("apps/schedule/ktp_views.py", "gradebook"): "the КТП page sits in schedule but is a "
    "journal page (it reads work types); it belongs with the journal's views",
    ("apps/schedule/services.py", "attendance"): "moving or cancelling a lesson carries its "
    "attendance, marks and homework: that lifecycle belongs to a journal core beneath "
    "gradebook, attendance and homework",
    ("apps/schedule/services.py", "gradebook"): "the same lesson lifecycle",
    ("apps/schedule/services.py", "homework"): "the same lesson lifecycle",
    ("apps/students/selectors.py", "orders"): "a student's card lists the orders about them",
    ("apps/students/views.py", "orders"): "the contingent import drafts an enrolment order; "
    "the import should move into students with the order drafted through a hook",
}


def unit_of(dotted: str) -> str | None:
    parts = dotted.split(".")
    if parts[0] != "apps" or len(parts) < 2:
        return None
    if parts[1] == "messaging":
        core = len(parts) < 3 or parts[2] in MESSAGING_CORE
        return "messaging" if core else "messaging.pages"
    if parts[1] != "school":
        return parts[1]
    if len(parts) < 3 or parts[2] in SCHOOL_CORE:
        return "school"
    return "school.door" if parts[2] in SCHOOL_DOOR else "school.shell"


def imported_modules(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from apps.school import clock` imports the module apps.school.clock.
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def upward_imports() -> set[tuple[str, str]]:
    found = set()
    for path in APPS.rglob("*.py"):
        relative = path.relative_to(APPS.parent)
        if "migrations" in relative.parts:
            continue
        me = unit_of(".".join(relative.with_suffix("").parts))
        for dotted in imported_modules(ast.parse(path.read_text(encoding="utf-8"))):
            other = unit_of(dotted)
            if other is None or other == me:
                continue
            assert other in LAYER, f"{relative}: add the app {other!r} to LAYERS"
            if LAYER[other] > LAYER[me]:
                found.add((relative.as_posix(), other))
    return found


def test_no_lower_layer_imports_a_higher_one():
    found = upward_imports()
    new = sorted(found - ALLOWED.keys())
    assert not new, "imports up the layers (README «Layers»):\n" + "\n".join(
        f"{path} imports {unit}" for path, unit in new
    )
    gone = sorted(ALLOWED.keys() - found)
    assert not gone, "no longer imported, remove from ALLOWED:\n" + "\n".join(
        f"{path} -> {unit}" for path, unit in gone
    )


def test_every_app_has_a_layer():
    apps_on_disk = {p.parent.name for p in APPS.glob("*/apps.py")}
    assert apps_on_disk <= LAYER.keys(), sorted(apps_on_disk - LAYER.keys())
