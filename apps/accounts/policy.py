"""The one permission policy: which school role may do what.

Read it as a table: each permission, then the roles that hold it. Roles are granted per
school (RoleGrant). "Class teacher" is not a role: it follows from being the class teacher
of a class in the open year, and is checked per object in the apps' permissions modules.

Access to another school's data is never a 403: views look objects up inside the school
of the URL, and a user without any role in that school gets 404 for everything in it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Администратор системы")
    DIRECTOR = "director", _("Директор")
    DEPUTY = "deputy", _("Заместитель директора по УВР")
    DISPATCHER = "dispatcher", _("Диспетчер расписания")
    TEACHER = "teacher", _("Учитель")
    SECRETARY = "secretary", _("Секретарь / инспектор по кадрам")
    MEDIC = "medic", _("Медицинский работник")
    PSYCHOLOGIST = "psychologist", _("Педагог-психолог / социальный педагог")
    TECHNICAL = "technical", _("Технический персонал")
    PARENT = "parent", _("Родитель (законный представитель)")
    STUDENT = "student", _("Обучающийся")


STAFF_ROLES = frozenset(
    {
        Role.ADMIN,
        Role.DIRECTOR,
        Role.DEPUTY,
        Role.DISPATCHER,
        Role.TEACHER,
        Role.SECRETARY,
        Role.MEDIC,
        Role.PSYCHOLOGIST,
        Role.TECHNICAL,
    }
)
FAMILY_ROLES = frozenset({Role.PARENT, Role.STUDENT})
ALL_ROLES = STAFF_ROLES | FAMILY_ROLES
ADMINISTRATION = frozenset({Role.ADMIN, Role.DIRECTOR, Role.DEPUTY})


class Perm(models.TextChoices):
    VIEW_SCHOOL_CARD = "view_school_card", _("Просмотр карточки школы")
    EDIT_SCHOOL_CARD = "edit_school_card", _("Карточка школы, лицензии")
    MANAGE_ROLES = "manage_roles", _("Пользователи и роли")
    MANAGE_LOCKOUTS = "manage_lockouts", _("Блокировки входа: просмотр и снятие")
    MANAGE_YEARS = "manage_years", _("Учебные годы, периоды, каникулы")
    MANAGE_BELLS = "manage_bells", _("Смены и расписание звонков")
    VIEW_STRUCTURE = "view_structure", _("Просмотр классов, предметов, учебного плана, нагрузки")
    MANAGE_CLASSES = "manage_classes", _("Классы и классные руководители")
    MANAGE_SUBJECTS = "manage_subjects", _("Предметы и учебный план")
    MANAGE_SUBGROUPS = "manage_subgroups", _("Подгруппы всех классов")
    MANAGE_ASSIGNMENTS = "manage_assignments", _("Педагогическая нагрузка")
    VIEW_STAFF = "view_staff", _("Просмотр сотрудников")
    MANAGE_STAFF = "manage_staff", _("Кадры: сотрудники и должности")
    VIEW_STUDENTS = "view_students", _("Просмотр контингента: ФИО, классы")
    READ_IDENTITY = "read_identity", _("Личные дела: документы, удостоверяющие личность, СНИЛС")
    READ_CONTACTS = "read_contacts", _("Личные дела: адреса и контакты")
    READ_FAMILY = "read_family", _("Личные дела: семья (родители, согласия)")
    READ_SPECIAL = "read_special", _("Личные дела: особые категории (льготы, ОВЗ)")
    VIEW_ACCESS_LOG = "view_access_log", _("Журнал обращений к персональным данным")
    MANAGE_STUDENTS = "manage_students", _("Контингент: личные дела, родители, зачисление")
    EDIT_TIMETABLE = "edit_timetable", _("Расписание уроков и замены")
    READ_ALL_JOURNALS = "read_all_journals", _("Чтение всех журналов")
    AUDIT_JOURNALS = "audit_journals", _("Контроль ведения журнала, отчёты")
    KEEP_JOURNAL = "keep_journal", _("Ведение журнала своих уроков")
    MANAGE_RULES = "manage_rules", _("Правила школы: сроки, пороги, нормы")
    LOCK_PERIODS = "lock_periods", _("Закрытие периодов, разрешение исправлений")
    VIEW_REPORTS = "view_reports", _("Отчёты об успеваемости и посещаемости")
    ISSUE_LOGINS = "issue_logins", _("Выдача логинов и паролей")
    VIEW_ORDERS = "view_orders", _("Реестр приказов")
    DRAFT_ORDERS = "draft_orders", _("Подготовка приказов о движении")
    SIGN_ORDERS = "sign_orders", _("Подписание приказов")
    READ_HEALTH = "read_health", _("Лист здоровья")
    READ_SOCIAL = "read_social", _("Социальный паспорт")
    KEEP_HEALTH = "keep_health", _("Ведение листа здоровья")
    KEEP_SOCIAL = "keep_social", _("Ведение социального паспорта, учёта, характеристик")
    VIEW_SOCIAL_SUMMARY = "view_social_summary", _("Сводка социального паспорта (без имён)")
    MANAGE_MEALS = "manage_meals", _("Льготы на питание, подтверждение питания всех классов")
    VIEW_MEALS = "view_meals", _("Заявка на питание, табели питания")
    READ_SPECIAL_LOG = "read_special_log", _("Журнал чтения специальных данных")
    PRINT_SPECIAL_READS = "print_special_reads", _("Справка родителю: кто читал данные ребёнка")
    READ_OWN_DIARY = "read_own_diary", _("Электронный дневник своих детей / свой")
    USE_MESSAGES = "use_messages", _("Внутренняя почта и доска объявлений")
    VIEW_PORTFOLIOS = "view_portfolios", _("Портфолио всех обучающихся и педагогов")
    VIEW_GIA = "view_gia", _("ГИА: заявления, выбор предметов, результаты, отчёты")
    MANAGE_GIA = "manage_gia", _("ГИА: ведение заявлений, результатов и шкал перевода")
    READ_GIA_DOCUMENT = "read_gia_document", _("ГИА: документ, удостоверяющий личность")
    FILE_REPAIRS = "file_repairs", _("Заявки на ремонт: подать, видеть заявки школы")
    HANDLE_REPAIRS = "handle_repairs", _("Заявки на ремонт: очередь, статусы, выгрузка за месяц")
    READ_DOCUMENTS = "read_documents", _("Хранилище документов: чтение доступных документов")
    MANAGE_DOCUMENTS = "manage_documents", _("Хранилище документов: загрузка, версии, видимость")
    USE_CATALOGUE = "use_catalogue", _("Каталог ресурсов: свои и общие материалы")


R = Role
POLICY: dict[Perm, frozenset[Role]] = {
    Perm.VIEW_SCHOOL_CARD:   frozenset(STAFF_ROLES),
    Perm.EDIT_SCHOOL_CARD:   frozenset({R.ADMIN, R.DIRECTOR}),
    Perm.MANAGE_ROLES:       frozenset({R.ADMIN}),
    Perm.MANAGE_LOCKOUTS:    frozenset({R.ADMIN}),
    Perm.MANAGE_YEARS:       frozenset({R.ADMIN, R.DEPUTY}),
    Perm.MANAGE_BELLS:       frozenset({R.ADMIN, R.DEPUTY, R.DISPATCHER}),
    Perm.VIEW_STRUCTURE:     frozenset({R.ADMIN, R.DIRECTOR, R.DEPUTY, R.DISPATCHER, R.TEACHER, R.SECRETARY}),
    Perm.MANAGE_CLASSES:     frozenset({R.ADMIN, R.DEPUTY}),
    Perm.MANAGE_SUBJECTS:    frozenset({R.ADMIN, R.DEPUTY}),
    Perm.MANAGE_SUBGROUPS:   frozenset({R.ADMIN, R.DEPUTY}),
    Perm.MANAGE_ASSIGNMENTS: frozenset({R.ADMIN, R.DEPUTY}),
    Perm.VIEW_STAFF:         frozenset({R.ADMIN, R.DIRECTOR, R.DEPUTY, R.SECRETARY}),
    Perm.MANAGE_STAFF:       frozenset({R.ADMIN, R.SECRETARY}),
    Perm.VIEW_STUDENTS:      frozenset({R.ADMIN, R.DIRECTOR, R.DEPUTY, R.SECRETARY, R.MEDIC, R.PSYCHOLOGIST}),
    # Each trade reads the part of a personal file it needs (152-ФЗ, least privilege); a
    # class teacher also reads CLASS_TEACHER_FIELD_GROUPS of their own class (below).
    Perm.READ_IDENTITY:      frozenset({R.ADMIN, R.DIRECTOR, R.SECRETARY}),
    Perm.READ_CONTACTS:      frozenset({R.ADMIN, R.DIRECTOR, R.SECRETARY}),
    Perm.READ_FAMILY:        frozenset({R.ADMIN, R.DIRECTOR, R.SECRETARY, R.DEPUTY}),
    Perm.READ_SPECIAL:       frozenset({R.ADMIN, R.DIRECTOR, R.SECRETARY, R.MEDIC, R.PSYCHOLOGIST}),
    Perm.VIEW_ACCESS_LOG:    frozenset({R.ADMIN, R.DIRECTOR}),
    Perm.MANAGE_STUDENTS:    frozenset({R.ADMIN, R.SECRETARY}),
    Perm.EDIT_TIMETABLE:     frozenset({R.DEPUTY, R.DISPATCHER}),
    Perm.READ_ALL_JOURNALS:  frozenset({R.DIRECTOR, R.DEPUTY}),
    Perm.AUDIT_JOURNALS:     frozenset({R.DIRECTOR, R.DEPUTY}),
    Perm.KEEP_JOURNAL:       frozenset({R.TEACHER}),
    Perm.MANAGE_RULES:       frozenset({R.ADMIN, R.DIRECTOR, R.DEPUTY}),
    Perm.LOCK_PERIODS:       frozenset({R.DEPUTY}),
    Perm.VIEW_REPORTS:       frozenset({R.DIRECTOR, R.DEPUTY}),
    Perm.ISSUE_LOGINS:       frozenset({R.ADMIN}),
    Perm.VIEW_ORDERS:        frozenset({R.ADMIN, R.DIRECTOR, R.DEPUTY, R.SECRETARY}),
    Perm.DRAFT_ORDERS:       frozenset({R.SECRETARY}),
    Perm.SIGN_ORDERS:        frozenset({R.DIRECTOR}),
    Perm.READ_HEALTH:        frozenset({R.MEDIC, R.DIRECTOR}),
    Perm.READ_SOCIAL:        frozenset({R.PSYCHOLOGIST, R.DIRECTOR}),
    Perm.KEEP_HEALTH:        frozenset({R.MEDIC}),
    Perm.KEEP_SOCIAL:        frozenset({R.PSYCHOLOGIST}),
    Perm.VIEW_SOCIAL_SUMMARY: frozenset({R.PSYCHOLOGIST, R.DIRECTOR, R.DEPUTY}),
    Perm.MANAGE_MEALS:       frozenset({R.SECRETARY, R.PSYCHOLOGIST}),
    Perm.VIEW_MEALS:         frozenset({R.DIRECTOR, R.DEPUTY, R.SECRETARY, R.PSYCHOLOGIST}),
    Perm.READ_SPECIAL_LOG:   frozenset({R.DIRECTOR}),
    Perm.PRINT_SPECIAL_READS: frozenset({R.SECRETARY, R.DIRECTOR}),
    Perm.READ_OWN_DIARY:     frozenset({R.PARENT, R.STUDENT}),
    Perm.USE_MESSAGES:       frozenset(ALL_ROLES),
    # A student's portfolio is also read by the student, their parents and their teachers:
    # derived from data in apps/portfolio/permissions.py.
    Perm.VIEW_PORTFOLIOS:    frozenset({R.ADMIN, R.DIRECTOR, R.DEPUTY}),
    Perm.VIEW_GIA:           frozenset({R.DIRECTOR, R.DEPUTY, R.SECRETARY}),
    Perm.MANAGE_GIA:         frozenset({R.DEPUTY, R.SECRETARY}),
    # The document of the ГИА application is personal data that leaves the school for the
    # regional base: the secretary, the deputy who registers and the director only.
    Perm.READ_GIA_DOCUMENT:  frozenset({R.SECRETARY, R.DEPUTY, R.DIRECTOR}),
    # Every member of staff files repair requests and sees the school's (a broken projector
    # is reported once); the technical staff (зам. по АХР, завхоз) work the queue (seed 002).
    Perm.FILE_REPAIRS:       frozenset(STAFF_ROLES),
    Perm.HANDLE_REPAIRS:     frozenset({R.TECHNICAL}),
    # The document store: each document names who reads it (apps/documents/selectors.py);
    # the administration and the secretaries file documents (seed 002: orders, acts).
    Perm.READ_DOCUMENTS:     frozenset(ALL_ROLES),
    Perm.MANAGE_DOCUMENTS:   frozenset({R.ADMIN, R.DIRECTOR, R.DEPUTY, R.SECRETARY}),
    # Teaching materials: the teachers, and the deputy who coordinates the methodical work.
    Perm.USE_CATALOGUE:      frozenset({R.TEACHER, R.DEPUTY}),
}  # fmt: skip


class FieldGroup(models.TextChoices):
    """The parts of a personal file, each read by the trades that need it."""

    IDENTITY = "identity", _("документы и СНИЛС")
    CONTACTS = "contacts", _("адреса и контакты")
    FAMILY = "family", _("семья")
    SPECIAL = "special", _("особые категории")
    GIA_DOCUMENT = "gia_document", _("документ заявления на ГИА")


FIELD_GROUP_PERMS: dict[FieldGroup, Perm] = {
    FieldGroup.IDENTITY: Perm.READ_IDENTITY,
    FieldGroup.CONTACTS: Perm.READ_CONTACTS,
    FieldGroup.FAMILY: Perm.READ_FAMILY,
    FieldGroup.SPECIAL: Perm.READ_SPECIAL,
    FieldGroup.GIA_DOCUMENT: Perm.READ_GIA_DOCUMENT,
}
# The class teacher keeps in touch with the families of their own class (seed 002), and
# nobody else's: derived from data (the class's teacher in the open year), not a role.
CLASS_TEACHER_FIELD_GROUPS = frozenset({FieldGroup.CONTACTS, FieldGroup.FAMILY})


def field_groups_of(roles: frozenset[str], *, class_teacher: bool = False) -> frozenset[FieldGroup]:
    """The parts of a personal file these roles read; `class_teacher` for one's own class."""
    groups = {group for group, perm in FIELD_GROUP_PERMS.items() if roles_may(roles, perm)}
    if class_teacher:
        groups |= CLASS_TEACHER_FIELD_GROUPS
    return frozenset(groups)


