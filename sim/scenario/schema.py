"""The scenario schema: every parameter of a run, with its default, unit, bounds and meaning.

One frozen, validated `Scenario` is built per file and never changes during a run (a timeline
`set` intervention builds a *new* validated Scenario for the days after it). The CLI, the browser
app's sliders and the sweep's field paths are all read from these definitions, so they cannot
drift apart.

Conventions
- Rates are per member per day unless the unit says otherwise; money is in yuan; time in days.
- ``json_schema_extra`` carries ``unit`` and ``source`` (the seed article or published figure
  the default comes from); ``docs/model.md`` explains the mechanism each parameter feeds.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from sim.limits import MAX_TIMELINE_ENTRIES


def param(
    default: Any,
    unit: str,
    doc: str,
    *,
    source: str = "",
    ge: float | None = None,
    le: float | None = None,
    gt: float | None = None,
    lt: float | None = None,
    strict: bool | None = None,
    max_length: int | None = None,
) -> Any:
    """A documented scenario parameter (a pydantic Field with unit and source metadata)."""
    extra: dict[str, str] = {"unit": unit}
    if source:
        extra["source"] = source
    return Field(
        default,
        description=doc,
        ge=ge,
        le=le,
        gt=gt,
        lt=lt,
        strict=strict,
        max_length=max_length,
        json_schema_extra=extra,
    )


class Section(BaseModel):
    """Base for every scenario section: unknown keys are errors, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, validate_default=True)


# --------------------------------------------------------------------------------------------
# Metadata and run horizon
# --------------------------------------------------------------------------------------------


class Description(Section):
    en: str = param("", "text", "What the strategy is, in English.")
    zh: str = param("", "text", "策略说明（中文）。")


#: A day of the run (1 to the longest horizon), as a whole number.
ReportDay = Annotated[int, Field(ge=1, le=3650, strict=True)]


class Horizon(Section):
    days: int = param(180, "days", "How many days to simulate after the founding day.", ge=1, le=3650)
    dead_after_days: int = param(
        14,
        "days",
        "A group is dead once no member has posted value content for this many consecutive days.",
        source="the brief 'The yardstick'",
        ge=1,
        le=365,
    )
    stop_at_death: bool = param(
        True, "flag", "Stop the run on the day the whole community is found dead (saves time)."
    )
    contributor_window_days: int = param(
        7, "days", "A value contributor posted value content within this many recent days.", ge=1, le=60
    )
    sustained_weeks: int = param(
        4, "weeks", "Window for sustained contributors: the last this-many complete weeks.", ge=2, le=8
    )
    sustained_min_weeks: int = param(
        3,
        "weeks",
        "A sustained contributor posted value content in at least this many of those weeks.",
        ge=1,
        le=8,
    )
    report_days: tuple[ReportDay, ...] = param(
        (7, 30, 90, 180),
        "days",
        "Days at which the summary reports value contributors (days after the horizon report none).",
        strict=False,
        max_length=100,
    )

    @model_validator(mode="after")
    def _weeks_fit(self) -> Horizon:
        if self.sustained_min_weeks > self.sustained_weeks:
            raise ValueError("sustained_min_weeks must not exceed sustained_weeks")
        return self

    @field_validator("report_days")
    @classmethod
    def _days_once(cls, days: tuple[int, ...]) -> tuple[int, ...]:
        repeated = sorted({d for d in days if days.count(d) > 1})
        if repeated:
            raise ValueError(f"report days repeat: {', '.join(map(str, repeated))}; give each day once")
        return days


# --------------------------------------------------------------------------------------------
# Who arrives, and the traits they bring
# --------------------------------------------------------------------------------------------


class Population(Section):
    initial_members: int = param(
        20,
        "members",
        "Founding members who join on day 0 (people the owner asked first).",
        source="seed 002 第一点 (invite people before pulling them in)",
        ge=0,
        le=5000,
    )
    organic_prospects_per_day: float = param(
        4.0,
        "people/day",
        "People who find the group and ask to join, before the entry threshold.",
        ge=0,
        le=1000,
    )
    organic_half_life_days: float = param(
        30.0,
        "days",
        "Half-life of the launch push: organic prospects halve every this many days (0 = they never fade).",
        source="seed 001 (launch promotion) and Qiu et al. 2016 (groups grow by member invitation)",
        ge=0,
        le=3650,
    )
    fit_concentration: float = param(
        6.0,
        "Beta a+b",
        "How tightly arrivals' fit clusters around its channel mean (higher = tighter).",
        gt=0.5,
        le=100,
    )
    attention_median_msgs: float = param(
        60.0,
        "messages/day",
        "Median number of group messages a member reads per day before overload.",
        source="modelling choice (docs/model.md)",
        gt=0,
        le=2000,
    )
    attention_spread: float = param(
        0.6, "log-sd", "Spread of attention between members (lognormal sigma).", ge=0, le=3
    )
    tolerance_median_msgs: float = param(
        8.0,
        "messages/day",
        "Irritating messages (ads, off-topic noise) a member tolerates per day before muting.",
        source="seed 003 (七): useless messages get the group muted",
        gt=0,
        le=1000,
    )
    tolerance_spread: float = param(0.5, "log-sd", "Spread of tolerance between members.", ge=0, le=3)
    restlessness_spread: float = param(
        1.5,
        "log-sd",
        "Spread of how readily members quit groups (lognormal multiplier on the leaving hazard).",
        source="heavy-tailed time in group: Lang & Wu 2011 (docs/model.md)",
        ge=0,
        le=3,
    )
    activity_spread: float = param(
        1.6,
        "log-sd",
        "Spread of members' personal activity level (drives participation inequality).",
        source="Nielsen 2006 90-9-1; van Mierlo 2014 1% rule",
        ge=0,
        le=3,
    )
    creator_share: float = param(
        0.03,
        "share",
        "Share of well-fitting arrivals who start as creators (scaled by fit).",
        source="Nielsen 2006 (1% heavy contributors) / seed 003 pyramid",
        ge=0,
        le=1,
    )
    commenter_share: float = param(
        0.12,
        "share",
        "Share of well-fitting arrivals who start as commenters (scaled by fit).",
        source="Nielsen 2006 (9% intermittent contributors)",
        ge=0,
        le=1,
    )
    founder_participation: float = param(
        2.0,
        "x shares",
        "Founding members are seed users the owner picked: their creator and commenter shares are multiplied by this.",
        source="seed 000 §2 种子用户的筛选",
        ge=0,
        le=20,
    )
    founder_owner_tie: float = param(
        0.5,
        "tie units",
        "Tie each founding member has with the owner who asked them in (0 = the owner asked nobody personally).",
        source="seed 002 第一点 (ask before adding); Kraut & Fiore 2014 (founders tied to every member)",
        ge=0,
        le=5,
    )
    founder_peer_ties: int = param(
        0,
        "ties/founder",
        "Ties each founding member has with other founders at founding (0 = they know only the owner).",
        source="Kraut & Fiore 2014 (groups fail more when the founder has the ties, not the members)",
        ge=0,
        le=50,
    )
    spammer_share: float = param(
        0.03,
        "share",
        "Share of organic arrivals who joined mainly to advertise (微商 spam).",
        source="seed 000 (groups decay into 广告群)",
        ge=0,
        le=1,
    )
    interests: int = param(
        4, "sub-topics", "Number of sub-topics within the theme (used when a group splits).", ge=1, le=20
    )


class Positioning(Section):
    focus: float = param(
        0.6,
        "0..1",
        "How focused the theme is (定位): raises arrivals' fit, narrows the organic audience.",
        source="seed 000 §1 清晰定位; seed 001 step 1",
        ge=0,
        le=1,
    )
    audience_narrowing: float = param(
        0.5, "0..1", "How much a fully focused theme shrinks organic prospects (0 = not at all).", ge=0, le=1
    )


