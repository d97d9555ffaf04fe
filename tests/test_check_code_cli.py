"""``derive check-code``: the examples diagnosed, exit codes as ``derive check``, --json, one-line
errors, and the user's module imported the way pytest imports it."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from derive.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "gradient_code"
LAYER = ["--quantity", "dE_dW", "--K", "10", "--J", "20"]
ARGS = ["--arg", "X=a_prev", "--arg", "W=W", "--arg", "b=b", "--arg", "y=t"]


@pytest.fixture(autouse=True)
def _restore_import_state(monkeypatch):
    """check-code puts the module's root on sys.path and imports it: undo that per test."""
    monkeypatch.setattr(sys, "path", list(sys.path))
    before = set(sys.modules)
    yield
    for name in set(sys.modules) - before:
        del sys.modules[name]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["check-code", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("example", "code", "headline"),
    [
        ("softmax_layer", 0, "dE_dW: softmax_layer:grad_W matches the derivation at all"),
        ("transposed", 1, "dE_dW is transposed: your function returns shape (20, 10)"),
        (
            "averaged",
            1,
            "dE_dW is off by a factor 1/B: your function averages over the batch, the "
            "derivation sums (B = 3, worst relative difference 0.667)",
        ),
        ("single_path", 1, "dE_dW follows a single path through the softmax"),
    ],
)
def test_the_examples_are_diagnosed(capsys, example, code, headline) -> None:
    path = EXAMPLES / f"{example}.py"
    exit_code, out, err = run(capsys, f"{path}:grad_W", *LAYER, *ARGS)
    assert exit_code == code
    assert out.splitlines()[0].startswith(headline)
    assert err == ""


def test_json_holds_the_report_and_nothing_else(capsys) -> None:
    code, out, _ = run(capsys, f"{EXAMPLES / 'averaged.py'}:grad_W", *LAYER, *ARGS, "--json")
    assert code == 1
    data = json.loads(out)
    assert data["passed"] is False and data["diagnosis"] == "batch-mean"
    assert data["findings"][0]["input"]["B"] == 3
    assert [case["status"] for case in data["cases"]][:2] == ["ok", "wrong"]


def test_other_options_reach_the_check(capsys) -> None:
    averaged = f"{EXAMPLES / 'averaged.py'}:grad_W"
    code, out, _ = run(
        capsys, averaged, *LAYER, *ARGS, "--batch-loss", "mean", "--dtype", "float32", "--seed", "3"
    )
    assert code == 0, out
    assert "float32" in out and "batch loss mean" in out


def test_a_package_module_is_imported_like_pytest_with_its_relative_imports(
    tmp_path, capsys, monkeypatch
) -> None:
    package = tmp_path / "project" / "mylib"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "maths.py").write_text(
        "import numpy as np\n"
        "def softmax(z):\n"
        "    e = np.exp(z - z.max(axis=1, keepdims=True))\n"
        "    return e / e.sum(axis=1, keepdims=True)\n"
    )
    (package / "layer.py").write_text(
        "from .maths import softmax\n"
        "print('the module prints at import')\n"
        "class Layer:\n"
        "    @staticmethod\n"
        "    def backward(X, W, b, y):\n"
        "        print('and while it runs')\n"
        "        return (softmax(X @ W.T + b) - y).T @ X\n"
    )
    code, out, err = run(capsys, f"{package / 'layer.py'}:Layer.backward", *LAYER, *ARGS)
    assert code == 0, out + err
    assert out.startswith("dE_dW: mylib.layer:Layer.backward matches")
    # what the code prints is captured in its process and shown in the report, escaped
    assert err == "" and "output of your code" in out
    assert "    | the module prints at import" in out.splitlines()
    monkeypatch.chdir(tmp_path / "project")
    code, out, _ = run(capsys, "mylib.layer:Layer.backward", *LAYER, *ARGS, "--json")
    assert code == 0 and json.loads(out)["passed"] is True


