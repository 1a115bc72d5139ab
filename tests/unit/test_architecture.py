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


def _calls(tree: ast.Module, names: tuple[str, ...]) -> list[int]:
    return [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Call) and (
        getattr(node.func, "attr", None) in names or getattr(node.func, "id", None) in names)]


def test_only_the_clock_asks_for_todays_date():
    offenders = [f"{name}:{line}" for name, tree in _modules().items()
                 for line in _calls(tree, ("today", "now"))]
    assert [spot for spot in offenders if not spot.startswith("bob/clock.py:")] == []


def test_the_business_date_is_read_only_where_a_command_or_a_page_starts():
    readers = {name for name, tree in _modules().items() if _calls(tree, ("business_date",))}
    assert readers == {"bob/cli.py"}
    app = PACKAGE.parent / "ui" / "common.py"
    tree = ast.parse(app.read_text())
    starts = [node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)
              and _calls(node, ("business_date",))]
    assert starts == ["start_rerun", "today"]