class Entry(Section):
    threshold: Literal["none", "vetting", "share_to_join", "paid"] = param(
        "none",
        "choice",
        "Entry threshold (入群门槛): none, vetting a name card, share-to-join, or paid/deposit.",
        source="seed 003 (三) 设置入群门槛; seed 001 设定门槛",
    )
    strictness: float = param(
        0.5, "0..1", "How hard the threshold is to pass (vetting cut-off, share effort).", ge=0, le=1
    )
    price_yuan: float = param(30.0, "yuan", "Entry fee or deposit when threshold is 'paid'.", ge=0, le=100000)
    willingness_to_pay_yuan: float = param(
        60.0, "yuan", "Median amount a perfectly fitting prospect would pay to join.", gt=0, le=100000
    )
    share_reach: float = param(
        0.3, "prospects/share", "Extra organic prospects the next day per share-to-join post.", ge=0, le=10
    )
    commitment: float = param(
        0.6,
        "0..1",
        "How much passing a costly threshold lowers a member's hazard of leaving (sunk cost).",
        ge=0,
        le=1,
    )
    vetting_hours: float = param(
        0.02, "operator hours/applicant", "Operator time to vet one applicant.", ge=0, le=10
    )


class Recruiting(Section):
    style: Literal["organic", "mass_add"] = param(
        "organic",
        "choice",
        "organic: people join by consent; mass_add: the operator pulls contacts in without asking (胡乱拉人).",
        source="seed 000 (胡乱拉人 → 定位偏离); seed 002 第一点",
    )
    mass_add_per_day: int = param(
        40, "people/day", "People the operator adds per day when mass-adding.", ge=0, le=5000
    )
    mass_add_from_day: int = param(1, "day", "First day of mass-adding.", ge=0, le=3650)
    mass_add_to_day: int = param(10, "day", "Last day of mass-adding.", ge=0, le=3650)
    mass_add_fit_mean: float = param(
        0.22, "0..1", "Mean fit of people added without asking (random contacts).", ge=0.01, le=0.99
    )


class Rules(Section):
    enabled: bool = param(
        True,
        "flag",
        "The group has posted rules (群规) that members see at join.",
        source="seed 000 §2 引入规则; seed 003 群规",
    )
    ban_ads: bool = param(True, "flag", "Members may not post ads; violations are removed and warned.")
    ban_off_topic: bool = param(False, "flag", "Off-topic chatter is a violation too.")
    warnings_before_kick: int = param(
        2, "warnings", "Warnings before a repeat violator is kicked.", ge=0, le=100
    )
    admins: int = param(
        1,
        "admins",
        "Volunteer admins besides the owner at founding (each adds enforcement capacity).",
        ge=0,
        le=100,
    )
    admin_replies_per_day: int = param(
        3,
        "replies/admin/day",
        "Posts each volunteer admin answers a day: admins share the owner's moderation and its attention to members.",
        source="seed 001: 社群管理员也要积极参与社群,及时回复成员的问题和反馈; Kraut & Fiore 2014",
        ge=0,
        le=100,
    )
    admin_mentions_per_day: int = param(
        2,
        "mentions/admin/day",
        "Quiet members each volunteer admin @-mentions a day (核心成员…带领群成员).",
        source="seed 003: 核心成员:一般为管理员,负责组织活动或带领群成员; 设置多个管理员:互相分工合作",
        ge=0,
        le=100,
    )
    handled_per_admin_per_day: float = param(
        8.0, "violations/admin/day", "Violations one admin can catch and handle per day.", ge=0, le=1000
    )
    handled_per_operator_hour: float = param(
        20.0,
        "violations/hour",
        "Violations the owner handles per operator hour left after the SOP.",
        ge=0,
        le=1000,
    )
    seen_before_removal: float = param(
        0.3, "share", "Share of readers who see a violating message before it is removed.", ge=0, le=1
    )
    norm_effect: float = param(
        0.3, "0..1", "How much posted rules alone lower violation propensity (norms).", ge=0, le=1
    )
    deterrence: float = param(
        0.7, "0..1", "How much a warning lowers the warned member's violation propensity.", ge=0, le=1
    )


# --------------------------------------------------------------------------------------------
# Operator SOP, commercialisation, attention
# --------------------------------------------------------------------------------------------


class Scheduled(Section):
    """Something the operator does every `every_days` from `start_day` (if enabled)."""

    enabled: bool = param(False, "flag", "Whether the operator does this.")
    start_day: int = param(1, "day", "First day it happens.", ge=0, le=3650)
    every_days: int = param(1, "days", "Interval between occurrences.", ge=1, le=3650)

    def due(self, day: int) -> bool:
        """True when this scheduled action happens on `day`."""
        return self.enabled and day >= self.start_day and (day - self.start_day) % self.every_days == 0


class MorningReport(Scheduled):
    quality: float = param(
        0.8, "value units", "Information value of one morning report to a fitting reader.", ge=0, le=5
    )
    hours: float = param(0.25, "operator hours", "Time to prepare and post it.", ge=0, le=24)


class TopicPrompts(Scheduled):
    boost: float = param(
        0.6,
        "activation",
        "How much a topic prompt draws members into discussion that day (话题).",
        source="seed 003 设立话题/引导讨论",
        ge=0,
        le=10,
    )
    hours: float = param(0.25, "operator hours", "Time to prepare and run one prompt.", ge=0, le=24)


class Mentions(Section):
    enabled: bool = param(
        False,
        "flag",
        "The operator @-mentions quiet members with targeted praise or questions.",
        source="seed 002 引导 (@某个用户，针对式的赞美)",
    )
    per_day: int = param(5, "mentions/day", "Members @-mentioned per day.", ge=0, le=500)
    boost: float = param(1.0, "activation", "Activation a mention gives its target.", ge=0, le=10)
    unmute_probability: float = param(
        0.3,
        "probability",
        "Chance an @-mention brings a muted member back (mentions break through mute).",
        ge=0,
        le=1,
    )
    hours: float = param(0.05, "operator hours/mention", "Time per mention.", ge=0, le=24)


class GuidedDiscussion(Section):
    enabled: bool = param(
        False,
        "flag",
        "The operator answers members' value posts (引导), rewarding creators.",
        source="seed 002 引导; seed 003 群托与群主配合",
    )
    replies_per_day: int = param(
        5, "replies/day", "Replies the operator gives to members' posts per day.", ge=0, le=500
    )
    hours: float = param(0.05, "operator hours/reply", "Time per reply.", ge=0, le=24)


class Introductions(Section):
    enabled: bool = param(
        False,
        "flag",
        "The operator introduces members who share a sub-topic to each other (你帮他推荐,认识).",
        source="seed 002 引导: 你帮他推荐,认识",
    )
    per_day: int = param(
        3, "introductions/group/day", "Pairs of members introduced per group per day.", ge=0, le=500
    )
    tie_weight: float = param(
        0.3,
        "tie units",
        "Strength of the weak tie an introduction forms between the two members.",
        ge=0,
        le=10,
    )
    hours: float = param(0.05, "operator hours/introduction", "Time per introduction.", ge=0, le=24)


class RedPackets(Scheduled):
    amount_yuan: float = param(20.0, "yuan/packet", "Money in one red packet (红包).", ge=0, le=100000)
    buzz: float = param(
        2.5,
        "buzz",
        "Chatter impulse a red packet gives every reader (thank-you messages, grabbing).",
        source="seed 003 刺激活跃 (偶尔发发红包)",
        ge=0,
        le=50,
    )
    activation: float = param(
        0.05,
        "activation",
        "Small value-side activation a red packet gives (it rarely creates content).",
        ge=0,
        le=10,
    )
    habituation: float = param(
        0.85,
        "factor/packet",
        "Each packet's effect is this fraction of the previous one's (members get used to them).",
        ge=0,
        le=1,
    )
    hours: float = param(0.05, "operator hours", "Time per packet.", ge=0, le=24)


