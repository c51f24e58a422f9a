"""What each member posts today: value content, off-topic chatter, ads.

Value posting follows role, fit, personal activity, remembered recognition ("keeps doing so while
it gets responses", the brief), activation (topics, @-mentions, KOL sparks, events) and falls with
group size (crowding: each member's share of the audience's attention shrinks; Butler 2001).
Chatter follows sociability and buzz (red packets). Ads come from members who joined to sell.
"""

from __future__ import annotations

import numpy as np

from sim.scenario.schema import Behaviour


def crowding(present_in_group: np.ndarray, behaviour: Behaviour) -> np.ndarray:
    """Per-group multiplier on each member's posting: 1 for an empty group, falling smoothly with size
    (at `crowd_size` members it is 2^-crowd_exponent)."""
    p = behaviour.posting
    return (1.0 + present_in_group / p.crowd_size) ** (-p.crowd_exponent)


def recognition_motivation(reward: np.ndarray, satisfaction: np.ndarray, behaviour: Behaviour) -> np.ndarray:
    """From 0.25 for an ignored, thoroughly unhappy poster (0.5 when indifferent) up to 2.25 for a
    well-answered, happy one: (0.5 + tanh(reward / reward_scale)) * (1 + 0.5 * clip(satisfaction, -1, 1))."""
    scale = behaviour.roles.reward_scale
    return (0.5 + np.tanh(reward / scale)) * (1.0 + 0.5 * np.clip(satisfaction, -1.0, 1.0))


def value_rate(
    role_rate: np.ndarray,
    fit: np.ndarray,
    activity: np.ndarray,
    speak: np.ndarray,
    motivation: np.ndarray,
    activation: np.ndarray,
    crowd: np.ndarray,
    need: np.ndarray,
    behaviour: Behaviour,
    incentive: float,
) -> np.ndarray:
    """Expected value posts per member today (the caller zeroes members who are not active)."""
    gain = 1.0 + behaviour.activation.value_gain * activation
    return (
        role_rate
        * fit**behaviour.posting.fit_exponent
        * activity
        * speak
        * motivation
        * gain
        * crowd
        * need
        * incentive
    )


def chatter_rate(
    role_rate: np.ndarray,
    fit: np.ndarray,
    sociability: np.ndarray,
    activity: np.ndarray,
    buzz: np.ndarray,
    activation: np.ndarray,
    crowd: np.ndarray,
    behaviour: Behaviour,
    restraint: float,
    incentive: float,
) -> np.ndarray:
    """Expected off-topic messages per member today.

    Off-topic chatter comes from sociable members who are not there for the theme (a group filled
    with misfits becomes a 平庸的聊天群, seed 000). Buzz (red packets) adds thank-you messages from
    everyone, whatever their fit. `restraint` (0..1) is how much a known ban on off-topic chatter
    holds members back.
    """
    p = behaviour.posting
    drawn = 1.0 + behaviour.activation.chatter_gain * buzz + 0.3 * activation
    social = role_rate * sociability * sociability * (1.0 - fit) * activity * drawn * crowd
    return (social + p.thanks_per_buzz * buzz) * (1.0 - restraint) * incentive


def ad_rate(
    spammer: np.ndarray, warnings: np.ndarray, behaviour: Behaviour, norm: float, deterrence: float
) -> np.ndarray:
    """Expected ads per member today: only spammers advertise; posted rules and warnings deter them."""
    deterred = (1.0 - deterrence) ** warnings
    return spammer * behaviour.posting.spam_rate * (1.0 - norm) * deterred