def roles_allowed(perm: Perm) -> frozenset[Role]:
    return POLICY[perm]


def roles_may(roles: frozenset[str], perm: Perm) -> bool:
    """True when any of the user's roles in a school holds the permission."""
    return not POLICY[perm].isdisjoint(roles)


def perms_of(roles: frozenset[str]) -> frozenset[Perm]:
    return frozenset(perm for perm, allowed in POLICY.items() if not allowed.isdisjoint(roles))


# --- special categories of personal data (152-ФЗ art. 10), field by field ----------------
# Who reads which part of a student's health and social data. READ_HEALTH and READ_SOCIAL
# above read all of it; the relations below are derived from data (apps/care/permissions.py):
# the PE teacher of the student, the class teacher of the student's class, whoever confirms
# the class's meals. A relation with a rule reads its fields only where the school's
# «Правила школы» turn that rule on.


class SpecialField(models.TextChoices):
    PE_GROUP = "pe_group", _("группа для занятий физкультурой")
    OVZ_FLAG = "ovz_flag", _("отметка об ОВЗ")
    FOOD_ALLERGIES = "food_allergies", _("пищевая аллергия")
    HEALTH_SHEET = "health_sheet", _("лист здоровья целиком")
    SOCIAL_CATEGORIES = "social_categories", _("социальные категории")
    SOCIAL_PASSPORT = "social_passport", _("учёт, характеристики, примечания")


