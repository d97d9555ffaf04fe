"""What is differentiated: symbols, layer sizes, the network (eq. (0) and the ReLU layers), the
softmax cross-entropy loss, and its gradients from ``sympy.diff``.

In: sizes (ints or positive integer symbols). Out: SymPy expressions; nothing is checked here.
"""
