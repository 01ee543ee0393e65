"""Refresh the translation catalogues and compile them without GNU msgfmt.

`skm makemessages` extracts the strings (it needs xgettext, a developer tool); the .mo files
are compiled here with polib and committed, so that a fresh machine shows Indonesian after
`make run` with no gettext installed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "skm" / "locale"


def main() -> int:
    if "--compile-only" not in sys.argv:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "skm",
                "makemessages",
                "-a",
                "--no-location",
                "--ignore",
                "method/*",
            ],
            cwd=ROOT / "skm",
            check=True,
        )
    untranslated = 0
    for po_path in sorted(LOCALE.glob("*/LC_MESSAGES/django.po")):
        po = polib.pofile(str(po_path))
        po.metadata_is_fuzzy = False
        for entry in po.untranslated_entries() + po.fuzzy_entries():
            untranslated += 1
            print(f"{po_path.relative_to(ROOT)}: untranslated: {entry.msgid!r}")
        po.save()
        po.save_as_mofile(str(po_path.with_suffix(".mo")))
    return 1 if untranslated else 0


if __name__ == "__main__":
    raise SystemExit(main())
