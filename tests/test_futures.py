"""torch.futures against torch: results, exceptions, then / done callbacks, collect_all,
wait_all, completion twice, and waiting across threads."""
import threading

import pytest

import ember

torch = pytest.importorskip("torch")


def _outcome(fn):
    try:
        return ("ok", fn())
    except Exception as e:      # noqa: BLE001 - compared with torch's
        return (type(e).__name__, str(e).split("\n")[0])


def _scenario(lib):
    F = lib.futures.Future
    out = []
    f = F()
    g = f.then(lambda fut: fut.wait() * 2)
    out.append(f.done())
    f.set_result(3)
    out += [f.done(), f.wait(), f.value(), g.wait()]
    out.append(_outcome(lambda: f.set_result(4)))
    h = F()
    h.set_exception(ValueError("bad"))
    out += [_outcome(h.wait), _outcome(h.value), h.then(lambda fut: 1).wait()]
    m = F()
    n = m.then(lambda fut: 1 / 0)
    m.set_result(1)
    out.append(_outcome(n.wait))
    a, b = F(), F()
    c = lib.futures.collect_all([a, b])
    a.set_result(1)
    out.append(c.done())
    b.set_result(2)
    out += [c.done(), [x.wait() for x in c.wait()], lib.futures.wait_all([a, b])]
    out.append(_outcome(lambda: lib.futures.wait_all([a, h])))
    seen = []
    p = F()
    p.add_done_callback(lambda fut: seen.append(fut.value()))
    p.set_result(5)
    p.add_done_callback(lambda fut: seen.append(fut.value() + 1))
    out.append(seen)
    out.append(_outcome(lambda: F().set_exception(3)))
    return out


def test_future_semantics_match_torch():
    assert _scenario(ember) == _scenario(torch)


def test_wait_blocks_until_another_thread_completes():
    f = ember.futures.Future()
    t = threading.Thread(target=lambda: f.set_result(ember.ones(2)))
    t.start()
    assert f.wait().tolist() == [1.0, 1.0]
    t.join()
