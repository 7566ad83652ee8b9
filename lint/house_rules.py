"""The house rule that imports alone cannot show, as an import-linter contract: only the write
path writes. A module outside `allowed_modules` that calls the ORM's writing methods
(`Model.objects.create(…)`, `….filter(…).update(…)`, `obj.save()`, `obj.delete()`,
`select_for_update`) or opens a transaction (`transaction.atomic`) breaks it.

Read from the source (ast), so it sees calls, not types: a `.save()` or `.delete()` without
arguments counts as a model's (a file's `storage.delete(name)` or an image's `save(buffer)` has
arguments), and `form.save(commit=False)` does not write. Runtime proof that the rule holds is
tests/write_guard.py, which watches every SQL write the test suite makes."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from importlinter import Contract, ContractCheck, fields, output

QUERYSET_WRITES = {
    "create",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
    "update",
    "delete",
    "select_for_update",
}
QUERYSET_STARTS = {"objects", "filter", "exclude", "all", "select_related", "through"}


@dataclass(frozen=True)
class Write:
    module: str
    line: int
    what: str


def _chain(node: ast.AST) -> list[str]:
    """`Vote.objects.filter(x=1).update` -> ["Vote", "objects", "filter", "update"]."""
    names: list[str] = []
    while True:
        if isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Name):
            names.append(node.id)
            break
        else:
            break
    return names[::-1]


def _path_of(module: str) -> Path | None:
    """The module's source file, found without importing it (importing the app needs Django
    set up)."""
    base = Path.cwd().joinpath(*module.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def writes_in(source: str, module: str) -> list[Write]:
    """The writes in one module's source; a line marked `# lint: not-a-write (why)` is not
    one (a library's own save, say)."""
    found = []
    lines = source.splitlines()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        if "lint: not-a-write" in lines[node.lineno - 1]:
            continue
        method, chain = node.func.attr, _chain(node.func)
        keywords = {k.arg: k.value for k in node.keywords}
        if chain[:2] == ["transaction", "atomic"]:
            found.append(Write(module, node.lineno, "transaction.atomic"))
        elif method in QUERYSET_WRITES and QUERYSET_STARTS & set(chain[:-1]):
            found.append(Write(module, node.lineno, ".".join(chain)))
        elif method in {"save", "delete"} and not node.args:
            commit = keywords.get("commit")
            if isinstance(commit, ast.Constant) and commit.value is False:
                continue
            found.append(Write(module, node.lineno, ".".join(chain)))
    for node in ast.walk(ast.parse(source)):  # @transaction.atomic on a function
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for decorator in node.decorator_list:
                if _chain(decorator)[:2] == ["transaction", "atomic"]:
                    found.append(Write(module, decorator.lineno, "@transaction.atomic"))
    return found


class OnlyTheWritePathWrites(Contract):
    """Configuration: `source_modules` (packages or modules to look in) and `allowed_modules`
    (the write path: modules and their descendants that may write)."""

    type_name = "writes"

    source_modules = fields.ListField(subfield=fields.ModuleField())
    allowed_modules = fields.ListField(subfield=fields.ModuleField())

    def check(self, graph, verbose: bool) -> ContractCheck:
        allowed = [m.name for m in self.allowed_modules]  # type: ignore[attr-defined]
        writes: list[Write] = []
        for source in self.source_modules:  # type: ignore[attr-defined]
            for name in sorted({source.name} | graph.find_descendants(source.name)):
                if any(name == a or name.startswith(f"{a}.") for a in allowed):
                    continue
                path = _path_of(name)
                if path is not None:
                    writes += writes_in(path.read_text(encoding="utf-8"), name)
        return ContractCheck(kept=not writes, metadata={"writes": writes})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for write in check.metadata["writes"]:
            output.print_error(
                f"{write.module}:{write.line} writes ({write.what}): move it into an action.",
                bold=False,
            )
