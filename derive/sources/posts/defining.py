"""Definitions as a post writes them: functions (``f(x) = ...``, ``\\sigma(z) = \\tanh z``),
names (``E``, ``z_k^L``, ``\\hat{y}``, ``\\sigma_B^2``), a name written again in a later
section (a restatement, or a new meaning from there on), assumptions about data
(``\\sum_k y_k = 1``), and symbols a relation chooses (``\\log C = -m``).
"""

from __future__ import annotations

from sympy import Add, Basic, Expr, Indexed, MatrixSymbol, Mul

from derive.sources.posts.blocks import Block
from derive.sources.posts.build import POWERED
from derive.sources.posts.build_calls import head_name
from derive.sources.posts.defined_functions import DefinedFunction, apply_function
from derive.sources.posts.implied import once_letters
from derive.sources.posts.items import BROKEN, Item, Side, equality, is_notation, unwrap
from derive.sources.posts.kinds import (
    ASSUMPTION,
    CLAIM,
    CONDITION,
    DEFINITION,
    NOT_A_CLAIM,
    has_derivative,
    is_assumption,
    is_number,
    is_plain_name,
    powered,
    shown_name,
)
from derive.sources.posts.latex import nodes as ast
from derive.sources.posts.latex.tokens import LatexError
from derive.sources.posts.latex.vocabulary import SIGMA
from derive.sources.posts.matrix.gradients import is_derivative
from derive.sources.posts.matrix.stated import numbered_name
from derive.sources.posts.names import BuildError, Name, label_kind
from derive.sources.posts.ranges import index_items, letter_of, superscript_index

OVERRIDDEN = {
    SIGMA: "the sigmoid",
    "softmax": "the softmax",
    "relu": "ReLU",
    "sigmoid": "the sigmoid",
}


