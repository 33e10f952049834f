from django.apps import AppConfig
from django.db.models.signals import post_delete


def _link_ended(sender, instance, **kwargs):
    from apps.diary.services import calendar_feeds_of_link_revoke

    calendar_feeds_of_link_revoke(guardianship=instance)


class DiaryConfig(AppConfig):
    name = "apps.diary"
    label = "diary"
    verbose_name = "Электронный дневник"

    def ready(self):
        # A parent unlinked from a child loses that child's calendar address at once
        # (whichever service ends the link: unlinking, merging files). The students app
        # knows nothing of the diary, so the diary watches the link it depends on.
        post_delete.connect(
            _link_ended, sender="students.Guardianship", dispatch_uid="diary-feed-link-ended"
        )
