"""Keyword names as torch's argument parser takes them.

torch binds most of its functions from native signatures, where the tensor argument is
``input`` (the schema's ``self``), the factors of ``addmm`` are ``mat1`` / ``mat2``, and
``torch.linalg`` takes ``input`` although its documentation writes ``A``.  Every keyword name
Ember's function takes must be one torch's takes too (the schemas come from torch itself), and
the functions torch parses (``torch.fft``, ``torch.linalg``, the native ``nn.functional``
ones) take NumPy's names (``x``, ``axis``) with torch's results."""
import inspect

import pytest

import ember
import ember.nn.functional as EF
from ember.linalg import solve_triangular

torch = pytest.importorskip("torch")
import torch.nn.functional as TF  # noqa: E402

# Keywords torch's Python bindings add beyond the schema (factories' ``requires_grad``,
# ``nonzero(as_tuple=)``, ...), where Ember's function is also nn.functional's or takes them
_BINDING_KEYWORDS = {"requires_grad", "pin_memory", "as_tuple", "check_invariants",
                     "out"}
# Known differences, each a leniency (Ember takes a keyword torch refuses), none a refusal of
# one torch takes except the names listed in docs/compat.md
_KNOWN = {
    ("torch", "max_pool1d"), ("torch", "max_pool2d"), ("torch", "max_pool3d"),
    ("torch", "true_divide"),              # div's, with rounding_mode
    ("torch", "is_autocast_enabled"),      # Python in torch (device_type)
    # (x=, torch's name, works too: the generated unary op's own name is input)
    ("special", "airy_ai"), ("special", "scaled_modified_bessel_k0"),
    ("special", "scaled_modified_bessel_k1"), ("special", "spherical_bessel_j0"),
    ("F", "has_torch_function"),
}

_SPACES = {"torch": (torch, ember, ""), "linalg": (torch.linalg, ember.linalg, "linalg_"),
           "special": (torch.special, ember.special, "special_"),
           "fft": (torch.fft, ember.fft, "fft_"), "F": (TF, EF, "")}


def _schema_names(prefix, name):
    for aten in (prefix + name, name):
        try:
            schemas = torch._C._jit_get_schemas_for_operator("aten::" + aten)
        except RuntimeError:
            continue
        if schemas:
            return {"input" if a.name == "self" else a.name
                    for s in schemas for a in s.arguments}
    return None


