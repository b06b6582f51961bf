"""The layers stay layers: dependencies point one way (pages -> ui -> services -> core,
services -> db -> core; documents, the paper and workbook makers, are used by services and ui and
know nothing of the store or the screen), no import cycles, and role names only in core/auth."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OURS = ("core", "db", "services", "ui", "pages", "demo", "bench", "app", "documents", "worker")
ROLE_NAMES = {"admin", "manager", "supervisor", "frontdesk", "trainer"}

# package -> the packages (ours or third-party) it must never import
FORBIDDEN = {
    "core": {"db", "services", "ui", "pages", "demo", "bench", "streamlit", "sqlalchemy", "alembic", "documents", "worker"},
    "db": {"services", "ui", "pages", "demo", "bench", "streamlit", "documents", "worker"},
    "documents": {"db", "services", "ui", "pages", "demo", "bench", "streamlit", "sqlalchemy", "alembic"},
    "services": {"ui", "pages", "demo", "bench", "streamlit", "worker"},
    "ui": {"db", "sqlalchemy", "alembic", "pages", "demo", "bench"},
    "pages": {"db", "sqlalchemy", "alembic", "demo", "bench"},
    "app": {"db", "sqlalchemy", "alembic", "demo", "bench"},
    "worker": {"ui", "pages", "demo", "bench", "streamlit", "app"},
}


def _modules():
    for path in sorted(ROOT.glob("**/*.py")):
        rel = path.relative_to(ROOT)
        if rel.parts[0] in (".venv", "tests", ".git") or "migrations" in rel.parts:
            continue
        top = rel.parts[0].removesuffix(".py")
        if top in OURS:
            yield top, ".".join(rel.with_suffix("").parts).removesuffix(".__init__"), path


def _imports(path: Path, module_level_only: bool = False):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if module_level_only else ast.walk(tree)
    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            for alias in node.names:
                yield f"{node.module}.{alias.name}"


MODULES = list(_modules())


@pytest.mark.parametrize("top,name,path", [m for m in MODULES if m[0] in FORBIDDEN], ids=lambda v: str(v))
def test_no_layer_imports_what_it_must_not(top, name, path):
    bad = sorted({i for i in _imports(path) if i.split(".")[0] in FORBIDDEN[top]})
    assert not bad, f"{name} imports {bad}"


def test_there_are_no_import_cycles_between_our_modules():
    names = {name for _, name, _ in MODULES}
    graph = {name: {i for i in _imports(path, module_level_only=True) if i in names and i != name}
             for _, name, path in MODULES}
    seen, stack, cycles = set(), [], []

    def visit(n):
        if n in stack:
            cycles.append(stack[stack.index(n):] + [n])
            return
        if n in seen:
            return
        seen.add(n)
        stack.append(n)
        for m in sorted(graph[n]):
            visit(m)
        stack.pop()

    for n in sorted(graph):
        visit(n)
    assert not cycles, " ; ".join(" -> ".join(c) for c in cycles[:5])


def _role_checks(path: Path):
    """`Role.MANAGER`, or a role compared with a role's name (`user.role in ("manager", "admin")`).
    An escalation level that happens to be called "manager" is not a role."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "Role":
            yield f"line {node.lineno}: Role.{node.attr}"
        if isinstance(node, ast.Compare) and "role" in ast.unparse(node).lower():
            for side in [node.left, *node.comparators]:
                values = side.elts if isinstance(side, (ast.Tuple, ast.List, ast.Set)) else [side]
                if any(isinstance(v, ast.Constant) and v.value in ROLE_NAMES for v in values):
                    yield f"line {node.lineno}: compares with a role name"


@pytest.mark.parametrize("top,name,path", [m for m in MODULES if m[0] in ("core", "db", "services", "ui", "pages", "app")
                                           and not m[1].startswith("core.auth")], ids=lambda v: str(v))
def test_no_role_names_outside_core_auth(top, name, path):
    found = list(_role_checks(path))
    assert not found, f"{name}: {found} (use a Capability from core/auth/capabilities.py)"
