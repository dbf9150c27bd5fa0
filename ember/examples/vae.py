"""A variational autoencoder (Kingma & Welling, 2014) on the embedded 8x8 Digits images.

The encoder gives q(z | x) = Normal(mu, sigma) over a small latent space; a sample drawn with
``rsample`` (the reparameterisation trick: z = mu + sigma * eps) lets the gradient of the ELBO
flow into the encoder.  Pixels are grey levels in [0, 1], so the decoder's likelihood is a
``ContinuousBernoulli`` (a proper density on the unit interval), and the KL term to the
standard-normal prior is ``kl_divergence``.

    python -m ember.examples.vae [--epochs N] [--latent D] [--plot curves.png]
"""
import numpy as np

import ember as torch
from ember import nn
from ember.distributions import ContinuousBernoulli, Independent, Normal, kl_divergence
from ember.utils.data import DataLoader, TensorDataset

from ._common import command_line, progress
from ._plot import save_curves


class VAE(nn.Module):
    def __init__(self, pixels=64, hidden=128, latent=4):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(pixels, hidden), nn.ReLU(),
                                     nn.Linear(hidden, 2 * latent))
        self.decoder = nn.Sequential(nn.Linear(latent, hidden), nn.ReLU(),
                                     nn.Linear(hidden, pixels))

    def posterior(self, x):
        mu, log_sigma = self.encoder(x).chunk(2, dim=-1)
        return Independent(Normal(mu, log_sigma.exp()), 1)

    def likelihood(self, z):
        return Independent(ContinuousBernoulli(logits=self.decoder(z)), 1)

    def negative_elbo(self, x):
        """Mean over the batch of -E_q[log p(x | z)] + KL(q(z | x) || p(z)), in nats."""
        q = self.posterior(x)
        z = q.rsample()
        prior = Independent(Normal(torch.zeros_like(z), torch.ones_like(z)), 1)
        return (kl_divergence(q, prior) - self.likelihood(z).log_prob(x)).mean()


def digits_pixels(train):
    from ember.vision import datasets
    ds = datasets.Digits(train=train)
    pixels = np.asarray(ds.data, dtype=np.float32).reshape(len(ds.data), -1) / 16.0
    return TensorDataset(torch.from_numpy(pixels))


def main(argv=None):
    args = command_line("vae", argv, {"epochs": 30, "latent": 4, "batch-size": 64, "lr": 3e-3},
                        plot="write the train/test loss curves to this PNG")
    train = DataLoader(digits_pixels(True), batch_size=args.batch_size, shuffle=True)
    test = digits_pixels(False).tensors[0]
    model = VAE(latent=args.latent)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    history = {"train": [], "test": []}
    bar = progress(range(1, args.epochs + 1), total=args.epochs, desc="epochs")
    for epoch in bar:
        model.train()
        total = 0.0
        for (x,) in train:
            loss = model.negative_elbo(x)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(x)
        model.eval()
        with torch.no_grad():
            test_loss = model.negative_elbo(test).item()
        history["train"].append(total / len(train.dataset))
        history["test"].append(test_loss)
        bar.set_postfix(train=f"{history['train'][-1]:.2f}", test=f"{test_loss:.2f}")
    print(f"negative ELBO (nats per image): train {history['train'][0]:.2f} -> "
          f"{history['train'][-1]:.2f}, test {history['test'][0]:.2f} -> "
          f"{history['test'][-1]:.2f}")
    if args.plot:
        save_curves(history, args.plot, "epoch", "negative ELBO (nats)", "VAE on Digits")
    return history


if __name__ == "__main__":
    main()
