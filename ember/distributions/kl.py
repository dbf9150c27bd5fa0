"""KL(p || q) between distributions: a registry of closed forms keyed by the two types,
dispatched to the most specific registered pair (as torch does)."""
import math
from functools import total_ordering

import ember as torch
from .. import _errors
from .bernoulli import Bernoulli
from .beta import Beta
from .binomial import Binomial
from .categorical import Categorical
from .cauchy import Cauchy
from .continuous_bernoulli import ContinuousBernoulli
from .dirichlet import Dirichlet
from .distribution import Distribution
from .exp_family import ExponentialFamily
from .exponential import Exponential
from .gamma import Gamma
from .geometric import Geometric
from .gumbel import Gumbel
from .half_normal import HalfNormal
from .independent import Independent
from .laplace import Laplace
from .lowrank_multivariate_normal import (LowRankMultivariateNormal, _batch_lowrank_logdet,
                                          _batch_lowrank_mahalanobis)
from .multivariate_normal import MultivariateNormal, _batch_mahalanobis, _half_logdet
from .normal import Normal
from .one_hot_categorical import OneHotCategorical
from .pareto import Pareto
from .poisson import Poisson
from .transformed_distribution import TransformedDistribution
from .uniform import Uniform
from .utils import _sum_rightmost, euler_constant

__all__ = ["register_kl", "kl_divergence"]

_KL_REGISTRY = {}
_KL_MEMOIZE = {}


def register_kl(type_p, type_q):
    """Decorator registering ``fn(p, q)`` as KL(p || q) for instances of the two types.  Like
    torch, any two classes are accepted (another library's distribution classes included)."""
    if not (isinstance(type_p, type) and isinstance(type_q, type)):
        raise _errors.dist_kl_not_a_class()

    def decorator(fun):
        _KL_REGISTRY[type_p, type_q] = fun
        _KL_MEMOIZE.clear()
        return fun
    return decorator


@total_ordering
class _Match:
    """Orders (type_p, type_q) pairs so that the more specific pair sorts first."""
    __slots__ = ["types"]

    def __init__(self, *types):
        self.types = types

    def __eq__(self, other):
        return self.types == other.types

    def __le__(self, other):
        for x, y in zip(self.types, other.types):
            if not issubclass(x, y):
                return False
            if x is not y:
                break
        return True


def _dispatch_kl(type_p, type_q):
    matches = [(super_p, super_q) for super_p, super_q in _KL_REGISTRY
               if issubclass(type_p, super_p) and issubclass(type_q, super_q)]
    if not matches:
        return NotImplemented
    left_p, left_q = min(_Match(*m) for m in matches).types
    right_q, right_p = min(_Match(*reversed(m)) for m in matches).types
    left_fun = _KL_REGISTRY[left_p, left_q]
    right_fun = _KL_REGISTRY[right_p, right_q]
    if left_fun is not right_fun:
        import warnings
        warnings.warn(f"Ambiguous kl_divergence({type_p.__name__}, {type_q.__name__}). Please "
                      f"register_kl({left_p.__name__}, {right_q.__name__})", RuntimeWarning)
    return left_fun


def kl_divergence(p, q):
    """KL(p || q) = E_p[log p(x) - log q(x)], batched."""
    try:
        fun = _KL_MEMOIZE[type(p), type(q)]
    except KeyError:
        fun = _dispatch_kl(type(p), type(q))
        _KL_MEMOIZE[type(p), type(q)] = fun
    if fun is NotImplemented:
        raise _errors.dist_kl_not_implemented(p.__class__.__name__, q.__class__.__name__)
    return fun(p, q)


def _infinite_like(tensor):
    return torch.full_like(tensor, math.inf)


def _x_log_x(tensor):
    return torch.special.xlogy(tensor, tensor)


# ---- same family ---------------------------------------------------------------------------------
@register_kl(Bernoulli, Bernoulli)
def _kl_bernoulli_bernoulli(p, q):
    t1 = p.probs * (torch.nn.functional.softplus(-q.logits)
                    - torch.nn.functional.softplus(-p.logits))
    t1 = torch.where(q.probs == 0, math.inf, t1)
    t1 = torch.where(p.probs == 0, 0.0, t1)
    t2 = (1 - p.probs) * (torch.nn.functional.softplus(q.logits)
                          - torch.nn.functional.softplus(p.logits))
    t2 = torch.where(q.probs == 1, math.inf, t2)
    t2 = torch.where(p.probs == 1, 0.0, t2)
    return t1 + t2


