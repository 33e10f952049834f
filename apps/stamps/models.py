"""The one table of change stamps: a version counter per (scope, key), kept by triggers.

See apps/stamps/pages.py for how pages declare what they read and how the triggers that
keep these rows are made. No foreign key: a stamp may outlive its row, and a trigger must
never fail a journal write.
"""

from django.db import models


class Stamp(models.Model):
    """Last change of the rows a scope covers (e.g. `diary.student` 42: that student's marks,
    attendance, period marks…). `version` only grows; `changed_at` never goes back."""

    pk = models.CompositePrimaryKey("scope", "key")
    scope = models.CharField(max_length=40)
    key = models.BigIntegerField()
    version = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField()

    class Meta:
        verbose_name = "отметка изменения"
        verbose_name_plural = "отметки изменений"

    def __str__(self) -> str:
        return f"{self.scope} {self.key}: {self.version}"
