"""Access decisions side by side: vigie's `decide()`, pycasbin's `enforce()` and Cedar's `is_authorized()`.

Same rules, same request stream, same expected answers, at two sizes: the shipped register and a synthetic
register of ~100,000 (role, processing, kind, category) rules. Every engine compiles the rules into its own
model (see `access_peers.casbin_peer` and `access_peers.cedar_peer` for the encodings) and every answer is
checked against the expected one; a single disagreement aborts the run. Then vigie's audited throughput:
decide + journal entry on SQLite, each answer released once its entry is durable.

    .venv/bin/python bench/access.py            # full run (a few minutes)
    .venv/bin/python bench/access.py --quick    # smoke run

Run on demand; not part of the test suite. The last line is `RESULT access ...`.
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/http.py is named like the standard library's `http` package: look in this folder last, not first.
if sys.path and Path(sys.path[0] or ".").resolve() == Path(__file__).resolve().parent:
    sys.path.append(sys.path.pop(0))

import argparse
import os
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import cedarpy
from access_peers import audited, casbin_peer, cedar_peer
from access_peers.harness import Engine, Figures, measure, timer_floor_ns
from access_peers.world import Population, Request, Rules, build_population, build_stream, rules_of, synthetic_register
from rich.console import Console
from rich.table import Table

from vigie.access import Agent, SubjectState, decide
from vigie.ids import AgentId, SubjectId
from vigie.register import Policy, Register, load_register

SEED = 20240501
ATTESTED_ON = date(2025, 1, 6)
CEDAR_BATCH = 100
GOAL_RATIO = 100.0
GOAL_AUDITED_PER_S = 100_000.0
GOAL_P99_GROWTH = 2.0


@dataclass(frozen=True)
class Options:
    requests: int
    peer_requests: int
    samples: int
    rules: int
    budget_s: float


@dataclass(frozen=True)
class Size:
    label: str
    register: Register
    rules: Rules
    policy: Policy
    compile_s: float  # Policy.compile
    synthetic_share: float  # share of the requests on synthetic roles and processings


def compiled(label: str, register: Register, synthetic_share: float) -> Size:
    start = time.perf_counter()
    policy = Policy.compile(register)
    return Size(label, register, rules_of(register), policy, time.perf_counter() - start, synthetic_share)


@dataclass
class Row:
    engine: str
    encoding: str
    model: str  # what the engine holds: rules, lines, policies
    compile_s: float
    figures: Figures


@dataclass
class SizeResult:
    size: Size
    stream: list[Request]
    agents: dict[str, Agent]
    subjects: dict[int, SubjectState]
    rows: list[Row] = field(default_factory=list)

    def row(self, engine: str) -> Row:
        return next(r for r in self.rows if r.engine == engine)

    def best(self, prefix: str) -> Row:
        return max((r for r in self.rows if r.engine.startswith(prefix)), key=lambda r: r.figures.per_s)


# --- engines -------------------------------------------------------------------------------------------------


def vigie_objects(rules: Rules, population: Population) -> tuple[dict[str, Agent], dict[int, SubjectState]]:
    """vigie's `Agent` and `SubjectState`, built once per distinct agent and subject."""
    agents = {
        a.id: Agent(AgentId(a.id), a.organisation, frozenset(a.roles), ATTESTED_ON if a.attested else None)
        for a in population.agents
    }
    consents = frozenset(rules.consent_processings)  # consent given to every consent-based processing
    subjects = {
        s.id: SubjectState(SubjectId(s.id), s.kind, s.organisation, consents=consents) for s in population.subjects()
    }
    return agents, subjects


def vigie_engine(
    policy: Policy, agents: dict[str, Agent], subjects: dict[int, SubjectState], stream: Sequence[Request]
) -> Engine:
    args = [(policy, agents[r.agent.id], subjects[r.subject.id], r.purpose, (r.category,)) for r in stream]
    encoding = (
        "Policy.compile(register): role -> processings and (processing, kind) -> categories as frozensets "
        "in dicts; Agent/SubjectState built once; decide() checks every rule, restriction/objection/consent "
        "included"
    )
    return Engine("vigie decide()", encoding, decide, args, lambda d: d.allowed)


def casbin_engine(rules: Rules, population: Population, stream: Sequence[Request], fast: bool) -> tuple[Engine, str]:
    enforcer, lines = casbin_peer.build_enforcer(rules, population.agents, fast)
    name = "casbin FastEnforcer" if fast else "casbin Enforcer"
    encoding = (
        "RBAC with domains: p = (processing|kind|category, role) per rule; g = (agent, role, organisation or * for a "
        "national role, keyMatch domains); g2 = (agent, secrecy_attested); request (obj, agent, subject's "
        "organisation); "
        + (
            "FastEnforcer(cache_key_order=[0]) narrows the p lines on obj"
            if fast
            else "Enforcer evaluates the matcher line by line"
        )
    )
    engine = Engine(name, encoding, enforcer.enforce, casbin_peer.request_args(stream), bool)
    return engine, f"{lines:,} p lines"