@register_kl(Beta, Beta)
def _kl_beta_beta(p, q):
    sum_p = p.concentration1 + p.concentration0
    sum_q = q.concentration1 + q.concentration0
    t1 = q.concentration1.lgamma() + q.concentration0.lgamma() + sum_p.lgamma()
    t2 = p.concentration1.lgamma() + p.concentration0.lgamma() + sum_q.lgamma()
    t3 = (p.concentration1 - q.concentration1) * torch.digamma(p.concentration1)
    t4 = (p.concentration0 - q.concentration0) * torch.digamma(p.concentration0)
    t5 = (sum_q - sum_p) * torch.digamma(sum_p)
    return t1 - t2 + t3 + t4 + t5


@register_kl(Binomial, Binomial)
def _kl_binomial_binomial(p, q):
    if bool((p.total_count < q.total_count).any()):
        raise NotImplementedError("KL between Binomials where q.total_count > p.total_count "
                                  "is not implemented")
    kl = p.total_count * (p.probs * (p.logits - q.logits) + (-p.probs).log1p()
                          - (-q.probs).log1p())
    return torch.where(p.total_count > q.total_count, math.inf, kl)


@register_kl(Categorical, Categorical)
def _kl_categorical_categorical(p, q):
    t = p.probs * (p.logits - q.logits)
    t = torch.where((q.probs == 0).expand_as(t), math.inf, t)
    t = torch.where((p.probs == 0).expand_as(t), 0.0, t)
    return t.sum(-1)


@register_kl(OneHotCategorical, OneHotCategorical)
def _kl_onehotcategorical_onehotcategorical(p, q):
    return _kl_categorical_categorical(p._categorical, q._categorical)


@register_kl(ContinuousBernoulli, ContinuousBernoulli)
def _kl_continuous_bernoulli_continuous_bernoulli(p, q):
    t1 = p.mean * (p.logits - q.logits)
    t2 = p._cont_bern_log_norm() + torch.log1p(-p.probs)
    t3 = -q._cont_bern_log_norm() - torch.log1p(-q.probs)
    return t1 + t2 + t3


@register_kl(Dirichlet, Dirichlet)
def _kl_dirichlet_dirichlet(p, q):
    sum_p = p.concentration.sum(-1)
    sum_q = q.concentration.sum(-1)
    t1 = sum_p.lgamma() - sum_q.lgamma()
    t2 = (p.concentration.lgamma() - q.concentration.lgamma()).sum(-1)
    t3 = p.concentration - q.concentration
    t4 = p.concentration.digamma() - sum_p.digamma().unsqueeze(-1)
    return t1 - t2 + (t3 * t4).sum(-1)


@register_kl(Exponential, Exponential)
def _kl_exponential_exponential(p, q):
    rate_ratio = q.rate / p.rate
    return rate_ratio - 1 - rate_ratio.log()


@register_kl(ExponentialFamily, ExponentialFamily)
def _kl_expfamily_expfamily(p, q):
    """The Bregman divergence of the log-normaliser, by autograd."""
    if type(p) is not type(q):
        raise NotImplementedError("The cross KL-divergence between different exponential "
                                  "families cannot be computed using Bregman divergences")
    p_nparams = [param.detach().requires_grad_() for param in p._natural_params]
    q_nparams = q._natural_params
    lg_normal = p._log_normalizer(*p_nparams)
    gradients = torch.autograd.grad(lg_normal.sum(), p_nparams, create_graph=True)
    result = q._log_normalizer(*q_nparams) - lg_normal
    for pnp, qnp, g in zip(p_nparams, q_nparams, gradients):
        term = (qnp - pnp) * g
        result = result - _sum_rightmost(term, len(q.event_shape))
    return result


