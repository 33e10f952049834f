"""Samples for the permission matrix of the repair requests' URLs (tests/test_permission_matrix.py)."""


def repair(w):
    """A request of the world's teacher, with a photo (every member of staff reads it)."""
    from django.core.files.base import ContentFile

    from apps.facilities.models import RepairRequest
    from apps.school import clock

    found = RepairRequest.objects.filter(school=w.school).first()
    if found:
        return found
    moment = clock.now()
    request = RepairRequest(
        school=w.school,
        author=w.users["teacher"],
        room="каб. 204",
        problem="Не работает проектор",
        created_at=moment,
        changed_at=moment,
        photo_name="proektor.png",
    )
    request.photo.save("proektor.png", ContentFile(b"\x89PNG\r\n\x1a\nimage"), save=False)
    request.save()
    return request


FACILITIES_URL_SAMPLES = {
    "facilities:detail": lambda w: {"pk": repair(w).pk},
    "facilities:move": lambda w: {"pk": repair(w).pk},
    "facilities:photo": lambda w: {"pk": repair(w).pk},
}
