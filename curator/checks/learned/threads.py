"""Torch threads while a learned grader encodes: this process's share of the cores (curator.child.cores), so an
encode beside a training child or other work runs on one thread instead of spin-waiting on two."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def encoding_threads() -> Iterator[int]:
    """Set torch's threads in the calling thread to this process's share for the block, then put them back.
    A registered child (the training child) already follows its share; it is left as it is."""
    import torch  # loaded already: only an encoder calls this

    from curator.child import cores

    if cores.rebalance() is not None:
        yield torch.get_num_threads()
        return
    share = cores.CoreShare(0)
    before = torch.get_num_threads()
    try:
        threads = share.current()
        torch.set_num_threads(threads)
        yield threads
    finally:
        torch.set_num_threads(before)
        share.release()
