"""Logging filters: secrets out of every log line, a refusal as one line."""

import logging
import re

# /diary/ical/<token>.ics: the token is the key to a child's timetable.
_SECRET_PATHS = re.compile(r"(/diary/ical/)[^/\s\"'?]+(\.ics)")
_SECRET_QUERY = re.compile(r"([?&](?:token|key)=)[^&\s\"']+")


def redact(text: str) -> str:
    return _SECRET_QUERY.sub(r"\1…", _SECRET_PATHS.sub(r"\1…\2", text))


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


class OneLineRefusals(logging.Filter):
    """Django logs a 403 with the exception's traceback: one line with who and what is enough."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) != 403:
            return True
        request = getattr(record, "request", None)
        user = getattr(request, "user", None)
        who = user.get_username() if user is not None and user.is_authenticated else "anonymous"
        path = request.get_full_path() if request is not None else "?"
        method = request.method if request is not None else "?"
        record.msg, record.args = "Forbidden: %s %s user=%s", (method, path, who)
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        return True


try:  # gunicorn's access log, when it is turned on: `--logger-class config.logging.GunicornLogger`
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # pragma: no cover - gunicorn is a dependency, kept optional here
    _GunicornLogger = None

if _GunicornLogger is not None:

    class GunicornLogger(_GunicornLogger):
        """gunicorn's access log without the calendar tokens of the request lines."""

        def access(self, resp, req, environ, request_time):
            environ = {
                **environ,
                **{
                    key: redact(environ.get(key, ""))
                    for key in ("RAW_URI", "PATH_INFO", "QUERY_STRING")
                },
            }
            return super().access(resp, req, environ, request_time)
