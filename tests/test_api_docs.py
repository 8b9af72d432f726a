"""docs/api.md keeps up with the code, and README links every docs page.

A public name (one in a module's ``__all__``) that docs/api.md does not
mention in that module's section fails here, naming the module and the name;
so does a documented entry that no longer exists.
"""
from __future__ import annotations

import importlib
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
API_DOC = ROOT / "docs" / "api.md"
MODULES = [
    "clastic_like",
    "clastic_like.application",
    "clastic_like.route",
    "clastic_like.middleware",
    "clastic_like.render",
    "clastic_like.errors",
    "clastic_like.resources",
    "clastic_like.decorators",
    "clastic_like.utils",
    "clastic_like.pytest_plugin",
]
_HEADING = re.compile(r"^## `(clastic_like(?:\.\w+)*)`\s*$", re.M)
_CODE_SPAN = re.compile(r"`([^`\n]+)`")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_TABLE_ENTRY = re.compile(r"^\| `([A-Za-z_][A-Za-z0-9_]*)", re.M)


def _sections() -> dict[str, str]:
    """Module name -> the text of its ``## `module` `` section in docs/api.md."""
    text = API_DOC.read_text(encoding="utf-8")
    matches = list(_HEADING.finditer(text))
    sections = {}
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        # Stop at the next level-2 heading of any kind (e.g. "Other modules").
        following = re.search(r"^## ", text[match.end():end], re.M)
        if following:
            end = match.end() + following.start()
        sections[match.group(1)] = text[match.end():end]
    return sections


def _mentioned(section: str) -> set[str]:
    """Identifiers appearing inside code spans of a section."""
    names: set[str] = set()
    for span in _CODE_SPAN.findall(section):
        names.update(_IDENTIFIER.findall(span))
    return names


@pytest.mark.parametrize("module_name", MODULES)
def test_module_has_a_section(module_name):
    """docs/api.md has a ``## `module` `` section for each public module."""
    assert module_name in _sections(), f"docs/api.md has no section '## `{module_name}`'; add one."


@pytest.mark.parametrize("module_name", MODULES)
def test_every_public_name_is_documented(module_name):
    """Every name in the module's ``__all__`` is mentioned in a code span of its section."""
    module = importlib.import_module(module_name)
    section = _sections().get(module_name, "")
    missing = [name for name in module.__all__ if name not in _mentioned(section)]
    assert not missing, (
        f"docs/api.md does not document {missing!r} from {module_name}.__all__;"
        f" add them to the '## `{module_name}`' section."
    )


@pytest.mark.parametrize("module_name", MODULES)
def test_documented_entries_exist(module_name):
    """Each table entry of a section names something the module really has."""
    module = importlib.import_module(module_name)
    section = _sections().get(module_name, "")
    stale = [name for name in _TABLE_ENTRY.findall(section) if not hasattr(module, name)]
    assert not stale, f"docs/api.md documents {stale!r} under {module_name}, which has no such names."


def test_readme_links_every_docs_page():
    """README.md's documentation list links every page in docs/."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    unlinked = [page.name for page in sorted((ROOT / "docs").glob("*.md"))
                if f"(docs/{page.name})" not in readme]
    assert not unlinked, f"README.md does not link {unlinked!r}; add them to its Documentation section."


def test_readme_links_point_at_existing_pages():
    """Every docs/ link in README.md points at a file that exists."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    broken = [link for link in re.findall(r"\((docs/[^)#]+)", readme) if not (ROOT / link).is_file()]
    assert not broken, f"README.md links missing pages: {broken!r}"
