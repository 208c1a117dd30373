"""The import rules of docs/architecture.md, read from the source (every `import`, also inside functions): a layer
never reaches past the one the table allows."""

from __future__ import annotations

import ast
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT

UI_LIBRARIES = ("streamlit", "plotly")


@dataclass(frozen=True)
class Rule:
    """Modules under `part` (a package folder or one file) never import any module under `forbidden` but those
    under `allowed`."""

    part: str
    forbidden: tuple[str, ...]
    why: str
    allowed: tuple[str, ...] = ()  # leaves inside a forbidden package (said in the table)
    exempt: tuple[str, ...] = ()  # files of the part the rule does not apply to (said in the table)

    def bans(self, module: str) -> bool:
        return (any(_within(module, banned) for banned in self.forbidden)
                and not any(_within(module, leaf) for leaf in self.allowed))


# The table of docs/architecture.md, "never imports" column.
RULES = (
    Rule("dashboard.py", ("warehouse.write",), "the entry file changes nothing itself"),
    Rule("pages", ("warehouse.write", "etl", "duckdb", "cli"), "pages show; they change things through operations/"),
    Rule("ui", ("warehouse.write", "etl", "duckdb", "cli"), "ui/ shows; it changes things through operations/"),
    Rule("operations", (*UI_LIBRARIES, "ui", "pages", "cli"), "operations are called by pages, never the reverse"),
    Rule("cli", ("streamlit", "ui", "pages", "operations"), "the command line has no Streamlit"),
    Rule("etl", (*UI_LIBRARIES, "ui", "pages", "operations", "quarterly_report", "cli"),
         "etl/ turns files into rows, below every screen", exempt=("etl/__main__.py",)),
    Rule("geo", (*UI_LIBRARIES, "ui", "pages", "operations", "etl", "cli", "warehouse"),
         "geo/ reads and places boundary files"),
    Rule("quarterly_report", ("warehouse.write", "streamlit", "ui", "pages", "operations", "etl", "cli"),
         "the report shows the read queries' numbers"),
    Rule("warehouse", (*UI_LIBRARIES, "etl", "operations", "ui", "pages", "quarterly_report", "cli", "dashboard",
                       "exports", "geo"),
         "warehouse/ imports nothing above it", allowed=("geo.geojson",)),
    Rule("exports.py", ("warehouse", "etl", "geo", "operations", "ui", "pages", "quarterly_report", "cli", "dashboard"),
         "the export module is a leaf"),
    Rule("i18n", ("warehouse", "etl", "geo", "operations", "ui", "pages", "quarterly_report", "cli", "dashboard"),
         "translations are a leaf", allowed=("warehouse.periods",)),
    Rule("settings.py", ("warehouse", "etl", "geo", "operations", "ui", "pages", "quarterly_report", "cli",
                         "dashboard"),
         "settings are a leaf"),
)
# Nothing imports a page (Streamlit runs them by path): checked for every module but the tests.
PAGES = "pages"
# Not part of the program: the tests themselves and the benchmark scripts may reach anywhere.
NOT_CHECKED = ("tests", "benchmarks", ".venv", ".git")


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, root: Path) -> list[tuple[int, str]]:
    """(line, module) for every import in the file; `from a import b` counts as `a` and `a.b`, relative ones
    are made absolute."""
    package = module_name(path, root).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package[: len(package) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.append((node.lineno, base))
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names if alias.name != "*"]
    return found


def _within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def _rule_applies(rule: Rule, relative: str) -> bool:
    in_part = relative == rule.part or relative.startswith(rule.part + "/")
    return in_part and relative not in rule.exempt


def violations(root: Path, rules: tuple[Rule, ...] = RULES) -> list[str]:
    """Every import of the program under `root` that breaks a rule, as `file:line imports module (why)`."""
    found = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if relative.split("/")[0] in NOT_CHECKED:
            continue
        for line, module in imported_modules(path, root):
            for rule in rules:
                if _rule_applies(rule, relative) and rule.bans(module):
                    found.append(f"{relative}:{line} imports {module} ({rule.why})")
            if _within(module, PAGES) and not relative.startswith(PAGES + "/"):
                found.append(f"{relative}:{line} imports {module} (nothing imports a page)")
    return sorted(set(found))


def test_the_program_follows_the_import_rules_of_the_architecture():
    assert violations(ROOT) == []


