from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apps.messaging.models import Notification
from apps.messaging.services import notifications_mark_read
from apps.school.access import school_view

PAGE_SIZE = 50


@school_view()
def notification_list(request):
    ctx = request.school_ctx
    items = list(Notification.objects.filter(user=request.user, school=ctx.school)[:PAGE_SIZE])
    return render(request, "messaging/notifications.html", {"items": items})


@school_view()
@require_POST
def notifications_read(request):
    ctx = request.school_ctx
    notifications_mark_read(user=request.user, school=ctx.school)
    return redirect("messaging:notifications", school_id=ctx.school.pk)
