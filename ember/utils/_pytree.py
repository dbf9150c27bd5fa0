"""``torch.utils._pytree``: flatten nested containers to leaves and a ``TreeSpec``, and back.

Containers are pytree nodes when their type is registered (``SUPPORTED_NODES``): tuple, list,
dict, namedtuples (registered once under ``collections.namedtuple``), OrderedDict,
defaultdict, deque and ``torch.Size`` come registered; ``register_pytree_node`` adds more.
Everything else is a leaf.  Specs print, compare, serialise (``treespec_dumps`` / ``loads``,
protocol 1) and report mismatches as PyTorch's do.
"""
import dataclasses
import enum
import functools
import importlib
import json
import types
import warnings
from collections import OrderedDict, defaultdict, deque, namedtuple
from typing import Any, Callable, Generic, NamedTuple, Protocol, TypeVar

from .. import _errors
from .._tensor import Size

__all__ = ["PyTree", "Context", "FlattenFn", "UnflattenFn", "DumpableContext",
           "ToDumpableContextFn", "FromDumpableContextFn", "PyTreeSpec", "TreeSpec", "LeafSpec",
           "keystr", "key_get", "register_pytree_node", "tree_is_leaf", "tree_flatten",
           "tree_flatten_with_path", "tree_unflatten", "tree_iter", "tree_leaves",
           "tree_leaves_with_path", "tree_structure", "tree_map", "tree_map_with_path",
           "tree_map_", "tree_map_only", "tree_map_only_", "tree_all", "tree_any",
           "tree_all_only", "tree_any_only", "treespec_dumps", "treespec_loads",
           "treespec_pprint", "is_namedtuple", "is_namedtuple_class", "is_namedtuple_instance",
           "is_structseq", "is_structseq_class", "is_structseq_instance",
           "register_dataclass", "register_constant", "is_constant_class", "ConstantNode",
           "treespec_leaf", "treespec_tuple", "treespec_dict", "arg_tree_leaves",
           "BUILTIN_TYPES", "STANDARD_DICT_TYPES", "CONSTANT_NODES", "KeyEntry", "KeyPath",
           "EnumEncoder", "enum_object_hook", "pytree_to_str", "str_to_pytree"]

PyTree = Any
Context = Any
DumpableContext = Any
FlattenFn = Callable[[PyTree], "tuple[list, Context]"]
UnflattenFn = Callable[[list, Context], PyTree]
ToDumpableContextFn = Callable[[Context], DumpableContext]
FromDumpableContextFn = Callable[[DumpableContext], Context]

FlattenWithKeysFn = Callable[[PyTree], "tuple[list, Context]"]
FlattenFunc, UnflattenFunc, FlattenWithKeysFunc = FlattenFn, UnflattenFn, FlattenWithKeysFn
DEFAULT_TREESPEC_SERIALIZATION_PROTOCOL = 1
NO_SERIALIZED_TYPE_NAME_FOUND = "NO_SERIALIZED_TYPE_NAME_FOUND"
T = TypeVar("T")


class KeyEntry(Protocol):
    """What a key path is made of (``SequenceKey``, ``MappingKey``, ``GetAttrKey``)."""

    def __hash__(self): ...

    def __eq__(self, other): ...

    def __str__(self): ...

    def get(self, parent): ...


KeyPath = tuple[KeyEntry, ...]


class NodeDef(NamedTuple):
    type: Any
    flatten_fn: Callable
    unflatten_fn: Callable
    flatten_with_keys_fn: Any


class _SerializeNodeDef(NamedTuple):
    typ: Any
    serialized_type_name: str
    to_dumpable_context: Any
    from_dumpable_context: Any


SUPPORTED_NODES = {}
SUPPORTED_SERIALIZED_TYPES = {}
SERIALIZED_TYPE_TO_PYTHON_TYPE = {}


