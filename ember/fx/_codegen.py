"""Python source for a graph (``Graph.python_code``), laid out as torch.fx lays it out.

One statement per node, named after the node; a value is set to None right after its last
use (``x = None``) so that memory is freed as early as in eager code.  Python operators are
written as operators (``add = x + y``), ``getattr(x, "shape")`` as ``x.shape``, ember's
functions by their public path (``ember.relu(x)``); other callables become globals of the
generated code (and functions registered with :func:`ember.fx.wrap` stay wrapped when the
code is traced again).
"""
import builtins
import inspect
import keyword
import math
import re

from .node import Node, last_uses, qualified_name

NO_DEFAULT = inspect.Signature.empty

# Names the generated code needs for itself (besides Python's keywords and builtins).
RESERVED = frozenset({"ember", "device", "inf", "nan", "NoneType", "self"})

_OPERATOR_FORMS = {
    "add": "{} + {}", "sub": "{} - {}", "mul": "{} * {}", "truediv": "{} / {}",
    "floordiv": "{} // {}", "mod": "{} % {}", "pow": "{} ** {}", "matmul": "{} @ {}",
    "and_": "{} & {}", "or_": "{} | {}", "xor": "{} ^ {}", "lshift": "{} << {}",
    "rshift": "{} >> {}", "eq": "{} == {}", "ne": "{} != {}", "lt": "{} < {}",
    "le": "{} <= {}", "gt": "{} > {}", "ge": "{} >= {}", "neg": "-{}", "pos": "+{}",
    "invert": "~{}", "getitem": "{}[{}]"}


class Namespace:
    """Unique, legal Python names: ``add``, ``add_1``, ...; builtins, keywords and the
    names in ``RESERVED`` get a suffix (``sum_1``, ``getattr_1``)."""

    def __init__(self):
        self._used = set()
        self._counts = {}

    def create_name(self, candidate):
        candidate = re.sub(r"[^0-9a-zA-Z_]+", "_", candidate) or "_unnamed"
        if candidate[0].isdigit():
            candidate = "_" + candidate
        match = re.fullmatch(r"(.*)_(\d+)", candidate)
        base, num = (match.group(1), int(match.group(2))) if match else (candidate, None)
        if not num:
            num = self._counts.get(base, 0)
        while candidate in self._used or _illegal(candidate):
            num += 1
            candidate = f"{base}_{num}"
        self._used.add(candidate)
        self._counts[base] = num
        return candidate

    def reserve(self, name):
        self._used.add(name)


def _illegal(name):
    return keyword.iskeyword(name) or hasattr(builtins, name) or name in RESERVED


class PythonCode:
    """``src``: the source of ``forward``; ``globals``: the names it reads besides builtins."""

    def __init__(self, src, globals):
        self.src = src
        self.globals = globals


def base_globals():
    import ember
    return {"ember": ember, "device": ember.device, "inf": math.inf, "nan": math.nan,
            "NoneType": type(None)}


def value_code(v):
    """``v`` as a Python expression (nodes by name)."""
    if isinstance(v, Node):
        return v.name
    if type(v) is tuple:
        return "(" + ", ".join(value_code(x) for x in v) + ("," if len(v) == 1 else "") + ")"
    if isinstance(v, list):
        return "[" + ", ".join(value_code(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k!r}: {value_code(x)}" for k, x in v.items()) + "}"
    if isinstance(v, slice):
        return f"slice({value_code(v.start)}, {value_code(v.stop)}, {value_code(v.step)})"
    text = repr(v)
    # ember's dtypes and sizes print as PyTorch's (torch.float32): name them by ember here
    return "ember." + text[6:] if text.startswith("torch.") else text


def attr_path(base, target):
    """``self.a.b``, with ``getattr(self.layer, "0")`` for parts that are not identifiers."""
    for part in target.split("."):
        base = f"{base}.{part}" if part.isidentifier() else f'getattr({base}, "{part}")'
    return base


def _call(args, kwargs):
    return ", ".join([value_code(a) for a in args] +
                     [f"{k} = {value_code(v)}" for k, v in kwargs.items()])


class _Emitter:
    def __init__(self, graph, root_module):
        self.root = root_module
        self.globals = base_globals()
        self.names = Namespace()
        for node in graph.nodes:
            self.names.reserve(node.name)
        self.global_of = {}
        self.wrapped = []

    def callee(self, node):
        fn = node.target
        public = qualified_name(fn)
        if public.startswith("ember."):
            return public
        name = self.global_of.get(id(fn))
        if name is None:
            hint = f"{getattr(fn, '__module__', '')}.{getattr(fn, '__qualname__', 'fn')}"
            name = self.global_of[id(fn)] = self.names.create_name(hint)
            self.globals[name] = fn
            if node.meta.get("is_wrapped"):
                self.wrapped.append(name)
        return name

    def expression(self, node):
        op, args, kwargs = node.op, node.args, node.kwargs
        if op == "get_attr":
            return attr_path(self.root, node.target)
        if op == "call_module":
            return f"{attr_path(self.root, node.target)}({_call(args, kwargs)})"
        if op == "call_method":
            return f"{value_code(args[0])}.{node.target}({_call(args[1:], kwargs)})"
        target = node.target
        form = _OPERATOR_FORMS.get(getattr(target, "__name__", None))
        if form is not None and getattr(target, "__module__", None) == "_operator" \
                and not kwargs and len(args) == form.count("{}"):
            return form.format(*(value_code(a) for a in args))
        if target is getattr and len(args) == 2 and not kwargs and \
                isinstance(args[1], str) and args[1].isidentifier():
            return f"{value_code(args[0])}.{args[1]}"
        return f"{self.callee(node)}({_call(args, kwargs)})"


def python_code(graph, root_module):
    nodes = list(graph.nodes)
    emit = _Emitter(graph, root_module)
    frees = last_uses(nodes)
    params, body = [root_module], []
    for node in nodes:
        if node.op == "placeholder":
            star = "*" if node.target.startswith("*") else ""
            default = f" = {value_code(node.args[0])}" if node.args else ""
            params.append(f"{star}{node.name}{default}")
            continue
        if node.op == "output":
            body.append(f"return {value_code(node.args[0])}")
            continue
        line = f"{node.name} = {emit.expression(node)}"
        dead = [n.name for n in frees.get(node, ())] + ([] if node.users else [node.name])
        if dead:
            line += ";  " + " = ".join(dead) + " = None"
        body.append(line)
    wraps = "\n".join(f'ember.fx._symbolic_trace.wrap("{name}")' for name in emit.wrapped)
    src = (f"\n{wraps}\n\ndef forward({', '.join(params)}):\n" +
           "\n".join("    " + line for line in (body or ["pass"]) + [""]))
    return PythonCode(src, emit.globals)
