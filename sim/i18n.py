"""Every label the browser app and the charts show, in English (`en`) and Chinese (`zh`).

`t(lang, key, **values)` looks a label up and fills `{placeholders}`. An unknown key raises
`KeyError` (a missing label is a bug, not something to paper over); the tests check that both
languages have every key, the same placeholders, and a label for every lever, unit, choice,
role and intervention the app can show. `lang` may also be `BOTH` ("en+zh"): the English label
followed by the Chinese one, as the HTML reports print them (only the Chinese one when it already
holds the English, as "KOC 核心成员" does).

Used by `sim.figures` (chart titles, axes, legends, markers), the reports and the app.
"""

from __future__ import annotations

import string
from typing import Final

LANGUAGES: Final = ("en", "zh")
#: Shown on the language switch, each in its own language.
LANGUAGE_NAMES: Final = {"en": "English", "zh": "中文"}
#: English and Chinese together ("members 成员数"): the language of the bilingual HTML reports.
BOTH: Final = "en+zh"

STRINGS: Final[dict[str, dict[str, str]]] = {
    # --- page and panels
    "app.title": {"en": "groupsim · a chat group lives and dies", "zh": "groupsim · 社群的生与死"},
    "panel.run": {"en": "Run", "zh": "运行"},
    "panel.levers": {"en": "Levers (group A)", "zh": "运营杠杆（A 组）"},
    "panel.interventions": {"en": "Interventions", "zh": "干预"},
    "panel.language": {"en": "Language", "zh": "语言"},
    "scenario.label": {"en": "Scenario (group A)", "zh": "场景（A 组）"},
    "compare.label": {
        "en": "Compare with (group B, same seed)",
        "zh": "对照场景（B 组，同一随机种子）",
    },
    "compare.none": {"en": "(no comparison)", "zh": "（不对照）"},
    "seed.label": {"en": "Seed", "zh": "随机种子"},
    "speed.label": {"en": "Speed: {speed} days/second", "zh": "速度：每秒 {speed} 天"},
    "btn.play": {"en": "Play", "zh": "播放"},
    "btn.pause": {"en": "Pause", "zh": "暂停"},
    "btn.step": {"en": "Step 1 day", "zh": "前进一天"},
    "btn.reset": {"en": "Reset", "zh": "重置"},
    "run.finished": {
        "en": "Horizon reached (day {day}). Reset to run again.",
        "zh": "已到模拟终点（第 {day} 天）。重置后可再运行。",
    },
    "error.scenario": {"en": "Cannot start: {problem}", "zh": "无法启动：{problem}"},
    "error.step": {
        "en": "The simulation stopped on day {day}: {problem}",
        "zh": "模拟在第 {day} 天出错停止：{problem}",
    },
    "error.lever": {"en": "Not applied: {problem}", "zh": "未生效：{problem}"},
    "levers.live": {
        "en": "Changes during a run apply from the next day and are marked on the charts.",
        "zh": "运行中修改从下一天起生效，并在图上标出。",
    },
    "levers.founding": {"en": "takes effect on reset", "zh": "重置后生效"},
    "levers.pending": {"en": "Applies on reset: {names}", "zh": "重置后生效：{names}"},
    "interventions.next_day": {
        "en": "Each button acts on day {day} (the next day simulated).",
        "zh": "每个按钮作用于第 {day} 天（下一个模拟日）。",
    },
    "interventions.target": {"en": "Apply to", "zh": "作用于"},
    "target.a": {"en": "A", "zh": "A 组"},
    "target.b": {"en": "B", "zh": "B 组"},
    "target.both": {"en": "both", "zh": "两组"},
    "interventions.queued": {
        "en": "Queued for day {day}: {names}",
        "zh": "已安排在第 {day} 天：{names}",
    },
    "interventions.done": {
        "en": "The run has ended; reset to try again.",
        "zh": "本次运行已结束，请重置后再试。",
    },
    # --- status banner
    "status.alive": {"en": "ALIVE", "zh": "存活"},
    "status.dead": {"en": "DEAD", "zh": "已死亡"},
    "status.dissolved": {"en": "DISSOLVED", "zh": "已解散"},
    "status.day": {"en": "Day {day}", "zh": "第 {day} 天"},
    "status.lifespan_alive": {"en": "lifespan so far {days} days", "zh": "目前寿命 {days} 天"},
    "status.lifespan_dead": {"en": "lifespan {days} days", "zh": "寿命 {days} 天"},
    "status.quiet": {
        "en": "no value post for {quiet} days (dead after {limit})",
        "zh": "已连续 {quiet} 天无价值内容（满 {limit} 天判定死亡）",
    },
    "status.members": {
        "en": "{members} members, {contributors} value contributors",
        "zh": "{members} 名成员，{contributors} 名价值贡献者",
    },
    "run.a": {"en": "A", "zh": "A"},
    "run.b": {"en": "B", "zh": "B"},
    # --- charts
    "axis.day": {"en": "day", "zh": "天"},
    "axis.people": {"en": "people", "zh": "人数"},
    "axis.messages": {"en": "messages per day", "zh": "每天消息数"},
    "axis.satisfaction": {"en": "satisfaction (0 = indifferent)", "zh": "满意度（0 = 无所谓）"},
    "chart.network": {
        "en": "Members and their ties (day {day})",
        "zh": "成员与关系（第 {day} 天）",
    },
    "chart.network_hint": {
        "en": "colour = role · size = value posts · grey = muted · gone = left",
        "zh": "颜色 = 角色 · 大小 = 价值内容数 · 灰色 = 已屏蔽 · 消失 = 已退群",
    },
    "chart.members": {"en": "Members vs value contributors", "zh": "成员数 vs 价值贡献者"},
    "chart.activity": {
        "en": "Value posts vs chatter vs ads, per day",
        "zh": "每天的价值内容、闲聊与广告",
    },
    "chart.roles": {"en": "Role mix of present members", "zh": "在群成员的角色构成"},
    "chart.satisfaction": {
        "en": "Satisfaction of members (day {day})",
        "zh": "成员满意度分布（第 {day} 天）",
    },
    "chart.flows": {"en": "Joins, leaves and mutes per day", "zh": "每天入群、退群与屏蔽"},
    "chart.states": {"en": "Members by state", "zh": "成员状态"},
    "chart.channels": {"en": "Joins by channel, per day", "zh": "每天各渠道入群人数"},
    "chart.satisfaction_trend": {"en": "Satisfaction and fit", "zh": "满意度与契合度"},
    "axis.contributors": {"en": "contributors", "zh": "贡献者"},
    "axis.mean": {"en": "mean over present members", "zh": "在群成员平均值"},
    "series.members": {"en": "members", "zh": "成员数"},
    "series.contributors": {
        "en": "value contributors ({window} days)",
        "zh": "价值贡献者（近 {window} 天）",
    },
    "series.sustained": {"en": "sustained contributors", "zh": "持续贡献者"},
    "series.operator_posts": {"en": "operator posts", "zh": "运营发帖"},
    "series.left_total": {"en": "left or kicked (cumulative)", "zh": "已退群（累计）"},
    "series.mean_satisfaction": {"en": "mean satisfaction", "zh": "平均满意度"},
    "series.mean_fit": {"en": "mean fit", "zh": "平均契合度"},
    "channel.organic": {"en": "joined on their own", "zh": "主动入群"},
    "channel.referral": {"en": "invited by members", "zh": "成员邀请"},
    "channel.operator": {"en": "added by the operator", "zh": "运营拉入"},
    "channel.bait": {"en": "came for a reward", "zh": "为奖励而来"},
    "channel.seed": {"en": "seeded (founders, KOLs)", "zh": "运营安排（初始成员、KOL）"},
    "series.value_posts": {"en": "value posts", "zh": "价值内容"},
    "series.chatter": {"en": "chatter", "zh": "闲聊"},
    "series.ads": {"en": "ads", "zh": "广告"},
    "series.active": {"en": "active", "zh": "活跃"},
    "series.muted": {"en": "muted", "zh": "已屏蔽"},
    "series.present": {"en": "present members", "zh": "在群成员"},
    "series.joins": {"en": "joined", "zh": "入群"},
    "series.leaves": {"en": "left or kicked", "zh": "退群或被踢"},
    "series.mutes": {"en": "muted the group", "zh": "屏蔽群"},
    "series.ties": {"en": "ties", "zh": "关系"},
    "series.run": {"en": "{series} ({run})", "zh": "{series}（{run}）"},
    "hover.member": {
        "en": "%{fullData.name}<br>fit %{customdata[0]:.2f}<br>satisfaction %{customdata[1]:.2f}"
        "<br>value posts %{customdata[2]}<extra></extra>",
        "zh": "%{fullData.name}<br>契合度 %{customdata[0]:.2f}<br>满意度 %{customdata[1]:.2f}"
        "<br>价值内容 %{customdata[2]} 条<extra></extra>",
    },
    "marker.dead": {
        "en": "dead (last value post day {lifespan})",
        "zh": "死亡（最后一条价值内容在第 {lifespan} 天）",
    },
    "marker.dissolved": {"en": "dissolved", "zh": "解散"},
    # --- roles (sim.enums.Role)
    "role.lurker": {"en": "lurker", "zh": "潜水者"},
    "role.commenter": {"en": "commenter", "zh": "评论者"},
    "role.creator": {"en": "creator", "zh": "创作者"},
    "role.kol": {"en": "KOL", "zh": "意见领袖 KOL"},
    "role.admin": {"en": "owner/admin", "zh": "群主/管理员"},
    "role.koc": {"en": "KOC", "zh": "KOC 核心成员"},
    # --- intervention buttons and chart markers (one per timeline action)
    "action.red_packets": {
        "en": "Send a red packet ({amount_yuan:g} yuan)",
        "zh": "发红包（{amount_yuan:g} 元）",
    },
    "action.start_selling": {
        "en": "Start selling: {posts} ads every {every_days} day(s)",
        "zh": "开始推商品：每 {every_days} 天 {posts} 条广告",
    },
    "action.invite_kol": {"en": "Invite a KOL", "zh": "邀请一位 KOL"},
    "action.mass_add": {"en": "Mass-add {count} people", "zh": "拉 {count} 人进群"},
    "action.run_event": {"en": "Run an event", "zh": "办一场活动"},
    "action.promote_kocs": {"en": "Promote {count} KOCs", "zh": "提拔 {count} 名 KOC"},
    "action.ban_ads": {"en": "Ban ads", "zh": "禁止广告"},
    "action.stop_selling": {"en": "Stop selling", "zh": "停止推商品"},
    "action.split": {"en": "Split the group", "zh": "拆分群"},
    "action.merge": {"en": "Merge dead groups", "zh": "合并死群"},
    "action.remove_lurkers": {"en": "Remove lurkers", "zh": "清理潜水者"},
    "action.dissolve": {"en": "Dissolve", "zh": "解散"},
    "action.set": {"en": "Set {changes}", "zh": "修改 {changes}"},
    "marker.red_packets": {"en": "red packet", "zh": "红包"},
    "marker.start_selling": {"en": "selling", "zh": "推商品"},
    "marker.invite_kol": {"en": "KOL", "zh": "KOL"},
    "marker.mass_add": {"en": "mass-add", "zh": "拉人"},
    "marker.run_event": {"en": "event", "zh": "活动"},
    "marker.promote_kocs": {"en": "KOCs", "zh": "KOC"},
    "marker.ban_ads": {"en": "ads banned", "zh": "禁广告"},
    "marker.stop_selling": {"en": "stop selling", "zh": "停推商品"},
    "marker.split": {"en": "split", "zh": "拆群"},
    "marker.merge": {"en": "merge", "zh": "合群"},
    "marker.remove_lurkers": {"en": "lurkers removed", "zh": "清潜水"},
    "marker.dissolve": {"en": "dissolve", "zh": "解散"},
    "marker.set": {"en": "set", "zh": "修改"},
    "marker.playbook": {"en": "rule", "zh": "规则"},
    # --- levers (sim.app.controls.LEVERS): names; units and meanings follow
    "lever.population.initial_members": {"en": "Founding members", "zh": "初始成员"},
    "lever.population.organic_prospects_per_day": {
        "en": "People asking to join",
        "zh": "主动申请入群的人",
    },
    "lever.positioning.focus": {"en": "Focus of the theme", "zh": "定位聚焦度"},
    "lever.entry.threshold": {"en": "Entry threshold", "zh": "入群门槛"},
    "lever.operator.hours_per_day": {"en": "Operator time", "zh": "运营时间"},
    "lever.rules.admins": {"en": "Volunteer admins", "zh": "志愿管理员"},
    "lever.kol.count": {"en": "KOLs at founding", "zh": "建群时的 KOL"},
    "lever.cadence.promotion.enabled": {"en": "Promotions (selling)", "zh": "推商品"},
    "lever.cadence.promotion.start_day": {"en": "Selling starts", "zh": "开始推商品"},
    "lever.cadence.promotion.every_days": {"en": "Selling every", "zh": "推商品间隔"},
    "lever.referral.enabled": {"en": "Members invite friends", "zh": "成员邀请朋友"},
    "lever.horizon.days": {"en": "Days to simulate", "zh": "模拟天数"},
    "doc.population.initial_members": {
        "en": "People the owner asked personally, who join on day 0.",
        "zh": "群主亲自邀请、在第 0 天入群的人。",
    },
    "doc.population.organic_prospects_per_day": {
        "en": "People who find the group and ask to join, before the entry threshold.",
        "zh": "自己找到群并申请加入的人（门槛筛选之前）。",
    },
    "doc.positioning.focus": {
        "en": "A focused theme brings better-fitting but fewer newcomers (定位).",
        "zh": "定位越聚焦，新人越契合，但人数越少。",
    },
    "doc.entry.threshold": {
        "en": "None, vetting a name card, share-to-join, or paid/deposit (入群门槛).",
        "zh": "无门槛、名片审核、转发入群或付费/押金。",
    },
    "doc.operator.hours_per_day": {
        "en": "The operator's time for this group each day; the SOP stops when it runs out.",
        "zh": "运营者每天能投入的时间；用完后 SOP 就停了。",
    },
    "doc.rules.admins": {
        "en": "Volunteer admins besides the owner; they enforce the rules.",
        "zh": "群主之外的志愿管理员，负责执行群规。",
    },
    "doc.kol.count": {
        "en": "Opinion leaders seeded on day 0 (每个群务必有一到两个KOL).",
        "zh": "建群时安排的意见领袖（每个群务必有一到两个 KOL）。",
    },
    "doc.cadence.promotion.enabled": {
        "en": "Whether the operator posts promotions (发商品/推商品).",
        "zh": "运营者是否在群里推商品。",
    },
    "doc.cadence.promotion.start_day": {
        "en": "Selling from day 3, before relationships exist, gets the group muted.",
        "zh": "关系建立之前（如第 3 天）就卖货，群会被屏蔽。",
    },
    "doc.cadence.promotion.every_days": {
        "en": "Days between promotions.",
        "zh": "两次推商品之间的天数。",
    },
    "doc.referral.enabled": {
        "en": "Satisfied members invite friends (转介绍 / 裂变).",
        "zh": "满意的成员会邀请朋友（转介绍/裂变）。",
    },
    "doc.horizon.days": {"en": "How many days a run lasts.", "zh": "一次模拟运行多少天。"},
    "choice.entry.threshold.none": {"en": "none", "zh": "无门槛"},
    "choice.entry.threshold.vetting": {"en": "vetting", "zh": "名片审核"},
    "choice.entry.threshold.share_to_join": {"en": "share to join", "zh": "转发入群"},
    "choice.entry.threshold.paid": {"en": "paid / deposit", "zh": "付费/押金"},
    "unit.members": {"en": "members", "zh": "人"},
    "unit.people/day": {"en": "people/day", "zh": "人/天"},
    "unit.0..1": {"en": "0..1", "zh": "0..1"},
    "unit.hours/day": {"en": "hours/day", "zh": "小时/天"},
    "unit.admins": {"en": "admins", "zh": "人"},
    "unit.KOLs": {"en": "KOLs", "zh": "人"},
    "unit.day": {"en": "day", "zh": "天"},
    "unit.days": {"en": "days", "zh": "天"},
    "value.on": {"en": "on", "zh": "开"},
    "value.off": {"en": "off", "zh": "关"},
}


def t(lang: str, key: str, **values: object) -> str:
    """The label `key` in `lang` ("en", "zh" or `BOTH`), with `{placeholders}` filled from `values`.

    Values a label has no placeholder for are ignored. Raises KeyError for an unknown key or
    language (so a missing translation fails loudly).
    """
    if lang == BOTH:
        en, zh = t("en", key, **values), t("zh", key, **values)
        return zh if en in zh else f"{en} {zh}"  # "KOL" and "意见领袖 KOL": the latter alone
    text = STRINGS[key][lang]
    return text.format(**values) if values else text


def has(key: str) -> bool:
    """Whether there is a label `key` (e.g. a lever's name: `has("lever.kol.count")`)."""
    return key in STRINGS


def placeholders(text: str) -> set[str]:
    """Names of the `{placeholders}` in a label (format specs such as `:g` are ignored)."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}
