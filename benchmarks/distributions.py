"""torch.distributions on a batch of 4096: Normal.log_prob, Categorical.sample and
MultivariateNormal.rsample (float32), in calls per second."""
from .harness import Workload

BATCH = 4096


def _normal(lib):
    gen = lib.Generator().manual_seed(0)
    loc = lib.randn(BATCH, generator=gen)
    d = lib.distributions.Normal(loc, lib.rand(BATCH, generator=gen) + 0.5)
    return d, lib.randn(BATCH, generator=gen)


def _categorical(lib):
    gen = lib.Generator().manual_seed(1)
    return lib.distributions.Categorical(logits=lib.randn(BATCH, 10, generator=gen))


def _mvn(lib):
    gen = lib.Generator().manual_seed(2)
    a = lib.randn(4, 4, generator=gen)
    cov = a @ a.T + 4 * lib.eye(4)
    return lib.distributions.MultivariateNormal(lib.randn(BATCH, 4, generator=gen),
                                                covariance_matrix=cov)


def normal_log_prob(state):
    d, x = state
    d.log_prob(x)


def categorical_sample(d):
    d.sample()


def mvn_rsample(d):
    d.rsample()


WORKLOADS = [
    Workload("distributions_normal_log_prob", f"Normal.log_prob, batch {BATCH}", _normal,
             normal_log_prob, calls=500, unit="calls/s"),
    Workload("distributions_categorical_sample", f"Categorical.sample, batch {BATCH} x 10",
             _categorical, categorical_sample, calls=300, unit="calls/s"),
    Workload("distributions_mvn_rsample", f"MultivariateNormal.rsample, batch {BATCH} x 4",
             _mvn, mvn_rsample, calls=300, unit="calls/s"),
]
