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