def cedar_engine(
    rules: Rules, population: Population, stream: Sequence[Request], encoding: str, batch: bool
) -> tuple[Engine, str]:
    policies, entities, count = cedar_peer.build(rules, population.agents, encoding)
    requests = cedar_peer.request_args(stream)
    model = f"{count:,} {'policy' if count == 1 else 'policies'}, {len(entities):,} entities"

    def allowed(result: Any) -> bool:
        return bool(result.allowed)

    if batch:
        chunks = [(requests[i : i + CEDAR_BATCH], policies, entities) for i in range(0, len(requests), CEDAR_BATCH)]
        name = f"cedar {encoding}, batch of {CEDAR_BATCH}"
        description = f"as 'cedar {encoding}', through is_authorized_batch, {CEDAR_BATCH} requests per call"
        return Engine(name, description, cedarpy.is_authorized_batch, chunks, allowed, per_call=CEDAR_BATCH), model
    description = (
        "one permit per (role, processing): principal in Role, resource in Processing, when attested (and same "
        "organisation unless the role is national); Use entities per (processing, kind, category)"
        if encoding == "policies"
        else "one permit; rules as entity data: Role in the Processings it serves (and in Anywhere::p if national), "
        "Use entities carry their processing; membership looked up in Cedar's transitive closure"
    ) + "; pre-parsed PolicySet and Entities, context pre-serialised"
    args = [(request, policies, entities) for request in requests]
    return Engine(f"cedar {encoding}", description, cedarpy.is_authorized, args, allowed), model


def _timed(build: Callable[[], tuple[Engine, str]]) -> tuple[Engine, str, float]:
    start = time.perf_counter()
    engine, model = build()
    return engine, model, time.perf_counter() - start


def run_size(size: Size, options: Options, console: Console) -> SizeResult:
    rng = random.Random(SEED)
    population = build_population(size.rules, rng)
    stream = build_stream(size.rules, population, options.requests, SEED + 1, size.synthetic_share)
    peer_stream = stream[: options.peer_requests]
    agents, subjects = vigie_objects(size.rules, population)
    result = SizeResult(size, stream, agents, subjects)
    rule_count = size.rules.rule_count()

    console.print(
        f"[bold]{size.label}[/]: {rule_count:,} rules, {len(population.agents):,} agents, "
        f"{len(subjects):,} subjects, {len(stream):,} requests ({len(peer_stream):,} for the peers)"
    )
    vigie = vigie_engine(size.policy, agents, subjects, stream)
    figures = measure(vigie, stream, size.label, options.requests, options.samples, max(60.0, options.budget_s))
    result.rows.append(Row(vigie.name, vigie.encoding, f"{rule_count:,} rules", size.compile_s, figures))
    console.print(f"  {vigie.name}: {figures.per_s:,.0f}/s")

    builders: list[Callable[[], tuple[Engine, str]]] = [
        lambda: casbin_engine(size.rules, population, peer_stream, fast=False),
        lambda: casbin_engine(size.rules, population, peer_stream, fast=True),
        lambda: cedar_engine(size.rules, population, peer_stream, "policies", batch=False),
        lambda: cedar_engine(size.rules, population, peer_stream, "graph", batch=False),
        lambda: cedar_engine(size.rules, population, peer_stream, "graph", batch=True),
    ]
    for build in builders:
        engine, model, compile_s = _timed(build)
        figures = measure(engine, peer_stream, size.label, options.peer_requests, options.samples, options.budget_s)
        result.rows.append(Row(engine.name, engine.encoding, model, compile_s, figures))
        console.print(f"  {engine.name}: {figures.per_s:,.0f}/s over {figures.decisions:,} decisions")
        del engine
    return result


# --- report --------------------------------------------------------------------------------------------------