def register_pytree_node(cls, flatten_fn, unflatten_fn, *, serialized_type_name=None,
                         to_dumpable_context=None, from_dumpable_context=None,
                         flatten_with_keys_fn=None):
    """Make ``cls`` a pytree node: ``flatten_fn(node) -> (children, context)`` and
    ``unflatten_fn(children, context) -> node``."""
    if cls in SUPPORTED_NODES:
        raise _errors.pytree_already_registered(cls)
    SUPPORTED_NODES[cls] = NodeDef(cls, flatten_fn, unflatten_fn, flatten_with_keys_fn)
    if serialized_type_name is None:
        serialized_type_name = f"{cls.__module__}.{cls.__qualname__}"
    SUPPORTED_SERIALIZED_TYPES[cls] = _SerializeNodeDef(cls, serialized_type_name,
                                                        to_dumpable_context,
                                                        from_dumpable_context)
    SERIALIZED_TYPE_TO_PYTHON_TYPE[serialized_type_name] = cls


def register_dataclass(cls, *, field_names=None, drop_field_names=None,
                       serialized_type_name=None):
    """Make a dataclass (or a class built from keyword arguments ``field_names``) a pytree
    node: its fields are the children, those holding None stay in the context."""
    if not dataclasses.is_dataclass(cls):
        if field_names is None:
            raise _errors.pytree_dataclass_field_names(cls)
    elif field_names is None:
        field_names = [f.name for f in dataclasses.fields(cls) if f.init]
    else:
        wanted = {f.name for f in dataclasses.fields(cls) if f.init}
        wanted.difference_update(drop_field_names or ())   # torch's steps: its sets' order
        if wanted != set(field_names):
            raise _errors.pytree_dataclass_fields_mismatch(wanted - set(field_names),
                                                           set(field_names) - wanted)

    def flatten(obj):
        values = [(n, getattr(obj, n)) for n in field_names]
        present = [(n, v) for n, v in values if v is not None]
        return [v for _, v in present], [[n for n, _ in present],
                                         [n for n, v in values if v is None]]

    def unflatten(values, context):
        names, none_names = context
        return cls(**dict(zip(names, values, strict=True)), **dict.fromkeys(none_names))

    def flatten_with_keys(obj):
        values, (names, _) = flatten(obj)
        return [(GetAttrKey(n), v) for n, v in zip(names, values)], names

    register_pytree_node(cls, flatten, unflatten, serialized_type_name=serialized_type_name,
                         flatten_with_keys_fn=flatten_with_keys)


CONSTANT_NODES = set()


@dataclasses.dataclass(frozen=True, slots=True)
class ConstantNode(Generic[T]):
    """The context of a constant node: the value itself."""
    value: T


def register_constant(cls):
    """Make ``cls`` a node with no leaves: its instances are part of the structure (compared
    with their own ``__eq__``, so the class needs ``__eq__`` and ``__hash__``)."""
    if cls.__eq__ is object.__eq__:
        raise _errors.pytree_constant_default("__eq__")
    if cls.__hash__ is None:
        raise _errors.pytree_constant_default("__hash__")

    def flatten(x):
        return [], ConstantNode(x)
    register_pytree_node(cls, flatten, lambda _, context: context.value,
                         flatten_with_keys_fn=flatten)
    CONSTANT_NODES.add(cls)


def is_constant_class(cls):
    return isinstance(cls, type) and cls in CONSTANT_NODES


def _is_constant_holder(spec):
    return isinstance(spec._context, ConstantNode)


def _retrieve_constant(spec):
    if not _is_constant_holder(spec):
        raise _errors.pytree_not_constant_spec()
    return tree_unflatten([], spec)


# ---- key paths ------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class SequenceKey:
    idx: int

    def __str__(self):
        return f"[{self.idx!r}]"

    def get(self, sequence):
        return sequence[self.idx]


@dataclasses.dataclass(frozen=True)
class MappingKey:
    key: Any

    def __str__(self):
        return f"[{self.key!r}]"

    def get(self, mapping):
        return mapping[self.key]


