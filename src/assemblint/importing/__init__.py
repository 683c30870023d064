"""Design data from the tools engineers already use (STACK.md §6): 3DBlox stacks and bump maps.

Each reader turns another tool's files into plain data (numpy arrays and small dataclasses) that
the builder makes into the model, never into `.assy` text: a bump map of a million rows reads in
about the time `json.load` takes for the same rows. Every malformed input is an ImportProblem with
the file, line and column, never a traceback and never a half-read design.
"""