class DefiningMixin:
    """The definitions of :class:`~derive.sources.posts.chains.ChainReader`."""

    def _report(self, block: Block, equal: int, name: str, texts, message: str, kind: str) -> None:
        line, column = self._position(block, equal)
        self.items.append(
            Item(line, column, NOT_A_CLAIM, message, name, 0, texts[0], texts[1], kind=kind)
        )

    def _function(self, function, chain, block: Block, texts, name: str) -> bool:
        """``f(x) = body``: the function f from here on. False if its parameters are not names,
        or if the post defined f already in this section (then the row is a claim)."""
        fname, param_nodes = function
        builder = self.builder
        prior = builder.functions.get(fname)
        overload = (
            prior is not None and len(prior.params) != len(param_nodes) and prior.body is not None
        )
        overload = overload and builder.functions.called(fname, len(param_nodes)) is prior
        overload = overload and not _applies(chain.parts[1], fname)  # J(W,b) = ... J(W,b;x,y)
        if self.function_sections.get(fname, -1) == self.section and not overload:
            return False
        where = f"line {self._position(block, chain.pos)[0]}"
        try:
            params = tuple(builder.build(p) for p in param_nodes)
        except BuildError:
            return False
        if any(not (p.is_Symbol or isinstance(p, (Indexed, MatrixSymbol))) for p in params):
            return False
        equal = chain.equals[0]
        try:
            body = builder.build(chain.parts[1])
        except BuildError as error:
            self._problem(error, block, equal, name, 0, texts[1], texts[0])
            problem = f"the definition of {fname} ({where}) cannot be read"
            builder.functions.define(DefinedFunction(fname, params, None, where, problem))
            self.previous = BROKEN
            return True
        before = builder.functions.get(fname) if fname in self.function_sections else None
        before = None if overload else before
        builder.functions.define(DefinedFunction(fname, params, body, where))
        self.in_bodies |= builder.definitions.objects(body)
        self.function_sections[fname] = self.section
        self.defined.append((texts[0], texts[1]))
        builder.remember_denominator(body, where)
        if self._function_restated(before, params, body, block, equal, name, texts):
            self.previous = Side(body, texts[1])
            return True
        overridden = OVERRIDDEN.get(fname)
        message = f"defines the function {fname}" + (
            f", from here on instead of {overridden}" if overridden else ""
        )
        self._report(block, equal, name, texts, message + self._unknown_note(body), DEFINITION)
        self.previous = Side(body, texts[1])
        return True

    def _entry_defined(self, chain, block: Block, texts, name: str) -> bool:
        """``P_1 = e^{y_1} / S``, ``P_2 = ...``: a worked example with three classes defines
        its entries one by one. An entry at given indices of a name that no definition or
        earlier claim uses, not on its own right side, is defined there: that entry, at those
        indices only, is written out where claims use it (∂P_2/∂y_1 goes through S). One whose
        definition would reach its own array is not read, so claims that use it are not refuted
        (read as a free symbol, any value of it would refute true rows)."""
        builder = self.builder
        node = unwrap(chain.parts[0])
        if not (isinstance(node, ast.Scripted) and isinstance(node.base, ast.Letter)):
            return False  # checked before building: building registers the names it meets
        indices = index_items(node.sub or ())[0]
        if node.sup is not None or not indices or not all(is_number(i) for i in indices):
            return False
        try:
            entry = builder.build(chain.parts[0])
        except BuildError:
            return False
        if not isinstance(entry, Indexed) or not all(i.is_Integer for i in entry.indices):
            return False
        definitions = builder.definitions
        if entry.base in definitions.table or entry in definitions.unread:
            return False
        if entry in definitions.entries:
            return False
        if entry.base in builder.recurrences:
            return False  # u_2 of u_{k+1} = ...: an iterate, claimed by its recurrence
        if entry.base in self.claimed | self.in_bodies | self.varied:
            return False  # \beta_1 = ... after claims about \beta_1: a solution, not a name
        try:
            body = builder.build(chain.parts[1])
        except BuildError:
            return False
        own = [a for a in body.atoms(Indexed) if a.base == entry.base]
        if body.has(entry) or any(a not in definitions.entries for a in own):
            return False  # x_2 = x_1 + 1 with x_1 free: a step of an iterate, not a definition
        where = f"line {self._position(block, chain.pos)[0]}"
        note = ""
        if builder.definitions.define_entry(entry, body):
            self.in_bodies |= builder.definitions.objects(body)
        else:
            builder.definitions.unread[entry] = where
            note = ": not read further"
        message = f"defines {shown_name(chain.parts[0])} (one entry{note})"
        self._report(block, chain.equals[0], name, texts, message, DEFINITION)
        self.previous = Side(body, texts[1])
        return True

    def _sum_named(self, chain, block: Block, texts, name: str) -> bool:
        """``\\sum = \\sum_{j=1}^{n} e_j``: what a bare ``\\sum`` stands for from here on."""
        try:
            body = self.builder.build_definition(chain.parts[1])
        except BuildError:
            return False
        self.builder.sum_defined = body
        self._report(block, chain.equals[0], name, texts, "defines \\sum", DEFINITION)
        self.previous = Side(body, texts[1])
        return True

    def _function_restated(self, before, params, body, block, equal, name, texts) -> bool:
        """A function an earlier section defined, written again: a claim that the two agree
        (at the new parameters); if they do not, the new one is a definition from here on."""
        if before is None or before.body is None:
            return False
        try:
            old = apply_function(before, list(params), 0, self.builder.scope.fresh, equal)
        except BuildError:
            return False
        line, column = self._position(block, equal)
        again = f"defines the function {before.name} again, from here on"
        self.items.append(
            Item(
                line,
                column,
                None,
                "",
                name,
                1,
                texts[0],
                texts[1],
                old,
                body,
                CLAIM,
                otherwise=("not proved", DEFINITION, again),
                functions=self.builder.in_force(),
            )
        )
        return True

    def _definition(self, chain, block: Block, texts, name: str) -> bool:
        """Define the chain's left side if it is a name not yet defined (in this section);
        True if it did."""
        lhs, rhs = chain.parts[0], chain.parts[1]
        if self._notation(lhs):
            return False
        builder = self.builder
        if isinstance(unwrap(lhs), ast.SumName) and builder.sum_defined is None:
            return self._sum_named(chain, block, texts, name)
        introduced = ""
        if powered(lhs, POWERED, builder.scope.labels):
            introduced = builder.powered_name(unwrap(lhs))
            builder.powered.add(introduced)
        if builder.matrix_mode:  # a^l = \sigma(z^l): for every layer the post writes
            builder.register_layers(unwrap(lhs), rhs, f"line {self._position(block, chain.pos)[0]}")
        else:  # a^l_j = \sigma(z^l_j): the same, in index notation (entry_layers)
            where = f"line {self._position(block, chain.pos)[0]}"
            base = builder.register_entry_layers(unwrap(lhs), rhs, where)
            if base:
                builder.instances_before(base, self.claimed)
        target = self._definable(lhs, rhs)
        if target is None and builder.matrix_mode:
            target = builder.numbered_target(unwrap(lhs), rhs)  # z_1 = W_1 x + b_1
        if target is None:
            if introduced:
                builder.powered.discard(introduced)
            return self._entry_defined(chain, block, texts, name)
        where = f"line {self._position(block, chain.pos)[0]}"
        equal = chain.equals[0]
        try:
            body = self.implied(builder.build_definition(rhs), once_letters(lhs), rhs)
        except BuildError as error:
            self._problem(error, block, equal, name, 0, texts[1], texts[0])
            placeholder = builder.definitions._placeholder(
                f"the definition of {texts[0]} ({where}) cannot be read", None, ()
            )
            self._record_definition(target, placeholder, where, lhs)
            self.previous = BROKEN
            return True
        if builder.matrix_mode and target[0] in self.varied:  # θ = (X^T X)^{-1} X^T y
            message = f"the value of {shown_name(lhs)} that solves the equations before it"
            self._report(block, chain.equals[0], name, texts, message, CONDITION)
            return True
        if target[2] and self._derived(target[0]):  # dW = ... after "$dW$ for $\\partial J/..$"
            self._restated(lhs, None, None, body, block, equal, name, texts, derived=True)
            return True
        if builder.matrix_mode:
            try:
                used = target[0] in self.claimed or target[0] in self.in_bodies
                target = builder.matrix_target(target, body, rhs.pos, used)
            except BuildError as error:
                self._problem(error, block, equal, name, 0, texts[1], texts[0])
                placeholder = builder.definitions._placeholder(error.message, None, ())
                self._record_definition(target, placeholder, where, lhs)
                self.previous = BROKEN
                return True
        old = target[0]
        obj = self._record_definition(target, body, where, lhs, rhs)
        if obj is not None:
            self.heads_of[obj] = function_heads(rhs)
        if obj is None:  # w = w - \eta g: an update, a claim only if it holds
            shown = shown_name(lhs)
            self.otherwise = (
                "not proved",
                DEFINITION,
                f"an update of {shown} ({shown} on both sides)",
            )
            return False
        self.defined.append((texts[0], texts[1]))
        builder.remember_denominator(body, where)
        if target[2]:
            self._restated(lhs, old, obj, body, block, equal, name, texts)
            return True
        missing = [
            p
            for p in builder.definitions.placeholders(body)
            if p not in builder.definitions.unknown
        ]
        line, column = self._position(block, equal)
        if missing:
            message = "; ".join(
                dict.fromkeys(builder.definitions.missing[p].message for p in missing)
            )
            self.items.append(
                Item(
                    line,
                    column,
                    "cannot check",
                    message,
                    name,
                    0,
                    texts[0],
                    texts[1],
                    kind=DEFINITION,
                )
            )
        else:
            again = ", again: from here on" if target[2] else ""
            message = f"defines {shown_name(lhs)}{again}" + self._unknown_note(body)
            self._report(block, equal, name, texts, message, DEFINITION)
        self.previous = Side(body, texts[1])
        return True

    def _restated(
        self, lhs, old, new, body, block: Block, equal: int, name: str, texts, derived=False
    ) -> None:
        """A name defined in an earlier section, written again with ``=``: a claim if the two
        meanings agree (a restatement), else a new definition from here on (``redefines``).
        A name defined as a derivative (``derived``) keeps that meaning: the row is a claim."""
        value = self.builder.build(lhs)  # the new version, built as the left side reads
        if derived:  # the name keeps its meaning: the derivative
            before = value
        elif isinstance(value, Indexed):
            before = old[value.indices]
        else:
            before = value.xreplace({new: old})
        line, column = self._position(block, equal)
        shown = shown_name(lhs)
        otherwise = ("not proved", DEFINITION, f"defines {shown} again, from here on")
        if derived:
            otherwise = None
        self.items.append(
            Item(
                line,
                column,
                None,
                "",
                name,
                1,
                texts[0],
                texts[1],
                before,
                body,
                CLAIM,
                self.row_conditions.relations,
                ", ".join(self.row_conditions.texts),
                otherwise=otherwise,
                functions=self.builder.in_force(),
            )
        )
        self.previous = Side(body, texts[1])

    def _derived(self, old: Basic) -> bool:
        """Whether ``old`` was defined as a derivative (``\\delta = \\partial C/\\partial z``,
        "$dW$ for $\\partial J / \\partial W$") of names that still mean what they meant then:
        a formula given for it later is what the derivative comes to, a claim the author
        derives (refuted when it is a slip), not a new meaning. A name the derivative reaches
        that was defined again since (another cost), or any name defined again since (the
        derivative's own function is written out in it, not named), leaves it a definition
        from here on."""
        definitions, scope = self.builder.definitions, self.builder.scope
        definition = definitions.table.get(old)
        if definition is None or definition.params:
            return False
        if not is_derivative(definition.body):
            return False
        current = old in self.builder.instances  # defined at a layer where it is written
        if not current and self.renewed_at.get(old) != self.renewed:  # C defined again since
            return False
        return all(
            scope.objects.get(scope.keys[o]) == o for o in definitions.depends(old) if o != old
        )

    def _rederived(self, where: str) -> None:
        """The names defined as derivatives, taken again from their formulas once another
        name is defined again ("$dZ$ for $\\partial J / \\partial Z$", then another cost J):
        their bodies were written out with the old meaning. One that cannot be taken again
        is not read from here on (its claims cannot be checked, never judged by the old one)."""
        builder, scope = self.builder, self.builder.scope
        definitions = builder.definitions
        for obj, rhs in list(self.derivatives.items()):
            del self.derivatives[obj]
            if scope.objects.get(scope.keys[obj]) != obj:
                continue  # the name itself was defined again
            shown = scope.shown_names.get(obj, str(obj))
            try:
                body = builder.build_definition(rhs)
                new = builder.matrix_target((scope.renew(obj), (), True), body, rhs.pos)[0]
            except BuildError:
                message = f"the derivative {shown} after a name was defined again ({where})"
                body = definitions._placeholder(message + " cannot be read", None, ())
                current = scope.objects.get(scope.keys[obj])
                new = scope.renew(obj) if current is None or current == obj else current
            if definitions.define(new, (), body, where):
                self.renewed_at[new] = self.renewed
                if is_derivative(body):
                    self.derivatives[new] = rhs

    def _sets(self, chain) -> bool:
        """A relation alone in its row, with a number on one side and, on the other, names the
        post defines, in arithmetic only (``s_j - t_j = 0``, ``w \\bar{x} + b - \\bar{y} = 0``):
        if it is not an identity, it is an equation the text sets (a condition, also of the
        next display: "so $$ s_j = t_j $$")."""
        if not self.alone or len(chain.parts) != 2:
            return False
        if any(has_derivative(p) or applies(p) for p in chain.parts):
            return False
        if not any(is_number(p) for p in chain.parts) or not isinstance(self.previous, Side):
            return False
        definitions = self.builder.definitions
        return bool(definitions.objects(self.previous.value) & set(definitions.table))

    def _unknown_note(self, body: Expr) -> str:
        definitions = self.builder.definitions
        unknown = [p for p in definitions.placeholders(body) if p in definitions.unknown]
        if not unknown:
            return ""
        return "; " + "; ".join(dict.fromkeys(definitions.missing[p].message for p in unknown))

    def _record_definition(self, target, body: Expr, where: str, lhs, rhs=None) -> Basic | None:
        """Record a definition (a new version of the name when it is defined again, or when
        earlier claims used it as a free symbol: ``b = \\bar{y} - w \\bar{x}`` after claims
        about every b does not make them claims about that b); a name earlier rows use only in
        claims is defined for them too (``... = w \\bar{x} + b``, "with the means
        ``\\bar{x} = ...``")."""
        obj, params, again = target
        definitions, scope = self.builder.definitions, self.builder.scope
        if obj in definitions.reached(body):
            return None  # w = w - \eta g: an update, not a definition
        body = self.implied_body(body, params, where)  # when the post sums repeated indices
        lower = {made for letter, made in scope.free.items() if letter.islower()}  # not mu_B
        repeated = summation_convention(body, params, lower)
        if repeated is not None:  # z_i = W_{ij} x_j + b_i: the sum over j is not written
            shown = scope.shown_names.get(repeated, str(repeated))
            body = definitions._placeholder(
                f"the definition at {where} repeats the index {shown} in a product without a "
                "sum (the summation convention?), which is not read",
                None,
                (),
            )
        # a parameter of earlier definitions and claims keeps its meaning there; so does a name
        # earlier claims use that a worked example now gives a number (S_{xy} = 9.7 after
        # beta_1 = S_{xy} / S_{xx}): the example's value is not what the general rows meant
        numbers = not body.free_symbols and obj in self.claimed
        renewed = again or numbers or (obj in self.claimed and obj in self.in_bodies)
        if renewed:
            obj = scope.renew(obj)
            self.renewed += 1
        if not definitions.define(obj, params, body, where):
            return None
        self.renewed_at[obj] = self.renewed
        if rhs is not None and self.builder.matrix_mode and not params and is_derivative(body):
            self.derivatives[obj] = rhs
        elif renewed and self.builder.matrix_mode:
            self._rederived(where)
        self.section_of[obj] = self.section
        self.in_bodies |= definitions.objects(body)
        letter = letter_of(unwrap(lhs))
        if letter is not None:
            self.builder.functions.table.pop(letter, None)
        return obj

    def _stated(self, chain, block: Block, texts, name: str, before: set) -> bool:
        """An assumption (``\\sum_k y_k = 1``): reported, not claimed; True if the relation
        is one. Symbols written here for the first time, on the left only (``\\log C = ...``),
        are remembered: if the relation is not an identity, it introduces them."""
        builder = self.builder
        lhs, rhs = chain.parts[0], chain.parts[1]
        left = self.previous.value
        introduced = {k for k in builder.scope.objects if k not in before}
        self.builder.guesses = []
        try:
            right = builder.build(rhs)
        except BuildError:
            right = None
        equal = chain.equals[0]
        if right is not None and not self._differentiates(lhs) and self._is_assumption(left, right):
            where = f"line {self._position(block, chain.pos)[0]}"
            self.assumptions.append((equality(left, right), where))
            message = "an assumption: it holds for every claim of the post"
            self._report(block, equal, name, texts, message, ASSUMPTION)
            self.previous = Side(right, texts[1])
            return True
        if right is not None and _chooses(lhs):
            left_only = [k for k in introduced if builder.scope.objects[k] not in _objects(right)]
            if left_only:
                names = ", ".join(sorted(k[0].shown() for k in left_only))
                message = f"introduces {names} (written here first, on the left only)"
                self.otherwise = ("refuted", DEFINITION, message)
        return False

    def _is_assumption(self, left: Expr, right: Expr) -> bool:
        definitions = self.builder.definitions
        if definitions.placeholders(left) or definitions.placeholders(right):
            return False
        defined = set(definitions.table) | {e.base for e in definitions.entries}
        return is_assumption(left, right, defined, definitions.objects)

    def _notation(self, node: ast.Node) -> bool:
        """``\\delta_{kj}``, ``\\mathbb{1}_{d=k}``: the meaning of a notation, stated; not
        ``\\delta_2``, a vector of a post in matrix notation."""
        if not is_notation(node):
            return False
        builder = self.builder
        return not (builder.matrix_mode and numbered_name(unwrap(node), {}) is not None)

    def _definable(self, node: ast.Node, rhs=None) -> tuple[Basic, tuple, bool] | None:
        """(the object a definition of ``node`` defines, its parameters, whether it defines it
        again), or None when ``node`` is not a name that can be defined here."""
        builder = self.builder
        node = unwrap(node)
        letter = letter_of(node)
        scope = builder.scope
        bold = builder.matrix_mode and builder.bold_at(node.pos)  # \mathbf{h} beside the width h
        if letter is not None:
            vector = bold and letter in scope.sizes
            ranges = builder.ranges
            special = letter in ranges.index_letters or letter in ranges.size_letters
            special |= letter == "π" or letter in scope.index_ranges or letter in scope.sizes
            # e = y - \hat{y}: an error named e (e = 2.718... is a claim about the number)
            special |= letter == "e" and (rhs is None or is_number(rhs) or not _has_letters(rhs))
            if special and not vector:
                return None
            obj = scope.symbol(builder.aliases.get(Name(letter), Name(letter)), 0)
            return self._fresh(obj, (), rhs)
        if not (isinstance(node, ast.Scripted) and isinstance(node.base, ast.Letter)):
            return None
        numbered = builder.numbered(node) if builder.matrix_mode else None
        if numbered is not None:  # W_1, delta_2: a vector or matrix of its own
            return self._fresh(numbered, (), rhs)
        powered_name = node.sup is not None and builder.powered_name(node) in builder.powered
        labelled = node.sup is None or label_kind(node.sup_text, scope.labels) == "label"
        if not (labelled or powered_name):
            return None
        indices = index_items(node.sub or ())[0]
        example = superscript_index(node, builder.ranges.summed, builder.ranges.iterated)
        indices = indices + ([example] if example is not None else [])
        if node.base.name == "δ" and node.sup is None and len(indices) == 2:
            return None  # δ_{kj}: the Kronecker delta
        if node.base.name == "e" and node.sup is not None:
            return None
        letters = [letter_of(i) for i in indices]
        if any(x is None for x in letters) or len(set(letters)) != len(letters):
            return None
        try:
            value = builder.build(node)
        except (BuildError, LatexError):
            return None
        obj = value.base if isinstance(value, Indexed) else value
        if obj not in scope.keys:
            return None
        params = tuple(value.indices) if isinstance(value, Indexed) else ()
        return self._fresh(obj, params, rhs)

    def _fresh(self, obj: Basic, params: tuple, rhs=None) -> tuple[Basic, tuple, bool] | None:
        """Whether ``obj`` may be defined here: not yet defined, defined in an earlier section,
        or defined with other functions (``a = \\sigma(z)``, then "with a ReLU in place of
        sigma, ``a = \\mathrm{relu}(z)``"; ``E = \\frac{1}{2}(y - t)^2``, then a loss with a
        log): then again (a claim if the meanings agree)."""
        if obj in self.recurrences:
            return None  # m_t = ... after m_t = \beta m_{t-1} + ...: a claim about the sequence
        if obj not in self.builder.definitions.table:
            return obj, params, False
        if self.section_of.get(obj, self.section) < self.section:
            return obj, params, True
        before, now = self.heads_of.get(obj, set()), function_heads(rhs)
        if rhs is not None and (before or now) and before != now:
            return obj, params, True  # E = (y - t)^2 / 2, then "swap the loss for" E = -t log y
        return None


