"""torch.utils._pytree against torch's: leaves, TreeSpec repr / equality / counts, key paths,
the map and predicate helpers, (de)serialisation, custom nodes and error messages."""
from collections import OrderedDict, defaultdict, deque, namedtuple

import pytest

import ember.utils._pytree as ep

torch = pytest.importorskip("torch")
import torch.utils._pytree as tp  # noqa: E402

Point = namedtuple("Point", "x y")


def _trees():
    return [
        1, None, "s", [], (), {},
        [1, (2, 3), {"b": 4, "a": [5]}],
        {"b": [1, (2, 3)], "a": Point(4, None), "c": OrderedDict(z=5, y=6)},
        defaultdict(list, {1: [7], 2: 8}),
        deque([8, (9,)], maxlen=3),
        Point(x=[1, 2], y={"k": (3,)}),
    ]


def _both(fn):
    """fn(pytree module) for ember and torch, turning exceptions into (type name, message)."""
    out = []
    for mod in (ep, tp):
        try:
            out.append(fn(mod))
        except Exception as e:     # noqa: BLE001 - compared, not swallowed
            out.append((type(e).__name__, str(e)))
    return out


@pytest.mark.parametrize("tree", _trees(), ids=repr)
def test_flatten_unflatten_and_spec(tree):
    def run(m):
        leaves, spec = m.tree_flatten(tree)
        back = m.tree_unflatten(leaves, spec)
        return (leaves, repr(spec), spec.num_leaves, spec.num_nodes, spec.num_children,
                spec.is_leaf(), back == tree, type(back) is type(tree),
                m.treespec_pprint(spec), m.tree_leaves(tree), list(m.tree_iter(tree)))
    e, t = _both(run)
    assert e == t


@pytest.mark.parametrize("tree", _trees(), ids=repr)
def test_key_paths(tree):
    def run(m):
        pairs, _ = m.tree_flatten_with_path(tree)
        return [(repr(p), m.keystr(p), leaf, m.key_get(tree, p)) for p, leaf in pairs]
    e, t = _both(run)
    assert e == t


@pytest.mark.parametrize("tree", [t for t in _trees() if not isinstance(t, Point) and
                                  "Point" not in repr(t)], ids=repr)
def test_dumps_loads(tree):
    def run(m):
        spec = m.tree_structure(tree)
        s = m.treespec_dumps(spec)
        return s, m.treespec_loads(s) == spec
    e, t = _both(run)
    assert e == t


def test_map_family():
    tree = {"a": [1, 2.5, "s"], "b": (3, None)}

    def run(m):
        inc = m.tree_map_only(int, lambda x: x + 1, tree)
        num = m.tree_map_only((int, float), lambda x: -x, tree)
        pred = m.tree_map_only(lambda x: x is None, lambda x: 0, tree)
        both = m.tree_map(lambda a, b: (a, b), [1, [2]], [3, [4]])
        sub = m.tree_map(lambda a, b: (a, b), [1, 2], [[5, 6], {"k": 7}])
        paths = m.tree_map_with_path(lambda p, x: m.keystr(p), tree)
        seen = []
        same = m.tree_map_(seen.append, tree) is tree
        return (inc, num, pred, both, sub, paths, seen, same,
                m.tree_all(lambda x: x != 0, tree),
                m.tree_any(lambda x: x == "s", tree),
                m.tree_all_only(int, lambda x: x > 0, tree),
                m.tree_any_only(float, lambda x: x > 3, tree),
                m.tree_leaves([1, [2, [3]]], is_leaf=lambda x: isinstance(x, list) and
                              len(x) == 1),
                m.tree_is_leaf([1]), m.tree_is_leaf(3), m.tree_is_leaf([1], lambda x: True))
    e, t = _both(run)
    assert e == t


@pytest.mark.parametrize("call", [
    lambda m: m.tree_unflatten([1], m.tree_structure([1, 2])),
    lambda m: m.tree_unflatten([1], 3),
    lambda m: m.tree_map(lambda a, b: a, [1, 2], [3, 4, 5]),
    lambda m: m.tree_map(lambda a, b: a, (1,), [2]),
    lambda m: m.tree_map(lambda a, b: a, {"a": 1}, {"b": 2}),
    lambda m: m.tree_map(lambda a, b: a, Point(1, 2), namedtuple("Q", "x y")(1, 2)),
    lambda m: m.register_pytree_node(list, None, None),
    lambda m: m.treespec_dumps(m.tree_structure([1]), 5),
    lambda m: m.treespec_dumps(m.tree_structure(Point(1, 2))),
    lambda m: m.treespec_loads('[1, {"type": "foo.bar", "context": "null", '
                               '"children_spec": []}]'),
], ids=range(10))
def test_errors_match_torch(call):
    e, t = _both(call)
    assert e == t


def test_dict_types_are_interchangeable_in_flatten_up_to():
    e, t = _both(lambda m: m.tree_map(lambda a, b: (a, b), {"a": 1, "b": 2},
                                      OrderedDict(b=3, a=4)))
    assert e == t


def test_custom_node():
    class Pair:
        def __init__(self, a, b):
            self.a, self.b = a, b

        def __eq__(self, other):
            return (self.a, self.b) == (other.a, other.b)

    def run(m):
        cls = type("Pair", (Pair,), {})     # a fresh class per registry
        m.register_pytree_node(cls, lambda p: ([p.a, p.b], "ctx"),
                               lambda v, c: cls(*v), serialized_type_name=f"test.{id(m)}")
        tree = [cls(1, (2, 3)), 4]
        leaves, spec = m.tree_flatten(tree)
        doubled = m.tree_map(lambda x: 2 * x, tree)
        return (leaves, repr(spec), spec.unflatten(leaves) == tree,
                [doubled[0].a, doubled[0].b, doubled[1]],
                cls in m.SUPPORTED_NODES)
    e, t = _both(run)
    assert e == t
    e, t = _both(lambda m: m.tree_leaves_with_path([next(c for c in m.SUPPORTED_NODES
                                                         if c.__name__ == "Pair")(1, 2)]))
    assert e == t


