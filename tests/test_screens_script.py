"""scripts/screens.py (make screens): the screenshots the README links are the ones the
script makes, cover what issue #15 asks for, and are committed. The browser is not run."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "screens.py"


def _script():
    spec = importlib.util.spec_from_file_location("screens_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up there
    spec.loader.exec_module(module)
    return module


def test_the_required_screens_are_made_at_their_users_sizes():
    script = _script()
    by_name = {screen.name: screen for screen in script.SCREENS}
    dukcapil = script.DUKCAPIL
    required = {
        "portal-phone": ("/", script.PHONE, False),
        "form-phone": (f"/s/{dukcapil}/", script.PHONE, False),
        "unit-checklist": (f"/staf/unit/{dukcapil}/", script.DESKTOP, True),
        "results": (f"/staf/unit/{dukcapil}/hasil/", script.DESKTOP, True),
        "plan": (f"/staf/unit/{dukcapil}/rtl/", script.DESKTOP, True),
    }
    for name, (path, viewport, staff) in required.items():
        assert name in by_name, name
        screen = by_name[name]
        assert (screen.path, screen.viewport, screen.staff) == (path, viewport, staff), name
    assert script.PHONE == (390, 844) and script.DESKTOP == (1366, 900)


def test_the_addresses_exist():
    from django.urls import Resolver404, resolve

    for screen in _script().SCREENS:
        try:
            resolve(screen.path)
        except Resolver404:  # pragma: no cover - the failure message
            raise AssertionError(f"{screen.name}: {screen.path} is no address of the app") from None


def test_every_screen_is_committed_and_small():
    script = _script()
    names = {f"{screen.name}.png" for screen in script.SCREENS}
    on_disk = {path.name for path in script.OUT.glob("*.png")}
    assert names <= on_disk, f"run make screens: {sorted(names - on_disk)} missing"
    assert on_disk <= names, f"images no screen makes any more: {sorted(on_disk - names)}"
    for name in names:
        assert (script.OUT / name).stat().st_size <= script.LIMIT, name


def test_readme_and_docs_link_every_screen():
    names = {f"{screen.name}.png" for screen in _script().SCREENS}
    readme = set(re.findall(r"docs/screens/([\w-]+\.png)", (ROOT / "README.md").read_text()))
    assert names <= readme, f"README.md does not link {sorted(names - readme)}"
    docs = (ROOT / "docs" / "screens.md").read_text()
    assert "make screens" in docs
    assert names <= set(re.findall(r"screens/([\w-]+\.png)", docs))