class Lottery(Scheduled):
    prize_yuan: float = param(
        50.0, "yuan/draw", "Prize of one lottery draw (抽奖), won by one entrant.", ge=0, le=1e6
    )
    entry_buzz: float = param(
        1.5,
        "buzz",
        "Chatter impulse a draw gives members drawn in by the prize (entering means posting).",
        source="seed 002 促活的玩法: 抽奖; seed 003 刺激活跃",
        ge=0,
        le=50,
    )
    entry_share: float = param(0.4, "share", "Share of readers who enter a draw.", ge=0, le=1)
    hours: float = param(0.1, "operator hours", "Time per draw.", ge=0, le=24)


class Promotion(Scheduled):
    posts: int = param(1, "ads/occasion", "Promotional posts (发商品/推商品) each occasion.", ge=0, le=100)
    conversion: float = param(
        0.01, "purchases/reader", "Purchases per bonded member who reads one promotion.", ge=0, le=1
    )
    order_value_yuan: float = param(80.0, "yuan", "Revenue per purchase.", ge=0, le=1e6)
    hours: float = param(0.1, "operator hours/post", "Time per promotional post.", ge=0, le=24)


class Cadence(Section):
    """The content SOP (seed 002, 003 SOP): 早报, 话题, @, 引导, 红包, 抽奖, 推商品."""

    morning_report: MorningReport = MorningReport()
    topic_prompts: TopicPrompts = TopicPrompts()
    mentions: Mentions = Mentions()
    guided_discussion: GuidedDiscussion = GuidedDiscussion()
    red_packets: RedPackets = RedPackets(every_days=7)
    lottery: Lottery = Lottery(every_days=7)
    promotion: Promotion = Promotion(start_day=30, every_days=3)
    introductions: Introductions = Introductions()


class Operator(Section):
    hours_per_day: float = param(
        2.0,
        "hours/day",
        "Operator time available for this community per day (shared across a matrix).",
        source="seed 002 打造KOC (one operator runs many groups)",
        ge=0,
        le=24,
    )
    hourly_cost_yuan: float = param(40.0, "yuan/hour", "Cost of one operator hour.", ge=0, le=100000)
    personal_span: int = param(
        30,
        "members",
        "Members the owner (and each admin) can keep a personal relationship with; in a bigger group a tie to the "
        "operator side holds each member only (admins + 1) x span / members as much (their attention is spread "
        "over everyone).",
        source="seed 004 ⒊ (Dunbar: a person keeps up a limited number of relationships); Kraut & Fiore 2014",
        ge=1,
        le=5000,
    )


# --------------------------------------------------------------------------------------------
# Growth: referral / fission
# --------------------------------------------------------------------------------------------


class Bait(Section):
    enabled: bool = param(
        False,
        "flag",
        "A bait offer (超级诱饵): share the group to get a freebie.",
        source="seed 001 实操套路; seed 002 转介绍",
    )
    boost: float = param(
        3.0,
        "x invitations",
        "How much the bait multiplies invitation rates (people share to get the gift).",
        ge=0,
        le=100,
    )
    acceptance: float = param(0.45, "probability", "Chance a bait invitation is accepted.", ge=0, le=1)
    fit_mean: float = param(
        0.25, "0..1", "Mean fit of bait joiners (they came for the gift).", ge=0.01, le=0.99
    )
    fatigue: float = param(
        0.3,
        "factor/invitation",
        "Each bait share leaves this fraction of the inviter's sharing appetite (social capital overdrawn).",
        source="seed 001 只有第一次的红利… 用一次就在损害一次社交货币",
        ge=0,
        le=1,
    )
    cost_yuan_per_joiner: float = param(5.0, "yuan", "Cost of the gift per bait joiner.", ge=0, le=100000)


class Referral(Section):
    enabled: bool = param(
        True, "flag", "Members invite friends (转介绍 / 裂变).", source="seed 002 转介绍; seed 003 涨粉"
    )
    base_rate: float = param(
        0.05,
        "invitations/member/day",
        "Invitation rate of a fully bonded, fully satisfied member with no reward.",
        ge=0,
        le=10,
    )
    acceptance: float = param(
        0.35, "probability", "Chance a relationship invitation is accepted.", ge=0, le=1
    )
    reward_yuan: float = param(
        0.0, "yuan/joiner", "Reward paid to the inviter per accepted invitation.", ge=0, le=100000
    )
    reward_scale_yuan: float = param(
        10.0, "yuan", "Reward at which the incentive effect reaches half its maximum.", gt=0, le=100000
    )
    reward_max_boost: float = param(
        1.5, "x invitations", "Maximum extra invitation rate a reward can buy.", ge=0, le=100
    )
    homophily: float = param(
        0.8,
        "0..1",
        "How closely a relationship invitee's fit follows the inviter's (1 = identical).",
        ge=0,
        le=1,
    )
    fatigue: float = param(
        0.8,
        "factor/invitation",
        "Each invitation leaves this fraction of the inviter's appetite (social-capital fatigue).",
        ge=0,
        le=1,
    )
    product_quality: float = param(
        0.8,
        "0..1",
        "品质够好: quality of what the group offers. Referral needs all four factors.",
        source="seed 002 转介绍: 情感连接、品质够好、靠谱、有好处，几个缺一不可",
        ge=0,
        le=1,
    )
    reliability: float = param(0.8, "0..1", "靠谱: how reliable the operator is seen to be.", ge=0, le=1)
    bait: Bait = Bait()


# --------------------------------------------------------------------------------------------
# People the operator brings in or lifts up
# --------------------------------------------------------------------------------------------


class KOL(Section):
    count: int = param(
        0,
        "KOLs",
        "Opinion leaders seeded at founding (每个群务必有一到两个KOL).",
        source="seed 003 KOL; seed 004 ⑽; seed 001 step 2",
        ge=0,
        le=200,
    )
    activity: float = param(
        1.0, "0..1", "How often the KOLs speak (0 = a KOL who never speaks: 'KOL得没事说说话').", ge=0, le=1
    )
    quality: float = param(
        2.0, "value units/post", "Information value of one KOL post to a fitting reader.", ge=0, le=10
    )
    spark: float = param(
        0.35,
        "activation/post",
        "Activation each KOL post gives every reader (KOLs activate the others).",
        source="seed 004 ⑽ 能激活其他成员",
        ge=0,
        le=10,
    )
    retention: float = param(
        0.4,
        "0..1",
        "Drop in members' leaving hazard while a KOL has spoken this week.",
        source="seed 003: KOL也会让群成员不舍退群",
        ge=0,
        le=1,
    )
    draw: float = param(
        0.3,
        "x prospects/KOL",
        "Extra organic prospects per active KOL (people come for the KOL).",
        ge=0,
        le=10,
    )
    monthly_fee_yuan: float = param(0.0, "yuan/KOL/month", "What the operator pays each KOL.", ge=0, le=1e6)


class KOC(Section):
    enabled: bool = param(
        False,
        "flag",
        "Promote active members to KOC: title, admin rights, monthly reward.",
        source="seed 002 打造KOC",
    )
    count: int = param(3, "KOCs", "Target number of KOCs per group.", ge=0, le=200)
    start_day: int = param(14, "day", "First day the operator looks for KOCs.", ge=0, le=3650)
    review_every_days: int = param(
        14, "days", "How often KOC vacancies (KOCs who left) are filled; KOCs are not demoted.", ge=1, le=3650
    )
    monthly_reward_yuan: float = param(100.0, "yuan/KOC/month", "Monthly reward per KOC.", ge=0, le=1e6)
    mentions_per_day: int = param(
        2, "mentions/KOC/day", "@-mentions each KOC makes (they guide discussion).", ge=0, le=100
    )
    replies_per_day: int = param(
        2, "replies/KOC/day", "Replies each KOC gives to others' posts.", ge=0, le=100
    )
    identity: float = param(0.3, "utility/day", "Daily identity benefit of the title.", ge=0, le=10)


