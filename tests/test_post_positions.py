"""LINE:COL of every step is the position of its '=' in the original file, exactly: display math
mid-paragraph, in block quotes and list items, fences, amsmath environments, TeX; columns count
characters, not bytes."""

from __future__ import annotations

import pytest
from post_support import read

from derive.sources.posts.blocks import markdown_blocks, tex_blocks


def _positions(text: str, kind: str = "md") -> list[tuple[int, int]]:
    return [(i.line, i.column) for i in read(text, kind).items]


def _at(text: str, line: int, column: int) -> str:
    return text.splitlines()[line - 1][column - 1]


CASES = [
    ("Intro text $$x + x = 2x$$ and more.\n", [(1, 20)]),
    ("para\nline two $$\n2 y = y + y\n$$ tail\n", [(3, 5)]),
    ("> quoted\n>\n> $$\n> 2 q = q + q\n> $$\n", [(4, 7)]),
    ("- item\n\n  $$\n  2 u = u + u\n  $$\n", [(4, 7)]),
    ("```math\n2 v = v + v\n```\n", [(2, 5)]),
    ("\\[\n6 = 2 \\cdot 3\n\\]\n", [(2, 3)]),
    ("héllo wörld $$ 2 é = é + é $$\n", [(1, 20)]),
    ("\\begin{align}\np &= 1 + 1 \\\\\n  &= 2\n\\end{align}\n", [(2, 4), (3, 4)]),
    (
        "$$\n\\begin{align*}\nf &= (x+1)^2 \\\\\n"
        "  &= x^2 + 2x + 1 \\\\\n&=   x^2+2x+1\n\\end{align*}\n$$",
        [(3, 4), (4, 4), (5, 2)],  # a definition, then two claims
    ),
    ("a $$1 + 1 = 2$$ b $$2 + 2 = 4$$ c\n", [(1, 11), (1, 27)]),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_markdown_positions_point_at_the_equals_sign(text: str, expected) -> None:
    found = _positions(text)
    assert found == expected
    assert all(_at(text, line, column) == "=" for line, column in found)


def test_tex_positions_in_environments_and_brackets() -> None:
    text = (
        "\\documentclass{article}\n\\begin{document}\nText % comment $$ no = math $$\n"
        "\\begin{align}\n  f &= 1 + 1 \\\\\n    &= 2\n\\end{align}\n"
        "\\[ 3 = 1 + 2 \\]\n$$ 4 = 2 + 2 $$\nInline $5 = 2+3$.\n"
        "\\begin{equation}\n  6 = 3 \\cdot 2 \\label{eq:six}\n\\end{equation}\n\\end{document}\n"
    )
    found = _positions(text, "tex")
    assert found == [(5, 6), (6, 6), (8, 6), (9, 6), (12, 5)]
    assert all(_at(text, line, column) == "=" for line, column in found)


def test_an_unreadable_row_points_at_its_equals_sign_and_names_where_reading_stopped() -> None:
    text = "$$\n\\begin{align*}\na &= relu(x) \\\\\n  &= max(0, x \\\\\nb &= 1\n\\end{align*}\n$$"
    (item,) = [i for i in read(text).items if i.status != "not a claim"]
    assert (item.line, item.column) == (4, 4) and item.status == "cannot read"
    assert "(at 4:9)" in item.message  # the '(' that is never closed


def test_math_in_code_and_comments_is_not_math() -> None:
    text = "`$$ 1 = 2 $$`\n\n```\n$$ 1 = 2 $$\n```\n\n<!-- $$ 1 = 2 $$ -->\n\n$$ 2 = 1 + 1 $$\n"
    assert _positions(text) == [(9, 6)]


def test_dollar_amounts_are_not_math() -> None:
    blocks, _ = markdown_blocks("It costs $5 and $10.\n\n$$ 1 = 1 $$\n")
    assert [b.text.strip() for b in blocks] == ["1 = 1"]


def test_inline_math_is_found_but_marked_inline() -> None:
    blocks, _ = markdown_blocks("Text $x = 1$ and $$ y = 2 $$ here.\n")
    assert [(b.text.strip(), b.inline) for b in blocks] == [("x = 1", True), ("y = 2", False)]
    blocks, _ = tex_blocks("Text $x = 1$ and \\[ y = 2 \\]\n")
    assert [(b.text.strip(), b.inline) for b in blocks] == [("x = 1", True), ("y = 2", False)]


def test_block_offsets_map_every_character_to_the_file() -> None:
    text = "> quote\n> $$\n> a + b\n> = c\n> $$\n"
    (block,), _ = markdown_blocks(text)
    for index, character in enumerate(block.text):
        if character != "\n":
            assert text[block.offset(index)] == character


def test_declaration_blocks_are_found_in_both_formats() -> None:
    _, (block,) = markdown_blocks('x\n\n<!-- derive\n[symbols]\nt = "real"\n-->\n')
    assert block.text.strip() == '[symbols]\nt = "real"'
    _, (block,) = tex_blocks('% derive\n% [symbols]\n% t = "real"\n\\[ x = 1 \\]\n')
    assert block.text.split() == ["[symbols]", "t", "=", '"real"']
    _, found = markdown_blocks("<!-- a comment -->\n")
    assert found == []
