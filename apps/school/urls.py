from django.urls import path

from apps.school import first_run_views, views
from apps.school.access import school_view
from apps.school.sections import SECTIONS

app_name = "school"


def _section_urls():
    """List, create, edit and delete pages for every reference section."""
    for section in SECTIONS:
        read = school_view(section.view_perm)
        write = school_view(section.manage_perm)
        base = f"s/<int:school_id>/{section.slug}/"
        yield path(
            base, read(views.section_list), {"section": section}, name=f"{section.slug}-list"
        )
        yield path(
            f"{base}new/",
            write(views.section_edit),
            {"section": section},
            name=f"{section.slug}-create",
        )
        yield path(
            f"{base}<int:pk>/",
            write(views.section_edit),
            {"section": section},
            name=f"{section.slug}-edit",
        )
        if section.deletable:
            yield path(
                f"{base}<int:pk>/delete/",
                write(views.section_delete),
                {"section": section},
                name=f"{section.slug}-delete",
            )


urlpatterns = [
    path("", views.choose_school, name="choose"),
    path("setup/<str:token>/", first_run_views.first_run, name="first-run"),
    path("s/<int:school_id>/", views.home, name="home"),
    path("s/<int:school_id>/card/", views.school_card, name="card"),
    path("s/<int:school_id>/rules/", views.school_rules, name="rules"),
    path("s/<int:school_id>/years/<int:pk>/open/", views.year_open, name="year-open"),
    path("s/<int:school_id>/shifts/<int:pk>/bells/", views.shift_bells, name="shift-bells"),
    path("s/<int:school_id>/classes/<int:pk>/roster/", views.class_detail, name="class-detail"),
    path(
        "s/<int:school_id>/subgroups/<int:pk>/members/",
        views.subgroup_members,
        name="subgroup-members",
    ),
    *_section_urls(),
]
