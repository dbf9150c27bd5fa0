"""``torch.quasirandom.SobolEngine``: Ember's points equal PyTorch's value for value, scrambled
(seeded) or not, through draw / fast_forward / reset / draw_base2, in float32 and float64."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")
pytest.importorskip("scipy")     # the direction numbers come from SciPy's table


def _engines(dim, scramble, seed):
    return (ember.quasirandom.SobolEngine(dim, scramble=scramble, seed=seed),
            torch.quasirandom.SobolEngine(dim, scramble=scramble, seed=seed))


@pytest.mark.parametrize("dim,scramble,seed", [(1, False, None), (3, False, None), (3, True, 1),
                                               (7, True, 12345), (1, True, 0), (64, True, 5),
                                               (300, False, None)])
@pytest.mark.parametrize("dtype", [None, "float64", "float32"])
def test_points_match_torch(dim, scramble, seed, dtype):
    e, t = _engines(dim, scramble, seed)
    ek = {} if dtype is None else {"dtype": getattr(ember, dtype)}
    tk = {} if dtype is None else {"dtype": getattr(torch, dtype)}
    steps = [("draw", 1), ("draw", 5), ("draw", 3), ("fast_forward", 4), ("draw", 6),
             ("reset", None), ("fast_forward", 3), ("draw", 2), ("draw", 1)]
    for what, n in steps:
        if what == "draw":
            a, b = e.draw(n, **ek), t.draw(n, **tk)
            assert str(a.dtype) == str(b.dtype)
            np.testing.assert_array_equal(a.numpy(), b.numpy())
        elif what == "reset":
            e.reset(), t.reset()
        else:
            getattr(e, what)(n), getattr(t, what)(n)
        assert e.num_generated == t.num_generated
    np.testing.assert_array_equal(e.quasi.numpy(), t.quasi.numpy())
    np.testing.assert_array_equal(e.sobolstate.numpy(), t.sobolstate.numpy())
    assert repr(e) == repr(t)


def test_largest_dimension_state():
    e = ember.quasirandom.SobolEngine(21201)
    t = torch.quasirandom.SobolEngine(21201)
    np.testing.assert_array_equal(e.sobolstate.numpy(), t.sobolstate.numpy())


def test_draw_base2_and_out():
    e, t = _engines(4, True, 2)
    np.testing.assert_array_equal(e.draw_base2(3).numpy(), t.draw_base2(3).numpy())
    eo, to = ember.empty(0), torch.empty(0)
    assert e.draw(8, out=eo) is eo and t.draw(8, out=to) is to
    np.testing.assert_array_equal(eo.numpy(), to.numpy())
    msgs = []
    for eng in (e, t):
        with pytest.raises(ValueError) as err:
            eng.draw_base2(2)
        msgs.append(str(err.value))
    assert msgs[0] == msgs[1]


@pytest.mark.parametrize("dim", [0, 21202])
def test_bad_dimension(dim):
    msgs = []
    for lib in (ember, torch):
        with pytest.raises(ValueError) as err:
            lib.quasirandom.SobolEngine(dim)
        msgs.append(str(err.value))
    assert msgs[0] == msgs[1]


def test_unseeded_scramble_differs_between_engines():
    a = ember.quasirandom.SobolEngine(3, scramble=True).draw(4)
    b = ember.quasirandom.SobolEngine(3, scramble=True).draw(4)
    assert not np.array_equal(a.numpy(), b.numpy())
