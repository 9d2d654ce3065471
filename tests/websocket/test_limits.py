"""OKX's connection limit kept on this side: at most 3 attempts in any second."""

from __future__ import annotations

import logging
import threading

import pytest

from okx_v5.websocket.limits import ConnectGate, RequestBudget


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_three_attempts_go_at_once_and_the_fourth_waits_for_the_window() -> None:
    clock = Clock()
    gate = ConnectGate(3, 1.0, clock)
    assert [gate.reserve() for _ in range(3)] == [0.0, 0.0, 0.0]
    assert gate.reserve() == 1.0
    assert gate.reserve() == 1.0
    clock.now += 0.5
    assert gate.reserve() == 0.5  # the third slot of the next second
    assert gate.reserve() == 1.5


def test_slots_free_up_once_their_window_has_passed() -> None:
    clock = Clock()
    gate = ConnectGate(3, 1.0, clock)
    for _ in range(3):
        gate.reserve()
    clock.now += 1.0
    assert gate.reserve() == 0.0


def test_a_wait_for_a_connection_slot_over_a_second_is_logged_at_info(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="okx_v5")
    gate = ConnectGate(3, 1.1, Clock())
    waits = [gate.reserve("/ws/v5/public") for _ in range(7)]
    assert waits == pytest.approx([0.0, 0.0, 0.0, 1.1, 1.1, 1.1, 2.2])
    lines = [(r.name, r.levelno, r.getMessage()) for r in caplog.records]
    info = "/ws/v5/public: waiting %s s for the limit of 3 connection requests per 1.1 s"
    assert lines == [
        *[("okx_v5.websocket", logging.INFO, info % "1.10")] * 3,
        ("okx_v5.websocket", logging.INFO, info % "2.20"),
    ]


def test_a_wait_for_a_connection_slot_of_a_second_or_less_is_not_logged_at_info(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="okx_v5")
    gate = ConnectGate(3, 1.0, Clock())
    assert [gate.reserve("/ws/v5/public") for _ in range(4)][-1] == 1.0
    assert caplog.records == []


def test_no_second_ever_holds_more_than_the_limit_across_threads() -> None:
    clock = Clock()
    gate = ConnectGate(3, 1.0, clock)
    times: list[float] = []
    lock = threading.Lock()

    def book() -> None:
        for _ in range(25):
            start = clock.now + gate.reserve()
            with lock:
                times.append(start)

    threads = [threading.Thread(target=book) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    times.sort()
    assert len(times) == 200
    assert all(times[i + 3] - times[i] >= 1.0 for i in range(len(times) - 3))


def test_the_request_budget_counts_down_and_recovers_after_the_window() -> None:
    clock = Clock()
    budget = RequestBudget(2, 3600.0, clock)
    budget.spend()
    budget.spend()
    assert budget.left() == 0
    clock.now += 3600.0
    assert budget.left() == 2
