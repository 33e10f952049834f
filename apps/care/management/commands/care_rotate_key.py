"""Re-encrypt every special-category value with the newest key of SPECIAL_DATA_KEYS.

Rotation: put the new key first in SPECIAL_DATA_KEYS (keep the old one after it), restart,
run this command, then remove the old key. Values and their history are rewritten in place
without creating history events (the values do not change, only their encryption).
"""

import pgtrigger
from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from apps.care.crypto import encrypted_fields, rotate


class Command(BaseCommand):
    help = "Re-encrypt special-category data with the newest key of SPECIAL_DATA_KEYS."

    def handle(self, *args, **options):
        total = 0
        for model in apps.get_models():
            fields = encrypted_fields(model)
            if not fields:
                continue
            table, pk = model._meta.db_table, model._meta.pk.column
            columns = [f.column for f in fields]
            with transaction.atomic(), pgtrigger.ignore(), connection.cursor() as cursor:
                quoted = ", ".join(f'"{c}"' for c in columns)
                cursor.execute(f'SELECT "{pk}", {quoted} FROM "{table}"')  # noqa: S608
                rows = cursor.fetchall()
                sets = ", ".join(f'"{c}" = %s' for c in columns)
                for row in rows:
                    values = [rotate(v) if v is not None else None for v in row[1:]]
                    cursor.execute(
                        f'UPDATE "{table}" SET {sets} WHERE "{pk}" = %s',  # noqa: S608
                        [*values, row[0]],
                    )
            total += len(rows)
            self.stdout.write(f"{model._meta.label}: {len(rows)}")
        self.stdout.write(self.style.SUCCESS(f"re-encrypted rows: {total}"))
