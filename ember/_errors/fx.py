"""torch.fx: graphs, symbolic tracing, GraphModule, Interpreter."""
from .base import unsupported


# ---- torch.fx: graphs, symbolic tracing, GraphModule, Interpreter -----------------------------
class TraceError(ValueError):
    """Symbolic tracing met something it cannot record (torch.fx.proxy.TraceError)."""


def _trace_error(msg):
    return TraceError(msg)


def fx_control_flow():
    return _trace_error("symbolically traced variables cannot be used as inputs to control flow")


def fx_proxy_iteration():
    return _trace_error("Proxy object cannot be iterated. This can be attempted when the Proxy "
                        "is used in a loop or as a *args or **kwargs function argument. See the "
                        "torch.fx docs on pytorch.org for a more detailed explanation of what "
                        "types of control flow can be traced, and check out the Proxy docstring "
                        "for help troubleshooting Proxy iteration errors")


def fx_len():
    return RuntimeError("'len' is not supported in symbolic tracing by default. If you want this "
                        "call to be recorded, please call torch.fx.wrap('len') at module scope")


def fx_argument_type(t):
    return NotImplementedError(f"argument of type: {t}")


def fx_varargs(name):
    return unsupported(f"symbolic tracing of a forward with *{name} / **{name}",
                       "give it named parameters")


def fx_wrap_type():
    return RuntimeError("Unsupported type for global function! Must be either a callable or "
                        "string name")


def fx_wrap_not_top_level():
    return NotImplementedError("wrap must be called at the top level of a module")


def fx_not_submodule():
    return NameError("module is not installed as a submodule")


def fx_foreign_parameter():
    return NameError("parameter is not a member of this module")


def fx_unknown_opcode(node, op):
    return RuntimeError(f"Node {node} had unknown opcode {op}!")


def fx_erase_used(node):
    return RuntimeError(f"Tried to erase Node {node} but it still had {len(node.users)} users in "
                        f"the graph: {node.users}!")


def fx_erase_foreign(node):
    return RuntimeError(f"Attempting to remove {node} from wrong graph!")


def fx_lint_foreign_node(node):
    return RuntimeError(f"Node '{node}' does not belong to this Graph!")


def fx_lint_foreign_arg(arg, node, graph):
    return RuntimeError(f"Argument '{arg}' of Node '{node}' does not belong to this Graph, but "
                        f"was used as an argument! If you are copying nodes from another graph, "
                        f"make sure to use ``arg_transform`` on node_copy() to remap values\n"
                        f"{graph}")


def fx_lint_undefined_arg(arg, node, graph):
    return RuntimeError(f"Argument '{arg}' of Node '{node}' was used before it has been defined! "
                        f"Please check that Nodes in the graph are topologically ordered\n{graph}")


def fx_lint_redefined(name):
    return RuntimeError(f"Node redefined name {name}!")


def fx_lint_target(node, atom, seen):
    return RuntimeError(f"Node {node} target {node.target} references nonexistent attribute "
                        f"{atom} of {seen}")


def fx_root_missing(node):
    return RuntimeError(f"Node {node} referenced target {node.target} but that target was not "
                        f"provided in ``root``!")


def fx_root_type(root):
    return RuntimeError(f"Unsupported type {root} passed for root!")


def fx_missing_argument(target):
    return RuntimeError(f"Expected positional argument for parameter {target}, but one was not "
                        f"passed in!")


def fx_missing_target(path):
    return RuntimeError(f"Node referenced nonexistent target {path}")


def fx_missing_value(node, arg):
    return RuntimeError(f"Node {node} referenced nonexistent value {arg}! Run Graph.lint() to "
                        f"diagnose such issues")


def fx_multiple_tracers(tracers, func):
    return RuntimeError(f"Found multiple different tracers {tracers} while trying to trace "
                        f"operations {func}")
