"""Running the same work in many threads at once, for the concurrency tests (real threads, each
with its own PostgreSQL connection)."""

from __future__ import annotations

import threading

from django.db import connections


def run_in_threads(count: int, work, *, max_connections: int = 30, timeout: float = 300) -> list:
    """Run ``work(i)`` in ``count`` threads released together; returns what each returned or raised.

    At most ``max_connections`` threads hold a database connection at a time: the development
    server allows 100 and parallel test runs share them. That still puts many transactions on the
    same rows at the same moment.
    """
    barrier = threading.Barrier(count)
    connection_slots = threading.BoundedSemaphore(max_connections)
    results: list = [None] * count

    def run(i: int) -> None:
        barrier.wait()
        with connection_slots:
            try:
                results[i] = work(i)
            except Exception as exc:  # the test inspects whatever each thread got
                results[i] = exc
            finally:
                connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results
