"""The trivial task of bench/tasks_bench.py (a module of its own: workers import tasks by path)."""

from django.tasks import task


@task()
def noop(i: int) -> int:
    return i
