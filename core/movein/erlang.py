"""Erlang C (M/M/c): the textbook cross-check for the simulation."""
from __future__ import annotations

import math


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