def _n(value: float | None, digits: int = 0) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def results_table(results: Sequence[SizeResult]) -> Table:
    table = Table(title="Access decisions: same rules, same stream, same expected answers")
    for column, justify in (
        ("size", "left"),
        ("engine", "left"),
        ("model", "left"),
        ("compile s", "right"),
        ("decisions", "right"),
        ("decisions/s", "right"),
        ("timed calls", "right"),
        ("median µs", "right"),
        ("p99 µs", "right"),
        ("vigie ×", "right"),
    ):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for result in results:
        vigie = result.row("vigie decide()").figures.per_s
        for i, row in enumerate(result.rows):
            f = row.figures
            table.add_row(
                result.size.label if i == 0 else "",
                row.engine,
                row.model,
                _n(row.compile_s, 2),
                _n(f.decisions),
                _n(f.per_s),
                _n(f.samples) if f.samples else "—",
                _n(f.median_us, 2),
                _n(f.p99_us, 2),
                "—" if row.engine.startswith("vigie") else f"{vigie / f.per_s:,.1f}",
                end_section=i == len(result.rows) - 1,
            )
    return table


def encodings(result: SizeResult) -> str:
    lines = ["How each engine holds the policy (details in bench/access_peers/):"]
    lines += [f"  {row.engine}: {row.encoding}" for row in result.rows]
    return "\n".join(lines)


def goals_table(
    small: SizeResult, large: SizeResult, audited_per_s: float | None, overlapped_per_s: float | None
) -> tuple[Table, dict[str, Any]]:
    vigie, vigie_large = small.row("vigie decide()").figures, large.row("vigie decide()").figures
    casbin, cedar = small.best("casbin"), small.best("cedar")
    casbin_large, cedar_large = large.best("casbin"), large.best("cedar")
    figures = {
        "vs_casbin": vigie.per_s / casbin.figures.per_s,
        "vs_cedar": vigie.per_s / cedar.figures.per_s,
        "vs_casbin_100k": vigie_large.per_s / casbin_large.figures.per_s,
        "vs_cedar_100k": vigie_large.per_s / cedar_large.figures.per_s,
        "p99_growth": (vigie_large.p99_us or 0) / (vigie.p99_us or 1),
    }
    table = Table(title="Goals")
    for column in ("goal", "measured", "met"):
        table.add_column(column)

    def add(goal: str, measured: str, met: bool | None) -> None:
        table.add_row(goal, measured, "—" if met is None else ("[green]yes[/]" if met else "[red]no[/]"))

    for label, key, peer in (
        ("casbin", "vs_casbin", casbin),
        ("Cedar", "vs_cedar", cedar),
        ("casbin", "vs_casbin_100k", casbin_large),
        ("Cedar", "vs_cedar_100k", cedar_large),
    ):
        where = "100k rules" if key.endswith("100k") else "register"
        add(
            f"vigie ≥ {GOAL_RATIO:.0f}× {label} ({where}; fastest: {peer.engine})",
            f"{figures[key]:,.1f}×",
            figures[key] >= GOAL_RATIO,
        )
    measured = (
        "not measured"
        if audited_per_s is None
        else (f"{audited_per_s:,.0f}/s (in-process writer thread, overlapped: {overlapped_per_s or 0:,.0f}/s)")
    )
    add(
        f"audited ≥ {GOAL_AUDITED_PER_S:,.0f} decisions/s on SQLite (writer process, answers released when durable)",
        measured,
        None if audited_per_s is None else audited_per_s >= GOAL_AUDITED_PER_S,
    )
    add(
        f"vigie p99 at 100k rules ≤ {GOAL_P99_GROWTH:.0f}× p99 at the register's size",
        f"{vigie_large.p99_us:.2f} µs vs {vigie.p99_us:.2f} µs ({figures['p99_growth']:.2f}×)",
        figures["p99_growth"] <= GOAL_P99_GROWTH,
    )
    return table, figures


def _grouping(seconds: float | None) -> str:
    return "formed while the writer is busy (idle commit)" if seconds is None else f"or {seconds * 1000:.0f} ms"


def audited_line(run: audited.Audited) -> str:
    pipeline = (
        "strict: each window waits for its receipt"
        if run.depth == 1
        else (f"overlapped: {run.depth} windows in flight, each released once durable")
    )
    where = "writer thread" if run.writer == "thread" else "writer process (ProcessJournal)"
    return (
        f"audited, {where}, {pipeline}: [bold]{run.per_s:,.0f} decisions/s[/] over {run.decisions:,} "
        f"(SQLite WAL, windows of {audited.WINDOW}, groups of ≤{audited.GROUP_ENTRIES} "
        f"{_grouping(audited.GROUP_SECONDS)}); "
        f"{run.journal_rows:,} entries stored, chain {'verified' if run.verified else 'NOT verified'}; "
        f"deciding+submitting {run.submit_s / run.decisions * 1e6:.1f} µs/decision, waiting for receipts "
        f"{run.wait_s / run.decisions * 1e6:.1f} µs/decision"
    )


