"""An event-by-event SimPy model of one move-in day, written independently of core.movein.simulation
(which computes the same day station by station, for many replications at once). Given the same
dice, both must give the same times; the tests pin the fast one to this one."""
from __future__ import annotations

import math

import simpy


def simpy_day(arrivals, service, staff, seats=10**9, come_back=False):
    """arrivals[i] (inf: a no-show), service[i][k] in minutes. Returns (start[i][k] or None,
    finish[i][k] or None, turned away set)."""
    env = simpy.Environment()
    desks = [simpy.Resource(env, capacity=c) for c in staff]
    n, k = len(arrivals), len(staff)
    start = [[None] * k for _ in range(n)]
    finish = [[None] * k for _ in range(n)]
    waiting = [0]
    turned = set()

    def household(i):
        yield env.timeout(arrivals[i])
        for s, desk in enumerate(desks):
            req = desk.request()
            must_wait = not req.triggered
            if s == 0 and come_back and must_wait and waiting[0] >= seats:
                req.cancel()
                turned.add(i)
                return
            if must_wait:
                waiting[0] += 1
            yield req
            if must_wait:
                waiting[0] -= 1
            start[i][s] = env.now
            yield env.timeout(service[i][s])
            finish[i][s] = env.now
            desk.release(req)

    for i in range(n):
        if math.isfinite(arrivals[i]):
            env.process(household(i))
    env.run()
    return start, finish, turned


def peak_waiting(arrivals, start, finish):
    """Most households waiting at once, by a plain sweep; someone leaving a queue at the instant
    another joins one goes first."""
    events = []
    for i, row in enumerate(start):
        reached = arrivals[i]
        for s, began in enumerate(row):
            if began is None:
                break
            if began > reached + 1e-9:
                events.append((reached, 1))
                events.append((began, -1))
            reached = finish[i][s]
    level = peak = 0
    for _, d in sorted(events, key=lambda e: (e[0], e[1])):
        level += d
        peak = max(peak, level)
    return peak