@dataclasses.dataclass(frozen=True)
class GetAttrKey:
    name: str

    def __str__(self):
        return f".{self.name}"

    def get(self, obj):
        return getattr(obj, self.name)


def keystr(kp):
    """A key path as source text: ``['a'][0].b``."""
    return "".join(str(k) for k in kp)


def key_get(obj, kp):
    for k in kp:
        obj = k.get(obj)
    return obj


# ---- namedtuple / structseq predicates -------------------------------------------------------
def is_namedtuple_class(cls):
    return (isinstance(cls, type) and issubclass(cls, tuple)
            and isinstance(getattr(cls, "_fields", None), tuple)
            and all(type(f) is str for f in cls._fields)
            and callable(getattr(cls, "_make", None))
            and callable(getattr(cls, "_asdict", None)))


def is_namedtuple_instance(obj):
    return is_namedtuple_class(type(obj))


def is_namedtuple(obj):
    """Whether ``obj`` is a namedtuple class or instance."""
    return is_namedtuple_class(obj if isinstance(obj, type) else type(obj))


def is_structseq_class(cls):
    """CPython's structseq types (``os.stat_result``...): tuples with ``n_sequence_fields``
    that cannot be subclassed."""
    if not (isinstance(cls, type) and cls.__bases__ == (tuple,)):
        return False
    if not all(isinstance(getattr(cls, a, None), int)
               for a in ("n_sequence_fields", "n_fields", "n_unnamed_fields")):
        return False
    try:
        types.new_class("_probe", (cls,))
    except (AssertionError, TypeError):
        return True
    return False


def is_structseq_instance(obj):
    return is_structseq_class(type(obj))


def is_structseq(obj):
    return is_structseq_class(obj if isinstance(obj, type) else type(obj))


def _get_node_type(tree):
    cls = type(tree)
    return namedtuple if is_namedtuple_class(cls) else cls


# ---- TreeSpec -------------------------------------------------------------------------------
class TreeSpec:
    """The structure of a pytree: a node type, its context (dict keys, namedtuple class...)
    and one spec per child; a leaf is ``LeafSpec()``."""

    def __init__(self, type, context, children_specs):
        self.type = type
        self._context = context
        self._children = list(children_specs)
        self.num_children = len(self._children)
        if type is None:
            self.num_leaves, self.num_nodes = 1, 1
        else:
            self.num_leaves = sum(c.num_leaves for c in self._children)
            self.num_nodes = 1 + sum(c.num_nodes for c in self._children)

    @property
    def context(self):
        return self._context

    @property
    def children_specs(self):
        return self._children

    def children(self):
        return list(self._children)

    def child(self, index):
        return self._children[index]

    def is_leaf(self):
        return self.type is None

    def __eq__(self, other):
        if not isinstance(other, TreeSpec):
            return NotImplemented
        return (self.type == other.type and self._context == other._context
                and self._children == other._children)

    __hash__ = None

    def __repr__(self, indent=0):
        if self.is_leaf():
            return "*"
        text = ""
        if self.num_children:
            indent += 2
            text = self._children[0].__repr__(indent)
            text += "," if self.num_children > 1 else ""
            text += ",".join("\n" + " " * indent + child.__repr__(indent)
                             for child in self._children[1:])
        return f"TreeSpec({self.type.__name__}, {self._context}, [{text}])"

    def flatten_up_to(self, tree):
        """The subtrees of ``tree`` at this spec's leaves (``tree`` must have this spec's
        structure above them)."""
        out = []
        self._flatten_up_to(tree, out)
        return out

    def _flatten_up_to(self, node, out):
        if self.is_leaf():
            out.append(node)
            return
        node_type = _get_node_type(node)
        if self.type not in _BUILTIN_TYPES:
            if node_type != self.type:
                raise _errors.pytree_custom_type(self.type, node_type)
            children, context = SUPPORTED_NODES[node_type].flatten_fn(node)
            if len(children) != self.num_children:
                raise _errors.pytree_arity(self.num_children, len(children))
            if context != self._context:
                raise _errors.pytree_custom_context(self.type)
        else:
            both_dicts = self.type in _DICT_TYPES and node_type in _DICT_TYPES
            if not both_dicts and node_type != self.type:
                raise _errors.pytree_type(self.type, node_type)
            if len(node) != self.num_children:
                raise _errors.pytree_arity(self.num_children, len(node))
            if both_dicts:
                keys = self._context if self.type is not defaultdict else self._context[1]
                got, want = set(node), set(keys)
                if got != want:
                    raise _errors.pytree_keys(want - got, got - want)
                children = [node[k] for k in keys]
            else:
                children, context = SUPPORTED_NODES[node_type].flatten_fn(node)
                if node_type is not deque and context != self._context:
                    raise _errors.pytree_context(self.type, self._context, context)
        for child, spec in zip(children, self._children):
            spec._flatten_up_to(child, out)

    def unflatten(self, leaves):
        leaves = list(leaves)
        if len(leaves) != self.num_leaves:
            raise _errors.pytree_leaves_count(len(leaves), self)
        return self._build(iter(leaves))

    def _build(self, leaves):
        if self.is_leaf():
            return next(leaves)
        children = [c._build(leaves) for c in self._children]
        return SUPPORTED_NODES[self.type].unflatten_fn(children, self._context)