class Events(Scheduled):
    """Online/offline events and rituals (seed 001 steps 3 and 5; Xiaomi ~21 events a month)."""

    capacity: int = param(30, "attendees", "Most members who attend one event.", ge=1, le=100000)
    ties_per_attendee: int = param(
        3, "ties", "New ties each attendee forms with other attendees.", ge=0, le=100
    )
    tie_weight: float = param(0.6, "tie units", "Strength of a tie formed at an event.", ge=0, le=10)
    joy: float = param(0.3, "utility", "One-off satisfaction boost for attendees.", ge=0, le=10)
    activation: float = param(
        0.5, "activation", "Activation attendees carry back into the group.", ge=0, le=10
    )
    cost_yuan: float = param(300.0, "yuan/event", "Cost of one event.", ge=0, le=1e7)
    hours: float = param(2.0, "operator hours/event", "Operator time per event.", ge=0, le=24)
    offline: bool = param(
        False,
        "flag",
        "Scheduled events are held offline (members meet in person); false: online events.",
        source="seed 001 第3步: 线上聊一百次不如线下见一面",
    )
    offline_tie_factor: float = param(
        3.0,
        "x tie weight",
        "How many times stronger a tie formed at an offline event is than one formed online.",
        source="seed 001 第3步: 线上聊一百次不如线下见一面",
        ge=1,
        le=100,
    )
    offline_trust: float = param(
        0.05,
        "trust",
        "Trust each attendee of an offline event gains (meeting in person); online events give none.",
        source="seed 001 第3步: 若没有见面机会,彼此很难产生信赖",
        ge=0,
        le=5,
    )


class Incentives(Section):
    enabled: bool = param(
        False, "flag", "Points, levels and a weekly leaderboard (积分/等级/排行榜).", source="seed 001 step 6"
    )
    points_value_post: float = param(10.0, "points", "Points per value post.", ge=0, le=1e6)
    points_reply: float = param(2.0, "points", "Points per reply.", ge=0, le=1e6)
    points_chatter: float = param(
        0.0, "points", "Points per chatter message (rewarding raw activity breeds noise).", ge=0, le=1e6
    )
    motivation: float = param(
        0.25, "x propensity", "Extra posting propensity when a behaviour earns points.", ge=0, le=10
    )
    leaderboard_size: int = param(
        10, "members", "Members recognised on the weekly leaderboard.", ge=0, le=10000
    )
    recognition: float = param(
        0.4, "utility", "Satisfaction (and activation) a leaderboard mention gives.", ge=0, le=10
    )
    level_points: float = param(
        50.0,
        "points",
        "Points for level 1; each further level needs twice as many (等级).",
        gt=0,
        le=1e9,
    )
    level_identity: float = param(
        0.03, "utility/day/level", "Daily identity benefit per level reached.", ge=0, le=10
    )
    prize_yuan_per_week: float = param(
        50.0, "yuan/week", "Prizes paid to the leaderboard each week.", ge=0, le=1e6
    )


class Split(Section):
    enabled: bool = param(
        False,
        "flag",
        "Split a large group into focused sub-groups (聚是一团火，散是满天星).",
        source="seed 004 ⒁⒂; seed 003 促活",
    )
    at_size: int = param(300, "members", "Present members at which a group is split.", ge=4, le=100000)
    subgroups: int = param(2, "groups", "Sub-groups a split creates (by members' sub-topic).", ge=2, le=20)
    focus_bonus: float = param(
        0.15, "fit", "Fit gain for members whose sub-topic matches their sub-group's focus.", ge=0, le=1
    )


class RemoveLurkers(Section):
    enabled: bool = param(
        False, "flag", "Periodically remove members who never post (清理潜水).", source="seed 003 促活"
    )
    inactive_days: int = param(30, "days", "Members silent this long are removed.", ge=1, le=3650)
    every_days: int = param(30, "days", "How often the clean-up runs.", ge=1, le=3650)


class Matrix(Section):
    max_group_size: int = param(
        500,
        "members",
        "Size cap of one group; joiners beyond it open a new overflow group.",
        source="WeChat's 500-member group cap",
        ge=2,
        le=100000,
    )
    split: Split = Split()
    merge_dead: bool = param(
        False, "flag", "Move the present (active and muted) members of a dead group into a live one."
    )
    dissolve_dead: bool = param(False, "flag", "Dissolve dead groups (their members leave).")
    remove_lurkers: RemoveLurkers = RemoveLurkers()


class Lifecycle(Section):
    type: Literal["persistent", "flash"] = param(
        "persistent",
        "choice",
        "persistent: members' need lasts (有用); flash: a short-lived event or flash-sale group (快闪群) whose "
        "members' need fades and which the operator dissolves after a while.",
        source="seed 003 社群生命周期 (持续性群 vs 非持续性群)",
    )
    planned_days: int = param(
        0,
        "days",
        "Day the operator dissolves the group (0 = never for a persistent group, flash_days for a flash group).",
        ge=0,
        le=3650,
    )
    need_half_life_days: float = param(
        0.0,
        "days",
        "Half-life of members' need for the group (0 = it lasts; flash groups use flash_need_half_life_days).",
        ge=0,
        le=3650,
    )
    flash_days: int = param(
        14,
        "days",
        "Day a flash group is dissolved when planned_days is not set (an active group lives > 21 days; a flash one less).",
        source="seed 003 (七): 一个活跃的社群生命周期一般是>21天",
        ge=1,
        le=3650,
    )
    flash_need_half_life_days: float = param(
        3.0,
        "days",
        "Half-life of a flash group's members' need when need_half_life_days is not set (新奇、好玩).",
        source="seed 003 非持续性群",
        gt=0,
        le=3650,
    )

    def dissolution_day(self) -> int:
        """Day the operator dissolves the community (0 = never)."""
        if self.planned_days:
            return self.planned_days
        return self.flash_days if self.type == "flash" else 0

    def need_half_life(self) -> float:
        """Half-life of members' need, in days (0 = it lasts)."""
        if self.need_half_life_days:
            return self.need_half_life_days
        return self.flash_need_half_life_days if self.type == "flash" else 0.0


# --------------------------------------------------------------------------------------------
# What kind of group it is, its culture, its duties, and its owner
# --------------------------------------------------------------------------------------------


class GroupType(Section):
    """Where a group's value comes from and how its members take promotions (docs/model.md: group types)."""

    type: Literal["interest", "learning", "deals", "brand"] = param(
        "interest",
        "choice",
        "interest: only members' posts are value, promotions are ads; learning (course, training): the owner's "
        "lessons count too; deals (flash sale, group buy): deals members buy count and are welcome; brand "
        "(product, brand): the brand's content counts and promotions are half welcome.",
        source="seed 003 (一)(六) 社群类型; seed 004 ⒃-⒅; seed 002 有好东西",
    )
    deal_quality: float = param(
        2.0,
        "value units/deal",
        "Information value of one deal to a fitting member who came to buy (deals and brand groups).",
        source="seed 003: 销售快闪群 … 在同一时间段时购买产品",
        ge=0,
        le=10,
    )
    deal_welcome: float = param(
        0.8,
        "0..1",
        "Share of a promotion taken as the deal members came for, not as an ad (deals groups; half in brand groups).",
        source="seed 003 销售快闪群; seed 002 有好东西 (群里用户接受度很高)",
        ge=0,
        le=1,
    )
    deal_conversion: float = param(
        0.05,
        "purchases/reader",
        "Purchases per fitting member who reads one deal (they came to buy: no bond needed).",
        source="seed 002 有好东西: 群里用户接受度很高,觉得品质不错就买了",
        ge=0,
        le=1,
    )
    deal_min_orders: float = param(
        1.0,
        "orders/day",
        "Expected orders a group's deals must bring on a day to count as value that day (deals groups).",
        gt=0,
        le=1e6,
    )


