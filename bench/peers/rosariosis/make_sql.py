"""SQL that loads RosarioSIS with a school of the demo school's size (run by bench/peers/run.py).

Reads our demo school (the first school, its open year) through the ORM and writes one SQL file
to load after RosarioSIS's own rosariosis.sql: the same students, classes, teachers, parents,
teaching assignments (a RosarioSIS course period each), the year's marks (gradebook grades on
one gradebook assignment per lesson that has marks) and absences (period attendance). Names
are replaced by generated ones: the peer sees the sizes, not the people.

    .venv/bin/python bench/peers/rosariosis/make_sql.py OUT.sql   # prints the counts as JSON
"""

import json
import os
import sys
from collections import Counter, defaultdict
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

# The password of every generated account is "admin": the hash is the one rosariosis.sql
# gives its own admin account, so no hashing is needed here.
ADMIN_HASH_SQL = "(SELECT password FROM staff WHERE username = 'admin')"
SCHOOL_ID = 1  # the school rosariosis.sql creates
FULL_YEAR_MP, SEMESTER_MPS, QUARTER_MPS = 1, (2, 3), (4, 5, 6, 7)  # its marking periods
FIRST_PERIOD_ID = 4  # its school_periods: 1–3 are day parts, 4 is "Period 1"
STAFF_ID0, STUDENT_ID0, COURSE_ID0, CP_ID0 = 1000, 1000, 1000, 1000
GRADE_ID0 = 100  # our grades 1–11 become gradelevels 101–111
ATTENDANCE_CODE = {"н": 1, "б": 4, "уп": 4, "оп": 3}  # Absent, Excused Absence, Tardy


def copy_block(table: str, columns: list[str], rows) -> str:
    """A COPY … FROM stdin block (text format)."""

    def cell(value) -> str:
        if value is None:
            return r"\N"
        text = str(value)
        return text.replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")

    lines = [f"COPY {table} ({', '.join(columns)}) FROM stdin;"]
    lines += ["\t".join(cell(v) for v in row) for row in rows]
    lines.append("\\.")
    return "\n".join(lines) + "\n"