@register_kl(Gamma, Gamma)
def _kl_gamma_gamma(p, q):
    t1 = q.concentration * torch.log(p.rate / q.rate)
    t2 = torch.lgamma(q.concentration) - torch.lgamma(p.concentration)
    t3 = (p.concentration - q.concentration) * torch.digamma(p.concentration)
    t4 = (q.rate - p.rate) * (p.concentration / p.rate)
    return t1 + t2 + t3 + t4


@register_kl(Gumbel, Gumbel)
def _kl_gumbel_gumbel(p, q):
    ct1 = p.scale / q.scale
    ct2 = q.loc / q.scale
    ct3 = p.loc / q.scale
    t1 = -ct1.log() - ct2 + ct3
    t2 = ct1 * euler_constant
    t3 = torch.exp(ct2 + (1 + ct1).lgamma() - ct3)
    return t1 + t2 + t3 - (1 + euler_constant)


@register_kl(Geometric, Geometric)
def _kl_geometric_geometric(p, q):
    return -p.entropy() - torch.log1p(-q.probs) / p.probs - q.logits


@register_kl(Laplace, Laplace)
def _kl_laplace_laplace(p, q):
    scale_ratio = p.scale / q.scale
    loc_abs_diff = (p.loc - q.loc).abs()
    t1 = -scale_ratio.log()
    t2 = loc_abs_diff / q.scale
    t3 = scale_ratio * torch.exp(-loc_abs_diff / p.scale)
    return t1 + t2 + t3 - 1


@register_kl(Normal, Normal)
def _kl_normal_normal(p, q):
    var_ratio = (p.scale / q.scale).pow(2)
    t1 = ((p.loc - q.loc) / q.scale).pow(2)
    return 0.5 * (var_ratio + t1 - 1 - var_ratio.log())


@register_kl(HalfNormal, HalfNormal)
def _kl_halfnormal_halfnormal(p, q):
    return _kl_normal_normal(p.base_dist, q.base_dist)


@register_kl(Pareto, Pareto)
def _kl_pareto_pareto(p, q):
    scale_ratio = p.scale / q.scale
    alpha_ratio = q.alpha / p.alpha
    t1 = q.alpha * scale_ratio.log()
    t2 = -alpha_ratio.log()
    result = t1 + t2 + alpha_ratio - 1
    return torch.where(p.support.lower_bound < q.support.lower_bound, math.inf, result)


@register_kl(Poisson, Poisson)
def _kl_poisson_poisson(p, q):
    return p.rate * (p.rate.log() - q.rate.log()) - (p.rate - q.rate)


@register_kl(TransformedDistribution, TransformedDistribution)
def _kl_transformed_transformed(p, q):
    if p.transforms != q.transforms or p.event_shape != q.event_shape:
        raise NotImplementedError
    return kl_divergence(p.base_dist, q.base_dist)


@register_kl(Uniform, Uniform)
def _kl_uniform_uniform(p, q):
    result = ((q.high - q.low) / (p.high - p.low)).log()
    return torch.where((q.low > p.low) | (q.high < p.high), math.inf, result)


@register_kl(Cauchy, Cauchy)
def _kl_cauchy_cauchy(p, q):
    t1 = ((p.scale + q.scale).pow(2) + (p.loc - q.loc).pow(2)).log()
    t2 = (4 * p.scale * q.scale).log()
    return t1 - t2


@register_kl(Independent, Independent)
def _kl_independent_independent(p, q):
    if p.reinterpreted_batch_ndims != q.reinterpreted_batch_ndims:
        raise NotImplementedError
    result = kl_divergence(p.base_dist, q.base_dist)
    return _sum_rightmost(result, p.reinterpreted_batch_ndims)


# ---- multivariate normals ----------------------------------------------------------------------
def _batch_trace_XXT(bmat):
    """trace(X X^T) over the batch."""
    return bmat.pow(2).reshape(bmat.shape[:-2] + (-1,)).sum(-1)


def _check_event(p, q, what):
    if p.event_shape != q.event_shape:
        raise ValueError(f"KL-divergence between two {what} with different event shapes "
                         "cannot be computed")


