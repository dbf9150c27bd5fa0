"""``torch.library.infer_schema``: an operator schema string from a function's annotations,
``(Tensor x, SymInt n, float s=2.0) -> Tensor``, as torch writes it (mutated Tensor arguments
become ``Tensor(a<i>!)``)."""
import collections.abc
import inspect
import typing
from types import GenericAlias

from . import _errors
from ._device import device
from ._dtype import dtype
from ._tensor import Tensor
from .types import Number


def _derived(base, name, lists, optional_items, optional_list):
    """(annotation, schema type) pairs for ``base``: itself, Optional, and the sequence forms
    torch accepts."""
    def sequences(item):
        return (typing.Sequence[item], typing.List[item],  # noqa: UP006
                GenericAlias(collections.abc.Sequence, (item,)), GenericAlias(list, (item,)))
    found = [(base, name), (typing.Optional[base], f"{name}?")]
    if lists:
        found += [(s, f"{name}[]") for s in sequences(base)]
    if optional_items:
        found += [(s, f"{name}?[]") for s in sequences(typing.Optional[base])]
    if optional_list:
        found += [(typing.Optional[s], f"{name}[]?") for s in sequences(base)]
    return found


PARAM_TYPES = dict(pair for row in (
    (Tensor, "Tensor", True, True, False), (int, "SymInt", True, False, True),
    (float, "float", True, False, True), (bool, "bool", True, False, True),
    (str, "str", False, False, False), (Number, "Scalar", True, False, False),
    (dtype, "ScalarType", False, False, False), (device, "Device", False, False, False),
) for pair in _derived(*row))
RETURN_TYPES = {Tensor: "Tensor", typing.List[Tensor]: "Tensor[]",  # noqa: UP006
                list[Tensor]: "Tensor[]", int: "SymInt", float: "float", bool: "bool",
                Number: "Scalar"}


def infer_schema(prototype_function, /, *, mutates_args, op_name=None, tags=()):
    """The schema of ``prototype_function`` (named ``op_name`` when given)."""
    sig = inspect.signature(prototype_function)

    def fail(what):
        raise _errors.infer_schema_failed(what, sig)
    if isinstance(mutates_args, str):
        if mutates_args != "unknown":
            raise _errors.infer_schema_mutates_args()
    else:
        mutates_args = tuple(mutates_args)
    params, seen, keyword_only = [], set(), False
    for idx, (name, param) in enumerate(sig.parameters.items()):
        if param.kind not in (param.POSITIONAL_OR_KEYWORD, param.KEYWORD_ONLY):
            fail("We do not support positional-only args, varargs, or varkwargs.")
        if param.kind == param.KEYWORD_ONLY and not keyword_only:
            params.append("*")
            keyword_only = True
        if param.annotation is param.empty:
            fail(f"Parameter {name} must have a type annotation.")
        schema_type = PARAM_TYPES.get(_unstringified(param.annotation, prototype_function))
        if schema_type is None:
            fail(f"Parameter {name} has unsupported type {param.annotation}. "
                 f"The valid types are: {PARAM_TYPES.keys()}.")
        mutated = schema_type.startswith("Tensor") if mutates_args == "unknown" \
            else name in mutates_args
        if mutated:
            if not schema_type.startswith("Tensor"):
                fail(f"Parameter {name} is in mutable_args but only Tensors or collections of "
                     "Tensors can be mutated")
            schema_type = f"Tensor(a{idx}!){schema_type[len('Tensor'):]}"
        seen.add(name)
        params.append(f"{schema_type} {name}" if param.default is param.empty
                      else f"{schema_type} {name}={_default(name, param.default, fail)}")
    if mutates_args != "unknown" and set(mutates_args) - seen:
        fail(f"{set(mutates_args) - seen} in mutates_args were not found in the custom op's "
             "signature. mutates_args should contain the names of all args that the custom op "
             "mutates, or just the string 'unknown' if you don't know.")
    ret = _return(_unstringified(sig.return_annotation, prototype_function), fail)
    return f"{op_name or ''}({', '.join(params)}) -> {ret}"


def _unstringified(annotation, fn):
    """A string annotation (``from __future__ import annotations``) evaluated in ``fn``'s
    module."""
    if isinstance(annotation, str):
        return eval(annotation, getattr(fn, "__globals__", {}))     # noqa: S307
    return annotation


def _default(name, value, fail):
    if value is None or isinstance(value, (int, float, bool)):
        return str(value)
    if isinstance(value, (str, device)):
        return f'"{value}"'
    if isinstance(value, dtype):
        return str(value).split(".", 1)[1]
    fail(f"Parameter {name} has an unsupported default value type {type(value)}. Please file "
         "an issue on GitHub so we can prioritize this.")


def _return(annotation, fail):
    if annotation is None:
        return "()"
    if annotation is inspect.Parameter.empty:
        fail("No return type annotation was provided. Please add one.")
    items = typing.get_args(annotation) if typing.get_origin(annotation) is tuple \
        else None
    for item in items if items is not None else (annotation,):
        if item not in RETURN_TYPES:
            fail(f"Return has unsupported type {annotation}. The valid types are: "
                 f"{RETURN_TYPES}.")
    if items is None:
        return RETURN_TYPES[annotation]
    text = ", ".join(RETURN_TYPES[a] for a in items)
    return f"(({text}))" if len(items) == 1 else f"({text})"