def _has_letters(node: ast.Node) -> bool:
    """Whether a side names a quantity (a letter other than e and π)."""
    return any(
        isinstance(child, ast.Letter) and child.name not in ("e", "π") for child in ast.walk(node)
    )


def applies(node: ast.Node) -> bool:
    """Whether a side applies a function (``f(z)``, ``\\log x``, ``e^{x}``)."""
    for child in ast.walk(node):
        if isinstance(child, (ast.Call, ast.Apply, ast.Sqrt)):
            return True
        if isinstance(child, ast.Scripted) and getattr(child.base, "name", "") == "e":
            return True
    return False


def function_heads(node: ast.Node | None) -> set[str]:
    """The names of the functions a side applies (``\\sigma``, ``relu``, ``f``)."""
    found: set[str] = set()
    for child in ast.walk(node) if node is not None else ():
        if isinstance(child, ast.Call):
            found.add(child.name.rstrip("'"))
        elif isinstance(child, ast.Apply):
            named = head_name(child.head)
            if named is not None:
                found.add(named[0])
        elif isinstance(child, ast.Indicator):  # 1[z > 0]: relu', where sigma' was
            found.add("1")
    return found


def _chooses(node: ast.Node) -> bool:
    """``\\log C``, ``\\exp(c)``, ``e^{c}``: a function of one name on the left, the form of a
    relation that chooses that name (``\\log C = -\\max_j a_j``)."""
    node = unwrap(node)
    if isinstance(node, ast.Call) and len(node.args) == 1:
        return is_plain_name(node.args[0])
    if isinstance(node, ast.Scripted) and isinstance(node.base, ast.Letter):
        return node.base.name == "e" and node.sub is None and is_plain_name(node.sup)
    return False