def quarters(year) -> list[tuple]:
    """Four (start, end) spans: the year's own quarters where it has them, else four equal parts."""
    from apps.school.models import StudyPeriod

    own = list(
        StudyPeriod.objects.filter(year=year, scheme=StudyPeriod.Scheme.QUARTER)
        .order_by("number")
        .values_list("starts_on", "ends_on")
    )
    if len(own) == 4:
        spans = [list(span) for span in own]
    else:
        days = (year.ends_on - year.starts_on).days + 1
        spans = [
            [
                year.starts_on + timedelta(days=days * i // 4),
                year.starts_on + timedelta(days=days * (i + 1) // 4 - 1),
            ]
            for i in range(4)
        ]
    # RosarioSIS finds the current marking period by date: no gaps (holidays belong to the quarter before).
    spans[0][0] = year.starts_on
    for i in range(1, 4):
        spans[i - 1][1] = spans[i][0] - timedelta(days=1)
    spans[3][1] = year.ends_on
    return [tuple(span) for span in spans]


def build(out: Path) -> dict:
    import django

    django.setup()
    from apps.attendance.models import AttendanceMark
    from apps.classes.models import TeachingAssignment
    from apps.gradebook.models import NUMERIC_MARKS, Mark
    from apps.schedule.models import Lesson, TimetableEntry
    from apps.school.models import AcademicYear, Holiday, School
    from apps.students.models import Enrollment, Guardianship

    school = School.objects.order_by("pk").first()
    if school is None:
        sys.exit("No demo school in this database: run `make demo` (or bench/run.py) first.")
    year = AcademicYear.objects.filter(school=school, status="open").order_by("-starts_on").first()
    syear = year.starts_on.year
    spans = quarters(year)

    def quarter_of(day) -> int:
        for mp, (start, end) in zip(QUARTER_MPS, spans, strict=True):
            if start <= day <= end:
                return mp
        return QUARTER_MPS[-1]

    sql = [
        "-- RosarioSIS loaded with a school of the size of «Журнал»'s demo school.\n",
        "BEGIN;\n",
        # rosariosis.sql makes the school year 2024; move every row of it to the demo's year.
        "SET session_replication_role = replica;\n",
        f"""DO $$ DECLARE t record; BEGIN
  FOR t IN SELECT c.table_name FROM information_schema.columns c
           JOIN information_schema.tables tb USING (table_schema, table_name)
           WHERE c.table_schema = 'public' AND c.column_name = 'syear' AND tb.table_type = 'BASE TABLE'
  LOOP EXECUTE format('UPDATE %I SET syear = {syear}', t.table_name); END LOOP;
END $$;\n""",
        "SET session_replication_role = origin;\n",
        f"UPDATE school_marking_periods SET start_date = '{year.starts_on}', end_date = '{year.ends_on}',"
        f" post_start_date = NULL, post_end_date = NULL WHERE marking_period_id = {FULL_YEAR_MP};\n",
        f"UPDATE school_marking_periods SET start_date = '{spans[0][0]}', end_date = '{spans[1][1]}',"
        f" post_start_date = NULL, post_end_date = NULL WHERE marking_period_id = {SEMESTER_MPS[0]};\n",
        f"UPDATE school_marking_periods SET start_date = '{spans[2][0]}', end_date = '{spans[3][1]}',"
        f" post_start_date = NULL, post_end_date = NULL WHERE marking_period_id = {SEMESTER_MPS[1]};\n",
    ]
    for mp, (start, end) in zip(QUARTER_MPS, spans, strict=True):
        sql.append(
            f"UPDATE school_marking_periods SET start_date = '{start}', end_date = '{end}',"
            f" post_start_date = '{end}', post_end_date = '{end}' WHERE marking_period_id = {mp};\n"
        )
    sql.append(f"UPDATE schools SET title = 'Школа (демо «Журнала»)' WHERE id = {SCHOOL_ID};\n")
    sql.append(
        copy_block(
            "school_gradelevels",
            ["id", "school_id", "short_name", "title", "sort_order"],
            [(GRADE_ID0 + g, SCHOOL_ID, f"{g:02d}", f"{g} класс", 100 + g) for g in range(1, 12)],
        )
    )

    # The school calendar: every weekday that is not a holiday.
    holidays = list(Holiday.objects.filter(year=year).values_list("starts_on", "ends_on"))
    day, calendar = year.starts_on, []
    while day <= year.ends_on:
        if day.weekday() < 5 and not any(a <= day <= b for a, b in holidays):
            calendar.append((syear, SCHOOL_ID, day, 300, 1))
        day += timedelta(days=1)
    sql.append(
        copy_block(
            "attendance_calendar",
            ["syear", "school_id", "school_date", "minutes", "calendar_id"],
            calendar,
        )
    )

    assignments = list(
        TeachingAssignment.objects.filter(year=year)
        .select_related("school_class", "subject", "teacher")
        .order_by("pk")
    )
    # Lesson numbers beyond rosariosis.sql's eight periods get periods of their own.
    max_number = max(
        Lesson.objects.filter(assignment__year=year)
        .order_by("-lesson_number")
        .values_list("lesson_number", flat=True)[:1]
        or [8]
    )
    if max_number > 8:
        sql.append(
            copy_block(
                "school_periods",
                [
                    "period_id",
                    "syear",
                    "school_id",
                    "sort_order",
                    "title",
                    "short_name",
                    "length",
                    "attendance",
                ],
                [
                    (
                        FIRST_PERIOD_ID + n - 1,
                        syear,
                        SCHOOL_ID,
                        n + 3,
                        f"Period {n}",
                        f"{n:02d}",
                        45,
                        "Y",
                    )
                    for n in range(9, max_number + 1)
                ],
            )
        )

    teachers = sorted({a.teacher_id for a in assignments})
    staff_id = {user_id: STAFF_ID0 + i for i, user_id in enumerate(teachers)}
    staff_rows = [
        (
            syear,
            staff_id[u],
            SCHOOL_ID,
            f"Учитель{i}",
            f"Педагогов{i}",
            f"teacher{i}",
            "teacher",
            ",1,",
            2,
        )
        for i, u in enumerate(teachers)
    ]

    # Every student of the year, those who left too (their marks count): the last enrolment each.
    enrollments = list(
        Enrollment.objects.filter(school_class__year=year)
        .select_related("school_class")
        .order_by("student_id", "starts_on")
    )
    class_of = {e.student_id: e.school_class for e in enrollments}
    left_on = {e.student_id: e.ends_on for e in enrollments}
    student_id = {s: STUDENT_ID0 + i for i, s in enumerate(sorted(class_of))}
    students = [
        (student_id[s], f"Ученик{i}", f"Учеников{i}", f"student{i}")
        for i, s in enumerate(sorted(class_of))
    ]

    guardianships = list(
        Guardianship.objects.filter(student_id__in=class_of, guardian__user__isnull=False)
        .values_list("guardian__user_id", "student_id")
        .order_by("pk")
    )
    parents = sorted({u for u, _s in guardianships})
    next_staff = STAFF_ID0 + len(teachers)
    for i, u in enumerate(parents):
        staff_id[("parent", u)] = next_staff + i
        staff_rows.append(
            (
                syear,
                next_staff + i,
                SCHOOL_ID,
                f"Родитель{i}",
                f"Родителев{i}",
                f"parent{i}",
                "parent",
                None,
                3,
            )
        )
    # COPY cannot take a sub-select: the password hash is set after.
    sql.append(
        copy_block(
            "staff",
            [
                "syear",
                "staff_id",
                "current_school_id",
                "first_name",
                "last_name",
                "username",
                "profile",
                "schools",
                "profile_id",
            ],
            staff_rows,
        )
    )
    sql.append(f"UPDATE staff SET password = {ADMIN_HASH_SQL} WHERE staff_id >= {STAFF_ID0};\n")
    sql.append(
        copy_block("students", ["student_id", "first_name", "last_name", "username"], students)
    )
    sql.append(
        f"UPDATE students SET password = {ADMIN_HASH_SQL}, custom_200000000 = 'Male'"
        f" WHERE student_id >= {STUDENT_ID0};\n"
    )
    sql.append(
        copy_block(
            "student_enrollment",
            [
                "syear",
                "school_id",
                "student_id",
                "grade_id",
                "start_date",
                "end_date",
                "enrollment_code",
                "drop_code",
                "calendar_id",
            ],
            [
                (
                    syear,
                    SCHOOL_ID,
                    student_id[s],
                    GRADE_ID0 + c.grade,
                    year.starts_on,
                    left_on[s],
                    3,
                    None if left_on[s] is None else 1,
                    1,
                )
                for s, c in sorted(class_of.items())
            ],
        )
    )
    sql.append(
        copy_block(
            "students_join_users",
            ["student_id", "staff_id"],
            sorted({(student_id[s], staff_id[("parent", u)]) for u, s in guardianships}),
        )
    )

    # Subjects, courses (subject × grade) and a course period per teaching assignment.
    subjects = sorted({(a.subject_id, a.subject.name) for a in assignments})
    subject_id = {sid: COURSE_ID0 + i for i, (sid, _n) in enumerate(subjects)}
    sql.append(
        copy_block(
            "course_subjects",
            ["syear", "school_id", "subject_id", "title", "sort_order"],
            [
                (syear, SCHOOL_ID, subject_id[sid], name, i)
                for i, (sid, name) in enumerate(subjects)
            ],
        )
    )
    courses = sorted({(a.subject_id, a.school_class.grade) for a in assignments})
    course_id = {key: COURSE_ID0 + i for i, key in enumerate(courses)}
    subject_name = dict(subjects)
    sql.append(
        copy_block(
            "courses",
            [
                "syear",
                "course_id",
                "subject_id",
                "school_id",
                "grade_level",
                "title",
                "short_name",
                "credit_hours",
            ],
            [
                (
                    syear,
                    course_id[(sid, g)],
                    subject_id[sid],
                    SCHOOL_ID,
                    GRADE_ID0 + g,
                    f"{subject_name[sid]} {g}",
                    f"{subject_name[sid][:20]} {g}",
                    1,
                )
                for sid, g in courses
            ],
        )
    )
    members = defaultdict(set)
    for a in assignments:
        if a.subgroup_id and a.subgroup_id not in members:
            members[a.subgroup_id] = set(a.subgroup.members.values_list("pk", flat=True))
    class_students = defaultdict(list)
    for s, c in sorted(class_of.items()):
        class_students[c.pk].append(s)
    first_number = dict(
        TimetableEntry.objects.filter(assignment__year=year)
        .order_by("assignment_id", "-lesson_number")
        .values_list("assignment_id", "lesson_number")
    )
    cp_id, cp_rows, cp_periods, schedule = {}, [], [], []
    for i, a in enumerate(assignments):
        cp = CP_ID0 + i
        cp_id[a.pk] = cp
        roll = [
            s
            for s in class_students[a.school_class_id]
            if not a.subgroup_id or s in members[a.subgroup_id]
        ]
        period = FIRST_PERIOD_ID + first_number.get(a.pk, 1) - 1
        label = f"{a.school_class.grade}{a.school_class.letter}"
        cp_rows.append(
            (
                syear,
                SCHOOL_ID,
                cp,
                course_id[(a.subject_id, a.school_class.grade)],
                f"{label} - {a.subject.name} - teacher{teachers.index(a.teacher_id)}",
                label[:25],
                "FY",
                FULL_YEAR_MP,
                staff_id[a.teacher_id],
                40,
                len(roll),
                ",0,",
                1,
                1,
                1,
            )
        )
        cp_periods.append((cp, period, "MTWHF"))
        schedule += [
            (
                syear,
                SCHOOL_ID,
                student_id[s],
                year.starts_on,
                left_on[s],
                course_id[(a.subject_id, a.school_class.grade)],
                cp,
                "FY",
                FULL_YEAR_MP,
            )
            for s in roll
        ]
    sql.append(
        copy_block(
            "course_periods",
            [
                "syear",
                "school_id",
                "course_period_id",
                "course_id",
                "title",
                "short_name",
                "mp",
                "marking_period_id",
                "teacher_id",
                "total_seats",
                "filled_seats",
                "does_attendance",
                "calendar_id",
                "grade_scale_id",
                "credits",
            ],
            cp_rows,
        )
    )
    sql.append(
        copy_block(
            "course_period_school_periods", ["course_period_id", "period_id", "days"], cp_periods
        )
    )
    sql.append(
        copy_block(
            "schedule",
            [
                "syear",
                "school_id",
                "student_id",
                "start_date",
                "end_date",
                "course_id",
                "course_period_id",
                "mp",
                "marking_period_id",
            ],
            schedule,
        )
    )

    # The year's marks: a gradebook assignment per lesson and kind of work that has marks, a
    # grade per numeric mark.
    type_rows, type_id = [], {}
    for a in assignments:
        key = (a.teacher_id, a.subject_id, a.school_class.grade)
        if key not in type_id:
            type_id[key] = COURSE_ID0 + len(type_rows)
            type_rows.append(
                (
                    type_id[key],
                    staff_id[a.teacher_id],
                    course_id[(a.subject_id, a.school_class.grade)],
                    "Работа на уроке",
                    1,
                )
            )
    sql.append(
        copy_block(
            "gradebook_assignment_types",
            ["assignment_type_id", "staff_id", "course_id", "title", "sort_order"],
            type_rows,
        )
    )
    by_assignment = {a.pk: a for a in assignments}
    marks = (
        Mark.objects.filter(lesson__assignment__year=year, student_id__in=class_of)
        .values_list(
            "lesson_id",
            "work_type_id",
            "lesson__assignment_id",
            "lesson__date",
            "student_id",
            "value",
        )
        .order_by("lesson__date", "lesson_id")
    )
    lesson_assignment, work_rows, grade_rows, skipped = {}, [], {}, Counter()
    for lesson_id, work_type_id, assignment_pk, day, s, value in marks.iterator(chunk_size=5000):
        if value not in NUMERIC_MARKS:
            skipped[value] += 1
            continue
        a = by_assignment[assignment_pk]
        work = (lesson_id, work_type_id)
        if work not in lesson_assignment:
            lesson_assignment[work] = COURSE_ID0 + len(work_rows)
            work_rows.append(
                (
                    lesson_assignment[work],
                    staff_id[a.teacher_id],
                    quarter_of(day),
                    cp_id[a.pk],
                    type_id[(a.teacher_id, a.subject_id, a.school_class.grade)],
                    f"Урок {day:%d.%m}",
                    day,
                    day,
                    5,
                )
            )
        grade_rows[(student_id[s], lesson_assignment[work])] = (cp_id[a.pk], int(value))
    sql.append(
        copy_block(
            "gradebook_assignments",
            [
                "assignment_id",
                "staff_id",
                "marking_period_id",
                "course_period_id",
                "assignment_type_id",
                "title",
                "assigned_date",
                "due_date",
                "points",
            ],
            work_rows,
        )
    )
    sql.append(
        copy_block(
            "gradebook_grades",
            ["student_id", "assignment_id", "course_period_id", "points"],
            [(s, w, cp, points) for (s, w), (cp, points) in grade_rows.items()],
        )
    )

    absences = (
        AttendanceMark.objects.filter(lesson__assignment__year=year, student_id__in=class_of)
        .values_list(
            "student_id", "lesson__date", "lesson__lesson_number", "lesson__assignment_id", "kind"
        )
        .order_by("lesson__date")
    )
    attendance = {}
    for s, day, number, assignment_pk, kind in absences.iterator(chunk_size=5000):
        attendance[(student_id[s], day, FIRST_PERIOD_ID + number - 1)] = (
            ATTENDANCE_CODE.get(kind, 1),
            cp_id[assignment_pk],
            quarter_of(day),
        )
    sql.append(
        copy_block(
            "attendance_period",
            [
                "student_id",
                "school_date",
                "period_id",
                "attendance_code",
                "attendance_teacher_code",
                "course_period_id",
                "marking_period_id",
            ],
            [(s, d, p, code, code, cp, mp) for (s, d, p), (code, cp, mp) in attendance.items()],
        )
    )
    for seq, table, column in (
        ("staff_staff_id_seq", "staff", "staff_id"),
        ("students_student_id_seq", "students", "student_id"),
        ("courses_course_id_seq", "courses", "course_id"),
        ("course_subjects_subject_id_seq", "course_subjects", "subject_id"),
        ("course_periods_course_period_id_seq", "course_periods", "course_period_id"),
        ("gradebook_assignments_assignment_id_seq", "gradebook_assignments", "assignment_id"),
        (
            "gradebook_assignment_types_assignment_type_id_seq",
            "gradebook_assignment_types",
            "assignment_type_id",
        ),
        ("school_gradelevels_id_seq", "school_gradelevels", "id"),
    ):
        sql.append(f"SELECT setval('{seq}', (SELECT max({column}) FROM {table}));\n")
    sql.append("COMMIT;\nANALYZE;\n")
    out.write_text("".join(sql))

    # What the benchmark logs in as and opens: the course periods of the first teachers (as
    # bench/scenarios.py takes the first JOURNAL_TEACHERS), and each parent's child.
    teacher_logins = [
        {"username": f"teacher{teachers.index(a.teacher_id)}", "course_period": cp_id[a.pk]}
        for a in sorted(assignments, key=lambda a: (a.teacher_id, a.pk))
    ]
    counts = {
        "school_year": syear,
        "students": len(students),
        "classes": len(class_students),
        "teachers": len(teachers),
        "parents": len(parents),
        "course_periods": len(cp_rows),
        "schedule_rows": len(schedule),
        "gradebook_assignments": len(work_rows),
        "gradebook_grades": len(grade_rows),
        "marks_not_numeric_skipped": sum(skipped.values()),
        "attendance_period": len(attendance),
        "school_days": len(calendar),
        "quarters": [[str(a), str(b)] for a, b in spans],
        "teacher_logins": teacher_logins,
        "parent_logins": [
            {"username": f"parent{parents.index(u)}", "student": student_id[s]}
            for u, s in dict(guardianships).items()
        ],
    }
    return counts


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    print(json.dumps(build(Path(sys.argv[1])), ensure_ascii=False))
