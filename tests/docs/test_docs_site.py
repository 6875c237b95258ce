"""The built docs site as a browser shows it (`make docs-test`: `make docs`, then this).

Headless Chromium (Debian's `chromium`) opens the module page of ecs_service and the role page of ecs_agent from
build/docs/build/html, and the DOM it ends up with is checked: the title, the option tables, the examples (module) and
each entry point (role). A screenshot of each page is kept in build/docs/screenshots/ as an artifact. CHROMIUM names another Chromium-based browser.
"""

import os
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HTML = REPO / "build" / "docs" / "build" / "html"
PAGES = HTML / "collections" / "hybridops" / "ecs_anywhere"
SCREENSHOTS = REPO / "build" / "docs" / "screenshots"
FQCN = "hybridops.ecs_anywhere"
WINDOW = (1280, 2400)


class Page(HTMLParser):
    """What a docs page shows: title, h1, sections (by id), option tables and option anchors, code blocks."""

    def __init__(self, dom):
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.h1 = ""
        self.sections = []  # ids, in order
        self.section_stack = []
        self.option_tables = []  # the section id each option table is in
        self.options = set()  # anchors: parameter-<name> (module), parameter-<entry point>--<name> (role)
        self.code = {}  # section id -> text of its code blocks
        self._in = None
        self._code_depth = 0
        self.feed(dom)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "section":
            self.section_stack.append(attrs.get("id", ""))
            self.sections.append(attrs.get("id", ""))
        elif tag == "title":
            self._in = "title"
        elif tag == "h1":
            self._in = "h1"
        elif tag == "table" and "ansible-option-table" in classes:
            self.option_tables.append(self.section_stack[-1] if self.section_stack else "")
        elif tag == "pre":
            self._code_depth += 1
        if (attrs.get("id") or "").startswith("parameter-"):
            self.options.add(attrs["id"][len("parameter-"):])

    def handle_endtag(self, tag):
        if tag == "section" and self.section_stack:
            self.section_stack.pop()
        elif tag in ("title", "h1"):
            self._in = None
        elif tag == "pre":
            self._code_depth -= 1

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in == "h1":
            self.h1 += data
        if self._code_depth and self.section_stack:
            key = self.section_stack[-1]
            self.code[key] = self.code.get(key, "") + data


def chromium():
    """Debian's chromium (`make docs-deps`), or the browser CHROMIUM names (e.g. a CI runner's Chrome)."""
    path = shutil.which(os.environ.get("CHROMIUM") or "chromium")
    if not path:
        pytest.fail("chromium is not installed: `make docs-deps` installs Debian's chromium (or set CHROMIUM)")
    return path


def browse(page, *args):
    """Run headless Chromium on a page of the built site; its stdout."""
    if not page.is_file():
        pytest.fail(f"{page.relative_to(REPO)} is missing: `make docs` builds the site")
    with tempfile.TemporaryDirectory(prefix="docs-test-chromium-") as profile:
        process = subprocess.run(
            [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
             "--no-first-run", "--disable-extensions", "--disable-background-networking", f"--user-data-dir={profile}",
             f"--window-size={WINDOW[0]},{WINDOW[1]}", *args, page.as_uri()],
            capture_output=True, text=True, timeout=180, check=False,
        )
    assert process.returncode == 0, process.stderr[-3000:]
    return process.stdout


def rendered(name):
    page = PAGES / f"{name}.html"
    return Page(browse(page, "--dump-dom"))


def screenshot(name):
    """A PNG of the page, kept under build/docs/screenshots; checked to show something more than a blank page."""
    from PIL import Image  # pylint: disable=import-outside-toplevel

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{name}.png"
    target.unlink(missing_ok=True)
    browse(PAGES / f"{name}.html", f"--screenshot={target}")
    assert target.is_file(), f"no screenshot at {target}"
    with Image.open(target) as image:
        assert image.size == WINDOW
        colours = image.convert("RGB").getcolors(maxcolors=1 << 16)
    assert colours is None or len(colours) > 50, "the screenshot is (nearly) blank"
    return target


def test_module_page_ecs_service():
    page = rendered("ecs_service_module")
    assert page.title.startswith(f"{FQCN}.ecs_service module – "), page.title
    assert page.h1.startswith(f"{FQCN}.ecs_service module"), page.h1
    for section in ("synopsis", "parameters", "examples", "return-values"):
        assert section in page.sections, page.sections
    assert "parameters" in page.option_tables and "return-values" in page.option_tables, page.option_tables
    for option in ("cluster", "name", "launch_type", "desired_count", "task_definition", "wait"):
        assert option in page.options, sorted(page.options)
    examples = page.code.get("examples", "")
    assert f"{FQCN}.ecs_service:" in examples and "launch_type: EXTERNAL" in examples, examples[:2000]


def test_role_page_ecs_agent():
    page = rendered("ecs_agent_role")
    assert page.title.startswith(f"{FQCN}.ecs_agent role – "), page.title
    assert page.h1.startswith(f"{FQCN}.ecs_agent role"), page.h1
    entry_points = [section for section in page.sections if section.startswith("entry-point-")]
    assert [section.split("-")[2] for section in entry_points] == ["main", "plan"], page.sections
    # One option table per entry point, and each entry point's own options in it.
    assert len(page.option_tables) == 2, page.option_tables
    for option in ("main--ecs_agent_cluster", "main--ecs_agent_state", "plan--ecs_agent_region", "plan--ecs_agent_version"):
        assert option in page.options, sorted(page.options)


@pytest.mark.parametrize("name", ["ecs_service_module", "ecs_agent_role"])
def test_screenshot(name):
    assert screenshot(name).stat().st_size > 20_000