def _objects(expr: Basic) -> set[Basic]:
    found = {i.base for i in expr.atoms(Indexed)}
    return found | expr.free_symbols


def _applies(node: ast.Node, name: str) -> bool:
    """Whether ``node`` applies the function ``name`` (``J(W,b;x^{(k)},y^{(k)})`` in the body of
    ``J(W,b)``): then the row relates the two, it does not define a second function."""
    return any(
        isinstance(n, ast.Apply) and (head_name(n.head) or ("",))[0] == name for n in ast.walk(node)
    )


def summation_convention(body: Expr, params: tuple, indices: set[Basic]) -> Basic | None:
    """An index that two factors of a product of ``body`` write and the left side does not
    have (``W_{ij} x_j``): the summation convention of physics texts, where it is summed. A
    square (``\\frac{1}{2}(a_k - t_k)^2``, one output's error) is one factor. The index, or
    None."""
    own = set().union(*(getattr(p, "free_symbols", set()) for p in params)) if params else set()
    for term in Add.make_args(body):
        counts: dict[Basic, int] = {}
        for factor in Mul.make_args(term):  # a square (a_k - t_k)^2 is one factor
            seen = {i for e in factor.atoms(Indexed) for i in e.indices if i in indices}
            for index in seen - own:
                counts[index] = counts.get(index, 0) + 1
        repeated = sorted((i for i, n in counts.items() if n >= 2), key=str)
        if repeated:
            return repeated[0]
    return None
