"""Screenshots of the app as its users see it, for README.md and docs/screens.md.

    PYTHONPATH=$PWD .venv/bin/python scripts/screens.py      (or: make screens)

Loads the demo into a temporary data directory (SQLite; the DATABASE_URL of the shell is
ignored, nothing of yours is touched), serves it with ``skm runserver`` on a free local
port, and photographs each page of SCREENS with Playwright in Debian's Chromium (as the
browser tests do, tests/browser/conftest.py) to docs/screens/: a citizen's phone
(390x844) for the public pages, a staff desktop (1366x900) logged in as the demo
administrator for the staff pages. Images are reduced to 128 colours and cut at MAX_HEIGHT.

A screen is one line of SCREENS: the file name, the address, the viewport, whether staff
must be logged in, and optionally the element to scroll to (the image then starts there).
"""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report_images import DUKCAPIL, ROOT

OUT = ROOT / "docs" / "screens"
PHONE = (390, 844)
DESKTOP = (1366, 900)
MAX_HEIGHT = 2400  # px: a full-page image is cut here
COLOURS = 128
LIMIT = 400_000  # bytes an image may take in the repository
CHROMIUM = os.environ.get("SKM_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [  # as tests/browser/conftest.py
    "--no-sandbox",
    "--headless=new",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--lang=id-ID",
]
# date fields as dd/mm/yyyy: Chromium formats them by the language of its environment
CHROMIUM_ENV = {"LANG": "id_ID.UTF-8", "LANGUAGE": "id", "LC_ALL": "id_ID.UTF-8"}
EMOJI_FONT = "Noto Color Emoji"  # the plan's evidence mark (a paperclip) needs it
LOCALE_PAK = Path(CHROMIUM).resolve().parent / "locales" / "id.pak"  # for CHROMIUM_ENV


@dataclass(frozen=True)
class Screen:
    name: str  # docs/screens/<name>.png
    path: str  # the address on the demo
    viewport: tuple[int, int]
    staff: bool = False  # logged in as the demo administrator
    full_page: bool = False  # the whole page (up to MAX_HEIGHT) rather than the first screen
    scroll_to: str = ""  # CSS selector: the image starts at this element


SCREENS = [
    Screen("portal-phone", "/", PHONE, full_page=True),
    Screen("form-phone", f"/s/{DUKCAPIL}/", PHONE),
    Screen("form-phone-questions", f"/s/{DUKCAPIL}/", PHONE, scroll_to="#rating-title"),
    Screen("unit-checklist", f"/staf/unit/{DUKCAPIL}/", DESKTOP, staff=True, full_page=True),
    Screen("results", f"/staf/unit/{DUKCAPIL}/hasil/", DESKTOP, staff=True, full_page=True),
    Screen("plan", f"/staf/unit/{DUKCAPIL}/rtl/", DESKTOP, staff=True, full_page=True),
]


def _missing_packages() -> list[str]:
    """What Debian packages the images need and this machine lacks (the images are still
    made, with empty boxes for emoji or dates as mm/dd/yyyy)."""
    problems = []
    fonts = shutil.which("fc-list")
    if fonts:
        listed = subprocess.run([fonts], capture_output=True, text=True, check=False).stdout  # noqa: S603
        if EMOJI_FONT not in listed:
            problems.append("emoji show as empty boxes: apt-get install fonts-noto-color-emoji")
    if not LOCALE_PAK.exists():
        problems.append("dates show as mm/dd/yyyy: apt-get install chromium-l10n")
    return problems


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _skm(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "-m", "skm", *args], env=env, cwd=ROOT, check=True)  # noqa: S603


def _wait(url: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped (exit {server.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (our own local server)
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer {url} within {seconds:.0f} s")


def _log_in(page, base: str) -> None:
    page.goto(f"{base}/staf/masuk/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "admin")
    page.get_by_role("button", name="Masuk", exact=True).click()
    page.wait_for_url(lambda url: "/masuk/" not in url)


def _shoot(browser, base: str, screens: list[Screen]) -> None:
    from PIL import Image

    contexts = {}
    for screen in screens:
        key = (screen.viewport, screen.staff)
        if key not in contexts:
            width, height = screen.viewport
            context = browser.new_context(
                locale="id-ID",
                timezone_id="Asia/Jakarta",
                viewport={"width": width, "height": height},
                is_mobile=screen.viewport == PHONE,
                has_touch=screen.viewport == PHONE,
                reduced_motion="reduce",
            )
            page = context.new_page()
            if screen.staff:
                _log_in(page, base)
            contexts[key] = page
        page = contexts[key]
        page.goto(base + screen.path, wait_until="networkidle")
        page.evaluate("() => document.fonts.ready")
        page.evaluate("() => document.activeElement && document.activeElement.blur()")
        width, height = screen.viewport
        if screen.scroll_to:
            top = page.evaluate(
                "(sel) => Math.max(0, document.querySelector(sel).getBoundingClientRect().top"
                " + window.scrollY - 16)",
                screen.scroll_to,
            )
            page.evaluate("(y) => window.scrollTo(0, y)", top)
            page.wait_for_timeout(200)
            png = page.screenshot()
        elif screen.full_page:
            full = page.evaluate("() => document.documentElement.scrollHeight")
            clip = {"x": 0, "y": 0, "width": width, "height": min(full, MAX_HEIGHT)}
            png = page.screenshot(full_page=True, clip=clip)
        else:
            png = page.screenshot()
        image = Image.open(io.BytesIO(png)).convert("RGB")
        image = image.quantize(colors=COLOURS, method=Image.Quantize.MEDIANCUT)
        target = OUT / f"{screen.name}.png"
        image.save(target, format="PNG", optimize=True)
        size = target.stat().st_size
        print(f"{target.relative_to(ROOT)}: {image.width}x{image.height}, {size:,} bytes")
        if size > LIMIT:
            raise SystemExit(f"{target.name} is larger than {LIMIT:,} bytes")
    for page in contexts.values():
        page.context.close()


def main() -> int:
    if not os.path.exists(CHROMIUM):
        raise SystemExit("Chromium is missing: apt-get install chromium (or set SKM_CHROMIUM)")
    for problem in _missing_packages():
        print(f"warning: {problem}", file=sys.stderr)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="skm-screens-") as tmp:
        env = dict(os.environ, SKM_DATA_DIR=tmp, PYTHONPATH=str(ROOT))
        env.pop("DATABASE_URL", None)
        env.pop("SKM_ENV", None)
        env.pop("SKM_PUBLIC_BASE_URL", None)
        _skm(env, "migrate", "--noinput", "--verbosity", "0")
        _skm(env, "demo", "--reset-admin")
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(  # noqa: S603 (fixed arguments)
            [sys.executable, "-m", "skm", "runserver", f"127.0.0.1:{port}", "--noreload"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait(base + "/healthz", server)
            OUT.mkdir(parents=True, exist_ok=True)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM,
                    args=CHROMIUM_ARGS,
                    env=dict(os.environ, **CHROMIUM_ENV),
                )
                try:
                    _shoot(browser, base, SCREENS)
                finally:
                    browser.close()
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
