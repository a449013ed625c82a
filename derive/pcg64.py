"""``numpy.random.default_rng(seed).uniform(low, high)`` in pure Python, so that a symbolic
derivation can draw its random check points without importing NumPy.

NumPy's default generator is PCG64 (128-bit LCG, XSL-RR output) seeded through ``SeedSequence``
(a hash of the seed's 32-bit words into a pool of four words, then 2 × 128 bits of state and
increment). A float is ``(next_uint64 >> 11) · 2⁻⁵³`` and ``uniform(low, high)`` is
``low + (high − low) · that``. The same seed gives the same numbers, bit for bit, as NumPy's
``Generator.uniform`` called with scalar bounds (``tests/derive/test_pcg64.py`` compares them).
Only what the proofs need is here: integer (or list of integer) seeds, scalar uniform draws.
"""

from __future__ import annotations

from collections.abc import Iterable

_M32, _M64, _M128 = (1 << 32) - 1, (1 << 64) - 1, (1 << 128) - 1
_INIT_A, _MULT_A, _INIT_B, _MULT_B = 0x43B0D7E5, 0x931E8875, 0x8B51F9DD, 0x58F38DED
_MIX_MULT_L, _MIX_MULT_R, _XSHIFT = 0xCA01F9DD, 0x4973F715, 16
_POOL_SIZE = 4
_PCG_MULT = 0x2360ED051FC65DA44385DF649FCCF645  # PCG_DEFAULT_MULTIPLIER_128


def _words(seed: int | Iterable[int]) -> list[int]:
    """The seed as SeedSequence reads it: each non-negative integer as its 32-bit words, low word first."""
    values = [seed] if isinstance(seed, int) else list(seed)
    out: list[int] = []
    for v in values:
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            raise ValueError(f"seed must be a non-negative integer or a list of them, got {v!r}")
        words = []
        while True:
            words.append(v & _M32)
            v >>= 32
            if not v:
                break
        out.extend(words)
    return out


def _pool(entropy: list[int]) -> list[int]:
    """SeedSequence's mixed pool of four 32-bit words."""
    hash_const = _INIT_A

    def hashmix(value: int) -> int:
        nonlocal hash_const
        value ^= hash_const
        hash_const = (hash_const * _MULT_A) & _M32
        value = (value * hash_const) & _M32
        return value ^ (value >> _XSHIFT)

    def mix(x: int, y: int) -> int:
        result = (_MIX_MULT_L * x - _MIX_MULT_R * y) & _M32
        return result ^ (result >> _XSHIFT)

    pool = [hashmix(entropy[i] if i < len(entropy) else 0) for i in range(_POOL_SIZE)]
    for i_src in range(_POOL_SIZE):
        for i_dst in range(_POOL_SIZE):
            if i_src != i_dst:
                pool[i_dst] = mix(pool[i_dst], hashmix(pool[i_src]))
    for extra in entropy[_POOL_SIZE:]:
        for i_dst in range(_POOL_SIZE):
            pool[i_dst] = mix(pool[i_dst], hashmix(extra))
    return pool


def _state_words(pool: list[int], n_words64: int) -> list[int]:
    """``SeedSequence.generate_state(n_words64, uint64)``."""
    hash_const = _INIT_B
    words32 = []
    for i in range(2 * n_words64):
        value = pool[i % _POOL_SIZE] ^ hash_const
        hash_const = (hash_const * _MULT_B) & _M32
        value = (value * hash_const) & _M32
        words32.append(value ^ (value >> _XSHIFT))
    return [words32[2 * i] | (words32[2 * i + 1] << 32) for i in range(n_words64)]  # little-endian pairs


class DefaultRng:
    """The uniform draws of ``numpy.random.default_rng(seed)``; ``uniform(low, high)`` is one float."""

    def __init__(self, seed: int | Iterable[int] = 0) -> None:
        v = _state_words(_pool(_words(seed)), 4)
        initstate, initseq = (v[0] << 64) | v[1], (v[2] << 64) | v[3]
        self._inc = ((initseq << 1) | 1) & _M128
        self._state = 0
        self._step()
        self._state = (self._state + initstate) & _M128
        self._step()

    def _step(self) -> None:
        self._state = (self._state * _PCG_MULT + self._inc) & _M128

    def next_uint64(self) -> int:
        """The next 64-bit output (step, then XSL-RR of the new state), as NumPy's PCG64 gives it."""
        self._step()
        s = self._state
        x, rot = ((s >> 64) ^ s) & _M64, s >> 122
        return ((x >> rot) | (x << ((-rot) & 63))) & _M64

    def random(self) -> float:
        """A float uniform on [0, 1): the top 53 bits of the next output times 2⁻⁵³."""
        return (self.next_uint64() >> 11) * (1.0 / 9007199254740992.0)

    def uniform(self, low: float = 0.0, high: float = 1.0) -> float:
        """One float uniform on [low, high), computed as NumPy does: low + (high − low) · random()."""
        low, high = float(low), float(high)
        return low + (high - low) * self.random()
