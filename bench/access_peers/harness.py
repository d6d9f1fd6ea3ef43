"""Timing: one harness for every engine, so that the loop, the arguments and the checks are the same for all.

An engine is a callable and one prepared argument tuple per request (built before timing, as vigie's
`Agent` and `SubjectState` objects are built once); `allowed` turns its answer into a bool for the check.
Throughput runs the stream in a list comprehension, under a time budget for slow peers, and every answer
is checked against the expected one afterwards: a single disagreement aborts the run. Latency times each
call with `perf_counter_ns` over a sample, after a warm-up. As `timeit` does, the cyclic garbage collector is
paused during both passes, for every engine: the throughput pass keeps every answer for the check, and
collecting a young generation that keeps growing with them would charge the engines for the harness.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from access_peers.world import Request


class Disagreement(SystemExit):
    """An engine answered differently from the expected answer: the comparison would be meaningless."""


@dataclass
class Engine:
    """`call(*args[i])` decides request i; a batch engine decides `per_call` requests per call."""

    name: str
    encoding: str
    call: Callable[..., Any]
    args: Sequence[tuple[Any, ...]]
    allowed: Callable[[Any], bool]
    per_call: int = 1

    def answers(self, results: list[Any]) -> list[bool]:
        if self.per_call == 1:
            return [self.allowed(r) for r in results]
        return [self.allowed(r) for batch in results for r in batch]


@dataclass(frozen=True)
class Figures:
    decisions: int  # decisions in the throughput pass (checked against the expected answers)
    per_s: float
    samples: int  # calls timed one by one
    median_us: float | None
    p99_us: float | None


def check(engine: Engine, answers: list[bool], stream: Sequence[Request], size: str) -> None:
    """Abort loudly on any answer that differs from the expected one."""
    wrong = [(i, a) for i, (a, r) in enumerate(zip(answers, stream, strict=False)) if a != r.expected]
    if not wrong:
        return
    lines = [
        f"DISAGREEMENT: {engine.name} ({size}) differs from the expected answer on {len(wrong)} of "
        f"{len(answers)} requests; the first ones:"
    ]
    for i, answer in wrong[:5]:
        r = stream[i]
        lines.append(
            f"  #{i}: agent {r.agent} subject {r.subject} purpose {r.purpose!r} category {r.category!r}: "
            f"expected {r.expected} ({r.why or 'allowed'}), got {answer}"
        )
    raise Disagreement("\n".join(lines))


@contextmanager
def _collector_paused() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _throughput(engine: Engine, limit: int, budget_s: float) -> tuple[list[Any], float]:
    call, args = engine.call, engine.args[:limit]
    results: list[Any] = []
    done, chunk, elapsed = 0, 1, 0.0
    start = time.perf_counter()
    while done < len(args):
        part = args[done : done + chunk]
        results += [call(*a) for a in part]
        done += len(part)
        elapsed = time.perf_counter() - start
        if elapsed > budget_s:
            break
        # Grow the chunks at most twofold, so that a few cheap first calls cannot commit a slow engine to a
        # chunk far past its budget; the clock is read between chunks only, never around each call.
        chunk = max(1, min(4096, 2 * chunk, int((budget_s - elapsed) / (elapsed / done) / 2)))
    return results, elapsed


def _latencies(engine: Engine, samples: int, budget_s: float) -> list[int]:
    call, args, clock = engine.call, engine.args, time.perf_counter_ns
    n = len(args)
    timings: list[int] = []
    deadline = clock() + int(budget_s * 1e9)
    for i in range(samples):
        a = args[i % n]
        t0 = clock()
        call(*a)
        t1 = clock()
        timings.append(t1 - t0)
        if t1 > deadline:
            break
    return timings


def timer_floor_ns() -> int:
    """The cost of the two clock reads around each timed call (the median of an empty measurement)."""
    clock = time.perf_counter_ns
    empty = []
    for _ in range(20_000):
        t0 = clock()
        t1 = clock()
        empty.append(t1 - t0)
    return int(statistics.median(empty))


def measure(engine: Engine, stream: Sequence[Request], size: str, limit: int, samples: int, budget_s: float) -> Figures:
    """Warm up, run the throughput pass (checked), then time calls one by one (for non-batch engines)."""
    warm = engine.args[: min(len(engine.args), 1000 if engine.per_call == 1 else 10)]
    deadline = time.perf_counter() + budget_s / 10
    for a in warm:
        engine.call(*a)
        if time.perf_counter() > deadline:
            break
    with _collector_paused():
        results, elapsed = _throughput(engine, max(1, limit // engine.per_call), budget_s)
    answers = engine.answers(results)
    check(engine, answers, stream, size)
    per_s = len(answers) / elapsed if elapsed else float("inf")
    if engine.per_call != 1:
        return Figures(len(answers), per_s, 0, None, None)
    with _collector_paused():
        timings = _latencies(engine, samples, budget_s)
    cut = sorted(timings)
    p99 = cut[min(len(cut) - 1, int(len(cut) * 0.99))]
    return Figures(len(answers), per_s, len(cut), statistics.median(cut) / 1000, p99 / 1000)