@register_kl(MultivariateNormal, MultivariateNormal)
def _kl_multivariatenormal_multivariatenormal(p, q):
    _check_event(p, q, "Multivariate Normals")
    Lq, Lp = q._unbroadcasted_scale_tril, p._unbroadcasted_scale_tril
    half_term1 = _half_logdet(Lq) - _half_logdet(Lp)
    shape = torch.broadcast_shapes(Lq.shape[:-2], Lp.shape[:-2])
    n = p.event_shape[0]
    q_scale_tril = Lq.expand(shape + (n, n))
    p_scale_tril = Lp.expand(shape + (n, n))
    term2 = _batch_trace_XXT(torch.linalg.solve_triangular(q_scale_tril, p_scale_tril,
                                                           upper=False))
    term3 = _batch_mahalanobis(Lq, q.loc - p.loc)
    return half_term1 + 0.5 * (term2 + term3 - n)


def _lowrank_parts(q):
    return q._unbroadcasted_cov_factor, q._unbroadcasted_cov_diag, q._capacitance_tril


def _woodbury_factor(W, D, capacitance_tril):
    """C^-1 W^T D^-1 (C the capacitance's Cholesky factor): Sigma^-1 = D^-1 - A^T A for
    Sigma = W W^T + D."""
    return torch.linalg.solve_triangular(capacitance_tril, W.mT / D.unsqueeze(-2), upper=False)


@register_kl(LowRankMultivariateNormal, LowRankMultivariateNormal)
def _kl_lowrank_lowrank(p, q):
    _check_event(p, q, "Low Rank Multivariate Normals")
    Wq, Dq, Cq = _lowrank_parts(q)
    Wp, Dp, Cp = _lowrank_parts(p)
    term1 = _batch_lowrank_logdet(Wq, Dq, Cq) - _batch_lowrank_logdet(Wp, Dp, Cp)
    term3 = _batch_lowrank_mahalanobis(Wq, Dq, q.loc - p.loc, Cq)
    # trace of Sigma_q^-1 Sigma_p by Woodbury
    A = _woodbury_factor(Wq, Dq, Cq)
    term21 = (Dp / Dq).sum(-1)
    term22 = _batch_trace_XXT(Wp * Dq.rsqrt().unsqueeze(-1))
    term23 = _batch_trace_XXT(A * Dp.sqrt().unsqueeze(-2))
    term24 = _batch_trace_XXT(A.matmul(Wp))
    term2 = term21 + term22 - term23 - term24
    return 0.5 * (term1 + term2 + term3 - p.event_shape[0])


@register_kl(MultivariateNormal, LowRankMultivariateNormal)
def _kl_mvn_lowrank(p, q):
    _check_event(p, q, "(Low Rank) Multivariate Normals")
    Wq, Dq, Cq = _lowrank_parts(q)
    Lp = p._unbroadcasted_scale_tril
    term1 = _batch_lowrank_logdet(Wq, Dq, Cq) - 2 * _half_logdet(Lp)
    term3 = _batch_lowrank_mahalanobis(Wq, Dq, q.loc - p.loc, Cq)
    A = _woodbury_factor(Wq, Dq, Cq)
    term21 = _batch_trace_XXT(Lp * Dq.rsqrt().unsqueeze(-1))
    term22 = _batch_trace_XXT(A.matmul(Lp))
    term2 = term21 - term22
    return 0.5 * (term1 + term2 + term3 - p.event_shape[0])


@register_kl(LowRankMultivariateNormal, MultivariateNormal)
def _kl_lowrank_mvn(p, q):
    _check_event(p, q, "(Low Rank) Multivariate Normals")
    Wp, Dp, Cp = _lowrank_parts(p)
    Lq = q._unbroadcasted_scale_tril
    term1 = 2 * _half_logdet(Lq) - _batch_lowrank_logdet(Wp, Dp, Cp)
    term3 = _batch_mahalanobis(Lq, q.loc - p.loc)
    n, m = p.event_shape[0], Wp.shape[-1]
    shape = torch.broadcast_shapes(Lq.shape[:-2], Wp.shape[:-2])
    q_scale_tril = Lq.expand(shape + (n, n))
    term21 = _batch_trace_XXT(torch.linalg.solve_triangular(
        q_scale_tril, Wp.expand(shape + (n, m)), upper=False))
    term22 = _batch_trace_XXT(torch.linalg.solve_triangular(
        q_scale_tril, torch.diag_embed(Dp.sqrt()).expand(shape + (n, n)), upper=False))
    return 0.5 * (term1 + term21 + term22 + term3 - n)


