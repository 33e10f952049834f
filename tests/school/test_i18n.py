"""English is available: the committed translation is compiled, loads and is used."""

from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from apps.school.management.commands.compile_translations import mo_bytes, parse_po, po_files


def test_a_user_switches_to_english_and_sees_english_titles(client, world):
    client.force_login(world.users["deputy"])
    rules = reverse("school:rules", args=[world.school.pk])
    response = client.post(reverse("set_language"), {"language": "en", "next": rules}, follow=True)
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "<title>School rules ·" in page
    assert "Save the rules" in page
    client.post(reverse("set_language"), {"language": "ru", "next": rules})
    assert "<title>Правила школы ·" in client.get(rules).content.decode()


def test_the_committed_mo_file_is_compiled_from_its_po():
    """`make messages` compiles without GNU gettext; a stale .mo would hide new translations."""
    files = po_files()
    assert [p.relative_to(settings.BASE_DIR) for p in files] == [
        Path("locale/en/LC_MESSAGES/django.po")
    ]
    for po in files:
        assert po.with_suffix(".mo").read_bytes() == mo_bytes(
            parse_po(po.read_text(encoding="utf-8"))
        )


def test_the_english_catalogue_loads():
    with translation.override("en"):
        assert translation.gettext("Правила школы") == "School rules"
        assert translation.gettext("Классный журнал") == "Class journal"
