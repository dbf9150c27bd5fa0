"""Known OpInfo failures (xfail, non-strict, so a fix shows up as XPASS) and OpInfos whose
values are undefined (only dtypes and shapes are compared).  Names are OpInfo ids:
``name`` or ``name.variant``."""

# Uninitialised memory or random numbers: torch's own OpInfo tests skip their values too.
VALUES_UNDEFINED = frozenset({
    "empty", "empty_like", "empty_strided", "empty_permuted", "new_empty", "new_empty_strided",
    "bernoulli", "multinomial", "normal", "normal.number_mean", "normal.in_place", "uniform",
    "cauchy", "exponential", "geometric", "log_normal", "rand_like", "randn", "randn_like",
    "randint", "randint_like", "nn.functional.dropout", "nn.functional.dropout2d",
    "nn.functional.dropout3d", "nn.functional.alpha_dropout",
    "nn.functional.feature_alpha_dropout.with_train", "nn.functional.rrelu",
})

# OpInfos some of whose samples draw random numbers (dropout inside attention): those samples
# compare dtypes and shapes only, since ember's random streams are not bit-identical to torch's.
_RANDOM_SAMPLES = {
    "nn.functional.scaled_dot_product_attention": lambda s: s.kwargs.get("dropout_p", 0.0) > 0,
    # multi_head_attention_forward(query, key, value, ..., add_zero_attn, dropout_p, ...)
    "nn.functional.multi_head_attention_forward":
        lambda s: s.kwargs.get("training", True) and s.args[9] > 0,
}


def draws_random(oid, sample):
    """Whether this sample of OpInfo ``oid`` draws random numbers (values undefined)."""
    pred = _RANDOM_SAMPLES.get(oid)
    return pred is not None and bool(pred(sample))


# Decompositions whose outputs are unique only up to signs / phases: their outputs are compared
# after the sample's ``output_process_fn_grad`` (which makes them unique), as torch's tests do.
NON_UNIQUE = frozenset({"linalg.eigh", "linalg.eig", "linalg.svd", "svd", "linalg.qr", "qr",
                        "svd_lowrank", "pca_lowrank", "linalg.eigvalsh"})

# OpInfo id: reason (the first failing sample, from `python -m tests.oracle.opinfo_adapter
# --report`; refresh when ops land — they are non-strict, so fixed ones show as XPASS).
XFAIL = {
    'flip': "ember raised TypeError: flip() got an unexpected keyword argument 'dim",
    'masked_scatter': 'ember raised ValueError: input operand has more dimensions than allowe',
    'as_strided.partial_views': 'out: values differ (max |diff| 12.1 at (0, 0): ember np.float32(3.6116',
    'nextafter': 'grad[0]: ember None, torch a nonzero gradient',
    'qr': 'backward raised NotImplementedError: ember: linalg.qr backward for wid',
    'sgn': 'backward raised RuntimeError:  Cannot convert a ZeroTensor to numpy. S',
    'einsum': 'ember raised RuntimeError: permute(sparse_coo): number of dimensions i',
    'gather': 'ember raised RuntimeError: gather(): Expected dtype int32/int64 for in',
    'index_select': 'out: shape ember (1,) != torch ()',
    'unique_consecutive': 'ember raised ValueError: cannot reshape array of size 0 into shape (0,',
    'tensordot': 'ember raised RuntimeError: contracted dimensions need to match, but fi',
    'linalg.lstsq': 'out[2]: shape ember () != torch (0,)',
    'linalg.lstsq.grad_oriented': 'out tensor 1: requires_grad ember False != torch True',
    'linalg.norm.subgradients_at_zero': 'grad[0]: values differ (max |diff| inf at (0,): ember np.float32(nan),',
    'linalg.qr': 'backward raised NotImplementedError: ember: linalg.qr backward for wid',
    'linalg.slogdet': 'out tensor 0: requires_grad ember False != torch True',
}
