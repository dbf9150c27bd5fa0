"""The protocol-buffer messages of TensorBoard event files, encoded by hand.

Only what ``SummaryWriter`` writes: ``Event``, ``Summary`` (simple values, images,
histograms, tensors, plugin metadata) and the hparams plugin's messages, with the field
numbers of tensorflow's ``event.proto`` / ``summary.proto`` / ``tensor.proto`` and
tensorboard's ``plugins/hparams/*.proto``.  A message is built as the concatenation of its
encoded fields; default values are left out, as protobuf does.
"""
import struct

# ---- wire format ----------------------------------------------------------------------------
_VARINT, _I64, _LEN, _I32 = 0, 1, 2, 5


def _varint(n):
    if n < 0:
        n += 1 << 64
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _key(field, wire):
    return _varint(field << 3 | wire)


def varint(field, value):
    return _key(field, _VARINT) + _varint(int(value)) if value else b""


def double(field, value):
    return _key(field, _I64) + struct.pack("<d", value) if value else b""


def float32(field, value):
    return _key(field, _I32) + struct.pack("<f", value)


def message(field, body):
    """A length-delimited field (bytes, string or sub-message), written even when empty."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    return _key(field, _LEN) + _varint(len(body)) + body


def string(field, value):
    return message(field, value) if value else b""


def packed_doubles(field, values):
    return message(field, struct.pack(f"<{len(values)}d", *values)) if values else b""


# ---- tensorflow: Event, Summary, HistogramProto, TensorProto -----------------------------------
DT_FLOAT, DT_STRING = 1, 7


def event(wall_time, step=0, file_version=None, summary=None):
    body = double(1, wall_time) + varint(2, step)
    if file_version is not None:
        body += message(3, file_version)
    if summary is not None:
        body += message(5, summary)
    return body


def summary(*values):
    return b"".join(message(1, v) for v in values)


def plugin_metadata(plugin_name, content=b""):
    return message(1, message(1, plugin_name) + string(2, content))


def value(tag, *, simple_value=None, image=None, histo=None, tensor=None, metadata=None):
    body = message(1, tag)
    if simple_value is not None:
        body += float32(2, simple_value)
    if image is not None:
        body += message(4, image)
    if histo is not None:
        body += message(5, histo)
    if tensor is not None:
        body += message(8, tensor)
    if metadata is not None:
        body += message(9, metadata)
    return body


def image(height, width, colorspace, encoded):
    return varint(1, height) + varint(2, width) + varint(3, colorspace) + string(4, encoded)


def histogram(min, max, num, sum, sum_squares, bucket_limit, bucket):
    return (double(1, min) + double(2, max) + double(3, num) + double(4, sum)
            + double(5, sum_squares) + packed_doubles(6, bucket_limit)
            + packed_doubles(7, bucket))


def string_tensor(strings, shape):
    dims = b"".join(message(2, varint(1, n)) for n in shape)
    return (varint(1, DT_STRING) + message(2, dims)
            + b"".join(message(8, s) for s in strings))


# ---- tensorboard hparams plugin ---------------------------------------------------------------
HPARAMS_PLUGIN = "hparams"
EXPERIMENT_TAG = "_hparams_/experiment"
SESSION_START_INFO_TAG = "_hparams_/session_start_info"
SESSION_END_INFO_TAG = "_hparams_/session_end_info"
DATA_TYPE_STRING, DATA_TYPE_BOOL, DATA_TYPE_FLOAT64 = 1, 2, 3
STATUS_SUCCESS = 1


def struct_value(v):
    """``google.protobuf.Value`` of a bool, number or string."""
    if isinstance(v, bool):
        return _key(4, _VARINT) + _varint(int(v))
    if isinstance(v, (int, float)):
        return _key(2, _I64) + struct.pack("<d", float(v))
    return message(3, v)


def hparam_info(name, data_type, domain=None):
    body = message(1, name) + varint(4, data_type)
    if domain is not None:
        body += message(5, b"".join(message(1, struct_value(d)) for d in domain))
    return body


def experiment(hparam_infos, metric_tags):
    return (b"".join(message(4, h) for h in hparam_infos)
            + b"".join(message(5, message(1, message(2, tag))) for tag in metric_tags))


def session_start_info(hparams):
    return b"".join(message(1, message(1, k) + message(2, struct_value(v)))
                    for k, v in hparams.items())


def session_end_info(status):
    return varint(1, status)


def hparams_plugin_data(field, body):
    """``HParamsPluginData`` (version 0) holding the experiment (field 2), the session start
    info (3) or the session end info (4)."""
    return message(field, body)
