"""Turn a complaint into training material without its people: names, phone numbers, room
numbers, complaint numbers and staff names are replaced by neutral words."""
from __future__ import annotations

import re

_PHONE = re.compile(r"(?<!\d)(1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}|0\d{2,3}-?\d{7,8})(?!\d)")
# 3-1906, 12-0801, 3栋1906室, and the long forms 3号楼1906室, 3栋1单元1906, A座1203, 1906室
_ROOM = re.compile(r"(?<![\dA-Za-z])(?:[0-9A-Za-z]{1,4}\s*(?:[-－—栋幢座]|号楼)\s*(?:\d{1,2}\s*单元\s*)?\d{3,4}"
                   r"(?:\s*室|号)?|\d{3,4}\s*室)(?!\d)")
_NUMBER = re.compile(r"TS-\d{8}-\d{4}")
# Honorific forms: 王先生, 李女士, 张阿姨, 小张, 老李 ...
_SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈"
             "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔汤")  # no 于/向: prepositions
_HONORIFIC = re.compile(f"[{_SURNAMES}](先生|女士|小姐|太太|阿姨|大爷|师傅|经理|主管|工)")
# 小张 / 老李, except where the pair starts an everyday word rather than a name.
_NICKNAME = re.compile(f"([小老])([{_SURNAMES}])")
_NOT_NAMES = {"小于", "老毛", "小白", "老白", "小马", "老马", "小金", "老金", "小方", "老方", "小万", "老万"}

OWNER = "某业主"
STAFF = "某员工"
PHONE = "[电话]"
ROOM = "[房号]"
NUMBER = "[投诉编号]"


def anonymise(text: str, people: list[str] = (), staff: list[str] = ()) -> str:
    """`people` and `staff` are names known to be in the record (complainant, owner, handler,
    receiver, display names): they go first, longest first, so '王小明' is not left as '王' + ..."""
    out = text or ""
    for name in sorted({n for n in staff if n and len(n) >= 2}, key=len, reverse=True):
        out = out.replace(name, STAFF)
    for name in sorted({n for n in people if n and len(n) >= 2}, key=len, reverse=True):
        out = out.replace(name, OWNER)
    out = _NUMBER.sub(NUMBER, out)
    out = _PHONE.sub(PHONE, out)
    out = _ROOM.sub(ROOM, out)
    # 王先生 → 某先生, 小张 → 小某: the sentence still reads, the surname is gone.
    out = _HONORIFIC.sub(lambda m: "某" + m.group(1), out)
    out = _NICKNAME.sub(lambda m: m.group(0) if m.group(0) in _NOT_NAMES else m.group(1) + "某", out)
    return out
