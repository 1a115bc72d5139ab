"""Rules about the code itself: the `bob` package is plain Python, and time is an argument."""

import ast
from pathlib import Path

import bob

PACKAGE = Path(bob.__file__).resolve().parent


def _modules() -> dict[str, ast.Module]:
    return {str(path.relative_to(PACKAGE.parent)): ast.parse(path.read_text(), str(path))
            for path in sorted(PACKAGE.rglob("*.py"))}


def _imports(tree: ast.Module) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_nothing_in_bob_imports_streamlit():
    offenders = [name for name, tree in _modules().items()
                 if any(module.split(".")[0] == "streamlit" for module in _imports(tree))]
    assert offenders == []


def test_only_the_command_line_and_the_business_date_ask_for_todays_date():
    offenders = []
    for name, tree in _modules().items():
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("today", "now")):
                offenders.append(f"{name}:{node.lineno}")
    assert [spot for spot in offenders
            if not spot.startswith(("bob/cli.py:", "bob/clock.py:"))] == []
