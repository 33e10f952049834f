from apps.messaging.mail import unread_counts
from apps.school.navigation import menu_for


def school_nav(request):
    """Menu, school switcher and the unread counts (notifications and letters) for pages
    under /s/<school_id>/: one query, the other schools came with the user's roles."""
    ctx = getattr(request, "school_ctx", None)
    if ctx is None:
        return {}
    unread, unread_mail = unread_counts(user=request.user, school=ctx.school)
    return {
        "school_ctx": ctx,
        "school": ctx.school,
        "nav_menu": menu_for(ctx),
        "other_schools": list(ctx.other_schools),
        "unread_notifications": unread,
        "unread_mail": unread_mail,
    }