class LeafSpec(TreeSpec):
    def __init__(self):
        super().__init__(None, None, [])


PyTreeSpec = TreeSpec
_LEAF = LeafSpec()


def treespec_leaf():
    """The spec of a leaf."""
    return _LEAF


def treespec_tuple(iterable=(), /):
    """The spec of a tuple with the given child specs."""
    children = list(iterable)
    if not all(isinstance(c, TreeSpec) for c in children):
        raise _errors.pytree_treespec_children("tuple", children)
    return TreeSpec(tuple, None, children)


def treespec_dict(mapping=(), /, **kwargs):
    """The spec of a dict with the given keys and child specs."""
    children = dict(mapping, **kwargs)
    if not all(isinstance(c, TreeSpec) for c in children.values()):
        raise _errors.pytree_treespec_children("dictionary", children)
    return TreeSpec(dict, list(children), list(children.values()))


# ---- flatten / unflatten --------------------------------------------------------------------
def tree_is_leaf(tree, is_leaf=None):
    if is_leaf is not None and is_leaf(tree):
        return True
    return _get_node_type(tree) not in SUPPORTED_NODES


def _flatten(tree, is_leaf, leaves):
    if tree_is_leaf(tree, is_leaf):
        leaves.append(tree)
        return _LEAF
    node_type = _get_node_type(tree)
    children, context = SUPPORTED_NODES[node_type].flatten_fn(tree)
    return TreeSpec(node_type, context, [_flatten(c, is_leaf, leaves) for c in children])


def tree_flatten(tree, is_leaf=None):
    """``(leaves, treespec)`` of ``tree``."""
    leaves = []
    spec = _flatten(tree, is_leaf, leaves)
    return leaves, spec


def tree_unflatten(leaves, treespec):
    if not isinstance(treespec, TreeSpec):
        raise _errors.pytree_not_treespec(treespec)
    return treespec.unflatten(leaves)


def tree_iter(tree, is_leaf=None):
    """The leaves of ``tree``, lazily, left to right."""
    if tree_is_leaf(tree, is_leaf):
        yield tree
        return
    children, _ = SUPPORTED_NODES[_get_node_type(tree)].flatten_fn(tree)
    for child in children:
        yield from tree_iter(child, is_leaf)


def tree_leaves(tree, is_leaf=None):
    return list(tree_iter(tree, is_leaf))


def arg_tree_leaves(*args, **kwargs):
    """The leaves of the arguments: ``tree_leaves((args, kwargs))``."""
    return [leaf for a in (*args, *kwargs.values()) for leaf in tree_iter(a)]


