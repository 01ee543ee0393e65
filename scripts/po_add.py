"""Add or update Indonesian translations and compile the catalogue, without xgettext.

    .venv/bin/python scripts/po_add.py "English source" "Teks Indonesia" [more pairs ...]
    .venv/bin/python scripts/po_add.py --json pairs.json   # [["source", "terjemahan"], ...]

For strings added to the code between two runs of `make messages` (which extracts every
string with xgettext, a developer tool not installed everywhere). The catalogue is locked
while it is rewritten, so two people (or sessions) adding strings at once lose nothing.
The .mo is compiled from the .po in the same step, as tests/test_i18n.py requires.
"""

from __future__ import annotations

import fcntl
import json
import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "skm" / "locale" / "id" / "LC_MESSAGES" / "django.po"


def add(pairs: list[tuple[str, str]]) -> int:
    with open(PO.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        po = polib.pofile(str(PO))
        changed = 0
        for source, target in pairs:
            entry = po.find(source)
            if entry is None:
                po.append(polib.POEntry(msgid=source, msgstr=target))
                changed += 1
            elif entry.msgstr != target or entry.fuzzy or entry.obsolete:
                entry.msgstr = target
                entry.obsolete = False
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
                changed += 1
        po.save()
        po.save_as_mofile(str(PO.with_suffix(".mo")))
    return changed


def main(argv: list[str]) -> int:
    if argv[:1] == ["--json"]:
        pairs = [tuple(p) for p in json.loads(Path(argv[1]).read_text())]
    else:
        if len(argv) % 2:
            print(__doc__)
            return 2
        pairs = list(zip(argv[::2], argv[1::2], strict=True))
    print(f"{add(pairs)} entries added or changed in {PO.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
