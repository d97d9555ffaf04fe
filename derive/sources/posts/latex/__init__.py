"""The LaTeX math reader for the notation of ML derivations: a vocabulary of commands and
functions, a tokenizer, rows of aligned displays, a Lark LALR grammar, and a transformer into
the syntax tree of ``nodes`` (positions kept). Nothing is evaluated here; ``posts.build`` turns
the tree into SymPy objects."""
