from django.urls import path

from apps.messaging import mail_views, views

app_name = "messaging"

urlpatterns = [
    path("s/<int:school_id>/notifications/", views.notification_list, name="notifications"),
    path(
        "s/<int:school_id>/notifications/read/", views.notifications_read, name="notifications-read"
    ),
    # Internal mail.
    path("s/<int:school_id>/mail/", mail_views.mailbox, name="mail"),
    path("s/<int:school_id>/mail/new/", mail_views.compose, name="mail-compose"),
    path("s/<int:school_id>/mail/settings/", mail_views.mail_settings, name="mail-settings"),
    path("s/<int:school_id>/mail/<int:pk>/", mail_views.message, name="mail-message"),
    path("s/<int:school_id>/mail/<int:pk>/archive/", mail_views.archive, name="mail-archive"),
    path(
        "s/<int:school_id>/mail/<int:pk>/delete/", mail_views.draft_delete, name="mail-draft-delete"
    ),
    path("s/<int:school_id>/mail/file/<int:pk>/", mail_views.attachment, name="mail-file"),
    # The board.
    path("s/<int:school_id>/board/", mail_views.board, name="board"),
    path("s/<int:school_id>/board/new/", mail_views.board_edit, name="board-new"),
    path("s/<int:school_id>/board/<int:pk>/", mail_views.board_item, name="board-item"),
    path("s/<int:school_id>/board/<int:pk>/edit/", mail_views.board_edit, name="board-edit"),
    path("s/<int:school_id>/board/<int:pk>/delete/", mail_views.board_delete, name="board-delete"),
    path("s/<int:school_id>/board/file/<int:pk>/", mail_views.board_file, name="board-file"),
    # Events.
    path("s/<int:school_id>/events/", mail_views.events, name="events"),
    path("s/<int:school_id>/events/new/", mail_views.event_edit, name="event-new"),
    path("s/<int:school_id>/events/<int:pk>/", mail_views.event, name="event"),
    path("s/<int:school_id>/events/<int:pk>/edit/", mail_views.event_edit, name="event-edit"),
    path("s/<int:school_id>/events/<int:pk>/delete/", mail_views.event_delete, name="event-delete"),
]
