"""Exit codes, the same for every command: 0 all good (every step proved, every file current),
1 a step refuted or undecided (or a generated file stale), 2 bad usage, with a one-line error;
141 (128 + SIGPIPE, as a command the signal ends) when the reader of stdout went away."""

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
EXIT_PIPE = 141
