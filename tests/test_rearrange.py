"""``torch.func.rearrange`` (einops patterns) against torch's."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

PATTERNS = [
    ("b c h w -> b (c h w)", {}), ("b c (h1 h2) w -> b h1 c h2 w", {"h1": 2}),
    ("b c (h w) x -> (w b) c h x", {"w": 4}), ("b ... -> ... b", {}), ("... w -> w ...", {}),
    ("b c ... -> b (c ...)", {}), ("b ... w -> w b ...", {}), ("b c h w -> b c h w ()", {}),
    ("b c h w -> b c h w 1", {}), ("a b c d -> d c b a", {}),
    ("(a b) c h w -> a (c b) h w", {"b": 1}),
    ("b c h w -> (h b) (w c)", {}), ("b c (h w) x -> b c h w x", {"h": 2, "w": 2}),
]


@pytest.mark.parametrize("pattern, lengths", PATTERNS)
def test_patterns_match_torch(pattern, lengths):
    data = np.arange(2 * 3 * 4 * 5).reshape(2, 3, 4, 5)
    got = ember.func.rearrange(ember.tensor(data), pattern, **lengths)
    expected = torch.func.rearrange(torch.tensor(data), pattern, **lengths)
    assert tuple(got.shape) == tuple(expected.shape) and got.tolist() == expected.tolist()


def test_lists_are_stacked_and_gradients_flow():
    data = np.random.default_rng(0).standard_normal((2, 3, 4))
    results = []
    for mod in (ember, torch):
        parts = [mod.tensor(data, requires_grad=True) for _ in range(2)]
        out = mod.func.rearrange(parts, "n b c h -> b (n h) c")
        (out * mod.arange(float(out.numel())).reshape(out.shape)).sum().backward()
        results.append([out.tolist(), parts[1].grad.tolist()])
    assert results[0] == results[1]


def test_bad_patterns():
    x = ember.zeros(2, 3, 4)
    with pytest.raises(ValueError, match=r"Identifiers only on one side of rearrange expression "
                                         r"\(should be on both\)"):
        ember.func.rearrange(x, "b c h -> c")
    with pytest.raises(Exception, match="inferred dimension does not evenly fit into larger "
                                        r"dimension: 4 vs \(3, '\?'\)"):
        ember.func.rearrange(x, "b c (h1 h2) -> b h1 c h2", h1=3)
    for bad in ("b c h", "b c (h -> b c h", "b (c (h)) -> b c h", "b c h -> b c h h"):
        with pytest.raises(ValueError):
            ember.func.rearrange(x, bad)
