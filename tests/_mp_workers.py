"""Functions run in child processes by tests/test_multiprocessing.py (importable by spawn)."""
import sys


def fill(i, t):
    t[i] = i + 1


def fail_on_one(i):
    if i == 1:
        raise ValueError("boom")


def exit_three(i):
    sys.exit(3)


def double_and_reply(i, inbox, outbox):
    t = inbox.get()
    t.mul_(2)
    reply = t + 1
    outbox.put(reply)
