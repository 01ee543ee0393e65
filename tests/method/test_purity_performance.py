import ast
import pathlib
import subprocess
import sys

import skm.method
from skm.method import DEFAULT_ELEMENTS, Tally, compute

METHOD_DIR = pathlib.Path(skm.method.__file__).parent


def test_method_imports_only_the_standard_library():
    allowed_prefix = "skm.method"
    for path in METHOD_DIR.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:  # relative: inside skm.method
                    continue
                names = [node.module or ""]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                assert name.startswith(allowed_prefix) or (
                    top in sys.stdlib_module_names and top != "skm"
                ), f"{path.name} imports {name}"


def test_importing_the_method_loads_no_django():
    code = "import sys, skm.method; print(any(m.startswith('django') for m in sys.modules))"
    root = METHOD_DIR.parent.parent
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def test_no_float_in_results():
    t = Tally(9)
    t.add([4, 3, None, 2, 1, 4, 4, 3, 3], count=3)
    t.add([4] * 9)
    r = compute(t, DEFAULT_ELEMENTS, weighting="0.111", population=50)

    def walk(value):
        assert not isinstance(value, float)
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list | tuple):
            for v in value:
                walk(v)

    walk(r.to_dict())
    walk([r.index, r.ikm, *[(e.nrr, e.score, e.weight) for e in r.elements]])
