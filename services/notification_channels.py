"""The outside channels: WeCom and DingTalk group robots (DingTalk's signed variant too), e-mail
over SMTP and SMS in the request shape of Alibaba Cloud's SendSms. `send` answers None when the
channel took the message, else the reason, worded without the phone, address or text.

None of these channels offers an idempotency key we could give it (a robot posts whatever it is
sent), so a delivery is at-least-once: the worker commits its lease before sending and marks
the row sent right after, and only a worker killed between the channel's answer and that mark
can send one message twice; the outbox's unique (event, recipient, channel) key keeps it to that
one message, never a second copy of the event. E-mail carries a Message-ID made from the
outbox id, so a mail client shows such a twin once; SMS carries it as OutId."""
from __future__ import annotations

import http.client
import json
import smtplib
import socket
import ssl
import time
import urllib.parse
import uuid
from datetime import datetime, timezone
from email.message import EmailMessage

from core.notifications.channels import SMS_ENDPOINT, check_sms_length, dingtalk_signed_url, sms_query
from core.errors import ValidationError
from db.notification_repository import Delivery


class Connections:
    """Kept-alive HTTP connections per host: 10,000 robot posts need not open 10,000 sockets."""

    def __init__(self, timeout: float):
        self.timeout = timeout
        self._open: dict[tuple, http.client.HTTPConnection] = {}

    def request(self, method: str, url: str, body: bytes | None, headers: dict) -> tuple[int, bytes]:
        parts = urllib.parse.urlsplit(url)
        key = (parts.scheme, parts.hostname, parts.port)
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        for attempt in (1, 2):   # a kept-alive socket the server closed meanwhile: once more, fresh
            conn = self._open.get(key) or self._connect(parts)
            self._open[key] = conn
            try:
                conn.request(method, path, body=body, headers=headers)
                resp = conn.getresponse()
                return resp.status, resp.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.drop(key)
                if attempt == 2:
                    raise
            except Exception:
                self.drop(key)
                raise
        raise AssertionError("unreachable")

    def _connect(self, parts) -> http.client.HTTPConnection:
        if parts.scheme == "https":
            return http.client.HTTPSConnection(parts.hostname, parts.port, timeout=self.timeout,
                                               context=ssl.create_default_context())
        return http.client.HTTPConnection(parts.hostname, parts.port, timeout=self.timeout)

    def drop(self, key) -> None:
        conn = self._open.pop(key, None)
        if conn is not None:
            conn.close()

    def close(self) -> None:
        for key in list(self._open):
            self.drop(key)


def send(d: Delivery, timeout: float = 10.0, connections: Connections | None = None) -> str | None:
    if d.config is None:
        return "channel not configured or switched off"
    own = connections is None
    connections = connections or Connections(timeout)
    try:
        return SENDERS[d.channel](d, connections, timeout)
    except (socket.timeout, TimeoutError):
        return f"timeout after {timeout:g} s"
    except (ConnectionError, OSError, http.client.HTTPException) as e:
        return f"unreachable: {type(e).__name__}"
    finally:
        if own:
            connections.close()


def _robot_answer(status: int, raw: bytes) -> str | None:
    if status != 200:
        return f"HTTP {status}"
    try:
        answer = json.loads(raw or b"{}")
    except ValueError:
        return "answer is not JSON"
    code = answer.get("errcode", 0)
    return None if code == 0 else f"errcode {code}: {str(answer.get('errmsg', ''))[:120]}"


def _text_payload(d: Delivery) -> bytes:
    return json.dumps({"msgtype": "text", "text": {"content": d.body}}, ensure_ascii=False).encode()


def _headers(d: Delivery) -> dict:
    # The outbox id rides along (robots ignore unknown headers): the test robots count by it.
    return {"Content-Type": "application/json; charset=utf-8", "X-Outbox-Id": str(d.id)}


def _wecom(d: Delivery, conns: Connections, timeout: float) -> str | None:
    return _robot_answer(*conns.request("POST", d.config["url"], _text_payload(d), _headers(d)))


def _dingtalk(d: Delivery, conns: Connections, timeout: float) -> str | None:
    url = dingtalk_signed_url(d.config["url"], d.config.get("secret", ""), int(time.time() * 1000))
    return _robot_answer(*conns.request("POST", url, _text_payload(d), _headers(d)))


def _email(d: Delivery, conns: Connections, timeout: float) -> str | None:
    if not d.address:
        return "no e-mail address"
    c = d.config
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = c["sender"], d.address, d.title or d.kind
    msg["Message-ID"] = f"<outbox-{d.id}-{uuid.uuid5(uuid.NAMESPACE_URL, d.event_key).hex[:12]}@pm-dashboard>"
    msg.set_content(d.body)
    try:
        with smtplib.SMTP(c["host"], int(c["port"]), timeout=timeout) as smtp:
            if c.get("starttls"):
                smtp.starttls(context=ssl.create_default_context())
            if c.get("username"):
                smtp.login(c["username"], c.get("password", ""))
            smtp.send_message(msg)
    except smtplib.SMTPResponseException as e:
        return f"SMTP {e.smtp_code}"
    except smtplib.SMTPException as e:
        return f"SMTP: {type(e).__name__}"
    return None


def _sms(d: Delivery, conns: Connections, timeout: float) -> str | None:
    if not d.address:
        return "owner opted out or has no phone"
    c = d.config
    try:
        check_sms_length(d.body, c.get("sign_name", ""))
    except ValidationError:
        return "text over one SMS segment"
    params = {"Action": "SendSms", "Version": "2017-05-25", "RegionId": "cn-hangzhou", "Format": "JSON",
              "AccessKeyId": c["access_key_id"], "SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0",
              "SignatureNonce": uuid.uuid4().hex,
              "Timestamp": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
              "PhoneNumbers": d.address, "SignName": c["sign_name"], "TemplateCode": d.provider_code,
              "TemplateParam": json.dumps({k: v for k, v in d.params.items()}, ensure_ascii=False),
              "OutId": str(d.id)}
    endpoint = c.get("endpoint") or SMS_ENDPOINT
    status, raw = conns.request("GET", f"{endpoint.rstrip('/')}/?{sms_query(params, c['access_key_secret'])}",
                                None, {"Accept": "application/json"})
    if status != 200:
        return f"HTTP {status}"
    try:
        answer = json.loads(raw or b"{}")
    except ValueError:
        return "answer is not JSON"
    return None if answer.get("Code") == "OK" else f"provider: {str(answer.get('Code'))[:60]}"


SENDERS = {"wecom": _wecom, "dingtalk": _dingtalk, "email": _email, "sms": _sms}