def tree_structure(tree, is_leaf=None):
    return tree_flatten(tree, is_leaf)[1]


def _keyed_children(tree, node_type):
    node = SUPPORTED_NODES[node_type]
    if node.flatten_with_keys_fn is None:
        raise _errors.pytree_no_keys_fn(node_type)
    return node.flatten_with_keys_fn(tree)[0]


def tree_flatten_with_path(tree, is_leaf=None):
    """``([(key path, leaf), ...], treespec)``."""
    return tree_leaves_with_path(tree, is_leaf), tree_structure(tree, is_leaf)


def tree_leaves_with_path(tree, is_leaf=None):
    out = []

    def walk(node, path):
        if tree_is_leaf(node, is_leaf):
            out.append((path, node))
            return
        for key, child in _keyed_children(node, _get_node_type(node)):
            walk(child, path + (key,))
    walk(tree, ())
    return out


# ---- map / predicates -----------------------------------------------------------------------
def tree_map(func, tree, *rests, is_leaf=None):
    """Apply ``func`` to the leaves of ``tree`` (and the matching subtrees of ``rests``)."""
    leaves, spec = tree_flatten(tree, is_leaf)
    flat = [leaves] + [spec.flatten_up_to(r) for r in rests]
    return spec.unflatten(map(func, *flat))


def tree_map_(func, tree, *rests, is_leaf=None):
    """Like ``tree_map`` for side effects: returns ``tree`` itself."""
    leaves, spec = tree_flatten(tree, is_leaf)
    flat = [leaves] + [spec.flatten_up_to(r) for r in rests]
    for args in zip(*flat):
        func(*args)
    return tree


def tree_map_with_path(func, tree, *rests, is_leaf=None):
    """``func(key_path, leaf, *others)`` on every leaf."""
    pairs, spec = tree_flatten_with_path(tree, is_leaf)
    flat = [spec.flatten_up_to(r) for r in rests]
    return spec.unflatten(func(path, leaf, *others)
                          for (path, leaf), *others in zip(pairs, *flat))


def _predicate(type_or_types_or_pred):
    if isinstance(type_or_types_or_pred, (type, tuple, types.UnionType)):
        return lambda x: isinstance(x, type_or_types_or_pred)
    return type_or_types_or_pred


def map_only(type_or_types_or_pred):
    """Decorator: apply the function only to leaves of the given type(s) (or passing the
    predicate); other leaves pass through unchanged."""
    pred = _predicate(type_or_types_or_pred)

    def wrapper(func):
        @functools.wraps(func)
        def wrapped(x):
            return func(x) if pred(x) else x
        return wrapped
    return wrapper


def tree_map_only(type_or_types_or_pred, func, tree, is_leaf=None):
    return tree_map(map_only(type_or_types_or_pred)(func), tree, is_leaf=is_leaf)


def tree_map_only_(type_or_types_or_pred, func, tree, is_leaf=None):
    return tree_map_(map_only(type_or_types_or_pred)(func), tree, is_leaf=is_leaf)


def tree_all(pred, tree, is_leaf=None):
    return all(map(pred, tree_iter(tree, is_leaf)))


def tree_any(pred, tree, is_leaf=None):
    return any(map(pred, tree_iter(tree, is_leaf)))


def tree_all_only(type_or_types, pred, tree, is_leaf=None):
    check = _predicate(type_or_types)
    return all(pred(x) for x in tree_iter(tree, is_leaf) if check(x))


def tree_any_only(type_or_types, pred, tree, is_leaf=None):
    check = _predicate(type_or_types)
    return any(pred(x) for x in tree_iter(tree, is_leaf) if check(x))