class Relation(models.TextChoices):
    PE_TEACHER = "pe_teacher", _("учитель физкультуры обучающегося")
    CLASS_TEACHER = "class_teacher", _("классный руководитель")
    MEALS = "meals", _("подтверждает питание класса")


F = SpecialField
HEALTH_FIELDS = frozenset({F.PE_GROUP, F.OVZ_FLAG, F.FOOD_ALLERGIES, F.HEALTH_SHEET})
SOCIAL_FIELDS = frozenset({F.SOCIAL_CATEGORIES, F.SOCIAL_PASSPORT})
SPECIAL_BY_RELATION: tuple[tuple[Relation, frozenset[SpecialField], str | None], ...] = (
    # (relation, fields it reads, school rule that must be on — or None)
    (Relation.PE_TEACHER,    frozenset({F.PE_GROUP}),              None),
    (Relation.CLASS_TEACHER, frozenset({F.PE_GROUP, F.OVZ_FLAG}),  "class_teacher_sees_health"),
    (Relation.CLASS_TEACHER, frozenset({F.SOCIAL_CATEGORIES}),     "class_teacher_sees_social"),
    (Relation.MEALS,         frozenset({F.FOOD_ALLERGIES}),        None),
)  # fmt: skip


def special_fields_for(roles: frozenset[str], relations: frozenset[str], rules) -> frozenset:
    """The special fields a person reads, from their roles in the school, their relations
    to the students in question and the school's rules (a `apps.school.policy.Policy`)."""
    fields: set[SpecialField] = set()
    if roles_may(roles, Perm.READ_HEALTH):
        fields |= HEALTH_FIELDS
    if roles_may(roles, Perm.READ_SOCIAL):
        fields |= SOCIAL_FIELDS
    for relation, granted, rule in SPECIAL_BY_RELATION:
        if relation in relations and (rule is None or getattr(rules, rule)):
            fields |= granted
    return frozenset(fields)