# ---- different families --------------------------------------------------------------------------
@register_kl(Bernoulli, Poisson)
def _kl_bernoulli_poisson(p, q):
    return -p.entropy() - (p.probs * q.rate.log() - q.rate)


def _expected_log(p):
    """E_p[log x] for the positive distributions that appear as p below."""
    if isinstance(p, Beta):
        return torch.digamma(p.concentration1) - torch.digamma(p.concentration1
                                                               + p.concentration0)
    if isinstance(p, Gamma):
        return torch.digamma(p.concentration) - p.rate.log()
    if isinstance(p, Exponential):
        return -euler_constant - p.rate.log()
    if isinstance(p, Pareto):
        return p.scale.log() + p.alpha.reciprocal()
    return (p.high * p.high.log() - p.low * p.low.log()) / (p.high - p.low) - 1   # Uniform


def _second_moment(p):
    return p.variance + p.mean.pow(2)


def _cross_normal(p, q):
    """-H(p) - E_p[log N(x; loc, scale)] from p's first two moments."""
    var_q = q.scale.pow(2)
    e_sq = _second_moment(p) - 2 * q.loc * p.mean + q.loc.pow(2)
    return -p.entropy() + 0.5 * math.log(2 * math.pi) + q.scale.log() + e_sq / (2 * var_q)


def _cross_exponential(p, q):
    return -p.entropy() - q.rate.log() + q.rate * p.mean


def _cross_gamma(p, q):
    return (-p.entropy() - q.concentration * q.rate.log() + q.concentration.lgamma()
            - (q.concentration - 1) * _expected_log(p) + q.rate * p.mean)


for _p in (Beta, Gamma, Exponential, Uniform, Laplace, Gumbel, ContinuousBernoulli):
    register_kl(_p, Normal)(_cross_normal)
for _p in (Beta, Gamma, Pareto, ContinuousBernoulli):
    register_kl(_p, Exponential)(_cross_exponential)
for _p in (Beta, Exponential, Pareto):
    register_kl(_p, Gamma)(_cross_gamma)


@register_kl(Pareto, Normal)
def _kl_pareto_normal(p, q):
    return torch.where(p.alpha <= 2, math.inf, _cross_normal(p, q))


@register_kl(Pareto, Exponential)
def _kl_pareto_exponential(p, q):
    return torch.where(p.alpha <= 1, math.inf, _cross_exponential(p, q))


@register_kl(Pareto, Gamma)
def _kl_pareto_gamma(p, q):
    return torch.where(p.alpha <= 1, math.inf, _cross_gamma(p, q))


def _kl_support_mismatch(param):
    """KL(p || q) is infinite when p puts mass where q has none."""
    return lambda p, q: _infinite_like(getattr(p, param))


for _p, _qs, _param in (
        (Beta, (Pareto,), "concentration1"),
        (ContinuousBernoulli, (Pareto,), "probs"),
        (Exponential, (Beta, ContinuousBernoulli, Pareto, Uniform), "rate"),
        (Gamma, (Beta, ContinuousBernoulli, Pareto, Uniform), "concentration"),
        (Gumbel, (Beta, ContinuousBernoulli, Exponential, Gamma, Pareto, Uniform), "loc"),
        (Laplace, (Beta, ContinuousBernoulli, Exponential, Gamma, Pareto, Uniform), "loc"),
        (Normal, (Beta, ContinuousBernoulli, Exponential, Gamma, Pareto, Uniform), "loc"),
        (Pareto, (Beta, ContinuousBernoulli, Uniform), "scale"),
        (Poisson, (Bernoulli, Binomial), "rate")):
    for _q in _qs:
        register_kl(_p, _q)(_kl_support_mismatch(_param))


