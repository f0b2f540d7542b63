"""The esign modules import one way: no circle, and no esign import hidden inside a function."""

from __future__ import annotations

import ast
from pathlib import Path

import kotapintar.esign

ROOT = Path(kotapintar.esign.__file__).parent


def _modules() -> dict[str, Path]:
    mods = {}
    for path in ROOT.rglob("*.py"):
        if {"migrations", "management"} & set(path.parts):
            continue
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        mods["kotapintar." + ".".join(parts).removesuffix(".__init__")] = path
    return mods


def _imports() -> tuple[dict[str, set[str]], list[tuple[str, str]]]:
    mods = _modules()
    graph: dict[str, set[str]] = {m: set() for m in mods}
    nested: list[tuple[str, str]] = []
    for name, path in mods.items():
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                targets = {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
            elif isinstance(node, ast.Import):
                targets = {a.name for a in node.names}
            else:
                continue
            found = {t for t in targets if t in mods and t != name}
            if node not in tree.body:
                nested += [(name, t) for t in found]
                continue
            for target in found:
                graph[name].add(target)
                package = target.rsplit(".", 1)[0]
                if package in mods and package != name and not name.startswith(package + "."):
                    graph[name].add(package)  # importing a submodule runs its package first
    return graph, nested


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> list[str]:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt] if nxt in path else [node, nxt]
            if not state.get(nxt):
                found = visit(nxt, [*path, nxt])
                if found:
                    return found
        state[node] = 2
        return []

    for start in sorted(graph):
        if not state.get(start):
            found = visit(start, [start])
            if found:
                return found
    return []


def test_no_import_circle_between_esign_modules() -> None:
    graph, _nested = _imports()
    assert "kotapintar.esign.services.signing" in graph
    assert _cycle(graph) == []


def test_no_esign_import_inside_a_function() -> None:
    _graph, nested = _imports()
    assert nested == []
