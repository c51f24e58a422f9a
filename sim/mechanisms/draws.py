"""Random draws for compiled kernels: counter-based, one stream per random decision.

Every random number of a run is a pure function of (the stream's key, the day, an index, a slot):
`uniform(key, day, i, slot)` hashes the four through three rounds of SplitMix64's finaliser
(Steele, Lea & Flood 2014), a bijective 64-bit mixer with full avalanche. So

- a kernel needs no generator object (passing a `numpy.random.Generator` into a numba function
  costs ~8 µs per call here, more than most of the day's kernels take), only a 64-bit key;
- draws do not depend on the order in which members, groups or phases are visited, nor on how
  many draws another decision made: each random decision (`Stream`) has its own key, so adding a
  draw to one mechanism leaves every other mechanism's draws — and common random numbers between
  scenarios — as they were (starsim's "random-number-safe" draws make the same point);
- the same scenario and seed give the same run, whatever the process or worker.

`stream_keys(seed)` derives one key per stream from the run's seed with NumPy's SeedSequence.
The distributions below (normal, exponential, Poisson, gamma, beta) are built from these uniforms
inside the kernels. Quality is checked in tests/test_draws.py (uniformity, independence between
neighbouring counters and between streams, moments of each distribution).
"""

from __future__ import annotations

from enum import IntEnum

import numba as nb
import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_C_INDEX = np.uint64(0xC2B2AE3D27D4EB4F)
_C_SLOT = np.uint64(0x165667B19E3779F9)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53
_NORMAL_SALT = np.uint64(0x5851F42D4C957F2D)


class Stream(IntEnum):
    """The random decisions of the model, each with its own stream of draws."""

    FOUNDERS = 0  # founders' fit
    TRAITS = 1  # newcomers' traits (interest, attention, tolerance, activity, restlessness)
    ROLE_AT_JOIN = 2
    SPAMMER = 3
    PROSPECTS = 4  # organic prospects' fit
    INVITEES = 5  # invitees' fit
    MASS_ADD = 6  # fit of people added without asking
    KOL_FIT = 7
    ENTRY = 8  # the entry threshold's test of each applicant
    MENTIONS = 9  # who is @-ed, and whether a mention unmutes
    LOTTERY = 10
    EVENTS = 11  # who attends, whom they meet
    POST_VALUE = 12
    POST_CHATTER = 13
    POST_ADS = 14
    MODERATION = 15
    REPLIES = 16  # how many replies each member gives
    REPLY_TARGETS = 17  # which post each reply answers
    CHATTER_PAIRS = 18
    ROLES = 19
    INVITATIONS = 20  # how many invitations each member sends
    ACCEPTANCE = 21  # which invitations are accepted
    CHURN = 22  # leaving and muting (one draw decides both)
    SOCIABILITY = 23
    ORGANIC_COUNT = 24  # how many organic prospects come today
    FOUNDER_TIES = 25  # whom founders already know among themselves
    OFFLINE_EVENTS = 26  # who attends an offline event, whom they meet
    SELF_INTROS = 27  # whom a newcomer's self-introduction ties them to
    INTRODUCTIONS = 28  # whom the operator introduces to whom
    CHECKINS = 29  # who checks in


def stream_keys(seed: int | np.random.SeedSequence | None) -> np.ndarray:
    """One 64-bit key per `Stream`, derived from the run's seed (SeedSequence: distinct seeds give
    unrelated keys). A `None` seed draws fresh entropy."""
    sequence = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    return sequence.generate_state(len(Stream), dtype=np.uint64)


class StreamKeys:
    """A run's stream keys: `keys[Stream.X]` is one key; `post`, `reply`, `invite` and `traits`
    are the groups of keys the kernels that make several decisions take."""

    def __init__(self, seed: int | np.random.SeedSequence | None) -> None:
        self.all = stream_keys(seed)
        self.post = self.all[[Stream.POST_VALUE, Stream.POST_CHATTER, Stream.POST_ADS]]
        self.reply = self.all[[Stream.REPLIES, Stream.REPLY_TARGETS]]
        self.invite = self.all[[Stream.INVITATIONS, Stream.ACCEPTANCE]]
        self.traits = self.all[[Stream.TRAITS, Stream.ROLE_AT_JOIN, Stream.SPAMMER, Stream.SOCIABILITY]]

    def __getitem__(self, stream: Stream) -> np.uint64:
        return self.all[stream]


@nb.njit(cache=True, inline="always")
def _mix(z: np.uint64) -> np.uint64:
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@nb.njit(cache=True)
def uniform(key: np.uint64, day: int, index: int, slot: int) -> float:
    """A uniform draw in [0, 1) for (stream key, day, index, slot); the same arguments always give
    the same number. `index` is usually a member's row, `slot` tells apart draws of one member."""
    z = _mix(key ^ (np.uint64(day) * _GOLDEN))
    z = _mix(z ^ (np.uint64(index) * _C_INDEX))
    z = _mix(z ^ (np.uint64(slot) * _C_SLOT))
    return float(z >> _S11) * _TO_UNIT