class CheckIns(Scheduled):
    """Daily check-ins with peer accountability (学习打卡, seed 003)."""

    rate: float = param(
        0.35,
        "probability/day",
        "Chance a fully fitting member in the habit checks in on a check-in day, with no peer checking in.",
        source="seed 003: 课程学习群 … 一同学习打卡同一个课程,并互相促进",
        ge=0,
        le=1,
    )
    accountability: float = param(
        1.0,
        "x per share",
        "Lift in the chance of checking in per share of peers who checked in last time (互相坚督).",
        source="seed 003 学习类社群: 前期以学习互相坚督为主",
        ge=0,
        le=20,
    )
    lapse: float = param(
        0.15,
        "share/miss",
        "Share of a member's check-in habit lost on each check-in day they miss.",
        ge=0,
        le=1,
    )
    recovery: float = param(
        0.3,
        "share/check-in",
        "Share of the gap to a full habit a member regains by checking in.",
        ge=0,
        le=1,
    )
    quality: float = param(
        0.5, "value units/check-in", "Information value of one check-in to a fitting reader.", ge=0, le=10
    )
    activation: float = param(
        0.3,
        "activation",
        "Activation a check-in gives the member who checks in (drawn into discussion).",
        ge=0,
        le=10,
    )
    hours: float = param(
        0.05,
        "operator hours/group",
        "Operator time for each check-in day's reminder, per group.",
        ge=0,
        le=24,
    )


class Manifesto(Scheduled):
    gain: float = param(
        0.1,
        "culture/reminder",
        "Share of the gap to a full culture one manifesto reminder closes (宣言…时时重复).",
        source="seed 003 宣言: 需要时时重复,以加深群成员的群意识",
        ge=0,
        le=1,
    )
    hours: float = param(0.05, "operator hours", "Time to post one reminder.", ge=0, le=24)


class Culture(Section):
    """The group's identity, a stock built by doing things together and eroded by noise and misfits
    (seed 001 第4步; seed 003 宣言; seed 000 定位偏离)."""

    enabled: bool = param(
        False,
        "flag",
        "Track each group's culture (values, 社群公约, rituals) and let it act on belonging, leaving and referral.",
        source="seed 001 第4步: 文化是社群的灵魂",
    )
    initial: float = param(
        0.3,
        "culture",
        "Culture of a new group on its founding day (the founders share the owner's vision).",
        ge=0,
        le=1,
    )
    half_life_days: float = param(
        60.0,
        "days",
        "Half-life of culture that is not renewed by rituals, shared tasks or reminders (0 = it never fades).",
        ge=0,
        le=3650,
    )
    manifesto: Manifesto = Manifesto(every_days=7)
    event_gain: float = param(
        0.1,
        "culture/event",
        "Share of the gap to a full culture one event closes (doing things together).",
        source="seed 001 第4步: 社群成员必须要一起做一些事才能加深和固化彼此的感情",
        ge=0,
        le=1,
    )
    task_gain: float = param(
        0.05,
        "culture/day",
        "Share of the gap to a full culture closed on a check-in day when every member checks in (shared tasks).",
        source="seed 001 第4步: 有了共同的任务、持续的活动,社群才有活力",
        ge=0,
        le=1,
    )
    ritual_gain: float = param(
        0.03,
        "culture/day",
        "Share of the gap to a full culture a welcome ritual closes on a day with newcomers (迎新仪式).",
        source="seed 001 第5步: 仪式感; 社群运营: 迎新仪式",
        ge=0,
        le=1,
    )
    misfit_fit: float = param(
        0.4, "fit", "Members with fit below this do not share the group's values (misfits).", ge=0, le=1
    )
    misfit_erosion: float = param(
        0.03,
        "share/day",
        "Share of culture lost per day when every member is a misfit (in proportion to the misfits' share).",
        source="seed 000: 胡亂拉人 … 導致群定位產生偏離",
        ge=0,
        le=1,
    )
    ad_erosion: float = param(
        0.3,
        "share/day",
        "Share of culture lost per day when every message read is an ad (in proportion to the ads' share).",
        source="seed 000: 淪為廣告群",
        ge=0,
        le=1,
    )
    offtopic_erosion: float = param(
        0.03,
        "share/day",
        "Share of culture lost per day when every message read is off-topic chatter.",
        source="seed 000: 平庸的聊天群",
        ge=0,
        le=1,
    )
    belonging: float = param(
        0.2,
        "utility/day",
        "Daily belonging a fully fitting member feels in a group of full culture (归属感).",
        source="seed 003 (七): 是否找到一个归属; seed 001 第4步",
        ge=0,
        le=10,
    )
    retention: float = param(
        0.5,
        "0..1",
        "Drop in members' leaving hazard in a group of full culture.",
        source="seed 001 第4步: 社群只有源源不断的带给群成员归属感和优越感,成员才会留下来",
        ge=0,
        le=1,
    )
    referral_level: float = param(
        0.5,
        "culture",
        "Culture at which member-led referral runs at its full rate; below it the rate falls in proportion.",
        source="seed 001 第5步: 裂变的前提是社群已经形成一套成形的亚文化体系",
        gt=0,
        le=1,
    )


class Onboarding(Section):
    """What happens when someone joins (seed 003 前期推广: 自我介绍; seed 001: 迎新仪式)."""

    self_introductions: bool = param(
        False,
        "flag",
        "Newcomers introduce themselves (name, job, city); each introduction forms weak ties with members who read it.",
        source="seed 003: 群成员自我介绍 … 以增进群里成员相互链接",
    )
    intro_ties: int = param(
        3, "ties", "Weak ties a self-introduction forms with members who read it.", ge=0, le=100
    )
    intro_tie_weight: float = param(
        0.1, "tie units", "Strength of a tie formed by a self-introduction.", ge=0, le=10
    )
    welcome_ritual: bool = param(
        False,
        "flag",
        "The group welcomes each newcomer with a ritual (迎新仪式): the newcomer feels it and culture grows.",
        source="seed 001 社群运营: 定好规矩 迎新仪式; seed 000: 設計儀式",
    )
    ritual_joy: float = param(
        0.2, "utility", "One-off satisfaction a welcome ritual gives the newcomer.", ge=0, le=10
    )


class Energy(Section):
    """The owner's energy: drained by takers and work, restored by contributions, revenue and rest
    (seed 000: 群主早晚被榨干; seed 002 三: 恶性循环)."""

    enabled: bool = param(
        False,
        "flag",
        "Track the owner's energy; a tired owner cuts the SOP, an exhausted one quits.",
        source="seed 000: 每個人都是索取者,群主早晚被榨干",
    )
    rest: float = param(
        0.03, "share/day", "Share of the gap to full energy the owner recovers each day by rest.", ge=0, le=1
    )
    taker_drain: float = param(
        0.0002,
        "energy/taker/day",
        "Energy each present member who takes without contributing (no value post in the contributor window) costs a day.",
        source="seed 000: 每個人都是索取者,群主早晚被榨干",
        ge=0,
        le=1,
    )
    work_drain: float = param(
        0.01, "energy/hour", "Energy each operator hour worked (SOP, events, moderation) costs.", ge=0, le=1
    )
    contribution_gain: float = param(
        0.004,
        "energy/post",
        "Energy each member value post gives back (others' contributions keep the owner going).",
        source="seed 000: 所有的群成員都是獲利者,也是貢獻者",
        ge=0,
        le=1,
    )
    revenue_gain: float = param(0.00002, "energy/yuan", "Energy each yuan of revenue gives back.", ge=0, le=1)
    tired_below: float = param(
        0.4,
        "energy",
        "Below this the owner cuts the SOP: operator hours fall in proportion to energy / tired_below.",
        source="seed 002 三: 恶性循环",
        ge=0,
        le=1,
    )
    quit_below: float = param(
        0.1, "energy", "At or below this the owner quits: no more operator hours, for good.", ge=0, le=1
    )
    dissolve_on_quit: bool = param(
        False,
        "flag",
        "An owner who quits also dissolves the community (群主和成員就會選擇自動解散群).",
        source="seed 000: 群主和成員就會選擇自動解散群或退群",
    )

    @model_validator(mode="after")
    def _quit_below_tired(self) -> Energy:
        if self.quit_below > self.tired_below:
            raise ValueError("quit_below must not exceed tired_below")
        return self


