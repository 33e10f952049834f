"""Fresh planner statistics for the tables a demo step has just bulk-filled.

The demo writes tens of thousands of rows inside one transaction. Autovacuum cannot see
them before the commit (and may not have run at all), so the planner still takes each
table for empty and picks nested loops for the set-based statements that follow (the
history backfill of the journal hung for 18 minutes on such a plan). ANALYZE inside the
same transaction does see the transaction's own rows.
"""

from django.db import connection


def analyze(*models) -> None:
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
