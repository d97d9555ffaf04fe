"""The emitted source: what it says about itself, what it may import, its input checks, the
proofs it is printed from (and refuses without), and the printer's rules."""

from __future__ import annotations

import ast
import inspect
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import sympy
from sympy import Sum

import derive
from derive.derivations import output
from derive.emit import EmitError, is_generated, output_layer_module, output_layer_source, proofs
from derive.emit.printer import ArrayPrinter, assign, batch_outer, batch_total
from derive.model.loss import softmax
from derive.model.symbols import W, a, a_prev, b, d, j, k, t, z
from derive.model.symbols import delta as DELTA
from derive.steps import Derivation, Step


@pytest.fixture(scope="module")
def source() -> str:
    return output_layer_source(3, 4)


def test_docstring_states_sizes_assumption_version_and_verdicts(source: str) -> None:
    doc = ast.get_docstring(ast.parse(source))
    assert "K = 3 classes, J = 4 inputs" in doc
    assert "assumes sum_d t_d = 1" in doc and "dE/dz_k = a_k - t_k" in doc
    assert f"derive {derive.__version__}" in doc
    verdicts = doc[doc.index("Verdicts") :]
    for name in ("E (stable)", "softmax(z - m)", "log-softmax(z - m)", "dE/dz_k", "dE/dW_kj"):
        assert f"{name} " in verdicts
    assert verdicts.count("proved") == 7
    needs = "using k <= 3, targets: sum(t[d], (d, 1, 3)) == 1"
    assert f"dE/dz_k             proved  5 steps  {needs}" in verdicts
    assert " s)" not in source and "seconds" not in source  # no timings: files are reproducible


def test_general_targets_docstring_says_sum_t_is_not_assumed() -> None:
    doc = ast.get_docstring(ast.parse(output_layer_source(3, 4, normalized_targets=False)))
    assert "sum_d t_d = 1 is NOT assumed" in doc
    assert "dE/dz_k = a_k sum_d t_d - t_k" in doc
    assert "targets" not in doc[doc.index("Verdicts") :]  # no proof used it


def test_source_is_identical_across_calls_and_processes(source: str) -> None:
    assert output_layer_source(3, 4) == source
    code = "import sys; from derive.emit import output_layer_source as s; "
    code += "sys.stdout.write(s(1, 1))"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}  # another set and dict order
    root = Path(derive.__file__).parents[1]
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True, cwd=root
    )
    assert run.stdout == output_layer_source(1, 1)


def test_module_imports_only_numpy_and_marks_itself(source: str) -> None:
    tree = ast.parse(source)
    imported = [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    ]
    assert imported == ["numpy"]
    assert is_generated(source) and not is_generated('"""A module."""\n')


def test_functions_are_vectorised_without_python_loops(source: str) -> None:
    tree = ast.parse(source)
    public = {"forward", "E", "dE_dz", "dE_dW", "dE_db", "loss_and_grads"}
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    assert public <= set(functions)
    for name in public:
        loops = [n for n in ast.walk(functions[name]) if isinstance(n, ast.For | ast.While)]
        assert not loops, name
    assert "numpy.dot(z.T, a_prev)" in ast.unparse(functions["dE_dW"])


def test_in_process_module_has_inspectable_source() -> None:
    module = output_layer_module(3, 4)
    assert inspect.getsource(module.dE_dW).startswith(
        "def dE_dW(z, t, a_prev, *, check_targets=True):"
    )
    assert (module.K, module.J, module.NORMALIZED_TARGETS) == (3, 4, True)


def test_generated_module_runs_where_sympy_cannot_be_imported(tmp_path, source: str) -> None:
    path = tmp_path / "layer.py"
    path.write_text(source)
    code = f"""
import sys
sys.modules["sympy"] = None  # any import of sympy now fails
sys.path.insert(0, {str(tmp_path)!r})
import numpy as np
import layer
assert "derive" not in sys.modules
print(layer.E(np.zeros(3), np.array([1.0, 0.0, 0.0])), layer.dE_dz(np.zeros(3), np.ones(3) / 3))
"""
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    E, _ = run.stdout.split(" ", 1)
    assert float(E) == pytest.approx(np.log(3.0), rel=1e-15)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda m: m.dE_dz(np.zeros((2, 3)), np.zeros((2, 4))), "t has shape (2, 4)"),
        (lambda m: m.dE_dz(np.zeros((2, 3)), np.zeros((1, 3))), "expected (B, K) = (2, 3)"),
        (lambda m: m.dE_dz(np.zeros((2, 5)), np.zeros((2, 5))), "z has shape (2, 5)"),
        (lambda m: m.E(np.zeros((1, 2, 3)), np.zeros((1, 2, 3))), "(B, K) = (B, 3)"),
        (lambda m: m.dE_dz(np.zeros(3), np.zeros((1, 3))), "expected (K,) = (3,)"),
        (lambda m: m.dE_dW(np.zeros((2, 3)), np.zeros((2, 3)), np.zeros((2, 5))), "(2, 4)"),
        (lambda m: m.dE_dW(np.zeros((2, 3)), np.zeros((2, 3)), np.zeros(4)), "a_prev has"),
        (lambda m: m.forward(np.zeros(4), np.zeros((4, 3)), np.zeros(3)), "(K, J) = (3, 4)"),
        (lambda m: m.forward(np.zeros(4), np.zeros((3, 4)), np.zeros((1, 3))), "b has shape"),
        (lambda m: m.loss_and_grads(np.zeros(4), np.zeros((3, 4)), np.zeros(3), np.zeros(2)), "t"),
        (lambda m: m.dE_db(np.zeros(()), np.zeros(())), "z has shape ()"),
        (lambda m: m.E(np.array(["a", "b", "c"]), np.zeros(3)), "array of real numbers"),
        (lambda m: m.E(np.zeros(3, complex), np.zeros(3)), "dtype complex128"),
        (lambda m: m.E(np.zeros(3, object), np.zeros(3)), "dtype object"),
        (lambda m: m.E([[1.0, 2.0], [3.0]], np.zeros(3)), "z is not an array of numbers"),
    ],
)
def test_bad_inputs_raise_value_errors_naming_shapes(call, message: str) -> None:
    module = output_layer_module(3, 4)
    with pytest.raises(ValueError) as error:
        call(module)
    assert message in str(error.value)