# --------------------------------------------------------------------------------------------
# Member behaviour: the calibration layer (docs/model.md justifies each default)
# --------------------------------------------------------------------------------------------


class PerRole(Section):
    """A value per role (lurker, commenter, creator, KOL, admin, KOC)."""

    lurker: float = Field(ge=0, le=100)
    commenter: float = Field(ge=0, le=100)
    creator: float = Field(ge=0, le=100)
    kol: float = Field(ge=0, le=100)
    admin: float = Field(ge=0, le=100)
    koc: float = Field(ge=0, le=100)

    def as_tuple(self) -> tuple[float, ...]:
        """Values in `Role` order."""
        return (self.lurker, self.commenter, self.creator, self.kol, self.admin, self.koc)


class Posting(Section):
    value_rate: PerRole = param(
        PerRole(lurker=0.003, commenter=0.03, creator=0.4, kol=1.0, admin=0.0, koc=0.35),
        "posts/day",
        "Base value-post rate by role, before fit, motivation, crowding and activation.",
        source="Nielsen 2006; van Mierlo 2014",
    )
    chatter_rate: PerRole = param(
        PerRole(lurker=0.05, commenter=0.4, creator=0.3, kol=0.2, admin=0.0, koc=0.6),
        "messages/day",
        "Off-topic chatter rate by role of a fully sociable member with no interest in the theme (scaled by sociability^2 and 1 - fit).",
    )
    thanks_per_buzz: float = param(
        0.15,
        "messages/buzz",
        "Messages (thanks, grabbing banter) per unit of buzz, whoever the member is.",
        source="seed 003 刺激活跃: red packets",
        ge=0,
        le=10,
    )
    spam_rate: float = param(0.35, "ads/day", "Ad rate of a member who joined to advertise.", ge=0, le=10)
    commitment_engagement: float = param(
        1.5,
        "x propensity",
        "Extra posting and replying per unit of commitment (people who paid or were vetted take part: 等价互换).",
        source="seed 003 (三) 入群门槛",
        ge=0,
        le=10,
    )
    tie_lift: float = param(
        1.0,
        "x propensity",
        "Extra posting and replying of a member with ties to other members, at saturation: x (1 + tie_lift * T / "
        "(T + satisfaction.tie_half)) for those ties T (people talk where they know people; ties to the owner and "
        "admins alone do not make one talk to the group).",
        source="Kraut & Fiore 2014 (groups whose ties ran through the founder failed more often); seed 004 情感连接",
        ge=0,
        le=10,
    )
    fit_exponent: float = param(
        1.5,
        "exponent",
        "Value posting scales with fit to this power (you post about what you care for).",
        ge=0,
        le=10,
    )
    crowd_size: float = param(
        150.0,
        "members",
        "Group size at which crowding has cut each member's posting by 1 - 2^-crowd_exponent (smoothly from the first member).",
        source="Dunbar 1992 (~150); seed 004 ⒊",
        gt=0,
        le=100000,
    )
    crowd_exponent: float = param(
        0.6,
        "exponent",
        "How steeply per-member posting falls with group size (audience / bystander effect).",
        source="Butler 2001; Latané & Darley 1970",
        ge=0,
        le=5,
    )
    member_quality: float = param(
        1.0, "value units/post", "Information value of a member's value post.", ge=0, le=10
    )


class Replies(Section):
    rate: PerRole = param(
        PerRole(lurker=0.0002, commenter=0.08, creator=0.05, kol=0.03, admin=0.0, koc=0.1),
        "replies/value post read",
        "Chance a reader replies to a value post, by role.",
    )
    max_per_post: float = param(
        6.0, "replies", "Replies one post can attract at most (conversation saturates).", gt=0, le=1000
    )
    tie_weight: float = param(
        0.15, "tie units", "Tie strength one reply adds between replier and poster.", ge=0, le=10
    )
    chatter_tie_weight: float = param(
        0.03, "tie units", "Tie strength formed per pair of members chatting on the same day.", ge=0, le=10
    )
    chatter_pairs_per_message: float = param(
        0.3, "pairs/message", "Chatter exchanges that form a tie.", ge=0, le=10
    )


class Activation(Section):
    newcomer: float = param(
        1.0,
        "activation",
        "Activation a member who chose to join arrives with (introductions, curiosity).",
        ge=0,
        le=10,
    )
    decay: float = param(
        0.5, "factor/day", "Share of today's activation left tomorrow (drawn-in spells fade).", ge=0, le=1
    )
    buzz_decay: float = param(
        0.35, "factor/day", "Share of chatter buzz left tomorrow (red-packet spikes fade fast).", ge=0, le=1
    )
    value_gain: float = param(
        1.0, "x per activation", "Value posting and replying gain per unit of activation.", ge=0, le=10
    )
    chatter_gain: float = param(1.0, "x per buzz", "Chatter gain per unit of buzz.", ge=0, le=100)
    cap: float = param(4.0, "activation", "Most activation a member can carry.", gt=0, le=100)


class Satisfaction(Section):
    memory: float = param(
        0.15, "weight/day", "Weight of today's experience in satisfaction (EWMA).", gt=0, le=1
    )
    info_weight: float = param(
        0.9, "utility", "Most satisfaction fitting information can give per day.", ge=0, le=10
    )
    info_scale: float = param(
        3.0,
        "value units",
        "Quality-weighted value posts read at which info benefit is 63% of max.",
        gt=0,
        le=1000,
    )
    reply_weight: float = param(
        0.5, "utility", "Most satisfaction replies and mentions received can give per day.", ge=0, le=10
    )
    tie_weight: float = param(0.4, "utility", "Most satisfaction ties can give per day.", ge=0, le=10)
    tie_half: float = param(1.5, "tie units", "Tie strength that gives half the tie benefit.", gt=0, le=1000)
    fun_weight: float = param(
        0.25, "utility", "Most fun off-topic chatter gives a member who likes chatter.", ge=0, le=10
    )
    fun_scale: float = param(10.0, "messages", "Chatter read at which fun is 63% of max.", gt=0, le=10000)
    overload_weight: float = param(
        0.25,
        "utility/overload",
        "Cost per unit of reading overload (messages beyond attention / attention).",
        source="Dunbar 1992; WeChat 500 cap",
        ge=0,
        le=10,
    )
    ad_weight: float = param(
        0.35,
        "utility/ad",
        "Cost of reading one ad for a member with no bond to the group (a sale before any relationship).",
        source="seed 002 第二点 (三天群就被屏蔽了)",
        ge=0,
        le=10,
    )
    bond_ties: float = param(
        2.0,
        "tie units",
        "Tie strength that alone gives a bond of 1 - 1/e (bond = 1 - exp(-ties/bond_ties - trust/bond_trust)).",
        source="seed 002 第二点 (selling after bonding costs far less)",
        gt=0,
        le=1000,
    )
    bond_trust: float = param(
        0.15,
        "trust",
        "Trust that alone gives a bond of 1 - 1/e.",
        gt=0,
        le=1000,
    )
    trust_memory: float = param(
        0.03,
        "weight/day",
        "How fast trust follows satisfaction (slow: trust is built over weeks, 靠谱).",
        gt=0,
        le=1,
    )
    offtopic_weight: float = param(
        0.3, "utility", "Most cost off-topic chatter imposes on a member who came for value.", ge=0, le=10
    )
    offtopic_scale: float = param(
        20.0, "messages", "Chatter read at which the off-topic cost is half its max.", gt=0, le=10000
    )
    money_weight: float = param(
        0.01, "utility/yuan", "Satisfaction per yuan received (red packets, rewards).", ge=0, le=10
    )
    reference: float = param(
        0.3,
        "utility/day",
        "What membership must give per day to feel worth it (opportunity cost).",
        ge=0,
        le=10,
    )
    unconsented_start: float = param(
        -0.4, "satisfaction", "Starting satisfaction of someone added without being asked.", ge=-5, le=5
    )
    consented_start: float = param(
        0.3, "satisfaction", "Starting satisfaction of someone who chose to join.", ge=-5, le=5
    )
    goodwill_memory: float = param(
        0.05,
        "weight/day",
        "Weight of today's value read in a member's goodwill (what the group has given them lately).",
        ge=0.001,
        le=1,
    )
    goodwill_needed: float = param(
        1.5,
        "value units/day",
        "Goodwill at which an ad no longer irritates extra (value read per day, remembered).",
        ge=0.001,
        le=100,
    )


