"""`python -m services.first_admin --username wangwei --name 王伟`: the first administrator of a
store set up without the demo, created from the server's console.

The first-run page does the same from the browser; this command is for a server that others can
reach before its administrator has signed in once (nobody else can type on the console), and for
scripted installs. The password is asked twice on the terminal, or read from FIRST_ADMIN_PASSWORD.
Like the page, it works only while the store has no account at all."""
from __future__ import annotations

import argparse
import getpass
import os
import sys

from core.errors import DomainError, ValidationErrors
from core.i18n import translate
from services import users
from services.store import open_store

ENV_PASSWORD = "FIRST_ADMIN_PASSWORD"


def _messages(error: DomainError, lang: str) -> list[str]:
    return [translate(e.key, lang, **e.params) for e in (error.errors if isinstance(error, ValidationErrors)
                                                           else [error])]


def _password() -> tuple[str, str]:
    typed = os.environ.get(ENV_PASSWORD)
    if typed is not None:
        return typed, typed
    return getpass.getpass("password: "), getpass.getpass("password again: ")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.first_admin", description=__doc__.split("\n")[0])
    parser.add_argument("--username", required=True)
    parser.add_argument("--name", required=True, help="display name, e.g. 王伟")
    parser.add_argument("--lang", default="zh", choices=["zh", "en"])
    args = parser.parse_args(argv)
    engine = open_store()
    try:
        if not users.first_run(engine):
            print(translate("err.first_admin_exists", args.lang), file=sys.stderr)
            return 1
        password, again = _password()
        try:
            users.create_first_admin(engine, args.username, args.name, password, again)
        except DomainError as e:
            for line in _messages(e, args.lang):
                print(line, file=sys.stderr)
            return 1
        print(translate("first.created", args.lang, username=args.username.strip().lower()))
        return 0
    finally:
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