def test_every_part_of_the_program_has_a_rule():
    """A new top-level package or module is placed in the table (and here) before it is used."""
    ruled = {rule.part.split("/")[0] for rule in RULES}
    parts = {path.name for path in ROOT.iterdir()
             if (path.suffix == ".py" or (path / "__init__.py").exists()) and path.name not in NOT_CHECKED}
    assert parts - ruled == set()


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source), encoding="utf-8")
    return root


CLEAN = {
    "pages/1_overview.py": "from operations import uploads\nfrom warehouse import queries\nimport ui.charts\n",
    "ui/__init__.py": "",
    "ui/charts.py": "import plotly.express\nimport streamlit as st\nfrom warehouse.queries import coverage\n",
    "operations/__init__.py": "",
    "operations/uploads.py": "from etl import load\nfrom warehouse.write import uploads\n",
    "etl/__init__.py": "",
    "etl/load.py": "from warehouse.write import uploads\nfrom . import schema\n",
    "etl/__main__.py": "from cli import main\n",
    "warehouse/__init__.py": "",
    "warehouse/write/__init__.py": "",
    "warehouse/write/uploads.py": "from .. import database\nfrom ..files import writing\nimport settings\n",
    "warehouse/geography.py": "from geo.geojson import feature_collection\n",
    "i18n/__init__.py": "from warehouse.periods import is_month\n",
}


def test_the_checker_passes_a_tree_that_follows_the_rules(tmp_path):
    assert violations(_tree(tmp_path, CLEAN)) == []


@pytest.mark.parametrize(("file", "source", "expected"), [
    ("pages/2_upload.py", "from warehouse.write.uploads import undo_upload\n",
     "pages/2_upload.py:1 imports warehouse.write.uploads"),
    ("pages/2_upload.py", "from warehouse import write\n", "pages/2_upload.py:1 imports warehouse.write"),
    ("pages/2_upload.py", "def load():\n    from etl import load\n", "pages/2_upload.py:2 imports etl"),
    ("ui/context.py", "import duckdb\n", "ui/context.py:1 imports duckdb"),
    ("etl/validate.py", "import streamlit as st\n", "etl/validate.py:1 imports streamlit"),
    ("geo/names.py", "import plotly.graph_objects as go\n", "geo/names.py:1 imports plotly.graph_objects"),
    ("operations/accounts.py", "from streamlit import session_state\n", "operations/accounts.py:1 imports streamlit"),
    ("warehouse/queries.py", "from etl.schema import KINDS\n", "warehouse/queries.py:1 imports etl.schema"),
    ("warehouse/write/uploads.py", "from ...operations import uploads\n",
     "warehouse/write/uploads.py:1 imports operations"),
    ("warehouse/queries.py", "import plotly.express\n", "warehouse/queries.py:1 imports plotly.express"),
    ("etl/load.py", "from pages import upload\n", "etl/load.py:1 imports pages"),
    ("warehouse/geography.py", "from geo.boundaries import prepare_boundaries\n",
     "warehouse/geography.py:1 imports geo.boundaries"),
    ("i18n/__init__.py", "from warehouse.queries import communes\n", "i18n/__init__.py:1 imports warehouse.queries"),
    ("cli/report.py", "import streamlit\n", "cli/report.py:1 imports streamlit"),
    ("ui/nav.py", "import pages.overview\n", "ui/nav.py:1 imports pages.overview"),
])
def test_the_checker_finds_a_forbidden_import(tmp_path, file, source, expected):
    found = violations(_tree(tmp_path, {**CLEAN, file: source}))
    assert any(line.startswith(expected) for line in found), found


def test_the_exempt_entry_file_of_etl_may_run_the_command_line_and_nothing_more(tmp_path):
    found = violations(_tree(tmp_path, {**CLEAN, "etl/__main__.py": "from cli import main\nfrom pages import x\n",
                                        "etl/load.py": "from cli import main\n"}))
    assert found == ["etl/__main__.py:2 imports pages (nothing imports a page)",
                     "etl/__main__.py:2 imports pages.x (nothing imports a page)",
                     "etl/load.py:1 imports cli (etl/ turns files into rows, below every screen)",
                     "etl/load.py:1 imports cli.main (etl/ turns files into rows, below every screen)"]
