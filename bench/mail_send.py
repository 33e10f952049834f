"""A letter of the director to every parent of the demo school (about 700 families): time,
queries and the INSERTs of the recipients' copies. Each round runs in a transaction that is
rolled back, so the database is left as it was and no e-mail is queued.

    DATABASE_URL=... .venv/bin/python bench/mail_send.py [--rounds 5]

`make bench` (bench/run.py) runs it after the HTTP scenarios and adds its line to the results.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

NAME = "mail send to all parents"


class _Rollback(Exception):
    pass


def measure_mail_send(*, school=None, rounds: int = 5) -> dict:
    """Median and worst wall time of sending one letter to the group «всем: Родитель»."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from apps.accounts.models import RoleGrant
    from apps.accounts.policy import Role
    from apps.messaging.mail import message_send
    from apps.school.access import school_context_for
    from apps.school.models import School

    school = school or School.objects.order_by("pk").first()
    director = (
        RoleGrant.objects.filter(school=school, role=Role.DIRECTOR)
        .select_related("user")
        .first()
        .user
    )
    timings, queries, inserts, recipients = [], 0, 0, 0
    for _round in range(rounds):
        ctx = school_context_for(director, school.pk)
        try:
            with transaction.atomic(), CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                message = message_send(
                    ctx=ctx,
                    subject="Родительское собрание",
                    body="Уважаемые родители! Общешкольное собрание — в четверг в 18:00.",
                    addresses=[f"g:role:{Role.PARENT}"],
                )
                timings.append((time.perf_counter() - started) * 1000)
                recipients = message.recipient_count
                queries = len(captured.captured_queries)
                inserts = sum(
                    1
                    for q in captured.captured_queries
                    if q["sql"].startswith('INSERT INTO "messaging_delivery"')
                )
                raise _Rollback
        except _Rollback:
            pass
    return {
        "recipients": recipients,
        "median_ms": round(statistics.median(timings), 1),
        "max_ms": round(max(timings), 1),
        "queries": queries,
        "delivery_inserts": inserts,
        "rounds": rounds,
    }


if __name__ == "__main__":
    import argparse

    import django

    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    django.setup()
    print(NAME, measure_mail_send(rounds=args.rounds))
