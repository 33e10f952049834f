"""`manage.py compile_translations`: .po → .mo in pure Python, for machines without GNU gettext.

Django's `compilemessages` needs `msgfmt`, which a bare laptop or a slim container may
lack. This writes the same GNU .mo format (as Python's own Tools/i18n/msgfmt.py does):
fuzzy and untranslated entries are left out, so they fall back to the Russian original.
The output is deterministic, so the committed django.mo can be checked against its .po.
"""

import ast
import struct
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def parse_po(text: str) -> list[dict]:
    """Entries of a .po file: {"ctx", "id", "plural", "str": {index: text}, "fuzzy"}."""
    entries: list[dict] = []
    entry: dict | None = None
    section = None

    def start() -> dict:
        new = {"ctx": None, "id": None, "plural": None, "str": {}, "fuzzy": False}
        entries.append(new)
        return new

    fuzzy_next = False
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            entry, section = None, None
            continue
        if line.startswith("#,"):
            fuzzy_next = "fuzzy" in line
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            value = ast.literal_eval(line)
            if section == "ctx":
                entry["ctx"] += value
            elif section == "id":
                entry["id"] += value
            elif section == "plural":
                entry["plural"] += value
            elif isinstance(section, int):
                entry["str"][section] += value
            continue
        if keyword in ("msgctxt", "msgid") and (entry is None or entry["id"] is not None):
            entry = start()
            entry["fuzzy"], fuzzy_next = fuzzy_next, False
        if entry is None:
            raise ValueError(f"unexpected line: {raw!r}")
        value = ast.literal_eval(rest)
        if keyword == "msgctxt":
            entry["ctx"], section = value, "ctx"
        elif keyword == "msgid":
            entry["id"], section = value, "id"
        elif keyword == "msgid_plural":
            entry["plural"], section = value, "plural"
        elif keyword == "msgstr":
            entry["str"][0], section = value, 0
        elif keyword.startswith("msgstr["):
            index = int(keyword[7:-1])
            entry["str"][index], section = value, index
        else:
            raise ValueError(f"unexpected line: {raw!r}")
    return entries


def mo_bytes(entries: list[dict]) -> bytes:
    """The GNU .mo file for the translated, non-fuzzy entries (the header always)."""
    messages: dict[bytes, bytes] = {}
    for e in entries:
        translations = [e["str"][i] for i in sorted(e["str"])]
        is_header = e["id"] == "" and e["ctx"] is None
        if not is_header and (e["fuzzy"] or not all(translations)):
            continue
        key = e["id"] if e["plural"] is None else f"{e['id']}\0{e['plural']}"
        if e["ctx"] is not None:
            key = f"{e['ctx']}\x04{key}"
        messages[key.encode()] = "\0".join(translations).encode()
    keys = sorted(messages)
    ids = b"".join(k + b"\0" for k in keys)
    strs = b"".join(messages[k] + b"\0" for k in keys)
    header_size = 7 * 4
    ids_start = header_size + 16 * len(keys)
    strs_start = ids_start + len(ids)
    id_table, str_table, id_offset, str_offset = [], [], 0, 0
    for k in keys:
        id_table += [len(k), ids_start + id_offset]
        str_table += [len(messages[k]), strs_start + str_offset]
        id_offset += len(k) + 1
        str_offset += len(messages[k]) + 1
    header = struct.pack(
        "Iiiiiii", 0x950412DE, 0, len(keys), header_size, header_size + 8 * len(keys), 0, 0
    )
    return (
        header
        + struct.pack(f"{len(id_table)}i", *id_table)
        + struct.pack(f"{len(str_table)}i", *str_table)
        + ids
        + strs
    )


def po_files() -> list[Path]:
    return sorted(p for d in settings.LOCALE_PATHS for p in Path(d).glob("*/LC_MESSAGES/*.po"))


class Command(BaseCommand):
    help = "Compiles every .po under LOCALE_PATHS into its .mo without GNU gettext."

    def handle(self, *args, **options):
        files = po_files()
        if not files:
            raise CommandError("No .po files under LOCALE_PATHS.")
        for po in files:
            entries = parse_po(po.read_text(encoding="utf-8"))
            po.with_suffix(".mo").write_bytes(mo_bytes(entries))
            done = sum(1 for e in entries if e["id"] and not e["fuzzy"] and all(e["str"].values()))
            self.stdout.write(
                f"{po}: {done} of {sum(1 for e in entries if e['id'])} messages translated"
            )
