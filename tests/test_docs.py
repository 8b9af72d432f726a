"""Every ``python`` code block in README.md and docs/*.md runs, so the docs cannot rot."""
from __future__ import annotations

import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def _blocks(path: pathlib.Path) -> list[str]:
    return _BLOCK.findall(path.read_text(encoding="utf-8"))


def test_docs_have_code_blocks():
    """The README and the concepts page carry runnable examples."""
    assert _blocks(ROOT / "README.md")
    assert _blocks(ROOT / "docs" / "concepts.md")


@pytest.mark.parametrize("path", [p for p in DOCS if _blocks(p)], ids=lambda p: p.name)
def test_code_blocks_run(path):
    """A page's python blocks run in order, sharing one namespace, without error."""
    namespace: dict = {"__name__": f"docs_{path.stem}"}
    for i, block in enumerate(_blocks(path)):
        code = compile(block, f"{path.name}[block {i}]", "exec")
        exec(code, namespace)
