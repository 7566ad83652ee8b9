"""Our own lint rules, run by CI beside ruff, mypy and djade (see ARCHITECTURE.md)."""
