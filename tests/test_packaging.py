"""Every module the package imports is the standard library's, the package's own, or a declared
dependency of pyproject.toml (a fresh install of the newest versions must not lack one: typer
0.29 stopped pulling in click, which the command line imported)."""
import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def declared() -> set[str]:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        reqs += extra
    return {re.split(r"[<>=!~\[; ]", r, maxsplit=1)[0].lower().replace("_", "-") for r in reqs}


def imported() -> dict[str, str]:
    """Top-level module -> the first file importing it, for every import in classifier/."""
    out: dict[str, str] = {}
    for f in sorted((ROOT / "classifier").glob("**/*.py")):
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module]
            else:
                continue
            for name in names:
                out.setdefault(name.split(".")[0], str(f.relative_to(ROOT)))
    return out


def test_every_imported_module_is_declared():
    dists = packages_distributions()
    wanted = declared()
    missing = []
    for module, where in imported().items():
        if module in sys.stdlib_module_names or module in ("classifier", "__future__"):
            continue
        names = {d.lower().replace("_", "-") for d in dists.get(module, [module])}
        if not names & wanted:
            missing.append(f"{module} (imported by {where}; distribution {sorted(names)})")
    assert not missing, "imported but not declared in pyproject.toml: " + ", ".join(missing)
