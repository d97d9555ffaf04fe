"""derive latex on hostile text: the output compiles with pdflatex -no-shell-escape, opens and
writes no file but its own, and shows what the author wrote (escaped), never runs it.

Every typeset expression is printed from a tree by a table of known constructs (``source`` for
posts, ``constructs`` for SymPy); names, notes, tags, labels and file names are escaped
(``tex``). The cases are those that fell in a hostile run: ``\\input`` and ``\\openout`` in a
name, a tag that reads a file, a dozen names that broke compilation, HTML in a Markdown tag, and
file names that close the header's comment.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from latex_support import SECRET, compile_untrusted, shows
from sympy import Function, Symbol

from derive.cli import build_parser, main
from derive.cli import latex as cli_latex
from derive.render.latex.constructs import CONSTRUCTS
from derive.render.latex.printer import to_latex
from derive.render.latex.source import PRINTERS, math_latex
from derive.sources.posts.latex import nodes

# names that once broke compilation (or worse), as derivation names, tags, notes and post names
NAMES = (
    "a%b",
    "#",
    "$",
    "^",
    "\\\\",
    "\\iffalse",
    "\\par",
    "\\verb|x|",
    "\\csname relax\\endcsname",
    "~_&",
    "\\catcode`\\@=11",
    "\\end{document}",
    "</b><img src=x onerror=alert(1)>",
    "--> <!--",
    "\\begin{verbatim}",
)


def toml_string(text: str) -> str:
    """``text`` as a TOML basic string (every control character escaped)."""
    inner = json.dumps(text, ensure_ascii=False)[1:-1]
    return '"' + "".join(f"\\u{ord(c):04x}" if c == "\x7f" else c for c in inner) + '"'


def derivation_file(names: list[str], tags: list[str] | None = None) -> str:
    """A derivation file with one derivation per name: the name as its name, title, note,
    justification (with some math) and assumption label, and its tag."""
    tags = names if tags is None else tags
    labels = "".join(
        f'{toml_string(f"{n} {name}")} = "x**2 >= 0"\n' for n, name in enumerate(names)
    )
    chains = "".join(
        f"[[derivation]]\nname = {toml_string(name)}\ntitle = {toml_string(name)}\n"
        f'tag = {toml_string(tag)}\nnote = {toml_string(name)}\nstart = "x + x"\n'
        f'steps = [{{ expr = "2*x", why = {toml_string(name + " and $x^{2}$")} }}, '
        f'{{ expr = "3*x", why = {toml_string(name)} }}]\n\n'
        for name, tag in zip(names, tags, strict=True)
    )
    return f'[symbols]\nx = "real"\n\n[assume]\n{labels}\n{chains}'


def typeset(*argv: str) -> str:
    """``derive latex ARGV`` in-process: the text it would write."""
    return cli_latex.render(build_parser().parse_args(["latex", *argv]))


def test_input_and_openout_in_a_post_name_neither_read_nor_write(tmp_path: Path) -> None:
    where = tmp_path / "tex"
    post = tmp_path / "post.md"
    post.write_text(
        f"$$ E_{{\\mathrm{{\\input {where}/secret.tex }}}} + 1 = 2 $$\n\n"
        "$$ x_{\\mathrm{\\immediate\\openout9=victim.tex \\immediate\\closeout9}} + 1 = 2 $$\n\n"
        f"$$ y = 1 \\tag{{\\input{{{where}/secret}}}} $$\n\n"
        "$$ \\input{secret} = \\write18{touch pwned} $$\n",
        encoding="utf-8",
    )
    tex = typeset(str(post))
    assert "\\input " not in tex and "\\openout" not in tex and "\\write18" not in tex
    compile_untrusted(tex, where)  # asserts: secret not shown, victim intact, no other file


def test_a_tag_that_reads_a_file_is_text(tmp_path: Path) -> None:
    where = tmp_path / "tex"
    file = tmp_path / "d.toml"
    file.write_text(derivation_file(["d"], [f"1 \\input {where}/secret.tex"]), encoding="utf-8")
    tex = typeset(str(file))
    assert r"\tag{1 U+005Cinput" in tex
    compile_untrusted(tex, where)


def test_names_that_broke_compilation_compile_and_are_shown(tmp_path: Path) -> None:
    file = tmp_path / "names.toml"
    file.write_text(derivation_file(list(NAMES)), encoding="utf-8")
    post = tmp_path / "names.md"
    rows = "".join(
        f"$$ v_{{\\mathrm{{{name}}}}} = 1 + 1 = 2 \\tag{{{name}}} $$\n\n"
        f"$$ w = \\text{{{name}}} $$\n\n"
        for name in NAMES
    )
    post.write_text(rows, encoding="utf-8")
    tex = typeset(str(file), str(post))
    shown = compile_untrusted(tex, tmp_path / "tex")
    for name in NAMES:
        assert shows(name, shown), name


def test_markdown_never_carries_html_or_closes_its_comment(tmp_path: Path) -> None:
    file = tmp_path / "a-->b.toml"
    file.write_text(derivation_file(["<img src=x onerror=alert(1)>", "<b>"]), encoding="utf-8")
    markdown = typeset(str(file), "--format", "md")
    assert not re.search(r"(?<!\\)<", markdown.split("\n", 1)[1])  # every < escaped: no HTML
    first = markdown.splitlines()[0]
    assert first.startswith("<!-- ") and first.count("-->") == 1 and first.endswith(" -->")


def test_a_file_name_cannot_put_a_command_on_a_line_of_its_own(tmp_path: Path) -> None:
    where = tmp_path / "tex"
    file = tmp_path / "x\n\\input{secret}\n.toml"  # secret.tex is beside the document
    file.write_text(derivation_file(["d"]), encoding="utf-8")
    tex = typeset(str(file))
    assert all(not line.startswith("\\input") for line in tex.splitlines())
    compile_untrusted(tex, where)


@settings(max_examples=12, deadline=None)
@given(
    # a name of white space alone is no name: the file is refused ("a derivation needs a name")
    name=st.text(min_size=1, max_size=8).filter(str.strip),
    tag=st.text(max_size=6),
)
def test_any_name_and_tag_compile_safely_and_are_shown(name: str, tag: str) -> None:
    """Property: arbitrary Unicode in a derivation's name, title, note, tag, justification and
    assumption label, and in a post's names, notes and tags."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        (tmp / "d.toml").write_text(derivation_file([name], [tag]), encoding="utf-8")
        inside = "".join(c for c in name if c != "$" and c.isprintable())
        (tmp / "p.md").write_text(
            f"$$ v_{{\\mathrm{{{inside}}}}} = \\text{{{inside}}} \\tag{{{inside}}} $$\n",
            encoding="utf-8",
        )
        tex = typeset(str(tmp / "d.toml"), str(tmp / "p.md"))
        shown = compile_untrusted(tex, tmp / "tex")
        assert shows(name, shown)
        assert SECRET not in shown


