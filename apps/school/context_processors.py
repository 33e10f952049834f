from apps.messaging.models import Notification
from apps.school.navigation import menu_for


def school_nav(request):
    """Menu, school switcher and unread count for pages under /s/<school_id>/ (one query:
    the other schools came with the user's roles)."""
    ctx = getattr(request, "school_ctx", None)
    if ctx is None:
        return {}
    unread = Notification.objects.filter(user=request.user, school=ctx.school).unread().count()
    return {
        "school_ctx": ctx,
        "school": ctx.school,
        "nav_menu": menu_for(ctx),
        "other_schools": list(ctx.other_schools),
        "unread_notifications": unread,
    }
