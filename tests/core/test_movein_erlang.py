"""Erlang C (M/M/c) and M/M/c/K, the planner's cross-checks of the simulation: published values,
hand-worked cases, the wait formulas, unstable queues and the least number of staff that meets a
target."""
import math

import pytest

from core.movein.erlang import erlang_c, least_servers, mean_wait, mmck, wait_percentile


def erlang_c_direct(a: float, c: int) -> float:
    """Textbook closed form, written independently of the module's Erlang B recursion:
    C(c, A) = [A^c/c! · c/(c-A)] / [Σ_{k<c} A^k/k! + A^c/c! · c/(c-A)], in logarithms so that
    large halls (A^c beyond a float) work too."""
    def log_term(k):
        return k * math.log(a) - math.lgamma(k + 1)
    logs = [log_term(k) for k in range(c)] + [log_term(c) + math.log(c / (c - a))]
    peak = max(logs)
    weights = [math.exp(v - peak) for v in logs]
    return weights[-1] / sum(weights)


# Erlang C table values (probability of waiting) for offered load A erlangs and c agents, as printed
# in the standard Erlang C tables of call-centre planning texts; the A = 10 row reads 11 → 0.682,
# 12 → 0.449, 13 → 0.285, 14 → 0.174, 15 → 0.102 (not 0.0995: the closed form below confirms 0.1020).
# A = 2, c = 3 is 4/9 by hand: P0 = 1/(1 + 2 + 2 + 4) = 1/9 and P(wait) = (2³/3!)·(3/1)·P0.
PUBLISHED = [
    (2, 3, 0.4444),
    (1, 2, 0.3333),
    (10, 11, 0.6821),
    (10, 12, 0.4494),
    (10, 13, 0.2853),
    (10, 14, 0.1741),
    (10, 15, 0.1020),
    (20, 25, 0.2091),
]


@pytest.mark.parametrize("a, c, expected", PUBLISHED)
def test_probability_of_waiting_matches_published_tables(a, c, expected):
    assert erlang_c_direct(a, c) == pytest.approx(expected, abs=5e-5)   # the table itself is right
    assert erlang_c(a, 1.0, c) == pytest.approx(expected, abs=5e-5)
    # Only the load matters: 10 arrivals a minute at 1 a minute is the same queue as 1 at 0.1.
    assert erlang_c(a * 0.1, 0.1, c) == pytest.approx(expected, abs=5e-5)


@pytest.mark.parametrize("a, c", [(0.5, 1), (3.7, 5), (13.6, 16), (45.0, 50), (95.0, 100), (140.0, 150)])
def test_recursion_agrees_with_the_closed_form_also_for_large_halls(a, c):
    assert erlang_c(a, 1.0, c) == pytest.approx(erlang_c_direct(a, c), rel=1e-9)


def test_single_server_waits_with_probability_rho():
    # M/M/1: P(wait) = ρ, mean wait in queue = ρ / (μ - λ)
    assert erlang_c(0.3, 0.5, 1) == pytest.approx(0.6)
    assert mean_wait(0.3, 0.5, 1) == pytest.approx(0.6 / 0.2)


def test_more_staff_never_makes_waiting_more_likely():
    probabilities = [erlang_c(10, 1, c) for c in range(11, 30)]
    assert all(a > b for a, b in zip(probabilities, probabilities[1:]))
    assert probabilities[-1] < 1e-4


def test_mean_wait_is_probability_over_spare_capacity():
    # A = 2 erlangs, c = 3, μ = 1 a minute: Wq = C / (cμ - λ) = (4/9) / 1
    assert mean_wait(2.0, 1.0, 3) == pytest.approx(4 / 9)
    # the seed's walk-through: 40 min each, 0.3 households a minute, 16 escorts
    lam, mu, c = 0.3, 1 / 40, 16
    assert mean_wait(lam, mu, c) == pytest.approx(erlang_c_direct(lam / mu, c) / (c * mu - lam))


@pytest.mark.parametrize("q", [0.5, 0.8, 0.9, 0.95])
def test_wait_percentile_is_the_quantile_of_the_waiting_time(q):
    lam, mu, c = 2.0, 1.0, 3
    t = wait_percentile(lam, mu, c, q)
    # P(W > t) = C · exp(-(cμ - λ) t) must equal 1 - q at the quantile
    tail = erlang_c(lam, mu, c) * math.exp(-(c * mu - lam) * t)
    if t > 0:
        assert tail == pytest.approx(1 - q)
    else:
        assert erlang_c(lam, mu, c) <= 1 - q


def test_wait_percentile_published_example():
    # A = 2, c = 3, μ = 1: 90th percentile = ln((4/9) / 0.1) / 1 ≈ 1.4917 minutes
    assert wait_percentile(2.0, 1.0, 3, 0.9) == pytest.approx(math.log(40 / 9), abs=1e-9)
    assert wait_percentile(2.0, 1.0, 3, 0.9) == pytest.approx(1.4917, abs=1e-4)