def test_shape_error_names_expected_and_given_shapes() -> None:
    module = output_layer_module(3, 4)
    with pytest.raises(ValueError) as error:
        module.loss_and_grads(np.zeros((2, 4)), np.zeros((3, 4)), np.zeros(3), np.zeros((5, 3)))
    text = str(error.value)
    assert text.startswith("loss_and_grads: t has shape (5, 3), expected (B, K) = (2, 3)")
    assert "given: a_prev (2, 4), W (3, 4), b (3,), t (5, 3)" in text


def test_emit_refuses_when_a_used_result_is_not_proved(monkeypatch) -> None:
    def wrong_grad_z(K):
        right = output.grad_z(K)
        wrong = Step(softmax(k, K) + t[k], "a sign slip")
        return Derivation(right.name, right.start, (*right.steps[:-1], wrong), assume=right.assume)

    monkeypatch.setattr(proofs, "_gradients", lambda K, J, n: [wrong_grad_z(K)])
    proofs._checked.cache_clear()
    try:
        with pytest.raises(EmitError, match=r"step 5 of 'dE/dz_k' \(a sign slip\) is refuted"):
            output_layer_source(2, 3)
    finally:
        proofs._checked.cache_clear()


def test_shift_rewrites_are_proved_for_a_concrete_and_a_symbolic_K() -> None:
    for K in (3, proofs.K_SYMBOL):
        for derivation in proofs.shift_rewrites(K):
            assert derivation.check(timeout=30).proved, (K, derivation.name)


def test_a_shift_rewrite_with_a_wrong_sign_is_refuted() -> None:
    wrong = proofs.shifted(softmax(k, 3)).subs(proofs.m, -proofs.m) * sympy.exp(proofs.m)
    report = Derivation("bad", softmax(k, 3), (Step(wrong),), assume=(k <= 3,)).check()
    assert report.status == "refuted"


def _delta_printer() -> ArrayPrinter:
    return ArrayPrinter({a: "z", t: "t"}, frozenset(), {proofs.t_sum: "t_sum"}, k)


def test_printer_golden_gradient_lines() -> None:
    assert assign(a[k] - t[k], "z", _delta_printer(), holds=a[k]) == ["numpy.subtract(z, t, out=z)"]
    assert assign(a[k] * proofs.t_sum - t[k], "z", _delta_printer(), holds=a[k]) == [
        "numpy.multiply(z, t_sum, out=z)",
        "numpy.subtract(z, t, out=z)",
    ]
    grads = ArrayPrinter({DELTA: "delta", a_prev: "a_prev"}, frozenset(), {}, k)
    assert batch_outer(DELTA[k] * a_prev[j], grads, k, j, 3) == "numpy.dot(delta.T, a_prev)"


def test_printer_refuses_mixed_indices_and_unknown_names() -> None:
    with pytest.raises(EmitError, match="expected the index k"):
        _delta_printer().doprint(a[k] * t[d])
    with pytest.raises(EmitError, match="no array is named"):
        _delta_printer().doprint(z[k])
    with pytest.raises(EmitError, match="no rule to sum"):
        batch_total(a[k], _delta_printer())
    loss = ArrayPrinter({t: "t", z: "z"}, frozenset(), {}, k)
    assert batch_total(-Sum(t[d] * z[d], (d, 1, 3)), loss) == "-numpy.vdot(z, t)"


def test_printer_never_starts_from_a_parameter_alias() -> None:
    forward = ArrayPrinter({W: "W", b: "b", a_prev: "a_prev"}, frozenset({W, b}), {}, k)
    logit = Sum(W[k, j] * a_prev[j], (j, 1, 4)) + b[k]
    assert assign(logit, "z", forward) == ["z = numpy.dot(a_prev, W.T)", "numpy.add(z, b, out=z)"]
    with pytest.raises(EmitError, match="no term is a matrix product"):
        assign(b[k] + b[k] ** 2, "z", forward)
