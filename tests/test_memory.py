"""The server gives freed memory back (issue 14, soak): capped arenas, a frozen warm heap, trimming.

Each case runs in a fresh interpreter: the allocator's settings are per process and the first
thread fixes them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from geo import memory

ROOT = Path(__file__).resolve().parent.parent
glibc = pytest.mark.skipif(memory._libc() is None, reason="glibc's malloc controls (CI runs on Debian)")

ARENAS = """
import ctypes, os, sys, tempfile, threading
from geo import memory
if sys.argv[1] == "tuned":
    memory.tune(every_s=3600)

def work():  # what a script run does: allocate MBs of strings and free them, in its own thread
    for _ in range(20):
        junk = [bytes(4096) for _ in range(2000)]
        del junk

threads = [threading.Thread(target=work) for _ in range(12)]
for t in threads: t.start()
for t in threads: t.join()
libc = ctypes.CDLL(None)
libc.fopen.restype = ctypes.c_void_p
libc.fopen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
libc.fclose.argtypes = [ctypes.c_void_p]
libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
path = tempfile.mktemp()
fp = libc.fopen(path.encode(), b"w"); libc.malloc_info(0, fp); libc.fclose(fp)
print(open(path).read().count("<heap nr="))
os.unlink(path)
"""

TRIM = """
import gc
from geo import memory

def rss_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024

before = rss_mb()
blocks = [bytes(8192) for _ in range(40_000)]  # 320 MB outside pymalloc, in glibc's heap
kept = blocks[::64]  # a few stay: the freed pages between them are not at the heap's top
del blocks
gc.collect()
held = rss_mb()
assert memory.trim()
print(round(before), round(held), round(rss_mb()), len(kept))
"""

FREEZE = """
import gc
from geo import memory
warm = [[i] for i in range(50_000)]
n = memory.freeze()

class Session:
    pass

s = Session(); s.me = s  # a closed session: a reference cycle
del s
print(n >= 50_000, gc.collect() >= 1, gc.get_freeze_count() == n)
"""


def run(code: str, *args: str) -> str:
    out = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.strip().splitlines()[-1]


@glibc
def test_threads_share_two_arenas_once_tuned():
    """Untuned, glibc gives the twelve threads arenas of their own; tuned, at most two in all."""
    untuned, tuned = int(run(ARENAS, "untuned")), int(run(ARENAS, "tuned"))
    assert untuned > 2, untuned
    assert tuned <= memory.ARENAS, tuned


@glibc
def test_trim_returns_the_free_pages_a_freed_heap_keeps():
    before, held, after, kept = (float(x) for x in run(TRIM).split())
    assert kept == 625
    assert held - before > 250, (before, held)  # freed, but glibc kept the pages
    assert after - before < 0.2 * (held - before), (before, held, after)  # trimmed: back to the system


def test_a_frozen_warm_heap_still_lets_new_cycles_be_collected():
    assert run(FREEZE) == "True True True"