# ---- serialisation (protocol 1: JSON) -------------------------------------------------------
def _to_json(spec):
    if spec.is_leaf():
        return {"type": None, "context": None, "children_spec": []}
    if spec.type not in SUPPORTED_SERIALIZED_TYPES:
        raise _errors.pytree_not_registered("Serializing", spec.type)
    node = SUPPORTED_SERIALIZED_TYPES[spec.type]
    if node.to_dumpable_context is None:
        context = json.dumps(spec._context, cls=EnumEncoder)
    else:
        context = node.to_dumpable_context(spec._context)
    return {"type": node.serialized_type_name, "context": context,
            "children_spec": [_to_json(c) for c in spec._children]}


def _from_json(data):
    if data["type"] is None:
        return LeafSpec()
    name = data["type"]
    if name not in SERIALIZED_TYPE_TO_PYTHON_TYPE:
        raise _errors.pytree_not_registered("Deserializing", name)
    node = SUPPORTED_SERIALIZED_TYPES[SERIALIZED_TYPE_TO_PYTHON_TYPE[name]]
    if node.from_dumpable_context is None:
        context = json.loads(data["context"], object_hook=enum_object_hook)
    else:
        context = node.from_dumpable_context(data["context"])
    return TreeSpec(node.typ, context, [_from_json(c) for c in data["children_spec"]])


def treespec_dumps(treespec, protocol=None):
    """``treespec`` as a JSON string (``[protocol, spec]``)."""
    if not isinstance(treespec, TreeSpec):
        raise _errors.pytree_not_treespec(treespec)
    if protocol is None:
        protocol = DEFAULT_TREESPEC_SERIALIZATION_PROTOCOL
    if protocol != 1:
        raise _errors.pytree_unknown_protocol(protocol)
    return json.dumps([protocol, _to_json(treespec)])


class EnumEncoder(json.JSONEncoder):
    """JSON for contexts holding Enum members: ``{"__enum__": True, "fqn", "name"}``."""

    def default(self, obj):
        if isinstance(obj, enum.Enum):
            return {"__enum__": True,
                    "fqn": f"{type(obj).__module__}:{type(obj).__qualname__}", "name": obj.name}
        return super().default(obj)


def enum_object_hook(obj):
    """The Enum member ``EnumEncoder`` wrote, or ``obj`` unchanged."""
    if "__enum__" not in obj:
        return obj
    module, _, qualname = obj["fqn"].partition(":")
    cls = importlib.import_module(module)
    for part in qualname.split("."):
        cls = getattr(cls, part)
    return cls[obj["name"]]


def pytree_to_str(treespec):
    warnings.warn(_errors.pytree_deprecated("pytree_to_str", "treespec_dumps"), stacklevel=2)
    return treespec_dumps(treespec)


def str_to_pytree(json):
    warnings.warn(_errors.pytree_deprecated("str_to_pytree", "treespec_loads"), stacklevel=2)
    return treespec_loads(json)


def treespec_loads(serialized):
    protocol, data = json.loads(serialized)
    if protocol != 1:
        raise _errors.pytree_unknown_protocol(protocol)
    return _from_json(data)


class _DummyLeaf:
    def __repr__(self):
        return "*"


def treespec_pprint(treespec):
    """The structure written as the container it describes, with ``*`` for each leaf."""
    return repr(treespec.unflatten([_DummyLeaf()] * treespec.num_leaves))


def _broadcast_to_and_flatten(tree, treespec, is_leaf=None):
    """``tree``, a prefix of ``treespec``'s structure (a leaf stands for every leaf below its
    place, as vmap's ``in_dims`` do), as one value per leaf of ``treespec``; None when it is
    not such a prefix."""
    if tree_is_leaf(tree, is_leaf):
        return [tree] * treespec.num_leaves
    node_type = _get_node_type(tree)
    if treespec.is_leaf() or node_type is not treespec.type:
        return None
    children, context = SUPPORTED_NODES[node_type].flatten_fn(tree)
    if len(children) != treespec.num_children or context != treespec.context:
        return None
    out = []
    for child, spec in zip(children, treespec.children_specs):
        flat = _broadcast_to_and_flatten(child, spec, is_leaf)
        if flat is None:
            return None
        out.extend(flat)
    return out