# --- the printers know every construct they print ------------------------------------------------


def test_every_node_kind_of_the_post_reader_has_a_printer() -> None:
    kinds = {
        value
        for value in vars(nodes).values()
        if isinstance(value, type) and issubclass(value, nodes.Node) and value is not nodes.Node
    }
    assert kinds <= set(PRINTERS), kinds - set(PRINTERS)


def test_the_constructs_table_lists_no_catch_all_class() -> None:
    from sympy import Atom, Basic, Expr
    from sympy import Function as FunctionClass
    from sympy.core.function import Application

    assert not {Basic, Expr, Atom, FunctionClass, Application} & set(CONSTRUCTS)


@pytest.mark.parametrize("name", ["\\input{x}", "a}b", "é", "x^{\\par}", "\\\\"])
def test_a_name_from_anywhere_is_never_typeset_as_written(name: str) -> None:
    for expr in (Symbol(name), Function(name)(Symbol("x"))):
        tex = to_latex(expr)
        commands = set(re.findall(r"\\[A-Za-z]+|\\.", tex))
        assert commands <= {r"\texttt", r"\operatorname", r"\left", r"\right"}, tex
        assert _balanced(tex), tex


def _balanced(tex: str) -> bool:
    depth = 0
    for char in tex:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def test_an_unknown_construct_is_shown_verbatim() -> None:
    from sympy import Lambda

    tex = to_latex(Lambda(Symbol("x"), Symbol("\\input{y}")))
    assert tex.startswith(r"\texttt{") and "\\input" not in tex


def test_what_the_reader_cannot_read_is_shown_verbatim() -> None:
    assert math_latex(r"\input{x} + 1") == r"\texttt{{\char92}input{\char123}x{\char125} + 1}"


def test_exit_status_and_stderr_name_the_steps_not_proved(tmp_path: Path, capsys) -> None:
    post = tmp_path / "post.md"
    post.write_text("$$ x + 1 = x + 2 $$\n\n$$ y + y = 2 y $$\n", encoding="utf-8")
    out = tmp_path / "out.tex"
    assert main(["latex", str(post), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert f"{post}:1:" in err and "refuted" in err and "1 step typeset is not proved" in err
    assert main(["latex", str(post), "-o", str(out), "--strict"]) == 1
    assert out.exists()  # written all the same
