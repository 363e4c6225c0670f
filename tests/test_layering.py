"""The layering rule of docs/architecture.md: a microdj module imports only from its own layer or below.

Imports are read from the source (nothing is imported); those under ``if TYPE_CHECKING:`` are left out,
since annotations may name a type of a higher layer. Imports inside functions count like the others.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "microdj"

#: Lowest first. The longest matching prefix gives a module's layer; a package not listed is not checked.
LAYERS: dict[str, int] = {
    "microdj.core.exceptions": 0,
    "microdj.conf": 1,
    "microdj.utils": 2,
    "microdj.dispatch": 2,
    "microdj.core.signals": 2,
    "microdj.core.serializers": 2,
    "microdj.core.signing": 2,
    "microdj.core.files": 2,
    "microdj.guard": 2,
    "microdj.core.cache": 2,
    "microdj.http": 3,
    "microdj.urls": 4,
    "microdj.middleware": 5,
    "microdj.views": 5,
    "microdj.contrib": 5,
    "microdj.template": 5,
    "microdj.templatetags": 5,
    "microdj.core.checks": 5,
    "microdj.core.loading": 5,
    "microdj.websocket": 5,
    "microdj.core.handlers": 6,
    "microdj.contrib.staticfiles.handlers": 6,
    "microdj.shortcuts": 6,
    "microdj.asgi": 7,
    "microdj.core.asgi": 7,
    "microdj.core.management": 7,
    "microdj.__main__": 7,
    "microdj.test": 7,
}


def layer_of(module: str) -> int | None:
    """The layer of ``module``, or None when no listed prefix covers it."""
    covering = [prefix for prefix in LAYERS if module == prefix or module.startswith(prefix + ".")]
    return LAYERS[max(covering, key=len)] if covering else None


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_module(name: str) -> bool:
    relative = Path(*name.split("."))
    return (PACKAGE.parent / relative).with_suffix(".py").exists() or (PACKAGE.parent / relative).is_dir()


def _absolute(node: ast.ImportFrom, importer: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = importer.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - node.level + 1]
    return ".".join([*base, node.module] if node.module else base)


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, module) for each microdj module ``path`` imports at run time."""
    importer = module_name(path)
    found: list[tuple[int, str]] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                for branch in child.orelse:
                    visit(branch)
                continue
            if isinstance(child, ast.Import):
                found.extend((child.lineno, alias.name) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = _absolute(child, importer, path.name == "__init__.py")
                for alias in child.names:
                    # "from microdj.core import signing" imports the module microdj.core.signing.
                    candidate = f"{base}.{alias.name}"
                    found.append((child.lineno, candidate if is_module(candidate) else base))
            else:
                visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    mine = {(line, name) for line, name in found if name == "microdj" or name.startswith("microdj.")}
    return sorted(mine)


def upward_imports() -> list[str]:
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        importer = module_name(path)
        mine = layer_of(importer)
        if mine is None:
            continue
        for line, target in imported_modules(path):
            theirs = layer_of(target)
            if theirs is not None and theirs > mine:
                where = f"{path.relative_to(PACKAGE.parent)}:{line}"
                problems.append(f"{where}: {importer} (layer {mine}) imports {target} (layer {theirs})")
    return problems


def test_imports_only_go_down() -> None:
    assert upward_imports() == []


@pytest.mark.parametrize(
    ("lower", "higher"),
    [("microdj.utils.cache", "microdj.http"), ("microdj.http.request", "microdj.core.handlers.base")],
)
def test_the_named_rules_are_layer_rules(lower: str, higher: str) -> None:
    # utils never imports http; http never imports core.handlers.
    lower_layer, higher_layer = layer_of(lower), layer_of(higher)
    assert lower_layer is not None and higher_layer is not None and lower_layer < higher_layer


def test_an_upward_import_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "microdj"
    (package / "utils").mkdir(parents=True)
    (package / "http").mkdir()
    (package / "utils" / "__init__.py").write_text("")
    (package / "http" / "__init__.py").write_text("")
    (package / "utils" / "bad.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from microdj.http import HttpRequest\n"
        "def late():\n"
        "    from microdj import http\n"
    )
    monkeypatch.setattr(f"{__name__}.PACKAGE", package)
    assert upward_imports() == [
        "microdj/utils/bad.py:5: microdj.utils.bad (layer 2) imports microdj.http (layer 3)"
    ]


def test_relative_imports_and_unlisted_modules() -> None:
    node = ast.parse("from ..http import request").body[0]
    assert isinstance(node, ast.ImportFrom)
    assert _absolute(node, "microdj.utils.cache", is_package=False) == "microdj.http"
    assert _absolute(node, "microdj.utils", is_package=True) == "microdj.http"
    assert layer_of("microdj.somewhere_new") is None and layer_of("microdj.http.request") == 3
