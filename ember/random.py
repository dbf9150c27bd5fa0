"""torch.random: the default generator's seed and state."""
from ._ops.random import (Generator, default_generator, manual_seed, seed, initial_seed,
                          get_rng_state, set_rng_state, fork_rng)

__all__ = ["Generator", "default_generator", "manual_seed", "seed", "initial_seed",
           "get_rng_state", "set_rng_state", "fork_rng"]
