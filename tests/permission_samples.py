"""Which object each URL with an id is probed with, in the permission matrix test.

Section pages (list/create/edit/delete) are probed with the first row of their model in
the school; every other URL that takes ids must be declared here, or the matrix fails.
Each entry maps a URL name to a function (world) -> kwargs besides school_id.
"""

URL_SAMPLES = {
    "school:year-open": lambda w: {"pk": w.year.pk},
    "school:shift-bells": lambda w: {"pk": w.shift.pk},
    "school:class-detail": lambda w: {"pk": w.school_class.pk},
    "school:subgroup-members": lambda w: {"pk": w.subgroup.pk},
    "accounts:user-roles": lambda w: {"user_id": w.users["teacher"].pk},
}

# Views whose access is derived from data (`school_view(check=...)`) declare, per role of
# the `world` fixture, the status that role gets. Roles not listed expect 403.
CHECK_EXPECTATIONS: dict[str, dict[str, int]] = {}

# Each area keeps its own samples beside its tests; they join the one matrix here.
from tests.journal.permission_samples import JOURNAL_CHECK_EXPECTATIONS, JOURNAL_URL_SAMPLES  # noqa: E402

URL_SAMPLES.update(JOURNAL_URL_SAMPLES)
CHECK_EXPECTATIONS.update(JOURNAL_CHECK_EXPECTATIONS)

from tests.orders.permission_samples import ORDERS_CHECK_EXPECTATIONS, ORDERS_URL_SAMPLES  # noqa: E402

URL_SAMPLES.update(ORDERS_URL_SAMPLES)
CHECK_EXPECTATIONS.update(ORDERS_CHECK_EXPECTATIONS)

from tests.diary.permission_samples import DIARY_CHECK_EXPECTATIONS, DIARY_URL_SAMPLES  # noqa: E402

URL_SAMPLES.update(DIARY_URL_SAMPLES)
CHECK_EXPECTATIONS.update(DIARY_CHECK_EXPECTATIONS)

from tests.reports.permission_samples import REPORTS_CHECK_EXPECTATIONS, REPORTS_URL_SAMPLES  # noqa: E402

URL_SAMPLES.update(REPORTS_URL_SAMPLES)
CHECK_EXPECTATIONS.update(REPORTS_CHECK_EXPECTATIONS)

from tests.care.permission_samples import CARE_CHECK_EXPECTATIONS, CARE_URL_SAMPLES  # noqa: E402

URL_SAMPLES.update(CARE_URL_SAMPLES)
CHECK_EXPECTATIONS.update(CARE_CHECK_EXPECTATIONS)

from tests.portfolio.permission_samples import (  # noqa: E402
    PORTFOLIO_CHECK_EXPECTATIONS,
    PORTFOLIO_URL_SAMPLES,
)

URL_SAMPLES.update(PORTFOLIO_URL_SAMPLES)
CHECK_EXPECTATIONS.update(PORTFOLIO_CHECK_EXPECTATIONS)

from tests.exams.permission_samples import EXAMS_CHECK_EXPECTATIONS, EXAMS_URL_SAMPLES  # noqa: E402

URL_SAMPLES.update(EXAMS_URL_SAMPLES)
CHECK_EXPECTATIONS.update(EXAMS_CHECK_EXPECTATIONS)

from tests.messaging.permission_samples import (  # noqa: E402
    MESSAGING_CHECK_EXPECTATIONS,
    MESSAGING_URL_SAMPLES,
)

URL_SAMPLES.update(MESSAGING_URL_SAMPLES)
CHECK_EXPECTATIONS.update(MESSAGING_CHECK_EXPECTATIONS)

from tests.facilities.permission_samples import FACILITIES_URL_SAMPLES  # noqa: E402

URL_SAMPLES.update(FACILITIES_URL_SAMPLES)

from tests.documents.permission_samples import DOCUMENTS_URL_SAMPLES  # noqa: E402

URL_SAMPLES.update(DOCUMENTS_URL_SAMPLES)
