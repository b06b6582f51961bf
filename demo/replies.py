"""Demo canned replies (统一说词): a few wordings in our own words for every situation, so the desk
has something to insert on the first day of the demo; managers edit them on the replies page."""
from __future__ import annotations

from sqlalchemy.engine import Engine

from core.auth.actor import SYSTEM
from services import canned_replies

# (situation, category or None for every category, title, body): our own words.
SEEDS = [
    ("first_reply", None, "受理时的首次答复",
     "您好，您反映的情况我已经记录下来了，请记一下这次的投诉编号。我是本次的受理人，会一直跟进到处理完毕，"
     "今天下班前会先给您回个电话，告诉您安排的进度。"),
    ("first_reply", "repairs", "报修类首次答复",
     "您好，漏水、停电这类问题我们会优先安排。维修师傅会先和您约上门时间，到场后先止损再查原因，"
     "处理结果我会再打电话向您确认。"),
    ("apology", None, "致歉（服务不到位）",
     "非常抱歉，这次是我们没有做好，给您添麻烦了。问题的原因我们已经查清，后续的改进措施也会落实到人，"
     "请您监督。"),
    ("apology", "cleaning", "致歉（保洁不及时）",
     "很抱歉楼道的卫生没有按时做好。我们已经调整了这栋楼的保洁班次，之后每天会有专人检查，"
     "如果再有类似情况请直接打给我。"),
    ("not_valid", None, "不属于物业责任时的答复",
     "感谢您告诉我们这件事。经过核实，这个问题不在物业服务合同的范围内，我们无法直接处理；"
     "不过我们可以把负责的单位和联系方式告诉您，需要时也可以帮您联系。"),
    ("not_valid", "neighbours", "邻里纠纷的答复",
     "邻里之间的事情物业不能替任何一方做决定，但我们愿意在中间协调：可以约双方一起坐下来谈，"
     "也可以先把您的意见转达给对方。"),
    ("callback", None, "回访话术",
     "您好，我是物业客服中心的回访专员。之前您反映的问题，受理同事说已经处理好了，想跟您确认一下："
     "现在的结果您满意吗？还有需要我们改进的地方吗？"),
    ("callback", "repairs", "维修回访话术",
     "您好，这边回访一下上次的维修：修好以后还有没有再出现同样的问题？师傅上门的时间和态度您觉得怎么样？"),
]


def seed_replies(engine: Engine) -> int:
    """Add the wordings through the service (validated, audited); returns how many."""
    for situation, category, title, body in SEEDS:
        canned_replies.save_reply(engine, SYSTEM, situation=situation, category=category, title=title, body=body)
    return len(SEEDS)
