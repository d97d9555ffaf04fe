"""What certifying a refutation costs, and Arb balls (python-flint) against mpmath's ``iv``.

Run from the repository root (not a test: timings depend on the machine):

    python benchmarks/bench_certify.py              # both tables
    python benchmarks/bench_certify.py --rounds 7

Table 1: ``check_equal`` on refuted claims (caches warm, as for the second and later checks in
one process), with certification as shipped and with it replaced by "cannot judge" (then the
50-digit evalf confirmation alone decides, at its 1e-12 threshold, as before certification
existed): the ratio is the cost of certification per refuted step. A tiny difference is not
refuted at all without it (the search goes on to the end: that row is slower without).

Table 2: one enclosure of lhs - rhs at the counterexample: ``certify.certify`` (fresh SymPy
instances compiled to Arb ball programs, then evaluated, from 64 bits up) against mpmath's
interval context on functions lambdified beforehand, and the evaluation alone of each (256
bits); functions ``iv`` lacks are listed (lambdify then uses mpmath's point functions: the
result is no enclosure), and a complex point fails (iv has no complex exp or log).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import mpmath
import sympy
from sympy import Heaviside, Max, Rational, Symbol, exp, log, symbols, tanh

import derive.checker.evidence
from derive import check_equal
from derive.checker import balls
from derive.checker.certify import Certificate, certify
from derive.checker.compiled import Compiler
from derive.checker.program import Program
from derive.derivations import build

x, y = symbols("x y", real=True)
w = Symbol("w")
z1, z2, z3 = symbols("z1:4", real=True)
S3 = exp(z1) + exp(z2) + exp(z3)
CLAIMS = {
    "tiny term exp(y) + y**4/10**30": (exp(y), exp(y) + y**4 / 10**30),
    "region y*H(y - 1/4) vs Max(0, y)": (y * Heaviside(y - Rational(1, 4)), Max(0, y)),
    "sigmoid vs (1 - tanh(y/2))/2": (1 / (1 + exp(-y)), (1 - tanh(y / 2)) / 2),
    "softmax gradient sign (K = 3)": (
        sympy.Derivative(-log(exp(z1) / S3), z1),
        1 - exp(z1) / S3,
    ),
    "log(w*w) vs 2 log(w) (complex)": (log(w * w), 2 * log(w)),
    "log(exp(w)) vs w (complex point)": (log(exp(w)), w),
}


def _median_seconds(run: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _uncertified(*args: object) -> Certificate:
    return Certificate(None, reason="skipped by the benchmark")


def cost_table(rounds: int) -> None:
    slip = build("reference", 3, 4)[1].steps[0]
    claims = dict(CLAIMS)
    claims["the post's slip (K = 3, J = 4)"] = (build("reference", 3, 4)[1].start, slip.expr)
    print("| claim | certified | 50 digits only | ratio | method |")
    print("|---|---:|---:|---:|---|")
    for name, (lhs, rhs) in claims.items():
        check_equal(lhs, rhs)  # warm the caches of both runs alike
        shipped = _median_seconds(lambda a=lhs, b=rhs: check_equal(a, b), rounds)
        original = derive.checker.evidence.certify
        derive.checker.evidence.certify = _uncertified
        try:
            plain = _median_seconds(lambda a=lhs, b=rhs: check_equal(a, b), rounds)
        finally:
            derive.checker.evidence.certify = original
        method = check_equal(lhs, rhs).method.split(" by ")[0]
        print(
            f"| {name} | {shipped * 1e3:.1f} ms | {plain * 1e3:.1f} ms |"
            f" {shipped / plain:.2f}x | {method} |"
        )


def _iv_program(lhs: sympy.Basic, rhs: sympy.Basic, point: dict) -> Callable[[int], object]:
    """lhs - rhs in mpmath's interval arithmetic, each side on its own (as ``certify`` does),
    lambdified once; the returned function evaluates it at ``bits``."""
    atoms = sorted(point, key=sympy.default_sort_key)
    sides = [sympy.sympify(side).doit() for side in (lhs, rhs)]
    functions = [sympy.lambdify(atoms, side, modules=[mpmath.iv, "mpmath"]) for side in sides]
    exact = [sympy.Rational(point[atom]) for atom in atoms]  # iv has no complex intervals

    def run(bits: int) -> object:
        mpmath.iv.prec = bits
        values = [mpmath.iv.mpf(int(v.p)) / int(v.q) for v in exact]
        return functions[0](*values) - functions[1](*values)

    return run


def _missing_in_iv(lhs: sympy.Basic, rhs: sympy.Basic) -> list[str]:
    """Functions of the claim that mpmath's iv context lacks (lambdify then falls back to
    mpmath's point functions: the result is no longer an enclosure)."""
    names = {
        type(f).__name__
        for side in (lhs, rhs)
        for f in sympy.sympify(side).doit().atoms(sympy.Function)
    }
    return sorted(n for n in names if not hasattr(mpmath.iv, n))


def _arb_program(lhs: sympy.Basic, rhs: sympy.Basic, point: dict) -> Callable[[int], object]:
    """lhs - rhs as certify evaluates it (fresh instances compiled to ball programs), compiled
    once; the returned function evaluates it at ``bits``."""
    programs = []
    for side in (lhs, rhs):
        built = sympy.sympify(side).doit()
        compiler = Compiler(built)
        programs.append(Program(compiler, compiler._slot(built, {}), exact=True))

    def run(bits: int) -> object:
        (left, _), (right, _) = (program.run(point, bits) for program in programs)
        return balls.add(left, -right)

    return run


def iv_table(rounds: int) -> None:
    print(
        "| claim | certify (instances, compile, balls) | Arb balls only | mpmath iv only |"
        " iv / Arb | iv lacks |"
    )
    print("|---|---:|---:|---:|---:|---|")
    for name, (lhs, rhs) in CLAIMS.items():
        point = check_equal(lhs, rhs).counterexample
        whole = _median_seconds(lambda a=lhs, b=rhs, p=point: certify((a, b), {}, p, []), rounds)
        arb_run = _arb_program(lhs, rhs, point)
        arb = _median_seconds(lambda f=arb_run: f(256), rounds)
        missing = ", ".join(_missing_in_iv(lhs, rhs)) or "-"
        try:
            iv_run = _iv_program(lhs, rhs, point)
            iv = _median_seconds(lambda f=iv_run: f(256), rounds)
            iv_text, ratio = f"{iv * 1e3:.3f} ms", f"{iv / arb:.1f}x"
        except Exception as error:  # a complex value, which iv cannot hold
            iv_text, ratio = f"fails: {type(error).__name__}", "-"
        print(
            f"| {name} | {whole * 1e3:.2f} ms | {arb * 1e3:.3f} ms | {iv_text} | {ratio} |"
            f" {missing} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    cost_table(args.rounds)
    print()
    iv_table(args.rounds)


if __name__ == "__main__":
    main()
