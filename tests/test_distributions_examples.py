"""The distributions examples: the VAE's negative ELBO falls on Digits, the REINFORCE example
draws its actions from a Categorical policy, and both plot (or degrade without
matplotlib)."""
import sys

import pytest


@pytest.mark.slow
def test_vae_learns_and_plots(tmp_path):
    pytest.importorskip("matplotlib")
    from ember.examples import vae
    history = vae.main(["--epochs", "3", "--plot", str(tmp_path / "vae.png")])
    assert history["test"][-1] < history["test"][0] - 5
    with open(tmp_path / "vae.png", "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"


def test_curves_without_matplotlib(tmp_path, monkeypatch, capsys):
    from ember.examples import _plot
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    assert _plot.save_curves({"a": [1, 2]}, str(tmp_path / "x.png"), "x", "y") is None
    assert "matplotlib is not installed" in capsys.readouterr().out


def test_reinforce_policy_is_a_categorical(monkeypatch):
    from ember.distributions import Categorical
    from ember.examples import reinforce
    made = []
    monkeypatch.setattr(reinforce, "Categorical",
                        lambda **kw: made.append(1) or Categorical(**kw))
    first, last = reinforce.main(["--episodes", "2", "--max-steps", "20"])
    assert made and first > 0
