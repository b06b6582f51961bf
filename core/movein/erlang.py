"""Erlang C (M/M/c) and M/M/c/K: the textbook cross-checks for the simulation."""
from __future__ import annotations

import math
from dataclasses import dataclass


def erlang_c(arrival_rate: float, service_rate: float, servers: int) -> float:
    """Probability that an arrival has to wait. 1.0 when the queue is unstable."""
    if servers <= 0:
        raise ValueError("servers must be positive")
    a = arrival_rate / service_rate  # offered load in erlangs
    if a >= servers:
        return 1.0
    # Iterative Erlang B, then C from B: stable for large c.
    b = 1.0
    for k in range(1, servers + 1):
        b = a * b / (k + a * b)
    rho = a / servers
    return b / (1 - rho + rho * b)


def mean_wait(arrival_rate: float, service_rate: float, servers: int) -> float:
    """Mean time in queue (same unit as 1/rate); infinite when unstable."""
    if arrival_rate / service_rate >= servers:
        return math.inf
    return erlang_c(arrival_rate, service_rate, servers) / (servers * service_rate - arrival_rate)


def wait_percentile(arrival_rate: float, service_rate: float, servers: int, q: float = 0.9) -> float:
    """The q-quantile of the waiting time: P(W > t) = C · exp(-(cμ-λ)t)."""
    if arrival_rate / service_rate >= servers:
        return math.inf
    c = erlang_c(arrival_rate, service_rate, servers)
    if c <= 1 - q:
        return 0.0
    return math.log(c / (1 - q)) / (servers * service_rate - arrival_rate)


def least_servers(arrival_rate: float, service_rate: float, max_wait: float, q: float = 0.9,
                  limit: int = 200) -> int:
    """Fewest servers whose q-quantile wait stays within max_wait."""
    c = max(1, math.floor(arrival_rate / service_rate) + 1)
    while c <= limit:
        if wait_percentile(arrival_rate, service_rate, c, q) <= max_wait:
            return c
        c += 1
    return limit


# ---------------------------------------------------------------- a finite waiting room: M/M/c/K

@dataclass(frozen=True)
class FiniteQueue:
    """M/M/c/K: c servers and room for K in all (in service or waiting); the rest are turned away."""
    p_full: float           # an arrival finds the room full (and is turned away)
    p_wait: float           # an arrival gets in but has to wait
    mean_queue: float       # people waiting, on average
    mean_wait: float        # minutes waited by those who get in (same unit as 1/rate)


def mmck(arrival_rate: float, service_rate: float, servers: int, capacity: int) -> FiniteQueue:
    """Steady state of M/M/c/K from its birth-death probabilities: p_n ∝ a^n/n! up to c, then
    a^c/c! · ρ^(n-c) up to K (a = λ/μ, ρ = a/c). Unlike Erlang C it is stable at any load: the
    room fills up instead of the queue growing without end."""
    if servers <= 0 or capacity < servers:
        raise ValueError("need 0 < servers <= capacity")
    a = arrival_rate / service_rate
    rho = a / servers
    weights = [1.0]
    for n in range(1, capacity + 1):
        weights.append(weights[-1] * (a / n if n <= servers else rho))
    total = sum(weights)
    p = [w / total for w in weights]
    lq = sum((n - servers) * p[n] for n in range(servers + 1, capacity + 1))
    admitted = arrival_rate * (1 - p[capacity])
    return FiniteQueue(p_full=p[capacity], p_wait=sum(p[servers:capacity]), mean_queue=lq,
                       mean_wait=lq / admitted if admitted > 0 else 0.0)
