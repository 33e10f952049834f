"""What each role sees in the menu and on its landing page, derived from the policy table."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.accounts.policy import Perm, Role
from apps.school.sections import SECTIONS_BY_SLUG


@dataclass(frozen=True)
class NavItem:
    title: str
    url_name: str
    perm: Perm
    description: str = ""


def _section(slug: str, description: str = "") -> NavItem:
    s = SECTIONS_BY_SLUG[slug]
    return NavItem(s.title, s.list_url, s.view_perm, description)


MENU: tuple[tuple[str, tuple[NavItem, ...]], ...] = (
    (
        _("Школа"),
        (
            NavItem(
                _("Карточка школы"),
                "school:card",
                Perm.VIEW_SCHOOL_CARD,
                _("Реквизиты, часовой пояс, директор"),
            ),
            NavItem(
                _("Правила школы"),
                "school:rules",
                Perm.VIEW_SCHOOL_CARD,
                _("Сроки заполнения журнала, пороги отметок, нормы домашних заданий"),
            ),
            _section("licences", _("Лицензия и свидетельство об аккредитации")),
            _section("years", _("Открытие года; прошлый год — только чтение")),
            _section("periods", _("Четверти для 1–9, полугодия для 10–11")),
            _section("holidays", _("Каникулы и нерабочие дни")),
            _section("shifts", _("Смены и расписание звонков")),
        ),
    ),
    (
        _("Учебный процесс"),
        (
            _section("classes", _("Классы, классные руководители, наполняемость и вакансии")),
            _section("subjects", _("Обязательная часть и часть, формируемая школой")),
            _section("curriculum", _("Часы в неделю по параллелям")),
            _section("subgroups", _("Деление классов по языкам, информатике, технологии")),
            _section("assignments", _("Кто что ведёт в каком классе")),
        ),
    ),
    (
        _("Журнал"),
        (
            NavItem(
                _("Классный журнал"),
                "journal:index",
                Perm.KEEP_JOURNAL,
                _("Уроки сегодня, отметки, посещаемость, задания"),
            ),
            NavItem(
                _("Журналы классов"),
                "journal:index",
                Perm.READ_ALL_JOURNALS,
                _("Просмотр журналов всех классов"),
            ),
            NavItem(
                _("Расписание уроков"),
                "timetable:page",
                Perm.VIEW_STRUCTURE,
                _("Расписание классов, создание уроков"),
            ),
            NavItem(
                _("Замены и переносы"),
                "timetable:changes",
                Perm.EDIT_TIMETABLE,
                _("Замены, отмены и переносы уроков на день"),
            ),
            NavItem(
                _("Закрытие периодов"),
                "journal:locks",
                Perm.LOCK_PERIODS,
                _("Закрыть четверть; разрешить исправления учителю"),
            ),
        ),
    ),
    (
        _("Контроль и отчёты"),
        (
            NavItem(
                _("Контроль ведения журнала"),
                "reports:audit",
                Perm.AUDIT_JOURNALS,
                _("Ежемесячная проверка журнала, сводка и динамика"),
            ),
            NavItem(
                _("Мои замечания по журналу"),
                "reports:audit",
                Perm.KEEP_JOURNAL,
                _("Результаты проверки журнала по вашим урокам и классу"),
            ),
            NavItem(
                _("Отчёты"),
                "reports:index",
                Perm.KEEP_JOURNAL,
                _("Успеваемость и посещаемость своего класса, архив журнала"),
            ),
            NavItem(
                _("Успеваемость и качество"),
                "reports:progress",
                Perm.VIEW_REPORTS,
                _("Итоги периода и года, СОУ, прогноз"),
            ),
            NavItem(
                _("Посещаемость"),
                "reports:attendance",
                Perm.VIEW_REPORTS,
                _("Пропуски по причинам: ученики, классы, месяцы"),
            ),
            NavItem(
                _("Активность пользователей"),
                "reports:activity",
                Perm.VIEW_REPORTS,
                _("Входы, записи в журнале, просмотры дневника"),
            ),
            NavItem(
                _("Архив журналов и выгрузки"),
                "reports:archive",
                Perm.VIEW_REPORTS,
                _("Журнал класса за год в PDF, ведомость в Excel"),
            ),
        ),
    ),
    (
        _("Общение"),
        (
            NavItem(
                _("Почта"),
                "messaging:mail",
                Perm.USE_MESSAGES,
                _("Письма учителям, родителям, коллегам; отметки о прочтении"),
            ),
            NavItem(
                _("Доска объявлений"),
                "messaging:board",
                Perm.USE_MESSAGES,
                _("Объявления школы, параллелей и классов"),
            ),
            NavItem(
                _("Мероприятия"),
                "messaging:events",
                Perm.USE_MESSAGES,
                _("Календарь мероприятий класса и школы"),
            ),
        ),
    ),
    (
        _("Дневник"),
        (
            NavItem(
                _("Электронный дневник"),
                "diary:index",
                Perm.READ_OWN_DIARY,
                _("Неделя, оценки, задания, расписание, статистика"),
            ),
        ),
    ),
    (
        _("Люди"),
        (
            NavItem(
                _("Обучающиеся"),
                "students:list",
                Perm.VIEW_STUDENTS,
                _("Личные дела и история классов"),
            ),
            NavItem(
                _("Родители"),
                "students:guardians",
                Perm.READ_FAMILY,
                _("Родители и законные представители"),
            ),
            NavItem(
                _("Сотрудники"),
                "staff:list",
                Perm.VIEW_STAFF,
                _("Кадры: должности, квалификация, стаж"),
            ),
            NavItem(
                _("Пользователи и роли"),
                "accounts:users",
                Perm.MANAGE_ROLES,
                _("Учётные записи, роли, временные пароли"),
            ),
            NavItem(
                _("Логины и пароли"),
                "accounts:logins",
                Perm.ISSUE_LOGINS,
                _("Логины обучающимся и родителям, бланки"),
            ),
            NavItem(
                _("Блокировки входа"),
                "accounts:lockouts",
                Perm.MANAGE_LOCKOUTS,
                _("Заблокированные после неудачных попыток логины и адреса"),
            ),
            NavItem(
                _("Обращения к персональным данным"),
                "privacy:reads",
                Perm.VIEW_ACCESS_LOG,
                _("Кто читал личные дела и выгружал списки; массовые обращения за месяц"),
            ),
        ),
    ),
    (
        _("Портфолио и ГИА"),
        (
            NavItem(
                _("Портфолио обучающихся"),
                "portfolio:index",
                Perm.VIEW_PORTFOLIOS,
                _("Портреты и достижения, портфолио педагогов"),
            ),
            NavItem(
                _("Портфолио учеников"),
                "portfolio:index",
                Perm.KEEP_JOURNAL,
                _("Достижения учеников, которых вы учите; подтверждение записей своего класса"),
            ),
            NavItem(
                _("Моё портфолио педагога"),
                "portfolio:teachers",
                Perm.KEEP_JOURNAL,
                _("Категория, курсы, награды, публикации, открытые уроки"),
            ),
            NavItem(
                _("Портфолио"),
                "portfolio:index",
                Perm.READ_OWN_DIARY,
                _("Эссе, фотография, дипломы и грамоты"),
            ),
            NavItem(
                _("Наполняемость портфолио"),
                "reports:portfolio-fill",
                Perm.VIEW_REPORTS,
                _("По классам и педагогам; достижения по уровню и результату"),
            ),
            NavItem(
                _("Победители и призёры"),
                "reports:portfolio-honours",
                Perm.VIEW_REPORTS,
                _("Список за учебный год"),
            ),
            NavItem(
                _("ГИА 9 и 11 классов"),
                "exams:index",
                Perm.VIEW_GIA,
                _("Заявления, выбор предметов, результаты, шкалы перевода, отчёты"),
            ),
        ),
    ),
    (
        _("Здоровье и питание"),
        (
            NavItem(
                _("Лист здоровья"),
                "care:health",
                Perm.READ_HEALTH,
                _("Группы здоровья и физкультуры, заболевания, ОВЗ и ПМПК"),
            ),
            NavItem(
                _("Группы по физкультуре"),
                "care:health",
                Perm.KEEP_JOURNAL,
                _("Медицинские группы учеников, которых вы учите физкультуре"),
            ),
            NavItem(
                _("Социальный паспорт"),
                "care:social",
                Perm.READ_SOCIAL,
                _("Категории семей, учёт, характеристики"),
            ),
            NavItem(
                _("Социальный паспорт школы"),
                "care:social-summary",
                Perm.VIEW_SOCIAL_SUMMARY,
                _("Сводка по категориям и классам, без имён"),
            ),
            NavItem(
                _("Питание"),
                "care:meals",
                Perm.VIEW_MEALS,
                _("Заявка на пищеблок, табели, сводка для бухгалтерии"),
            ),
            NavItem(
                _("Питание класса"),
                "care:meals",
                Perm.KEEP_JOURNAL,
                _("Утреннее подтверждение: кто питается сегодня"),
            ),
            NavItem(
                _("Льготы на питание"),
                "care:meals-benefits",
                Perm.MANAGE_MEALS,
                _("Льготные категории, документы и сроки"),
            ),
            NavItem(
                _("Журнал доступа к спецданным"),
                "care:read-log",
                Perm.READ_SPECIAL_LOG,
                _("Кто читал сведения о здоровье и социальном положении"),
            ),
            NavItem(
                _("Справка о доступе к данным ребёнка"),
                "care:read-log-search",
                Perm.PRINT_SPECIAL_READS,
                _("По запросу родителя: кто читал специальные данные"),
            ),
        ),
    ),
    (
        _("Контингент"),
        (
            NavItem(
                _("Приказы"),
                "orders:register",
                Perm.VIEW_ORDERS,
                _("Зачисление, выбытие, перевод, выпуск"),
            ),
            NavItem(
                _("Движение обучающихся"),
                "orders:movement",
                Perm.VIEW_ORDERS,
                _("Прибывшие и выбывшие за период"),
            ),
            NavItem(
                _("Загрузка из Excel"),
                "students:import",
                Perm.MANAGE_STUDENTS,
                _("Обучающиеся с родителями из файла"),
            ),
            NavItem(
                _("Дубли"),
                "students:duplicates",
                Perm.MANAGE_STUDENTS,
                _("Повторные записи одного человека"),
            ),
            NavItem(
                _("Новый учебный год"),
                "orders:rollover",
                Perm.MANAGE_YEARS,
                _("Классы, перевод, выпуск, открытие года"),
            ),
        ),
    ),
    (
        _("Документы и заявки"),
        (
            NavItem(
                _("Хранилище документов"),
                "documents:index",
                Perm.READ_DOCUMENTS,
                _("Приказы, локальные акты, положения, шаблоны; версии документов"),
            ),
            NavItem(
                _("Каталог ресурсов"),
                "documents:resources",
                Perm.USE_CATALOGUE,
                _("Учебные материалы: свои и коллег, по предметам и классам"),
            ),
            NavItem(
                _("Заявки на ремонт"),
                "facilities:index",
                Perm.FILE_REPAIRS,
                _("Сообщить, что сломалось; очередь заявок АХР"),
            ),
        ),
    ),
)

ROLE_SUMMARY = {
    Role.ADMIN: _("Пользователи и роли, карточка школы, учебные годы, периоды, справочники."),
    Role.DIRECTOR: _("Просмотр всего, подписание приказов, ежемесячный контроль журнала."),
    Role.DEPUTY: _(
        "Учебный план, периоды, классы, нагрузка, расписание, контроль журнала, отчёты."
    ),
    Role.DISPATCHER: _("Расписание звонков, расписание уроков и замены."),
    Role.TEACHER: _("Журнал своих уроков: посещаемость, темы, отметки, домашние задания."),
    Role.SECRETARY: _("Контингент, личные дела, приказы о движении, кадры."),
    Role.MEDIC: _("Лист здоровья, посещаемость."),
    Role.PSYCHOLOGIST: _("Социальный паспорт, характеристики."),
    Role.TECHNICAL: _("Внутренняя почта, доска объявлений, заявки на ремонт."),
    Role.PARENT: _("Электронный дневник своих детей, сообщения учителям."),
    Role.STUDENT: _("Свой дневник, домашние задания, расписание, сообщения."),
}


def menu_for(ctx) -> list[tuple[str, list[tuple[NavItem, str]]]]:
    """Menu groups with the items this user's roles may open, as (item, url) pairs."""
    groups = []
    for title, items in MENU:
        allowed = [
            (i, reverse(i.url_name, kwargs={"school_id": ctx.school.pk}))
            for i in items
            if ctx.may(i.perm)
        ]
        if allowed:
            groups.append((title, allowed))
    return groups


def landing_sections(ctx) -> dict:
    from apps.school.landing import attention, board_newest, family_cards, teacher_cards

    return {
        "attention": attention(ctx),
        "board": board_newest(ctx),
        "roles": [(Role(r).label, ROLE_SUMMARY[Role(r)]) for r in Role.values if r in ctx.roles],
        "menu": menu_for(ctx),
        "teaching": teacher_cards(ctx) if Role.TEACHER in ctx.roles else None,
        "family": family_cards(ctx) if ctx.roles & {Role.PARENT, Role.STUDENT} else None,
    }
