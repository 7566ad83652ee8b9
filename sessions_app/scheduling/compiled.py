"""The planner as a C extension, built by mypyc from its own source (`python3 dev.py compile`;
the run and test commands build it when its source changed). It computes the same grids as the
source, 1.5–2× faster (bench/scheduler/results.md).

A build is used only while it was made from the source beside it: `build` writes the source's
hash next to the extension, and `load` imports the source itself when that hash differs (an
edit since the build) or no build is there. Without a C compiler or mypy nothing is built and
the source runs, slower.

This module is Django-free, like the whole package: `dev.py` runs it as a script, before
anything of the app is installed."""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
import subprocess
import sys
import tempfile
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
PACKAGE = "sessions_app.scheduling"
MODULES = ("planner",)  # the hot loop of the annealing; the rest costs little
# mypy's settings for the build: the package alone (the project's own settings load Django)
_SETTINGS = "[mypy]\nignore_missing_imports = True\n"


def source_hash(name: str) -> str:
    return hashlib.sha256((HERE / f"{name}.py").read_bytes()).hexdigest()


def _stamp(name: str) -> Path:
    return HERE / f"{name}.built-from"


def _binaries(name: str) -> list[Path]:
    """The extension files of `name` (and of mypyc's runtime for it) for this Python."""
    return [
        HERE / f"{stem}{suffix}"
        for stem in (name, f"{name}__mypyc")
        for suffix in EXTENSION_SUFFIXES
        if (HERE / f"{stem}{suffix}").exists()
    ]


def is_fresh(name: str) -> bool:
    """Whether an extension of `name` was built from the source as it is now."""
    if not any(path.name.startswith(f"{name}.") for path in _binaries(name)):
        return False
    try:
        return _stamp(name).read_text().strip() == source_hash(name)
    except OSError:
        return False


def load(name: str) -> ModuleType:
    """Import `name` of the package: its extension when fresh, else its source (which the
    import system would not choose by itself: an extension comes before a .py file)."""
    full = f"{PACKAGE}.{name}"
    if full in sys.modules:
        return sys.modules[full]
    if is_fresh(name) or not _binaries(name):
        return importlib.import_module(full)
    spec = importlib.util.spec_from_file_location(full, HERE / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[full] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[full]
        raise
    setattr(sys.modules[PACKAGE], name, module)  # as the import system does for a submodule
    return module


def is_compiled(module: ModuleType) -> bool:
    return not str(module.__file__).endswith(".py")


def build(python: str = sys.executable) -> bool:
    """Compile `MODULES` with mypyc (in a temporary copy of the package, so no build files land
    in the checkout) and put the extensions beside their sources. False, with the reason
    printed, if that cannot be done here; the source then runs."""
    if all(is_fresh(name) for name in MODULES):
        return True
    with tempfile.TemporaryDirectory(prefix="oocamp-mypyc-") as tmp:
        root = Path(tmp)
        package = root / "sessions_app" / "scheduling"
        package.mkdir(parents=True)
        (root / "sessions_app" / "__init__.py").write_text("")
        for source in HERE.glob("*.py"):
            shutil.copy2(source, package / source.name)
        (root / "mypy.ini").write_text(_SETTINGS)
        hashes = {name: source_hash(name) for name in MODULES}
        result = subprocess.run(
            [python, "-m", "mypyc", "--config-file", "mypy.ini"]
            + [f"sessions_app/scheduling/{name}.py" for name in MODULES],
            cwd=root,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            print(result.stdout[-2000:] + result.stderr[-2000:], file=sys.stderr)
            return False
        for name in MODULES:
            for old in _binaries(name):
                old.unlink()
            built = [
                path
                for stem in (name, f"{name}__mypyc")
                for path in package.glob(f"{stem}.*")
                if path.suffix in {".so", ".pyd"}
            ]
            if not built:
                print(f"mypyc built no extension for {name}", file=sys.stderr)
                return False
            for path in built:
                shutil.copy2(path, HERE / path.name)
            _stamp(name).write_text(hashes[name] + "\n")
    return True


if __name__ == "__main__":  # what dev.py runs; with --fresh: only whether a build is needed
    if sys.argv[1:] == ["--fresh"]:
        sys.exit(0 if all(is_fresh(name) for name in MODULES) else 1)
    sys.exit(0 if build() else 1)
else:  # imported first by the package: the modules it builds come from here
    for _name in MODULES:
        load(_name)
