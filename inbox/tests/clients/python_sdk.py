"""A small app using the official Python SDK (sentry-sdk), as in Sentry's examples.

    python python_sdk.py DSN capture    # capture_exception + capture_message, then flush
    python python_sdk.py DSN uncaught   # an uncaught exception (the SDK's excepthook sends it)
"""
import sys

import sentry_sdk

dsn, mode = sys.argv[1], sys.argv[2]
# shutdown_timeout: the uncaught mode sends at exit; 2 s (the default) is short on a loaded machine.
sentry_sdk.init(dsn=dsn, release="py-app@1.0.0", environment="test", debug=False, shutdown_timeout=10)
sentry_sdk.set_user({"id": "py-user-1", "email": "py@example.org"})
sentry_sdk.set_tag("client", "sentry-python")


def divide(a, b):
    return a / b


def load_config(path):
    settings = {}
    return settings[path]


if mode == "capture":
    try:
        divide(1, 0)
    except ZeroDivisionError as e:
        sentry_sdk.capture_exception(e)
    sentry_sdk.capture_message("python says hello to order 4711", level="warning")
    sentry_sdk.flush(timeout=10)
elif mode == "uncaught":
    load_config("missing.toml")
else:
    sys.exit("unknown mode " + mode)
