"""UntypedStorage.from_file, storage slicing and asarray over storages, view(dtype=...):
what the safetensors library reads checkpoints through, against torch."""
from tests._autograd_compare import compare


def test_storage_from_file_slices_and_asarray(tmp_path):
    path = tmp_path / "raw.bin"
    path.write_bytes(bytes(range(16)))

    def case(T):
        s = T.UntypedStorage.from_file(str(path), False, 16)
        part = s[4:12]
        t = T.asarray(part, dtype=T.uint8)
        return (s.size(), len(part), s[3], t, t.view(dtype=T.float32).shape,
                T.asarray(s, dtype=T.int32), s.untyped().size())
    compare(case)


def test_private_mapping_leaves_the_file_alone(tmp_path):
    path = tmp_path / "raw.bin"
    path.write_bytes(bytes(8))

    def case(T):
        t = T.asarray(T.UntypedStorage.from_file(str(path), False, 8), dtype=T.uint8)
        t[0] = 7
        return t[0].item(), path.read_bytes()[0]
    compare(case)