@register_kl(Beta, Uniform)
def _kl_beta_uniform(p, q):
    result = -p.entropy() + (q.high - q.low).log()
    return torch.where((q.low > p.support.lower_bound) | (q.high < p.support.upper_bound),
                       math.inf, result)


@register_kl(Uniform, Exponential)
def _kl_uniform_exponential(p, q):
    result = q.rate * (p.high + p.low) / 2 - ((p.high - p.low) * q.rate).log()
    return torch.where(p.low < q.support.lower_bound, math.inf, result)


@register_kl(Uniform, Gamma)
def _kl_uniform_gamma(p, q):
    result = _cross_gamma(p, q)
    return torch.where(p.low < q.support.lower_bound, math.inf, result)


@register_kl(Uniform, Pareto)
def _kl_uniform_pareto(p, q):
    support_uniform = p.high - p.low
    t = ((q.alpha * q.scale.pow(q.alpha) * support_uniform).log()
         - (q.alpha + 1) * _expected_log(p))
    return torch.where(p.low < q.support.lower_bound, math.inf, -t)


def _gumbel_mgf_term(p, q):
    """E_p[exp(-(x - loc_q) / scale_q)] for the p that have a Gumbel q below."""
    t = -q.scale.reciprocal()
    if isinstance(p, Normal):
        mgf = torch.exp(t * p.loc + 0.5 * (t * p.scale).pow(2))
    elif isinstance(p, Exponential):
        mgf = p.rate / (p.rate - t)
    elif isinstance(p, Gamma):
        mgf = (1 - t / p.rate).pow(-p.concentration)
    else:       # Uniform
        mgf = (torch.exp(t * p.high) - torch.exp(t * p.low)) / (t * (p.high - p.low))
    return mgf * torch.exp(q.loc / q.scale)


def _cross_gumbel(p, q):
    """-H(p) - E_p[log Gumbel(x; loc, scale)]."""
    return (-p.entropy() + q.scale.log() + (p.mean - q.loc) / q.scale
            + _gumbel_mgf_term(p, q))


for _p in (Normal, Exponential, Gamma, Uniform):
    register_kl(_p, Gumbel)(_cross_gumbel)


@register_kl(Normal, Laplace)
def _kl_normal_laplace(p, q):
    """-H(p) + log(2 b) + E_p|x - loc_q| / b, with the folded normal's mean."""
    d = p.loc - q.loc
    abs_mean = (p.scale * math.sqrt(2 / math.pi) * torch.exp(-0.5 * (d / p.scale).pow(2))
                + d * torch.erf(d / (p.scale * math.sqrt(2))))
    return -p.entropy() + (2 * q.scale).log() + abs_mean / q.scale


def _cross_continuous_bernoulli(p, q):
    """-H(p) - E_p[x logit + log(1 - probs) + log C(probs)] for p on the unit interval."""
    return -p.entropy() - (p.mean * q.logits + torch.log1p(-q.probs) + q._cont_bern_log_norm())


def _outside_unit_interval(p):
    return (p.low < 0) | (p.high > 1)


register_kl(Beta, ContinuousBernoulli)(_cross_continuous_bernoulli)


@register_kl(Uniform, ContinuousBernoulli)
def _kl_uniform_continuous_bernoulli(p, q):
    return torch.where(_outside_unit_interval(p), math.inf, _cross_continuous_bernoulli(p, q))


@register_kl(ContinuousBernoulli, Uniform)
def _kl_continuous_bernoulli_uniform(p, q):
    result = -p.entropy() + (q.high - q.low).log()
    return torch.where((q.low > 0) | (q.high < 1), math.inf, result)


@register_kl(Uniform, Beta)
def _kl_uniform_beta(p, q):
    width = p.high - p.low
    e_log_x = _expected_log(p)
    e_log_1mx = ((1 - p.low) * (1 - p.low).log() - (1 - p.high) * (1 - p.high).log()) / width - 1
    log_beta = (q.concentration1.lgamma() + q.concentration0.lgamma()
                - (q.concentration1 + q.concentration0).lgamma())
    result = (-width.log() - (q.concentration1 - 1) * e_log_x
              - (q.concentration0 - 1) * e_log_1mx + log_beta)
    return torch.where(_outside_unit_interval(p), math.inf, result)