class Churn(Section):
    ad_irritation: float = param(
        5.0,
        "messages/ad",
        "How many irritating messages one ad from a stranger counts as (ads get groups muted).",
        source="seed 002: 三天群就被屏蔽了; seed 003 (七)",
        ge=0,
        le=100,
    )
    reciprocity: float = param(
        6.0,
        "x irritation",
        "Extra irritation of an ad read by a member the group has given little value yet (先给价值再卖货): at no "
        "goodwill an ad irritates 1 + reciprocity times as much.",
        source="seed 002 第二点: 三天群就被屏蔽了",
        ge=0,
        le=100,
    )
    mute_rate: float = param(
        0.25, "probability/day", "Muting chance per day at twice the tolerated noise.", ge=0, le=1
    )
    leave_max: float = param(
        0.12, "probability/day", "Leaving chance per day of a thoroughly dissatisfied member.", ge=0, le=1
    )
    leave_midpoint: float = param(
        -0.25, "satisfaction", "Satisfaction at which the leaving chance is half its max.", ge=-5, le=5
    )
    leave_scale: float = param(
        0.1, "satisfaction", "How sharply leaving rises as satisfaction falls.", gt=0, le=5
    )
    tie_lock: float = param(
        3.0,
        "tie units",
        "Ties at which the leaving hazard drops to 1/e (friends keep you there).",
        gt=0,
        le=1000,
    )
    muted_leave_factor: float = param(
        0.15,
        "x hazard",
        "Muted members leave at this fraction of the rate (most just stay silent).",
        ge=0,
        le=1,
    )
    operator_added_leave: float = param(
        0.03,
        "probability/day",
        "Extra daily chance that someone added without consent quietly leaves.",
        ge=0,
        le=1,
    )
    background_leave: float = param(
        0.0015,
        "probability/day",
        "Leaving for reasons outside the group (life changes, pruning chats), scaled by each member's restlessness.",
        source="heavy-tailed time in group (docs/model.md)",
        ge=0,
        le=1,
    )
    noticed_muted_rate: float = param(
        0.002, "probability/day", "Chance a muted member notices the group and leaves anyway.", ge=0, le=1
    )


class Roles(Section):
    tie_pull: float = param(
        0.3,
        "per tie unit",
        "How much each unit of tie strength draws a lurker in, like activation does (friends pull you into talk).",
        source="the brief: lurkers become commenters when drawn in (topics, @-mentions, ties)",
        ge=0,
        le=10,
    )
    lurker_to_commenter: float = param(
        0.004, "probability/day", "Chance a fully drawn-in lurker starts commenting.", ge=0, le=1
    )
    commenter_to_creator: float = param(
        0.01, "probability/day", "Chance a commenter whose posts got answered starts creating.", ge=0, le=1
    )
    creator_to_commenter: float = param(
        0.03, "probability/day", "Chance an unrewarded creator stops creating.", ge=0, le=1
    )
    commenter_to_lurker: float = param(
        0.03, "probability/day", "Chance a disengaged commenter falls back to lurking.", ge=0, le=1
    )
    reward_scale: float = param(
        1.0,
        "replies/post",
        "Replies per post at which recognition motivation is 76% of max (tanh(1)).",
        gt=0,
        le=1000,
    )
    reward_memory: float = param(
        0.2, "weight/day", "Weight of today's replies in a poster's remembered recognition.", gt=0, le=1
    )


class Norms(Section):
    liveliness_reference: float = param(
        0.03,
        "share of members",
        "Share of present members who speak on a day at which the group feels alive: below it, seeing few "
        "others take part makes everyone post and reply less (social proof).",
        source="Kraut & Resnick 2012, Building Successful Online Communities (descriptive norms, social proof)",
        ge=0.001,
        le=1,
    )
    liveliness_strength: float = param(
        0.5,
        "exponent",
        "How strongly a quiet group silences its members: posting x (liveliness / reference)^strength below the "
        "reference (0 = not at all).",
        ge=0,
        le=5,
    )
    liveliness_memory: float = param(
        0.2,
        "weight/day",
        "Weight of today in the remembered liveliness (a group that went quiet stays quiet for days).",
        ge=0.01,
        le=1,
    )


class Ties(Section):
    """How ties between members fade and how many a member keeps up (seed 001 第3步; seed 004 ⒊)."""

    half_life_days: float = param(
        21.0,
        "days",
        "Pace at which a new tie fades without renewed contact (as a half-life); a tie of age a fades at the pace "
        "of half_life_days + a (0 = ties never fade).",
        source="seed 001 第3步: 一周看不到…就被人们遗忘; Burt 2000 (ties decay, new ones fastest)",
        ge=0,
        le=3650,
    )
    forget_below: float = param(
        0.02,
        "tie units",
        "A tie that has faded below this strength is forgotten (it no longer counts as a tie).",
        ge=0,
        le=10,
    )
    dunbar: float = param(
        150.0,
        "ties",
        "Ties a member can keep up; beyond this many each of their ties fades faster, in proportion.",
        source="Dunbar 1992; seed 004 ⒊ 罗宾·邓巴",
        gt=0,
        le=100000,
    )


class Habituation(Section):
    """Engagement tricks wear off with use and recover with rest (seed 002: 做不长)."""

    topic_prompts: float = param(
        0.95,
        "factor/use",
        "Each topic prompt a group has had lately leaves this fraction of a prompt's effect (1 = never wears off).",
        source="seed 002 促活的玩法 … 做不长",
        ge=0,
        le=1,
    )
    lotteries: float = param(
        0.85,
        "factor/use",
        "Each lottery a group has had lately leaves this fraction of a draw's pull (1 = never wears off).",
        source="seed 002: 集赞日,免单,抽奖 … 做不长",
        ge=0,
        le=1,
    )
    mentions: float = param(
        0.8,
        "factor/use",
        "Each @-mention a member has had lately leaves this fraction of the next one's effect on them.",
        source="seed 002 引导 (@某个用户); seed 002 做不长",
        ge=0,
        le=1,
    )
    recovery_half_life_days: float = param(
        7.0,
        "days",
        "Half-life of familiarity with a trick: rest restores its effect (0 = familiarity never fades).",
        ge=0,
        le=3650,
    )


class Nagging(Section):
    """Operator messages beyond what members produce themselves cost attention (seed 004 ⑸: 越控制越失控)."""

    tolerated_ratio: float = param(
        1.0,
        "operator msgs/member msg",
        "Operator messages per member message a group takes without resentment.",
        source="seed 004 ⑸: 越控制越失控",
        ge=0,
        le=100,
    )
    weight: float = param(
        0.5,
        "irritation/message",
        "Irritating messages one excess operator message read counts as (0 = operator messages never irritate).",
        source="seed 004 ⑸: 越控制越失控",
        ge=0,
        le=100,
    )


class Behaviour(Section):
    """Member behaviour coefficients (calibration; see docs/model.md)."""

    posting: Posting = Posting()
    replies: Replies = Replies()
    activation: Activation = Activation()
    satisfaction: Satisfaction = Satisfaction()
    churn: Churn = Churn()
    roles: Roles = Roles()
    norms: Norms = Norms()
    ties: Ties = Ties()
    habituation: Habituation = Habituation()
    nagging: Nagging = Nagging()


# --------------------------------------------------------------------------------------------
# Timeline of interventions
# --------------------------------------------------------------------------------------------


class InterventionBase(Section):
    day: int = param(..., "day", "Day the intervention happens.", ge=0, le=3650)
    note: str = param("", "text", "Free text shown beside the marker in the report.")


