"""The C allocator told to keep the memory a run frees, for the next array to reuse.

A check of a million masses makes and drops hundreds of arrays of 8–30 MB. glibc's malloc gives
each array over its mmap threshold (128 KiB, rising to at most 32 MiB) fresh pages from the
kernel and hands them back on `free`, so the next array of the same size faults every 4 KiB page
in again, zeroed by the kernel. On the 2-CPU machine of docs/benchmarks.md, the check of two dies
of 1,000,000 CSV bumps spent 2.3 s of its 5.4 s in the kernel doing that; with freed memory kept
in the heap it spends 0.9 s, and its peak grows by about 10 % (1.04 → 1.15 GB).

Only the `assemblint` command does this, once at start: a program that imports assemblint owns
its own process and its allocator. Where the C library is not glibc (musl, macOS, Windows) or the
user already tuned malloc through the environment, nothing changes.
"""

from __future__ import annotations

import ctypes
import os
import sys

M_TRIM_THRESHOLD = -1  # glibc's <malloc.h>: free memory at the heap's top kept before returning it
M_MMAP_THRESHOLD = -3  # allocations at least this large get their own mapping
KEEP = 1 << 30  # 1 GiB: mallopt takes an int, so at most 2**31 - 1
USER_TUNING = ("GLIBC_TUNABLES", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_")


def keep_freed_memory() -> bool:
    """Tell glibc to serve arrays up to 1 GiB from the heap and keep up to 1 GiB freed; True if done."""
    if not sys.platform.startswith("linux") or any(name in os.environ for name in USER_TUNING):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # no C library to load, or one without mallopt (musl)
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, KEEP)) and bool(mallopt(M_TRIM_THRESHOLD, KEEP))
