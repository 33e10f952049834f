"""Server-side confirmation of actions that are hard to undo (removing a person's last role,
granting the administrator role, closing a study period).

A view asks `steps_confirmed(request)`; while it is lower than the steps the action needs, it
answers `confirmation_page(...)`, whose form repeats the same POST with one more step confirmed.
Nothing is changed before the last step, and the page works without JavaScript.
"""

from dataclasses import dataclass, field

from django.shortcuts import render

NOT_REPEATED = {"csrfmiddlewaretoken", "confirmed"}


def steps_confirmed(request) -> int:
    try:
        return max(0, int(request.POST.get("confirmed", "0")))
    except ValueError:
        return 0


@dataclass
class Confirmation:
    title: str
    consequences: list[str]
    button: str
    back: str
    step: int = 1
    step_total: int = 1
    action: str = ""
    fields: list[tuple[str, str]] = field(default_factory=list)


def confirmation_page(request, confirmation: Confirmation):
    """The page that asks; the POST being confirmed is carried in hidden fields."""
    confirmation.action = confirmation.action or request.path
    confirmation.fields = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in NOT_REPEATED
        for value in values
    ]
    return render(request, "confirm.html", {"confirm": confirmation})
