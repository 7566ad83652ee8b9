"""The scheduling package is plain Python: importing any of its modules loads no Django."""

import subprocess
import sys


def test_scheduling_imports_no_django():
    code = (
        "import importlib, pkgutil, sys, sessions_app.scheduling as p\n"
        "for m in pkgutil.walk_packages(p.__path__, p.__name__ + '.'):\n"
        "    importlib.import_module(m.name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )

    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )

    assert result.stdout.strip() == "[]"