def _parsed_functions():
    """(space, name, torch's keyword names, Ember's) for every function torch parses from a
    native signature that Ember has."""
    out = []
    for space, (tmod, emod, prefix) in _SPACES.items():
        for name in dir(tmod):
            if name.startswith("_") or type(getattr(tmod, name)).__name__ != \
                    "builtin_function_or_method" or not hasattr(emod, name):
                continue
            names = _schema_names(prefix, name)
            try:
                sig = inspect.signature(inspect.unwrap(getattr(emod, name)))
            except (TypeError, ValueError):
                continue
            if names is None or any(p.kind is p.VAR_KEYWORD for p in sig.parameters.values()):
                continue
            ours = [p.name for p in sig.parameters.values()
                    if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
            out.append((space, name, names | _BINDING_KEYWORDS, ours))
    return out


_FUNCTIONS = _parsed_functions()


def test_the_survey_covers_the_namespaces():
    spaces = {space for space, *_ in _FUNCTIONS}
    assert spaces == set(_SPACES) and len(_FUNCTIONS) > 400


@pytest.mark.parametrize("space,name,theirs,ours", _FUNCTIONS,
                         ids=[f"{s}.{n}" for s, n, *_ in _FUNCTIONS])
def test_keyword_names_are_torchs(space, name, theirs, ours):
    extra = [p for p in ours if p not in theirs]
    if (space, name) in _KNOWN:
        assert extra, f"{space}.{name} now matches torch: drop it from _KNOWN"
    else:
        assert not extra, f"{space}.{name} takes {extra}; torch's names: {sorted(theirs)}"


def _both(fn):
    """``fn(lib, F, fft)``'s result or exception type under torch and under Ember."""
    out = []
    for lib, F in ((torch, TF), (ember, EF)):
        try:
            out.append(fn(lib, F))
        except TypeError as e:
            out.append(type(e))
    return out


_CALLS = {
    "addmm(mat1=, mat2=)": lambda t, F: t.addmm(t.ones(2, 3), mat1=t.arange(8.).reshape(2, 4),
                                                mat2=t.arange(12.).reshape(4, 3), beta=2),
    "addmv(mat=, vec=)": lambda t, F: t.addmv(t.ones(2), mat=t.ones(2, 3), vec=t.arange(3.)),
    "addr(vec1=, vec2=)": lambda t, F: t.addr(t.ones(2, 3), vec1=t.ones(2), vec2=t.arange(3.)),
    "baddbmm(batch1=, batch2=)": lambda t, F: t.baddbmm(t.ones(2, 2, 2), batch1=t.ones(2, 2, 3),
                                                        batch2=t.ones(2, 3, 2)),
    "Tensor.addmm_(mat1=, mat2=)": lambda t, F: t.zeros(2, 2).addmm_(mat1=t.eye(2),
                                                                     mat2=t.eye(2) * 3),
    "addmm(a=) refused": lambda t, F: t.addmm(t.ones(2, 2), a=t.eye(2), b=t.eye(2)),
    "linalg.cholesky(input=)": lambda t, F: t.linalg.cholesky(input=t.eye(3) * 4),
    "linalg.cholesky(x=)": lambda t, F: t.linalg.cholesky(x=t.eye(3) * 4),
    "linalg.cholesky(A=) refused": lambda t, F: t.linalg.cholesky(A=t.eye(3)),
    "linalg.det(A=)": lambda t, F: t.linalg.det(A=t.eye(3) * 2),
    "linalg.norm(x=, axis=)": lambda t, F: t.linalg.norm(x=t.arange(6.).reshape(2, 3), axis=1),
    "linalg.vector_norm(input=)": lambda t, F: t.linalg.vector_norm(input=t.arange(4.)),
    "linalg.matrix_norm(a=)": lambda t, F: t.linalg.matrix_norm(a=t.arange(4.).reshape(2, 2)),
    "linalg.lstsq(input=, b=)": lambda t, F: t.linalg.lstsq(input=t.eye(3), b=t.ones(3, 1))[0],
    "linalg.tensorsolve(input=, other=)": lambda t, F: t.linalg.tensorsolve(
        input=t.eye(4).reshape(2, 2, 4), other=t.ones(2, 2)),
    "linalg.matrix_power(input=, n=)": lambda t, F: t.linalg.matrix_power(input=t.eye(2) * 2,
                                                                          n=3),
    "transpose(input=)": lambda t, F: t.transpose(input=t.ones(2, 3), dim0=0, dim1=1),
    "narrow(input=)": lambda t, F: t.narrow(input=t.arange(5), dim=0, start=1, length=2),
    "select(input=)": lambda t, F: t.select(input=t.arange(6).reshape(2, 3), dim=1, index=2),
    "unsqueeze(input=)": lambda t, F: t.unsqueeze(input=t.ones(2), dim=0),
    "real(input=)": lambda t, F: t.real(input=t.ones(2, dtype=t.complex64)),
    "swapaxes(axis0=, axis1=)": lambda t, F: t.ones(2, 3).swapaxes(axis0=0, axis1=1),
    "swapaxes(dim0=) refused": lambda t, F: t.swapaxes(t.ones(2, 3), dim0=0, dim1=1),
    "swapdims(dim0=, dim1=)": lambda t, F: t.swapdims(t.arange(6).reshape(2, 3), dim0=1, dim1=0),
    "tensor_split(sections=, dim=)": lambda t, F: t.tensor_split(t.arange(12).reshape(3, 4),
                                                                 sections=2, dim=1)[1],
    "tensor_split(indices=)": lambda t, F: t.tensor_split(t.arange(7), indices=[2, 5])[1],
    "tensor_split(tensor_indices_or_sections=)": lambda t, F: t.arange(7).tensor_split(
        tensor_indices_or_sections=t.tensor([1, 4]))[2],
    "tensor_split() refused": lambda t, F: t.tensor_split(t.arange(7)),
    "tensor_split(2, indices=) refused": lambda t, F: t.tensor_split(t.arange(7), 2, indices=[1]),
    "hsplit(sections=)": lambda t, F: t.hsplit(t.arange(12).reshape(3, 4), sections=2)[0],
    "vsplit(indices=)": lambda t, F: t.arange(12).reshape(3, 4).vsplit(indices=[1])[1],
    "dsplit(sections=)": lambda t, F: t.dsplit(t.arange(8).reshape(1, 2, 4), sections=4)[3],
    "promote_types(type1=, type2=)": lambda t, F: t.promote_types(type1=t.int32,
                                                                 type2=t.float16),
    "result_type(tensor=, other=)": lambda t, F: t.result_type(tensor=t.ones(1), other=2.5),
    "F.one_hot(input=)": lambda t, F: F.one_hot(input=t.tensor([1, 0, 2])),
    "F.one_hot(tensor=) refused": lambda t, F: F.one_hot(tensor=t.tensor([1])),
    "F.conv2d(x=)": lambda t, F: F.conv2d(x=t.arange(16.).reshape(1, 1, 4, 4),
                                          weight=t.ones(1, 1, 3, 3)),
    "F.linear(x=)": lambda t, F: F.linear(x=t.arange(6.).reshape(2, 3), weight=t.ones(4, 3)),
    "F.gelu(a=)": lambda t, F: F.gelu(a=t.linspace(-2, 2, 5), approximate="tanh"),
    "F.avg_pool2d(x=)": lambda t, F: F.avg_pool2d(x=t.arange(16.).reshape(1, 1, 4, 4),
                                                  kernel_size=2),
    "F.cosine_similarity(axis=)": lambda t, F: F.cosine_similarity(
        t.arange(6.).reshape(2, 3), t.ones(2, 3), axis=0),
    "F.pixel_shuffle(x=)": lambda t, F: F.pixel_shuffle(x=t.arange(16.).reshape(1, 4, 2, 2),
                                                        upscale_factor=2),
    "F.relu(x=) refused (Python in torch)": lambda t, F: F.relu(x=t.ones(2)),
    "F.softmax(x=) refused (Python in torch)": lambda t, F: F.softmax(x=t.ones(2), dim=0),
    "fft.fft(x=)": lambda t, F: t.fft.fft(x=t.arange(8.)),
    "fft.rfft(a=, axis=)": lambda t, F: t.fft.rfft(a=t.arange(12.).reshape(3, 4), axis=0),
    "fft.fftn(axis=)": lambda t, F: t.fft.fftn(t.arange(24.).reshape(2, 3, 4), axis=(0, 2)),
    "fft.fftshift(x=, axis=)": lambda t, F: t.fft.fftshift(x=t.arange(6).reshape(2, 3), axis=1),
    "fft.irfft(x1=)": lambda t, F: t.fft.irfft(x1=t.fft.rfft(t.arange(8.))),
    "fft.fft(x=, input=) refused": lambda t, F: t.fft.fft(t.ones(2), x=t.ones(2)),
    "torch.abs(x=)": lambda t, F: t.abs(x=t.tensor([-1.5, 2.0])),
    # int lists by name; the method forms also take them unpacked
    "reshape(input=, shape=)": lambda t, F: t.reshape(input=t.arange(6), shape=(2, 3)),
    "Tensor.reshape(shape=)": lambda t, F: t.arange(6).reshape(shape=[3, 2]),
    "permute(input=, dims=)": lambda t, F: t.permute(input=t.ones(2, 3), dims=(1, 0)),
    "Tensor.permute(dims=)": lambda t, F: t.arange(6).reshape(1, 2, 3).permute(dims=[2, 0, 1]),
    "Tensor.view(size=)": lambda t, F: t.arange(6).view(size=(3, 2)),
    "Tensor.expand(size=)": lambda t, F: t.arange(3).expand(size=(2, 3)),
    "Tensor.repeat(repeats=)": lambda t, F: t.arange(3).repeat(repeats=(2, 1)),
    "Tensor.new_zeros(size=)": lambda t, F: t.ones(2).new_zeros(size=[3]),
    "Tensor.sum_to_size(size=)": lambda t, F: t.arange(6.).reshape(2, 3).sum_to_size(size=(1, 3)),
    "flip(dims=)": lambda t, F: t.flip(t.arange(6).reshape(2, 3), dims=(1,)),
    "Tensor.flip(0, 1)": lambda t, F: t.arange(6).reshape(2, 3).flip(0, 1),
    "Tensor.reshape() refused": lambda t, F: t.ones(2).reshape(),
    "Tensor.permute() refused": lambda t, F: t.ones(2).permute(),
    "Tensor.expand() refused": lambda t, F: t.ones(2).expand(),
    "zeros() refused": lambda t, F: t.zeros(),
    "Tensor.reshape(shape=6) refused": lambda t, F: t.ones(6).reshape(shape=6),
    "zeros(size=3) refused": lambda t, F: t.zeros(size=3),
    "tile(dims=2) refused": lambda t, F: t.tile(t.ones(2), dims=2),
    "flip(dims=0) refused": lambda t, F: t.flip(t.ones(2), dims=0),
    "Tensor.repeat(1, repeats=) refused": lambda t, F: t.ones(2).repeat(1, repeats=(1,)),
    "relu_(x=)": lambda t, F: t.relu_(x=t.tensor([-1.0, 2.0])),
    "xlogy_(x=, x2=)": lambda t, F: t.xlogy_(x=t.tensor([1.0, 2.0]), x2=t.tensor([3.0, 0.5])),
    "clamp_(x=, min=)": lambda t, F: t.clamp_(x=t.tensor([-1.0, 2.0]), min=0.5),
    "relu_(t, x=) refused": lambda t, F: t.relu_(t.ones(2), x=t.ones(2)),
    "detach_(input=)": lambda t, F: t.detach_(input=t.ones(2) * 2),
    "detach_(x=)": lambda t, F: t.detach_(x=t.ones(2) * 3),
    "detach_(t, x=) refused": lambda t, F: t.detach_(t.ones(2), x=t.ones(2)),
    "adaptive_max_pool1d: the values": lambda t, F: t.adaptive_max_pool1d(
        t.tensor([[1.0, 3.0, 2.0, 0.0]]), 2)[0],
    "adaptive_max_pool1d: the indices": lambda t, F: t.adaptive_max_pool1d(
        t.tensor([[1.0, 3.0, 2.0, 0.0]]), output_size=2)[1],
    "adaptive_max_pool1d(return_indices=) refused": lambda t, F: t.adaptive_max_pool1d(
        t.ones(1, 4), 2, return_indices=True),
    "special.chebyshev_polynomial_t(x=, n=)": lambda t, F: t.special.chebyshev_polynomial_t(
        x=t.tensor([0.25, -0.5]), n=t.tensor([3.0, 4.0])),
    "special.hermite_polynomial_h(n=)": lambda t, F: t.special.hermite_polynomial_h(
        t.tensor([0.5, 1.5]), n=3),
    "special.legendre_polynomial_p(x=, n=) with a number x": lambda t, F:
        t.special.legendre_polynomial_p(x=0.5, n=t.tensor([2.0, 5.0])),
    "special.laguerre_polynomial_l(other=) refused": lambda t, F: t.special.laguerre_polynomial_l(
        t.ones(2), other=t.ones(2)),
}


@pytest.mark.parametrize("call", list(_CALLS))
def test_keyword_call_as_torch(call):
    expected, got = _both(_CALLS[call])
    if isinstance(expected, type):
        assert got is expected, f"{call}: torch raises {expected.__name__}, Ember gave {got!r}"
        return
    assert not isinstance(got, type), f"{call}: torch accepts it, Ember raised {got.__name__}"
    if isinstance(expected, torch.dtype):
        assert str(got) == str(expected)
        return
    torch.testing.assert_close(torch.from_numpy(got.numpy().copy()), expected.resolve_conj(),
                               check_dtype=True)


def test_parsed_bindings_are_importable_where_bound():
    """NumPy-name wrappers of parsed namespaces pickle by reference and ``jit.script`` finds
    them as library functions, as torch's builtins are."""
    import pickle
    for fn in (ember.linalg.solve_triangular, EF.linear, EF.one_hot, ember.fft.rfft):
        assert pickle.loads(pickle.dumps(fn)) is fn

    @ember.jit.script
    def solve(a, b):
        return solve_triangular(a, b, upper=True)     # a global: captured by reference
    a, b = ember.eye(3) * 2, ember.ones(3, 1)
    assert solve(a, b).tolist() == [[0.5], [0.5], [0.5]]


_WHOLE_LISTS = {
    "reshape(t, 3, 2)": lambda t, x: t.reshape(x, 3, 2),
    "reshape(t, 6)": lambda t, x: t.reshape(x, 6),
    "reshape(t, (3, 2))": lambda t, x: t.reshape(x, (3, 2)),
    "reshape(x=t, shape=[3, 2])": lambda t, x: t.reshape(x=x, shape=[3, 2]),
    "reshape(t, torch.Size)": lambda t, x: t.reshape(x, t.Size([6])),
    "permute(t, 1, 0)": lambda t, x: t.permute(x, 1, 0),
    "permute(t, [1, 0])": lambda t, x: t.permute(x, [1, 0]),
    "flip(t, 0)": lambda t, x: t.flip(x, 0),
    "flip(t, 0, 1)": lambda t, x: t.flip(x, 0, 1),
    "flip(t, dims=(1,))": lambda t, x: t.flip(x, dims=(1,)),
    "tile(t, 2, 1)": lambda t, x: t.tile(x, 2, 1),
    "tile(t, (2,))": lambda t, x: t.tile(x, (2,)),
    "broadcast_to(t, 2, 2, 3)": lambda t, x: t.broadcast_to(x, 2, 2, 3),
    "broadcast_to(t, size=(2, 2, 3))": lambda t, x: t.broadcast_to(x, size=(2, 2, 3)),
    "Tensor.broadcast_to(2, 2, 3)": lambda t, x: x.broadcast_to(2, 2, 3),
    "Tensor.reshape(3, 2)": lambda t, x: x.reshape(3, 2),
    "Tensor.flip(0, 1)": lambda t, x: x.flip(0, 1),
    "Tensor.tile(2, 1)": lambda t, x: x.tile(2, 1),
    "expand_copy(t, 2, 2, 3)": lambda t, x: t.expand_copy(x, 2, 2, 3),
    "permute_copy(t, 1, 0)": lambda t, x: t.permute_copy(x, 1, 0),
    "permute_copy(t, (1, 0))": lambda t, x: t.permute_copy(x, (1, 0)),
}


@pytest.mark.parametrize("call", list(_WHOLE_LISTS))
def test_function_forms_take_int_lists_whole(call):
    """torch's function forms take an int list whole (``torch.reshape(t, (3, 2))``), where the
    methods also take it unpacked: the same results, and torch's errors for the rest."""
    out = []
    for lib in (torch, ember):
        try:
            out.append(_WHOLE_LISTS[call](lib, lib.arange(6.).reshape(2, 3)))
        except TypeError as e:
            out.append(e)
    expected, got = out
    if isinstance(expected, TypeError):
        assert isinstance(got, TypeError), f"{call}: torch refuses it, Ember gave {got!r}"
        assert str(got) == str(expected)
        return
    assert not isinstance(got, TypeError), f"{call}: torch accepts it, Ember raised {got}"
    torch.testing.assert_close(torch.from_numpy(got.numpy().copy()), expected)


def test_whole_lists_under_a_binding_layer():
    """Under vmap (a layer rebinds the public functions) the methods still take the ints
    unpacked, as in torch."""
    for lib in (torch, ember):
        x = lib.arange(12.).reshape(2, 2, 3)
        assert lib.vmap(lambda r: r.reshape(3, 2).permute(1, 0))(x).shape == (2, 2, 3)
        assert lib.vmap(lambda r: lib.permute(r, (1, 0)).flip(0, 1))(x).shape == (2, 3, 2)
