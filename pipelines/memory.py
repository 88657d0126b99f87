"""Give the heap a long run no longer uses back to the operating system (no Dagster here).

A run's steps share one process under the in-process executor, and glibc keeps the memory
Python freed in its arenas: after the shard steps about 0.1 GB of free heap stays resident
through the publish, the step that peaks, and the publish leaves some to the review site.
``malloc_trim`` returns it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc


@functools.cache
def _malloc_trim():
    name = ctypes.util.find_library("c")
    libc = ctypes.CDLL(name) if name else None
    return getattr(libc, "malloc_trim", None)  # glibc only: musl and macOS have none


def return_free_heap() -> bool:
    """Collect garbage and return the free heap to the system; whether the C library could."""
    gc.collect()
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