# ---- the built-in nodes ---------------------------------------------------------------------
def _seq_keys(values):
    return [(SequenceKey(i), v) for i, v in enumerate(values)]


def _seq_flatten(d):
    return list(d), None


def _seq_flatten_with_keys(d):
    return _seq_keys(d), None


def _list_unflatten(values, context):
    return list(values)


def _tuple_unflatten(values, context):
    return tuple(values)


# torch's names for the list / tuple node functions (libraries register their own list
# types with them)
_list_flatten = _tuple_flatten = _seq_flatten
_list_flatten_with_keys = _tuple_flatten_with_keys = _seq_flatten_with_keys


def _dict_flatten(d):
    return list(d.values()), list(d.keys())


def _dict_unflatten(values, context):
    return dict(zip(context, values))


def _dict_flatten_with_keys(d):
    return [(MappingKey(k), v) for k, v in d.items()], list(d)


def _is_leaf(tree, is_leaf=None):
    return tree_is_leaf(tree, is_leaf)


def _namedtuple_serialize(context):
    raise _errors.pytree_namedtuple_not_serializable(context)


def _defaultdict_serialize(context):
    factory, keys = context
    return {"default_factory_module": factory.__module__,
            "default_factory_name": factory.__qualname__, "dict_context": keys}


def _defaultdict_deserialize(data):
    module = importlib.import_module(data["default_factory_module"])
    return [getattr(module, data["default_factory_name"]), data["dict_context"]]


def _register_builtins():
    register_pytree_node(tuple, _seq_flatten, _tuple_unflatten,
                         serialized_type_name="builtins.tuple",
                         flatten_with_keys_fn=_seq_flatten_with_keys)
    register_pytree_node(list, _seq_flatten, _list_unflatten,
                         serialized_type_name="builtins.list",
                         flatten_with_keys_fn=_seq_flatten_with_keys)
    register_pytree_node(
        dict, _dict_flatten, _dict_unflatten, serialized_type_name="builtins.dict",
        flatten_with_keys_fn=_dict_flatten_with_keys)
    register_pytree_node(
        namedtuple, lambda t: (list(t), type(t)), lambda v, c: c(*v),
        serialized_type_name="collections.namedtuple", to_dumpable_context=_namedtuple_serialize,
        flatten_with_keys_fn=lambda t: ([(GetAttrKey(f), v) for f, v in zip(t._fields, t)],
                                        type(t)))
    register_pytree_node(
        OrderedDict, _dict_flatten, lambda v, c: OrderedDict(zip(c, v)),
        serialized_type_name="collections.OrderedDict", flatten_with_keys_fn=_dict_flatten_with_keys)
    register_pytree_node(
        defaultdict, lambda d: (list(d.values()), [d.default_factory, list(d)]),
        lambda v, c: defaultdict(c[0], zip(c[1], v)),
        serialized_type_name="collections.defaultdict",
        to_dumpable_context=_defaultdict_serialize,
        from_dumpable_context=_defaultdict_deserialize,
        flatten_with_keys_fn=lambda d: ([(MappingKey(k), v) for k, v in d.items()],
                                        [d.default_factory, list(d)]))
    register_pytree_node(deque, lambda d: (list(d), d.maxlen),
                         lambda v, c: deque(v, maxlen=c), serialized_type_name="collections.deque",
                         flatten_with_keys_fn=lambda d: (_seq_keys(d), d.maxlen))
    register_pytree_node(Size, _seq_flatten, lambda v, c: Size(v), serialized_type_name="torch.Size",
                         flatten_with_keys_fn=lambda t: (_seq_keys(t), None))


_register_builtins()
_BUILTIN_TYPES = BUILTIN_TYPES = frozenset((tuple, list, dict, namedtuple, OrderedDict,
                                            defaultdict, deque))
_DICT_TYPES = STANDARD_DICT_TYPES = frozenset((dict, OrderedDict, defaultdict))
