"""Loading checkpoints saved before a module renamed its layers (torchvision's version 2)."""


class RenamedInVersion2:
    """Mixin for a module whose version-1 (or unversioned) checkpoints name some layers
    differently: ``_version_1_names()`` yields (old, new) layer paths below the module, and
    their ``weight`` and ``bias`` entries are renamed before loading."""
    _version = 2

    def _version_1_names(self):
        raise NotImplementedError

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, *args):
        if (local_metadata.get("version") or 0) < 2:
            for old, new in self._version_1_names():
                for kind in ("weight", "bias"):
                    key = f"{prefix}{old}.{kind}"
                    if key in state_dict:
                        state_dict[f"{prefix}{new}.{kind}"] = state_dict.pop(key)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, *args)