def test_percentile_is_zero_when_most_people_do_not_wait():
    # C(10 erlangs, 15) ≈ 0.102 > 0.1, C(10, 16) < 0.1: nine in ten are served at once
    assert wait_percentile(10, 1, 15, 0.9) > 0
    assert wait_percentile(10, 1, 16, 0.9) == 0.0
    assert mean_wait(10, 1, 16) > 0      # but the mean still counts the few who wait


@pytest.mark.parametrize("lam, mu, c", [(3.0, 1.0, 3), (4.0, 1.0, 3), (0.5, 1 / 40, 8), (1.0, 0.1, 10)])
def test_overloaded_station_waits_forever(lam, mu, c):
    """A ≥ c: the queue grows without end. The planner must see 'impossible', not a number."""
    assert erlang_c(lam, mu, c) == 1.0
    assert mean_wait(lam, mu, c) == math.inf
    assert wait_percentile(lam, mu, c, 0.9) == math.inf


def test_zero_servers_is_an_error_not_a_number():
    with pytest.raises(ValueError):
        erlang_c(1.0, 1.0, 0)


@pytest.mark.parametrize("lam, mu, target, q", [
    (2.0, 1.0, 0.5, 0.9),
    (10.0, 1.0, 0.0, 0.9),
    (150 * 0.95 / 420, 1 / 40, 15.0, 0.9),    # the weekend walk-through
    (80 * 0.95 / 420, 1 / 5, 15.0, 0.9),      # weekday documents desk
    (0.01, 1.0, 0.0, 0.9),                     # almost nobody: one person is enough
])
def test_least_servers_meets_the_target_and_one_less_does_not(lam, mu, target, q):
    c = least_servers(lam, mu, target, q)
    assert wait_percentile(lam, mu, c, q) <= target
    if c > 1:
        assert wait_percentile(lam, mu, c - 1, q) > target


def test_least_servers_for_the_seed_example():
    # 10 erlangs with nine in ten served at once needs 16 (C(10, 15) ≈ 0.102 is just above 0.1)
    assert least_servers(10.0, 1.0, 0.0, 0.9) == 16
    # allowing 2 minutes, 11 will do (their 90th percentile is 1.92 minutes)
    assert least_servers(10.0, 1.0, 2.0, 0.9) == 11
    # the seed's weekend day: 150 households (5 % no-shows) over 7 booking hours, 40-minute
    # walk-throughs, 15 minutes target: A = 13.6 erlangs needs 17 escorts in steady state
    assert least_servers(150 * 0.95 / 420, 1 / 40, 15.0) == 17


# --- M/M/c/K: a station with a finite waiting room ---------------------------------------------

def test_mm1k_matches_its_closed_form():
    """M/M/1/K: P(full) = (1 - ρ) ρ^K / (1 - ρ^(K+1)). λ = 1, μ = 2, K = 3: 0.5 · 0.125 / 0.9375 = 1/15."""
    q = mmck(1.0, 2.0, 1, 3)
    assert q.p_full == pytest.approx(1 / 15)
    for rho, k in [(0.3, 1), (0.8, 5), (0.95, 10), (1.5, 4)]:
        assert mmck(rho, 1.0, 1, k).p_full == pytest.approx((1 - rho) * rho ** k / (1 - rho ** (k + 1)))


def test_mm2_3_worked_by_hand():
    """λ = μ = 1, two servers, room for three. Unnormalised p_n: 1, a = 1, a²/2 = 1/2, then
    (a²/2)·ρ = 1/4 for the one waiting place; total 11/4. So P(full) = 1/11, P(wait) = p_2 = 2/11,
    Lq = 1 · p_3 = 1/11, λ_eff = 10/11 and Wq = Lq / λ_eff = 0.1."""
    q = mmck(1.0, 1.0, 2, 3)
    assert q.p_full == pytest.approx(1 / 11)
    assert q.p_wait == pytest.approx(2 / 11)
    assert q.mean_queue == pytest.approx(1 / 11)
    assert q.mean_wait == pytest.approx(0.1)


def test_a_large_room_is_erlang_c():
    """With room enough nobody is turned away, and the wait is Erlang C's."""
    lam, mu, c = 0.3, 1 / 40, 16
    q = mmck(lam, mu, c, c + 400)
    assert q.p_full < 1e-12
    assert q.mean_wait == pytest.approx(mean_wait(lam, mu, c), rel=1e-6)
    assert q.p_wait == pytest.approx(erlang_c(lam, mu, c), rel=1e-6)


def test_a_full_room_turns_people_away_even_when_overloaded():
    """Where Erlang C says "waits for ever", M/M/c/K gives a number: the room fills up."""
    q = mmck(4.0, 1.0, 3, 3 + 40)
    assert 0.2 < q.p_full < 0.3                 # about a quarter of arrivals find it full (1 - c/a)
    assert q.mean_queue < 40
    with pytest.raises(ValueError):
        mmck(1.0, 1.0, 2, 1)
