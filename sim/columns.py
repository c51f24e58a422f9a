"""The member table's columns: their names, fill values and meanings, and each one's row number in
its matrix (`MemberTable.F` for floats, `MemberTable.Z` for whole numbers), as module constants that
compiled kernels use (`F[FIT, i]`)."""

from __future__ import annotations

NEVER = -(10**6)  # "day" of something that has not happened (far in the past)

# Member columns: name, fill value of an unused row, meaning. Floats live in the rows of
# `MemberTable.F`, whole numbers (and flags) in the rows of `MemberTable.Z` (ℤ); each column's row
# number is a module constant below, which compiled kernels use to reach it (`F[FIT, i]`).
FLOAT_COLUMNS: tuple[tuple[str, float, str], ...] = (
    ("fit", 0.0, "fit to the group's positioning, 0..1 (a split can raise it)"),
    ("attention", 1.0, "messages a day the member reads before overload"),
    ("tolerance", 1.0, "irritating messages a day tolerated before muting"),
    ("activity", 1.0, "personal activity level (lognormal, mean 1)"),
    ("sociability", 0.5, "taste for small talk, 0..1"),
    ("restlessness", 1.0, "multiplier on the hazard of leaving"),
    ("speak", 1.0, "how often a KOL speaks (1 for everyone else)"),
    ("commitment", 0.0, "sunk cost of a costly entry threshold, 0..1"),
    ("satisfaction", 0.0, "remembered satisfaction (0 = indifferent)"),
    ("trust", 0.0, "slow memory of good experience"),
    ("activation", 0.0, "how drawn in the member is today (topics, mentions, sparks, events)"),
    ("buzz", 0.0, "excitement from red packets and lotteries (chatter)"),
    ("tie_strength", 0.0, "summed strength of ties to present members"),
    ("reward", 0.0, "remembered recognition: replies per value post"),
    ("recent_activity", 0.0, "14-day memory of posting and replying"),
    ("invite_appetite", 1.0, "social capital left for inviting friends"),
    ("week_points", 0.0, "points this week (leaderboard)"),
    ("points", 0.0, "points so far"),
    ("operator_tie", 0.0, "the part of tie_strength that is ties to the owner and admins"),
    (
        "goodwill",
        0.0,
        "value the group has given the member lately (quality-weighted posts read a day, remembered)",
    ),
    ("mention_fatigue", 0.0, "familiarity with being @-mentioned (recent mentions, fading with rest)"),
    ("checkin_habit", 1.0, "0..1, how firmly the member keeps the check-in habit"),
)
INT_COLUMNS: tuple[tuple[str, int, str], ...] = (
    ("group", 0, "index of the member's group in the matrix"),
    ("role", 0, "Role code"),
    ("role_at_join", 0, "Role code at join"),
    ("state", 0, "State code (ACTIVE, MUTED, LEFT, KICKED)"),
    ("channel", 0, "Channel code: how the member joined"),
    ("inviter", -1, "row of the member who invited them, or -1"),
    ("join_day", 0, "day the member joined"),
    ("exit_day", -1, "day the member left or was kicked, or -1"),
    ("first_mute_day", -1, "first day the member muted the group, or -1"),
    ("interest", 0, "sub-topic within the theme (used when a group splits)"),
    ("spammer", 0, "1 if the member joined mainly to advertise"),
    ("warnings", 0, "warnings received from moderators"),
    ("tie_count", 0, "live ties touching the member"),
    ("last_value_day", NEVER, "last day the member posted value"),
    ("last_post_day", NEVER, "last day the member posted or replied"),
    ("value_weeks", 0, "bit k: posted value k weeks ago (bit 0: this week)"),
    ("value_posts", 0, "value posts so far"),
    ("chatter_posts", 0, "off-topic messages so far"),
    ("ads_posted", 0, "ads so far"),
    ("replies_given", 0, "replies given so far"),
    ("replies_received", 0, "replies received so far"),
    ("invitations_sent", 0, "invitations sent so far"),
    ("mentions_received", 0, "@-mentions received so far"),
)
(FIT, ATTENTION, TOLERANCE, ACTIVITY, SOCIABILITY, RESTLESSNESS, SPEAK, COMMITMENT, SATISFACTION, TRUST,
 ACTIVATION, BUZZ, TIE_STRENGTH, REWARD, RECENT_ACTIVITY, INVITE_APPETITE, WEEK_POINTS,
 POINTS, OPERATOR_TIE, GOODWILL, MENTION_FATIGUE, CHECKIN_HABIT) = range(len(FLOAT_COLUMNS))  # fmt: skip
(GROUP, ROLE, ROLE_AT_JOIN, STATE, CHANNEL, INVITER, JOIN_DAY, EXIT_DAY, FIRST_MUTE_DAY, INTEREST, SPAMMER,
 WARNINGS, TIE_COUNT, LAST_VALUE_DAY, LAST_POST_DAY, VALUE_WEEKS, VALUE_POSTS, CHATTER_POSTS, ADS_POSTED,
 REPLIES_GIVEN, REPLIES_RECEIVED, INVITATIONS_SENT, MENTIONS_RECEIVED) = range(len(INT_COLUMNS))  # fmt: skip
