"""DataLoader throughput on an in-memory MNIST-sized dataset (60,000 x 28 x 28 uint8).

The per-sample transform is ToTensor + Normalize written with tensor ops (no torchvision), batch
64, ``num_workers`` 0 and 2; one call is one epoch.
"""
import functools

import numpy as np

from .harness import Workload

SAMPLES = 60000
BATCH = 64


@functools.lru_cache(maxsize=None)
def _arrays(samples):
    rng = np.random.default_rng(0)
    return (rng.integers(0, 256, (samples, 28, 28), dtype=np.uint8),
            rng.integers(0, 10, samples))


def make_dataset(lib, images, labels):
    """The same map-style dataset class for either library."""

    class InMemoryMNIST(lib.utils.data.Dataset):
        def __len__(self):
            return len(images)

        def __getitem__(self, i):
            x = lib.from_numpy(images[i]).to(lib.float32).div(255.0).unsqueeze(0)
            return (x - 0.1307) / 0.3081, int(labels[i])

    return InMemoryMNIST()


def setup(lib, workers, samples=SAMPLES):
    dataset = make_dataset(lib, *_arrays(samples))
    return lib.utils.data.DataLoader(dataset, batch_size=BATCH, num_workers=workers)


def epoch(loader):
    for _ in loader:
        pass


WORKLOADS = [
    Workload(f"dataloader_w{w}", f"DataLoader 60k x 28x28, batch 64, num_workers={w}",
             functools.partial(setup, workers=w), epoch, calls=1, unit="samples/s",
             scale=lambda loader: len(loader.dataset),
             quick_setup=functools.partial(setup, workers=w, samples=4 * BATCH))
    for w in (0, 2)
]