def _options() -> Options:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=200_000, help="requests in vigie's stream (default 200,000)")
    parser.add_argument(
        "--peer-requests", type=int, default=20_000, help="prefix of the stream the peers decide (default 20,000)"
    )
    parser.add_argument("--samples", type=int, default=20_000, help="calls timed one by one (default 20,000)")
    parser.add_argument("--rules", type=int, default=100_000, help="rules of the synthetic register (default 100,000)")
    parser.add_argument(
        "--budget",
        type=float,
        default=15.0,
        help="seconds per peer for its throughput pass, and again for its latency sample (default 15)",
    )
    parser.add_argument("--quick", action="store_true", help="a fast smoke run (small streams, short budgets)")
    args = parser.parse_args()
    if args.quick:
        return Options(
            min(args.requests, 20_000),
            min(args.peer_requests, 2_000),
            min(args.samples, 2_000),
            args.rules,
            min(args.budget, 2.0),
        )
    return Options(args.requests, min(args.peer_requests, args.requests), args.samples, args.rules, args.budget)


def main() -> None:
    options = _options()
    console = Console() if sys.stdout.isatty() else Console(width=190)
    register = load_register()
    large_register = synthetic_register(register, options.rules)
    sizes = [compiled("register", register, 0.0), compiled(f"{options.rules // 1000}k rules", large_register, 0.5)]
    load_at_start = os.getloadavg()[0]
    floor = timer_floor_ns()
    results = [run_size(size, options, console) for size in sizes]

    audited_per_s: float | None = None
    overlapped_per_s: float | None = None
    processes_per_s: float | None = None
    strict_thread_per_s: float | None = None
    audited_lines: list[str] = []
    why_not = audited.missing()
    if why_not is None:
        small = results[0]
        for writer, depth in (("thread", 1), ("thread", 2), ("process", 1), ("process", 3)):
            run = audited.measure_audited(
                register,
                small.size.policy,
                small.stream,
                small.agents,
                small.subjects,
                depth=depth,
                budget_s=max(30.0, options.budget_s),
                writer=writer,
            )
            if writer == "thread" and depth == 1:
                strict_thread_per_s = run.per_s
            elif writer == "thread":
                overlapped_per_s = run.per_s
            elif depth > 1:
                audited_per_s = run.per_s
            audited_lines.append(audited_line(run))
        small = results[0]
        multi = audited.measure_audited_processes(
            register,
            small.size.policy,
            small.stream,
            small.agents,
            small.subjects,
            processes=2,
            budget_s=max(30.0, options.budget_s),
        )
        processes_per_s = multi.per_s
        audited_lines.append(
            f"audited, {multi.processes} service processes on one SQLite journal (strict windows each): "
            f"[bold]{multi.per_s:,.0f} decisions/s[/] over {multi.decisions:,}; {multi.journal_rows:,} entries "
            f"stored, one chain, {'verified' if multi.verified else 'NOT verified'}"
        )
    else:
        audited_lines.append(f"audited throughput NOT MEASURED: {why_not}")

    console.print(results_table(results))
    console.print(encodings(results[0]))
    console.print(
        f"Per-call timings include the two clock reads around each call (median {floor} ns). "
        f"'vigie ×' is vigie's decisions/s over the engine's. Batch rows have no per-call latency. "
        f"Load average at start {load_at_start:.2f}, at end {os.getloadavg()[0]:.2f} "
        f"on {os.cpu_count()} CPUs (other work on the machine skews every figure)."
    )
    for line in audited_lines:
        console.print(line)
    goals, figures = goals_table(results[0], results[1], audited_per_s, overlapped_per_s)
    console.print(goals)
    vigie, vigie_large = results[0].row("vigie decide()").figures, results[1].row("vigie decide()").figures
    print(
        f"RESULT access decisions_per_s={vigie.per_s:.0f} "
        f"audited_per_s={'nan' if audited_per_s is None else f'{audited_per_s:.0f}'} "
        f"audited_strict_thread_per_s={'nan' if strict_thread_per_s is None else f'{strict_thread_per_s:.0f}'} "
        f"audited_2proc_per_s={'nan' if processes_per_s is None else f'{processes_per_s:.0f}'} "
        f"vs_casbin={figures['vs_casbin']:.1f} vs_cedar={figures['vs_cedar']:.1f} "
        f"p99_us={vigie.p99_us:.2f} p99_100k_us={vigie_large.p99_us:.2f} "
        f"casbin_per_s={results[0].best('casbin').figures.per_s:.0f} "
        f"cedar_per_s={results[0].best('cedar').figures.per_s:.0f}"
    )


if __name__ == "__main__":
    main()
