"""torch.multiprocessing: spawn (arguments shared, exceptions and exit codes propagated with
torch's messages), Process and Queue passing tensors through shared memory."""
import pytest

import ember
import ember.multiprocessing as emp

from tests import _mp_workers as W

torch = pytest.importorskip("torch")


def test_share_memory_and_is_shared_match_torch():
    for lib in (ember, torch):
        t = lib.arange(6.).reshape(2, 3)
        assert not t.is_shared()
        assert t.share_memory_() is t and t.is_shared() and t[1].is_shared()
        assert t.tolist() == [[0., 1., 2.], [3., 4., 5.]]


@pytest.mark.slow
@pytest.mark.parametrize("join", [True, False])
def test_spawn_shares_tensor_arguments(join):
    t = ember.zeros(2)
    context = emp.spawn(W.fill, args=(t,), nprocs=2, join=join)
    if not join:
        assert len(context.pids()) == 2
        while not context.join():
            pass
    assert t.tolist() == [1.0, 2.0]


def _error(lib, fn, nprocs):
    with pytest.raises(Exception) as info:
        lib.multiprocessing.spawn(fn, nprocs=nprocs)
    e = info.value
    first = str(e).strip().splitlines()
    return type(e).__name__, first[0], first[-1], e.error_index, getattr(e, "exit_code", None)


@pytest.mark.slow
@pytest.mark.parametrize("fn,nprocs", [(W.fail_on_one, 2), (W.exit_three, 1)])
def test_spawn_errors_match_torch(fn, nprocs):
    import torch.multiprocessing  # noqa: F401
    assert _error(ember, fn, nprocs) == _error(torch, fn, nprocs)


@pytest.mark.slow
def test_process_and_queue_share_tensors():
    ctx = emp.get_context("spawn")
    inbox, outbox = ctx.Queue(), ctx.Queue()
    t = ember.ones(3)
    p = ctx.Process(target=W.double_and_reply, args=(0, inbox, outbox))
    p.start()
    inbox.put(t)
    reply = outbox.get(timeout=60)
    p.join(60)
    assert p.exitcode == 0
    assert t.tolist() == [2.0, 2.0, 2.0]          # the child wrote into our memory
    assert reply.tolist() == [3.0, 3.0, 3.0] and reply.is_shared()


def test_non_leaf_tensor_refused_like_torch():
    msgs = []
    for lib in (ember, torch):
        x = lib.ones(2, requires_grad=True) * 2
        q = lib.multiprocessing.get_context("spawn").SimpleQueue()
        with pytest.raises(RuntimeError) as info:
            q.put(x)
        msgs.append(str(info.value))
    assert msgs[0] == msgs[1]


def test_module_names():
    assert emp.Queue is not None and emp.Process is not None
    assert emp.get_sharing_strategy() in emp.get_all_sharing_strategies()
    for name in ("spawn", "Process", "Queue", "get_context", "set_start_method",
                 "ProcessRaisedException", "ProcessExitedException"):
        assert hasattr(emp, name) and hasattr(torch.multiprocessing, name)