@pytest.mark.parametrize(
    ("init", "importing"),
    [
        ("", "from ..maths import softmax\n"),  # beyond the top package pytest would take
        ("from course.classifiers.net import *\n", "from course.maths import softmax\n"),
    ],
)
def test_a_folder_without_init_is_a_namespace_package_its_code_imports(
    tmp_path, capsys, init, importing
) -> None:
    """course/ has no __init__.py (an assignment's folder), course/classifiers/ has one, and
    the code imports course.* or goes up with ..: imported as course.classifiers.net."""
    package = tmp_path / "assignment" / "course"
    (package / "classifiers").mkdir(parents=True)
    (package / "classifiers" / "__init__.py").write_text(init)
    (package / "maths.py").write_text(
        "import numpy as np\n"
        "def softmax(z):\n"
        "    e = np.exp(z - z.max(axis=1, keepdims=True))\n"
        "    return e / e.sum(axis=1, keepdims=True)\n"
    )
    (package / "classifiers" / "net.py").write_text(
        importing + "def grad_W(X, W, b, y):\n    return (softmax(X @ W.T + b) - y).T @ X\n"
    )
    target = f"{package / 'classifiers' / 'net.py'}:grad_W"
    code, out, err = run(capsys, target, *LAYER, *ARGS)
    assert code == 0, out + err
    assert out.startswith("dE_dW: course.classifiers.net:grad_W matches")


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["nowhere.py:f", *LAYER], "nowhere.py: no such file"),
        (["no_such_module_here:f", *LAYER], "no module named 'no_such_module_here'"),
        (["layer.py", *LAYER], "expected MODULE:FUNCTION"),
        ([f"{EXAMPLES / 'averaged.py'}:nope", *LAYER], "has no 'nope' (it defines: grad_W"),
        ([f"{EXAMPLES / 'averaged.py'}:grad_W", "--quantity", "dE_dW", "--K", "3"], "--J"),
        ([f"{EXAMPLES / 'averaged.py'}:grad_W", *LAYER, "--arg", "X"], "expected NAME=ARRAY"),
        ([f"{EXAMPLES / 'averaged.py'}:grad_W", *LAYER, "--arg", "X=q"], "not an array"),
        ([f"{EXAMPLES / 'averaged.py'}:grad_W", *LAYER, "--arg", "y=z"], "needs t"),
        ([f"{EXAMPLES / 'averaged.py'}:grad_W", *LAYER, *ARGS, "--arg", "Q=z"], "no parameter"),
        (
            [f"{EXAMPLES / 'averaged.py'}:grad_W", "--quantity", "dE_dW1", "--K", "3", "--J", "4"],
            "dE_dW1 is a quantity of the network",
        ),
        ([f"{EXAMPLES / 'averaged.py'}:grad_W", *LAYER, "--K", "0"], "integer >= 1"),
        (
            [f"{EXAMPLES / 'averaged.py'}:grad_W", *LAYER, *ARGS, "--no-normalized-targets"],
            "for soft targets",
        ),
    ],
)
def test_bad_usage_is_one_line_and_exit_2(capsys, argv, words) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert err.startswith("derive: error: ") and words in err
    assert len(err.strip().splitlines()) == 1


def test_a_module_that_fails_to_import_is_a_one_line_error(tmp_path, capsys) -> None:
    (tmp_path / "syntax.py").write_text("def f(:\n")
    (tmp_path / "raises.py").write_text("raise RuntimeError('no GPU here')\n")
    code, _, err = run(capsys, f"{tmp_path / 'syntax.py'}:f", *LAYER)
    assert code == 2 and "syntax.py:1: SyntaxError" in err
    code, _, err = run(capsys, f"{tmp_path / 'raises.py'}:f", *LAYER)
    assert code == 2 and "raised RuntimeError: no GPU here (raises.py:1 in <module>)" in err
    assert len(err.strip().splitlines()) == 1


def test_a_function_that_raises_is_exit_1_with_a_report(tmp_path, capsys) -> None:
    (tmp_path / "broken.py").write_text("def grad(X, W, b, y):\n    return W[100]\n")
    code, out, err = run(capsys, f"{tmp_path / 'broken.py'}:grad", *LAYER, *ARGS)
    assert code == 1
    assert "your function raised IndexError" in out and "(broken.py:2 in grad)" in out
    assert "Traceback" not in out + err


def test_a_file_whose_name_is_no_module_name_is_imported_by_its_path(tmp_path, capsys) -> None:
    source = (EXAMPLES / "softmax_layer.py").read_text()
    (tmp_path / "01_layers.py").write_text(source)
    (tmp_path / "my-layer.py").write_text(source)
    for name in ("01_layers.py", "my-layer.py"):
        code, out, _ = run(capsys, f"{tmp_path / name}:grad_W", *LAYER, *ARGS)
        assert code == 0, out
        assert out.startswith(f"dE_dW: {name[:-3]}:grad_W matches")


@pytest.mark.parametrize(
    ("files", "target", "words"),
    [
        (
            {"train.py": "import numpy as np\ndata = np.loadtxt('train.csv')\ndef grad(X): pass\n"},
            "train.py",
            "(train.py:2 in <module>); the module runs code when imported: put its training "
            'code under `if __name__ == "__main__":`',
        ),
        (
            {
                "fast_layers.py": "from im2col_cython import col2im\ndef grad(X): pass\n",
                "im2col_cython.pyx": "# the source of a compiled extension\n",
            },
            "fast_layers.py",
            "No module named 'im2col_cython' (fast_layers.py:1 in <module>); a compiled "
            "extension that is not built here",
        ),
        (
            {"softmax.py": "from past.builtins import xrange\ndef grad(X): pass\n"},
            "softmax.py",
            "No module named 'past' (softmax.py:1 in <module>); a module it imports is not "
            "installed here",
        ),
    ],
    ids=["training-code", "compiled-extension", "not-installed"],
)
def test_an_import_that_fails_gets_a_hint(tmp_path, capsys, files, target, words) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    code, out, err = run(capsys, f"{tmp_path / target}:grad", *LAYER)
    assert code == 2 and out == ""
    assert err.startswith("derive: error: importing ") and words in err
    assert len(err.strip().splitlines()) == 1


def test_a_class_that_needs_arguments_asks_for_init(capsys) -> None:
    target = f"{ROOT / 'tests' / 'code_under_test' / 'dense_layers.py'}:Dense.backward"
    code, out, err = run(
        capsys,
        target,
        "--quantity",
        "dE_dW",
        "--K",
        "3",
        "--J",
        "4",
        "--arg",
        "dvalues=dE_dz",
        "--before",
        "forward(a_prev)",
    )
    assert code == 2 and out == ""
    assert "Dense() cannot build the object (TypeError: " in err
    assert "give --init 'Dense(...)'" in err and len(err.strip().splitlines()) == 1