class InviteKOL(InterventionBase):
    action: Literal["invite_kol"]
    count: int = param(1, "KOLs", "KOLs to invite.", ge=1, le=200)
    activity: float = param(1.0, "0..1", "How often they speak (0 = silent).", ge=0, le=1)


class StartSelling(InterventionBase):
    action: Literal["start_selling"]
    every_days: int = param(3, "days", "Interval between promotions from now on.", ge=1, le=3650)
    posts: int = param(1, "ads/occasion", "Promotional posts each occasion.", ge=1, le=100)


class StopSelling(InterventionBase):
    action: Literal["stop_selling"]


class RunEvent(InterventionBase):
    action: Literal["run_event"]
    offline: bool = param(False, "flag", "An offline event (members meet in person); false: online.")


class MassAdd(InterventionBase):
    action: Literal["mass_add"]
    count: int = param(100, "people", "People the operator pulls in today without asking.", ge=1, le=100000)


class SendRedPackets(InterventionBase):
    action: Literal["red_packets"]
    count: int = param(1, "packets", "Red packets sent today.", ge=1, le=1000)
    amount_yuan: float = param(20.0, "yuan/packet", "Money in each packet.", ge=0, le=1e6)


class PromoteKOCs(InterventionBase):
    action: Literal["promote_kocs"]
    count: int = param(3, "KOCs", "Active members promoted to KOC today.", ge=1, le=200)


class SplitGroups(InterventionBase):
    action: Literal["split"]
    subgroups: int = param(2, "groups", "Sub-groups the largest group splits into.", ge=2, le=20)


class MergeGroups(InterventionBase):
    action: Literal["merge"]


class RemoveLurkersNow(InterventionBase):
    action: Literal["remove_lurkers"]
    inactive_days: int = param(30, "days", "Members silent this long are removed.", ge=1, le=3650)


class Dissolve(InterventionBase):
    action: Literal["dissolve"]


class SetParameters(InterventionBase):
    action: Literal["set"]
    changes: dict[str, Any] = param(
        ...,
        "field path: value",
        "Parameters to change from this day on, e.g. {'rules.ban_ads': true}.",
        strict=False,
    )


Intervention = Annotated[
    InviteKOL
    | StartSelling
    | StopSelling
    | RunEvent
    | MassAdd
    | SendRedPackets
    | PromoteKOCs
    | SplitGroups
    | MergeGroups
    | RemoveLurkersNow
    | Dissolve
    | SetParameters,
    Field(discriminator="action"),
]


# --------------------------------------------------------------------------------------------
# The playbook: state-triggered rules ("when X stays below Y for N days, do Z")
# --------------------------------------------------------------------------------------------

#: What a playbook rule may watch: a column of the daily table, or a figure made from it.
PLAYBOOK_QUANTITIES = (
    "value_contributors",
    "sustained_contributors",
    "contributor_share",
    "members",
    "active",
    "muted",
    "muted_share",
    "value_posts",
    "days_since_value_post",
    "chatter",
    "ads",
    "joins",
    "leaves",
    "mutes",
    "mean_satisfaction",
    "checkins",
    "culture",
    "owner_energy",
)


class PlaybookRule(Section):
    """One state-triggered rule: when a daily figure stays below (or above) a level for some days,
    the operator takes an action (any timeline action; it happens the next morning)."""

    when: Literal[PLAYBOOK_QUANTITIES] = param(  # type: ignore[valid-type]
        ...,
        "quantity",
        "The daily figure the rule watches (a column of the daily table, or muted_share, contributor_share, "
        "days_since_value_post).",
    )
    below: float | None = param(None, "as the quantity", "The rule's condition: the figure is below this.")
    above: float | None = param(None, "as the quantity", "The rule's condition: the figure is above this.")
    for_days: int = param(1, "days", "Consecutive recorded days the condition must hold.", ge=1, le=3650)
    from_day: int = param(1, "day", "First day the rule may fire.", ge=1, le=3650)
    cooldown_days: int = param(7, "days", "Days after firing before the rule may fire again.", ge=0, le=3650)
    times: int = param(0, "firings", "Most times the rule fires (0 = no limit).", ge=0, le=10000)
    do: Intervention = param(
        ..., "action", "What the operator does when the rule fires (a timeline action, without a day)."
    )
    note: str = param("", "text", "Free text shown beside the marker in the report.")

    @model_validator(mode="before")
    @classmethod
    def _action_has_no_day(cls, data: Any) -> Any:
        # the action happens on the day the rule fires; 0 stands for "not yet" (and survives a dump)
        if isinstance(data, dict) and isinstance(data.get("do"), dict):
            if data["do"].get("day", 0) != 0:
                raise ValueError(
                    "a playbook action has no 'day': it happens the morning after the rule's condition is met"
                )
            data = {**data, "do": {**data["do"], "day": 0}}
        return data

    @model_validator(mode="after")
    def _one_condition(self) -> PlaybookRule:
        if (self.below is None) == (self.above is None):
            raise ValueError("give exactly one of 'below' and 'above'")
        return self

    def describe(self) -> str:
        """The condition in words, e.g. 'value_contributors < 5 for 7 days'."""
        sign, level = ("<", self.below) if self.below is not None else (">", self.above)
        days = f" for {self.for_days} days" if self.for_days > 1 else ""
        return f"{self.when} {sign} {level:g}{days}"


# --------------------------------------------------------------------------------------------
# The scenario
# --------------------------------------------------------------------------------------------


class Scenario(Section):
    """A complete, validated description of one community and how it is run."""

    name: str = param("unnamed", "text", "Short identifier of the scenario.", strict=True)
    description: Description = Description()
    horizon: Horizon = Horizon()
    population: Population = Population()
    positioning: Positioning = Positioning()
    entry: Entry = Entry()
    recruiting: Recruiting = Recruiting()
    rules: Rules = Rules()
    cadence: Cadence = Cadence()
    operator: Operator = Operator()
    referral: Referral = Referral()
    kol: KOL = KOL()
    koc: KOC = KOC()
    events: Events = Events(every_days=30)
    incentives: Incentives = Incentives()
    matrix: Matrix = Matrix()
    lifecycle: Lifecycle = Lifecycle()
    group: GroupType = GroupType()
    checkins: CheckIns = CheckIns()
    culture: Culture = Culture()
    onboarding: Onboarding = Onboarding()
    energy: Energy = Energy()
    behaviour: Behaviour = Behaviour()
    timeline: tuple[Intervention, ...] = param(
        (),
        "list",
        "Interventions on given days (invite a KOL, start selling, mass-add, set a rule...).",
        strict=False,
        max_length=MAX_TIMELINE_ENTRIES,
    )
    playbook: tuple[PlaybookRule, ...] = param(
        (),
        "list",
        "State-triggered rules: when a daily figure stays below or above a level, take an action.",
        strict=False,
    )

    @model_validator(mode="after")
    def _timeline_changes_are_valid(self) -> Scenario:
        from sim.scenario.overrides import apply_overrides  # local: overrides imports this module

        bare = self.model_copy(update={"timeline": (), "playbook": ()})
        for index, item in enumerate(self.timeline):
            if isinstance(item, SetParameters):
                try:
                    apply_overrides(bare, item.changes)
                except ValueError as exc:
                    raise ValueError(f"timeline[{index}] (day {item.day}) 'set': {exc}") from None
        tracked = {"culture": self.culture.enabled, "owner_energy": self.energy.enabled}
        for index, rule in enumerate(self.playbook):
            if not tracked.get(rule.when, True):
                switch = "culture.enabled" if rule.when == "culture" else "energy.enabled"
                raise ValueError(
                    f"playbook[{index}] watches {rule.when}, which is not tracked: set {switch}: true"
                )
            if isinstance(rule.do, SetParameters):
                try:
                    apply_overrides(bare, rule.do.changes)
                except ValueError as exc:
                    raise ValueError(f"playbook[{index}] 'set': {exc}") from None
        return self
