"""Outside channels and the checks on their settings, made on save so a wrong setting is named
to the admin instead of failing at 3 a.m.: a webhook must be http(s), a DingTalk secret is the
robot's 'SEC…' key, an SMTP server has a host and a port, an SMS provider has its keys."""
from __future__ import annotations

import base64
import hashlib
import hmac
import urllib.parse
from dataclasses import dataclass
from enum import Enum

from core.errors import ValidationError, ValidationErrors


class ChannelKind(str, Enum):
    INAPP = "inapp"
    WECOM = "wecom"          # 企业微信 group robot
    DINGTALK = "dingtalk"    # 钉钉 group robot, optionally signed
    EMAIL = "email"          # SMTP
    SMS = "sms"              # SMS provider (Alibaba Cloud SendSms request shape)


OUTSIDE = (ChannelKind.WECOM, ChannelKind.DINGTALK, ChannelKind.EMAIL, ChannelKind.SMS)
ROBOTS = (ChannelKind.WECOM, ChannelKind.DINGTALK)

# One SMS segment as Chinese providers count it (the 【signature】 included); a longer text is
# split and billed as several, and operators may reorder the parts: we refuse it instead.
SMS_BODY_LIMIT = 70
MAX_NAME = 40


@dataclass(frozen=True)
class ChannelSettings:
    kind: ChannelKind
    name: str
    config: dict          # checked, with only the keys the kind uses


def _url(value: str, field: str = "url") -> str:
    value = (value or "").strip()
    parts = urllib.parse.urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValidationError("err.webhook_url", field=field)
    return value


def _required(config: dict, name: str, max_len: int = 200) -> str:
    value = str(config.get(name) or "").strip()
    if not value:
        raise ValidationError("err.required", field=name)
    if len(value) > max_len:
        raise ValidationError("err.too_long", field=name, max=max_len)
    return value


def _port(value) -> int:
    try:
        port = int(value)
    except (TypeError, ValueError):
        raise ValidationError("err.smtp_port", field="port") from None
    if not 1 <= port <= 65535:
        raise ValidationError("err.smtp_port", field="port")
    return port


def _secret(value: str) -> str:
    value = (value or "").strip()
    if value and not value.startswith("SEC"):
        raise ValidationError("err.dingtalk_secret", field="secret")
    return value


def _email(value: str, field: str) -> str:
    value = (value or "").strip()
    if "@" not in value or value.startswith("@") or value.endswith("@") or " " in value or len(value) > 120:
        raise ValidationError("err.email", field=field)
    return value


def validate(kind: str, name: str, config: dict) -> ChannelSettings:
    """Every wrong field at once (ValidationErrors)."""
    try:
        kind = ChannelKind(kind)
    except ValueError:
        raise ValidationError("err.channel_kind", field="kind") from None
    if kind == ChannelKind.INAPP:
        raise ValidationError("err.channel_kind", field="kind")
    config = dict(config or {})

    def check_name():
        value = (name or "").strip()
        if not value:
            raise ValidationError("err.required", field="channel_name")
        if len(value) > MAX_NAME:
            raise ValidationError("err.too_long", field="channel_name", max=MAX_NAME)
        return value

    checks = {
        ChannelKind.WECOM: {"url": lambda: _url(config.get("url"))},
        ChannelKind.DINGTALK: {"url": lambda: _url(config.get("url")), "secret": lambda: _secret(config.get("secret"))},
        ChannelKind.EMAIL: {"host": lambda: _required(config, "host"), "port": lambda: _port(config.get("port")),
                            "sender": lambda: _email(config.get("sender"), "sender"),
                            "username": lambda: str(config.get("username") or "").strip(),
                            "password": lambda: str(config.get("password") or ""),
                            "starttls": lambda: bool(config.get("starttls"))},
        ChannelKind.SMS: {"endpoint": lambda: _url(config.get("endpoint") or SMS_ENDPOINT, "endpoint"),
                          "access_key_id": lambda: _required(config, "access_key_id", 64),
                          "access_key_secret": lambda: _required(config, "access_key_secret", 64),
                          "sign_name": lambda: _required(config, "sign_name", 12)},
    }[kind]
    values = ValidationErrors.collect(check_name, *checks.values())
    return ChannelSettings(kind, values[0], dict(zip(checks, values[1:])))


SMS_ENDPOINT = "https://dysmsapi.aliyuncs.com/"


def dingtalk_signed_url(url: str, secret: str, timestamp_ms: int) -> str:
    """DingTalk's signed robot: HMAC-SHA256 over 'timestamp\\nsecret' keyed by the secret,
    base64, URL-encoded, appended with the timestamp (the robot refuses a stale one: >1 h)."""
    if not secret:
        return url
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    return f"{url}{'&' if '?' in url else '?'}timestamp={timestamp_ms}&sign={sign}"


def _pct(value: str) -> str:
    return urllib.parse.quote(str(value), safe="-_.~")


def sms_query(params: dict, secret: str) -> str:
    """The SendSms query string with its signature (RPC style: HMAC-SHA1 over
    'GET&%2F&' + the encoded sorted query, keyed by secret + '&')."""
    canon = "&".join(f"{_pct(k)}={_pct(v)}" for k, v in sorted(params.items()))
    to_sign = f"GET&{_pct('/')}&{_pct(canon)}"
    sig = base64.b64encode(hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()).decode()
    return f"Signature={_pct(sig)}&{canon}"


def check_sms_length(text: str, sign_name: str = "") -> None:
    if len(text) + (len(sign_name) + 2 if sign_name else 0) > SMS_BODY_LIMIT:
        raise ValidationError("err.sms_too_long", field="body", max=SMS_BODY_LIMIT)
