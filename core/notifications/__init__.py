"""Alerts to staff and messages to owners as plain rules: which events exist and who must know,
quiet hours, how a channel's settings are checked, the retry schedule and DingTalk's signature.
No I/O here: the services write the outbox, the worker (worker/) delivers it."""
