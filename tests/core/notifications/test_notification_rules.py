"""The alert rules without a database: who an event goes to, quiet hours in China time (over
midnight, urgent ones through), the channel settings refused on save, DingTalk's signature, the
SMS request's signature, the SMS length, the owner templates and the retry schedule."""
from __future__ import annotations

import base64
import hashlib
import hmac
import urllib.parse
from datetime import datetime, time, timedelta, timezone

import pytest

from core.auth.capabilities import Capability
from core.clock import CHINA
from core.errors import ValidationError, ValidationErrors
from core.notifications import channels, messages, retries
from core.notifications.events import Event, Kind, recipients
from core.notifications.owner_templates import validate_body
from core.notifications.quiet import QuietHours, deliver_at, parse_quiet


def test_an_event_goes_to_those_it_names_then_the_holders_once_each():
    e = Event(Kind.RED_LINE, "complaint:T1:red_line:0", 1, to=("desk", "boss"))
    assert e.audience == Capability.RECEIVE_RED_LINES and e.urgent
    assert recipients(e, ["boss", "root"]) == ["desk", "boss", "root"]
    assigned = Event(Kind.TICKET_ASSIGNED, "k", 1, to=("fixer", ""))
    assert recipients(assigned, ["someone"]) == ["fixer"]          # no audience: only the handler
    with pytest.raises(ValueError):
        Event(Kind.TEST, "x" * 121)


def test_quiet_hours_over_midnight_hold_a_message_until_they_end_but_not_an_urgent_one():
    q = parse_quiet("22:00-07:30")
    late = datetime(2026, 5, 6, 23, 15, tzinfo=CHINA)
    assert q.contains(late) and deliver_at(late, q, urgent=False) == datetime(2026, 5, 7, 7, 30, tzinfo=CHINA)
    early = datetime(2026, 5, 7, 6, 0, tzinfo=CHINA).astimezone(timezone.utc)   # stored in UTC
    assert deliver_at(early, q, urgent=False) == datetime(2026, 5, 7, 7, 30, tzinfo=CHINA)
    assert deliver_at(late, q, urgent=True) == late
    noon = datetime(2026, 5, 7, 12, 0, tzinfo=CHINA)
    assert deliver_at(noon, q, urgent=False) == noon
    day = QuietHours(time(12, 0), time(14, 0))
    assert day.release(noon) == datetime(2026, 5, 7, 14, 0, tzinfo=CHINA)
    assert parse_quiet("") == QuietHours() and not QuietHours().contains(late)
    for bad in ("22-7", "25:00-07:00", "22:00", "08:00-08:00"):
        with pytest.raises(ValidationError):
            parse_quiet(bad)


@pytest.mark.parametrize("kind,config,keys", [
    ("wecom", {"url": "qyapi.weixin.qq.com/cgi-bin/webhook/send"}, ["err.webhook_url"]),
    ("wecom", {"url": "file:///etc/passwd"}, ["err.webhook_url"]),
    ("dingtalk", {"url": "https://oapi.dingtalk.com/robot/send", "secret": "nope"}, ["err.dingtalk_secret"]),
    ("email", {"host": "", "port": "x", "sender": "nobody"}, ["err.required", "err.smtp_port", "err.email"]),
    ("sms", {"access_key_id": "", "access_key_secret": "", "sign_name": ""}, ["err.required"] * 3),
])
def test_wrong_channel_settings_are_named_all_at_once(kind, config, keys):
    with pytest.raises(ValidationError) as e:
        channels.validate(kind, "渠道", config)
    assert sorted(x.key for x in getattr(e.value, "errors", [e.value])) == sorted(keys)


def test_good_settings_keep_only_what_the_kind_uses():
    s = channels.validate("dingtalk", " 管理群 ", {"url": "https://oapi.dingtalk.com/robot/send?access_token=a",
                                                 "secret": "SEC1", "host": "ignored"})
    assert s.name == "管理群" and s.config == {"url": "https://oapi.dingtalk.com/robot/send?access_token=a",
                                               "secret": "SEC1"}
    with pytest.raises(ValidationErrors):
        channels.validate("wecom", "", {"url": "https://x"})


def test_dingtalk_signature_is_hmac_sha256_of_timestamp_and_secret():
    url = channels.dingtalk_signed_url("https://oapi.dingtalk.com/robot/send?access_token=t", "SECabc", 1700000000000)
    q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
    expected = base64.b64encode(hmac.new(b"SECabc", b"1700000000000\nSECabc", hashlib.sha256).digest()).decode()
    assert q["timestamp"] == "1700000000000" and q["sign"] == expected and q["access_token"] == "t"
    assert channels.dingtalk_signed_url("https://x/robot", "", 1) == "https://x/robot"


def test_the_sms_request_is_signed_over_the_sorted_query():
    query = channels.sms_query({"Action": "SendSms", "PhoneNumbers": "13800000000", "SignName": "物业"}, "secret")
    sig, rest = query.split("&", 1)
    assert rest.startswith("Action=SendSms&PhoneNumbers=") and "SignName=%E7%89%A9%E4%B8%9A" in rest
    to_sign = "GET&%2F&" + urllib.parse.quote(rest, safe="-_.~")
    assert urllib.parse.unquote(sig.split("=", 1)[1]) == base64.b64encode(
        hmac.new(b"secret&", to_sign.encode(), hashlib.sha1).digest()).decode()


def test_owner_templates_refuse_unknown_placeholders_and_texts_over_one_sms():
    assert validate_body("fee_reminder", " {owner}您好，{room}尚欠物业费{amount}元。 ") == "{owner}您好，{room}尚欠物业费{amount}元。"
    with pytest.raises(ValidationError) as e:
        validate_body("fee_reminder", "{owner}您好，{phone}")
    assert e.value.key == "err.template_placeholder_unknown"
    with pytest.raises(ValidationError) as e:
        validate_body("complaint_received", "{owner}您好，" + "我们已经收到您的投诉。" * 6)
    assert e.value.key == "err.sms_too_long"
    with pytest.raises(ValidationError) as e:      # fits alone, but not with the signature
        validate_body("complaint_received", "{owner}您好，投诉{number}已受理，" + "谢" * 36, sign_name="翠湖园物业服务中心")
    assert e.value.key == "err.sms_too_long"


def test_retries_back_off_and_give_up():
    waits = [retries.next_try(n) for n in range(1, retries.MAX_ATTEMPTS + 1)]
    assert waits[:4] == sorted(waits[:4]) and waits[0] == timedelta(seconds=10) and waits[-1] is None


def test_alert_texts_in_both_languages():
    zh = messages.text("red_line", {"number": "TS-1", "flag": "media"}, "zh")
    en = messages.text("red_line", {"number": "TS-1", "flag": "media"}, "en")
    assert "TS-1" in zh and "媒体曝光" in zh and "Media exposure" in en and "{" not in zh + en
