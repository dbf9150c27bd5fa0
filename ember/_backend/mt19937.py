"""PyTorch's CPU random engine: a 32-bit Mersenne Twister seeded the way ``at::mt19937`` seeds
it, plus the Box-Muller caches ``CPUGeneratorImpl`` keeps, and its 5056-byte state layout.

The twister itself is NumPy's ``MT19937`` bit generator (same recurrence and tempering), whose
``key``/``pos`` state we set directly, so raw draws come out vectorised.  The 64-bit draw PyTorch
makes (``random64``: first 32-bit output in the high word) is exactly NumPy's ``next_uint64`` for
this bit generator.
"""
import struct

import numpy as np

N = 624
STATE_BYTES = 5056
# the legacy THGeneratorState struct, then the float cache: seed, left, seeded, next, state[624],
# normal_x, normal_y, normal_rho, normal_is_valid, (pad), next_float, is_valid, (pad)
_HEAD = struct.Struct("<QiiQ")
_TAIL = struct.Struct("<dddi4xf?3x")
_U32 = 1 << 32
_SMALL = 4096


def seeded_key(seed):
    """The untwisted state ``at::mt19937(seed)`` starts from (Knuth's initialisation)."""
    key = [0] * N
    x = key[0] = seed & 0xFFFFFFFF
    for i in range(1, N):
        x = key[i] = (1812433253 * (x ^ (x >> 30)) + i) & 0xFFFFFFFF
    return np.array(key, np.uint32)


class MT19937:
    """One stream: ``u32(n)`` / ``u64(n)`` raw draws, the seed, and the normal-sample caches."""
    __slots__ = ("bits", "np", "seed", "next_double", "next_float", "_fresh_key", "_fresh_next",
                 "_words")
    state_bytes = STATE_BYTES

    def __init__(self, seed):
        self.bits = np.random.MT19937(0)
        self.np = np.random.Generator(self.bits)     # NumPy's API on the same stream
        self._words = (None, None)
        self.manual_seed(seed)

    def manual_seed(self, seed):
        self.seed = seed
        try:    # NumPy's own init_genrand: the same initialisation, in C
            self.bits._legacy_seeding(seed & 0xFFFFFFFF)
        except (AttributeError, TypeError, ValueError):
            self.bits.state = {"bit_generator": "MT19937",
                               "state": {"key": seeded_key(seed), "pos": N}}
        self._fresh_key, self._fresh_next = None, 0     # (the seeded key: rebuilt on demand)
        self.next_double = self.next_float = None

    def _set(self, key, pos, next_):
        self.bits.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": pos}}
        # at::mt19937 reports next=0 before its first twist but N after a full round: remember
        # which one a state that is due to twist came from, for byte-exact get_state
        self._fresh_key, self._fresh_next = (key.copy(), next_) if pos == N else (None, N)

    def u32(self, n):
        """``n`` raw 32-bit outputs (uint32), PyTorch's ``random()``.  (``random_raw`` has the
        least call overhead; ``integers`` writes 4 bytes per draw, not 8, for big draws.)"""
        if n <= _SMALL:
            return self.bits.random_raw(n).astype(np.uint32)
        return self.np.integers(0, _U32, n, dtype=np.uint32)

    def u64(self, n):
        """``n`` 64-bit draws (uint64), PyTorch's ``random64()``: two outputs, high word first."""
        if n <= _SMALL // 2:
            r = self.bits.random_raw(2 * n)
            return (r[0::2] << np.uint64(32)) | r[1::2]
        return self.np.integers(0, (1 << 64) - 1, n, dtype=np.uint64, endpoint=True)

    def state_words(self):
        """The bit generator's state (NumPy's ``mt19937_state``: the 624 key words, then
        ``pos``) as a uint32 array on its own memory, for kernels that draw by advancing it in
        place (``jit_random``); None where NumPy's layout is not that one."""
        address, words = self._words
        if address != self.bits.ctypes.state_address:     # first use, or a copied engine
            import ctypes
            address = self.bits.ctypes.state_address
            words = np.ctypeslib.as_array((ctypes.c_uint32 * (N + 1)).from_address(address))
            st = self.bits.state["state"]
            if not (np.array_equal(words[:N], st["key"]) and words[N] == st["pos"]):
                words = None
            self._words = address, words
        return words

    def get_state(self):
        """The state as PyTorch's ``CPUGeneratorImplState`` bytes."""
        st = self.bits.state["state"]
        key, pos = st["key"], int(st["pos"])
        next_ = pos
        if pos == N:
            fresh = seeded_key(self.seed) if self._fresh_key is None else self._fresh_key
            if np.array_equal(key, fresh):
                next_ = self._fresh_next
        nd, nf = self.next_double, self.next_float
        return b"".join((
            _HEAD.pack(self.seed, N + 1 - pos, 1, next_),
            key.astype("<u8").tobytes(),
            _TAIL.pack(0.0, 0.0 if nd is None else nd, 0.0, nd is not None,
                       0.0 if nf is None else nf, nf is not None)))

    def set_state(self, raw):
        """Load PyTorch's state bytes (``len(raw) == STATE_BYTES``, checked by the caller)."""
        seed, left, _, next_ = _HEAD.unpack_from(raw, 0)
        key = np.frombuffer(raw, "<u8", N, _HEAD.size).astype(np.uint32)
        _, ny, _, valid, nf, fvalid = _TAIL.unpack_from(raw, _HEAD.size + 8 * N)
        self.seed = seed
        self._set(key, N + 1 - left, next_)
        self.next_double = ny if valid else None
        self.next_float = nf if fvalid else None
