from apps.accounts.models import RoleGrant
from apps.messaging.models import Notification
from apps.school.navigation import menu_for


def school_nav(request):
    """Menu, school switcher and unread count for pages under /s/<school_id>/ (two queries)."""
    ctx = getattr(request, "school_ctx", None)
    if ctx is None:
        return {}
    schools = (
        RoleGrant.objects.filter(user=request.user)
        .exclude(school=ctx.school)
        .values_list("school_id", "school__short_name")
        .distinct()
        .order_by("school__short_name")
    )
    unread = Notification.objects.filter(user=request.user, school=ctx.school).unread().count()
    return {
        "school_ctx": ctx, "school": ctx.school, "nav_menu": menu_for(ctx),
        "other_schools": list(schools), "unread_notifications": unread,
    }