def test_ember_size_is_a_node():
    import ember
    assert ep.tree_leaves(ember.Size([2, 3])) == tp.tree_leaves(torch.Size([2, 3]))
    assert ep.tree_map(lambda x: x, ember.Size([2, 3])) == ember.Size([2, 3])


def test_predicates():
    def run(m):
        return (m.is_namedtuple(Point), m.is_namedtuple(Point(1, 2)), m.is_namedtuple((1,)),
                m.is_namedtuple_class(Point), m.is_namedtuple_instance(Point(1, 2)),
                m.is_structseq(Point), m.is_structseq_class(type(__import__("os").stat("."))))
    e, t = _both(run)
    assert e == t


def _dataclass_case(mod, drop=False):
    """A dataclass registered in ``mod`` (one class per module: registration is global)."""
    import dataclasses

    @dataclasses.dataclass
    class Pair:
        a: object
        b: object = None
        c: int = dataclasses.field(default=0, init=not drop)
    mod.register_dataclass(Pair)
    tree = [Pair(1, (2, 3)), Pair([4], None)]
    leaves, spec = mod.tree_flatten(tree)
    back = mod.tree_unflatten([x * 10 for x in leaves], spec)
    paths = [mod.keystr(p) for p, _ in mod.tree_leaves_with_path(tree)]
    return leaves, spec.num_leaves, [(p.a, p.b) for p in back], paths


def test_register_dataclass():
    ours, theirs = _both(_dataclass_case)
    assert ours == theirs and ours[0] == [1, 2, 3, 0, 4, 0]


@pytest.mark.parametrize("kwargs", [{"field_names": ["a"]}, {"field_names": ["a", "b", "z"]},
                                    {"field_names": ["a"], "drop_field_names": ["b", "c"]}, {}])
def test_register_dataclass_field_checks(kwargs):
    import dataclasses

    def run(mod):
        @dataclasses.dataclass
        class Three:
            a: int
            b: int
            c: int = 0
        mod.register_dataclass(Three, **kwargs)
        return mod.tree_leaves(Three(1, 2))
    assert _both(run)[0] == _both(run)[1]

    class Plain:
        pass
    assert _both(lambda mod: mod.register_dataclass(Plain))[0][0] == "ValueError"
    ours, theirs = _both(lambda mod: mod.register_dataclass(Plain))
    assert ours[1].replace("ember", "torch") == theirs[1]


def test_register_constant():
    import dataclasses

    def run(mod):
        @dataclasses.dataclass(frozen=True)
        class Config:
            norm: str
        mod.register_constant(Config)
        leaves, spec = mod.tree_flatten({"x": 1, "cfg": Config("l2")})
        back = mod.tree_unflatten([5], spec)
        return (leaves, back["cfg"].norm, mod.is_constant_class(Config),
                mod._is_constant_holder(spec.child(1)),
                mod._retrieve_constant(spec.child(1)) == Config("l2"),
                spec == mod.tree_structure({"x": 0, "cfg": Config("l2")}),
                spec == mod.tree_structure({"x": 0, "cfg": Config("l1")}))
    ours, theirs = _both(run)
    assert ours == theirs == ([1], "l2", True, True, True, True, False)

    class NoEq:
        pass

    class NoHash:
        def __eq__(self, other):
            return True
    for cls in (NoEq, NoHash):
        ours, theirs = _both(lambda mod: mod.register_constant(cls))
        assert ours == theirs and ours[0] == "TypeError"


def test_treespec_builders_and_arg_leaves():
    def run(mod):
        leaf = mod.treespec_leaf()
        spec = mod.treespec_dict(b=mod.treespec_tuple([leaf, leaf]), a=leaf)
        tree = mod.tree_unflatten([1, 2, 3], spec)
        return (leaf.is_leaf(), repr(spec), tree, spec == mod.tree_structure(tree),
                repr(mod.treespec_tuple()), repr(mod.treespec_dict([("k", leaf)])),
                mod.arg_tree_leaves([1, (2,)], {"x": 3}, k={"y": [4]}, z=5))
    ours, theirs = _both(run)
    assert ours == theirs
    for bad in (lambda mod: mod.treespec_tuple([1]), lambda mod: mod.treespec_dict(a=2)):
        ours, theirs = _both(bad)
        assert ours == theirs and ours[0] == "ValueError"


def test_enum_contexts_serialise_and_deprecated_names():
    import enum
    import warnings

    def run(mod):
        spec = mod.treespec_dict({Color.RED: mod.treespec_leaf()})
        text = mod.treespec_dumps(spec)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            same = mod.str_to_pytree(mod.pytree_to_str(spec)) == spec
        return (text, mod.treespec_loads(text) == spec, same,
                [(w.category.__name__, str(w.message)) for w in caught])
    ours, theirs = _both(run)
    assert ours == theirs and ours[2] and len(ours[3]) == 2
    assert ep.BUILTIN_TYPES == tp.BUILTIN_TYPES and ep.STANDARD_DICT_TYPES == tp.STANDARD_DICT_TYPES


class Color(__import__("enum").Enum):
    RED = 1
