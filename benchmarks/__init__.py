"""assemblint's benchmarks: `python -m benchmarks` (see docs/benchmarks.md).

Kept empty on purpose: every measured child process (`python -m benchmarks.child`) imports this
package first, and anything imported here would be charged to assemblint's import phase.
"""
