"""Demo step of the control area: the monthly audits and activity reports of the months
already past, as the scheduled tasks would have stored them on their control days — so the
deputy of the demo school sees a summary, a trend and drill-downs at once."""

from datetime import datetime, time

from apps.reports.periods import month_end, months_of, next_month
from apps.reports.services import activity_report_store, audit_month_store, audit_notify
from apps.school.policy import audit_day, school_policy


def populate(demo) -> None:
    school, year = demo.school, demo.year
    policy = school_policy(school)
    latest = None
    for month in months_of(year.starts_on, min(demo.today, year.ends_on)):
        following = next_month(month)
        control = audit_day(policy, year=following.year, month=following.month)
        if control > demo.today:
            break  # not due yet: the monthly task will store it on its day
        as_of = datetime.combine(control, time(9, 0), tzinfo=school.tz)
        latest = audit_month_store(school=school, month=month, automatic=True, as_of=as_of)
        if month_end(month) < demo.today:
            activity_report_store(school=school, month=month)
    if latest is not None:
        # The latest month's results, as teachers found them in the app (no mail from a demo).
        audit_notify(run=latest, email=False)