@nb.njit(cache=True)
def normal(key: np.uint64, day: int, index: int, slot: int) -> float:
    """A standard normal draw (Box–Muller). Normals have slots of their own: `normal(k, d, i, s)`
    and `uniform(k, d, i, s)` are unrelated draws."""
    salted = key ^ _NORMAL_SALT
    u1 = 1.0 - uniform(salted, day, index, 2 * slot)  # in (0, 1]: log is finite
    u2 = uniform(salted, day, index, 2 * slot + 1)
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)


@nb.njit(cache=True)
def exponential(key: np.uint64, day: int, index: int, slot: int) -> float:
    """A standard exponential draw."""
    return -np.log(1.0 - uniform(key, day, index, slot))


@nb.njit(cache=True)
def poisson_from_uniform(u: float, mean: float) -> int:
    """The Poisson(mean) count at cumulative probability `u` (inversion; for means up to ~30)."""
    if mean <= 0.0:
        return 0
    p = np.exp(-mean)
    cdf, k = p, 0
    while u > cdf and k < 1000:
        k += 1
        p *= mean / k
        cdf += p
    return k


@nb.njit(cache=True)
def small_count(u: float, mean: float) -> int:
    """A member's count of something today (posts, replies, invitations): Poisson(mean) at
    cumulative probability `u`, with 3 standing for "3 or more" (more in one day is negligible at
    these rates, and a cap keeps one hyperactive member from flooding a group)."""
    if u <= 1.0 - mean:  # exp(-mean) >= 1 - mean: most members' most days, without the exp
        return 0
    p0 = np.exp(-mean)
    if u <= p0:
        return 0
    c1 = p0 * (1.0 + mean)
    if u <= c1:
        return 1
    return 2 if u <= c1 + p0 * mean * mean * 0.5 else 3


@nb.njit(cache=True)
def poisson(key: np.uint64, day: int, index: int, mean: float) -> int:
    """A Poisson(mean) draw for any mean: a sum of Poisson draws of mean at most 20, by inversion
    (exact; the cost grows with the mean, fine for the day's few large draws such as prospects)."""
    total, slot, left = 0, 0, mean
    while left > 0.0:
        part = min(left, 20.0)
        total += poisson_from_uniform(uniform(key, day, index, slot), part)
        left -= part
        slot += 1
    return total


@nb.njit(cache=True)
def gamma(key: np.uint64, day: int, index: int, shape: float, slot: int) -> float:
    """A Gamma(shape, 1) draw (Marsaglia & Tsang 2000; shape < 1 by the u^(1/shape) boost).

    It uses uniform and normal slots 64·slot to 64·slot + 30, so gammas of other slots stay apart."""
    base = 64 * slot
    boost = 1.0
    if shape < 1.0:
        boost = (1.0 - uniform(key, day, index, base)) ** (1.0 / shape)
        shape += 1.0
    d = shape - 1.0 / 3.0
    c = 1.0 / np.sqrt(9.0 * d)
    for attempt in range(1, 31):
        x = normal(key, day, index, base + attempt)
        v = (1.0 + c * x) ** 3
        if v <= 0.0:
            continue
        u = 1.0 - uniform(key, day, index, base + attempt)
        if np.log(u) < 0.5 * x * x + d - d * v + d * np.log(v):
            return d * v * boost
    return d * boost  # 30 rejections in a row: practically never (acceptance > 95% per attempt)


@nb.njit(cache=True)
def beta_with_mean(key: np.uint64, day: int, index: int, mean: float, concentration: float) -> float:
    """A Beta draw with the given mean (clipped to [0.01, 0.99]) and a + b = concentration."""
    mean = min(max(mean, 0.01), 0.99)
    x = gamma(key, day, index, mean * concentration, 0)
    y = gamma(key, day, index, (1.0 - mean) * concentration, 1)
    return x / (x + y)


@nb.njit(cache=True)
def beta_array(
    key: np.uint64, day: int, first_index: int, count: int, mean: float, concentration: float
) -> np.ndarray:
    """`count` Beta draws (see `beta_with_mean`) for indices first_index, first_index + 1, ..."""
    out = np.empty(count)
    for k in range(count):
        out[k] = beta_with_mean(key, day, first_index + k, mean, concentration)
    return out


@nb.njit(cache=True)
def integers_array(key: np.uint64, day: int, count: int, high: int) -> np.ndarray:
    """`count` whole numbers drawn uniformly from 0 .. high - 1 (indices 0, 1, ...)."""
    out = np.empty(count, dtype=np.int64)
    for k in range(count):
        out[k] = min(int(uniform(key, day, k, 0) * high), high - 1)
    return out
