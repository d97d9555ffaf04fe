r"""Names the prose gives to derivatives: "we write $dW$ for $\frac{\partial J}{\partial W}$",
"where $\delta^l$ denotes $\partial C / \partial z^l$".

Code-style gradient names (``dZ^{[2]}``, ``dW``) and error names (``\delta^l``) are usually
introduced in words, two pieces of inline math apart. Read as nothing, the display that later
gives the name a formula (``dW = \frac{1}{m} dZ X^T``) looks like a definition and is never
checked; read as the definition ``dW = \partial J / \partial W`` the display becomes the claim
the author makes. Only a derivative on the other side qualifies (a name "for" any other formula
is too loose a reading: "$x$ for $i = 1$"), and only one short name before it.
"""

from __future__ import annotations

import re
from dataclasses import replace

from derive.sources.posts.blocks import Block

# the words between the two pieces of math: "$dW$ for $...$", "$dW$ denotes $...$",
# "$\delta$ stands for $...$", "$dZ$ is shorthand for $...$", "$dZ$ to mean $...$"
_BETWEEN = re.compile(
    r"^\s*(?:,\s*)?(?:for|denotes|stands\s+for|is\s+short(?:hand)?\s+for|is\s+notation\s+for"
    r"|to\s+mean|to\s+denote|means|as\s+shorthand\s+for|as\s+short\s+for)\s*$",
    re.IGNORECASE,
)
_DERIVATIVE = re.compile(r"\\partial|\\nabla")
MAX_NAME = 40  # characters of the named side: a name, not a formula


def named_derivatives(blocks: list[Block], text: str) -> list[Block]:
    """``blocks`` with each pair of inline blocks "$A$ for $B$" (B a derivative, A a short name
    with no relation in it) joined into one inline block ``A = B`` placed at A."""
    out: list[Block] = []
    index = 0
    while index < len(blocks):
        block = blocks[index]
        after = blocks[index + 1] if index + 1 < len(blocks) else None
        if after is not None and _names(block, after, text):
            out.append(_joined(block, after))
            index += 2
            continue
        out.append(block)
        index += 1
    return out


def _names(name: Block, value: Block, text: str) -> bool:
    if not (name.inline and value.inline):
        return False
    if len(name.text) > MAX_NAME or any(sign in name.text for sign in "=<>,"):
        return False
    if "\\partial" in name.text or "\\nabla" in name.text or "=" in value.text:
        return False
    if not _DERIVATIVE.search(value.text):
        return False
    between = text[name.offsets[-1] : value.offsets[0]].strip("$\\()")  # `$`, `\(` `\)`
    return bool(_BETWEEN.match(between))


def _joined(name: Block, value: Block) -> Block:
    """``A = B``: the name's characters where the name is, `` = `` at the value's start."""
    middle = " = "
    offsets = (
        name.offsets[: len(name.text)]
        + (value.offsets[0],) * len(middle)
        + value.offsets[: len(value.text) + 1]
    )
    return replace(name, text=name.text + middle + value.text, offsets=offsets)
