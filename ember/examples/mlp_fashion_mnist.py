"""The MLP on FashionMNIST: the same program as :mod:`ember.examples.quickstart` (which falls
back to the embedded Digits when FashionMNIST is absent), under the seed's name.

    python -m ember.examples.mlp_fashion_mnist [--data DIR] [--download] [--epochs N]
"""
from .quickstart import main

if __name__ == "__main__":
    main()
