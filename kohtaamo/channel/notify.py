"""Waiting for chat news instead of polling on a timer (long-polling).

A reader asks for "what is new after my cursor"; when nothing is, the request waits until a
change is announced for one of its keys (`chat:<id>`, `worker:<user id>`, `service:<id>`) or
its time is up, and then looks again. A message is also announced under its sender
(`chat:<id>:<sender>`, `worker:<user id>:<sender>`), so that a reader waiting only for the other
side's messages is not woken by its own. Requests scale with messages, not with time (bench/chat.py).

Announcing: on PostgreSQL a change does `pg_notify` inside its own transaction, so the news goes
out exactly when the transaction commits (never for a rolled-back one) to every server process.
Each process has one listener thread with one connection that `LISTEN`s and wakes the waiting
request threads of that process. On SQLite (development, tests) the news is passed in-process
after the commit, and waiters also look again every second, in case another process wrote.

A waiting request gives its database connection back while it waits, so a few hundred waiting
people do not hold a few hundred PostgreSQL connections.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable

from django.db import connection, transaction

logger = logging.getLogger(__name__)

CHANNEL = "kohtaamo_chat"
MAX_WAIT_S = 25  # below common proxy read timeouts (60 s), see docs/operations.md
RECHECK_S = 1.0  # how often a waiter looks again when no listener can tell it (SQLite, outage)
ANY = "*"  # every waiter listens to this key: announced when the listener (re)connects


SENDERS = ("client", "worker", "system")  # ChatMessage.Sender, without importing the models


def chat_key(chat_id, sender: str = "") -> str:
    """`chat:<id>`: anything new in the chat; with a sender, `chat:<id>:<sender>`: a message by
    them (a reader who waits only for the other side's messages is not woken by its own)."""
    return f"chat:{chat_id}:{sender}" if sender else f"chat:{chat_id}"


def worker_key(user_id, sender: str = "") -> str:
    return f"worker:{user_id}:{sender}" if sender else f"worker:{user_id}"


def keys_from_others(key: Callable[[str], str], reader: str | None) -> list[str]:
    """The keys to wait on for news from everyone but `reader` (None: from everyone); `key`
    makes a chat's or a worker's key for a sender ("" for any)."""
    if reader is None:
        return [key("")]
    return [key(sender) for sender in SENDERS if sender != reader]


def service_key(service_id, event: str = "") -> str:
    """`service:<id>`: the queue changed; `service:<id>:left`: someone left it (taken, ended,
    blocked), which is all that moves the people behind them."""
    return f"service:{service_id}:{event}" if event else f"service:{service_id}"


def queue_left(service_id) -> tuple[str, str]:
    """The keys to announce when a chat leaves the queue."""
    return service_key(service_id), service_key(service_id, "left")


class Hub:
    """The waiting threads of this process, by key. Each waiter has its own Event, so news for
    one chat wakes only the requests waiting for that chat."""

    def __init__(self):
        self._lock = threading.Lock()
        self._waiters: dict[str, set[threading.Event]] = {}

    def register(self, keys: Iterable[str]) -> threading.Event:
        event = threading.Event()
        with self._lock:
            for key in (*keys, ANY):
                self._waiters.setdefault(key, set()).add(event)
        return event

    def unregister(self, keys: Iterable[str], event: threading.Event) -> None:
        with self._lock:
            for key in (*keys, ANY):
                found = self._waiters.get(key)
                if found is not None:
                    found.discard(event)
                    if not found:
                        del self._waiters[key]

    def wake(self, keys: Iterable[str]) -> None:
        with self._lock:
            events = set()
            for key in keys:
                events |= self._waiters.get(key, set())
        for event in events:
            event.set()

    def waiting(self) -> int:
        with self._lock:
            return len(self._waiters.get(ANY, ()))


hub = Hub()


class Listener(threading.Thread):
    """One PostgreSQL connection per process that LISTENs and wakes this process's waiters."""

    def __init__(self, conninfo: dict):
        super().__init__(name="kohtaamo-chat-listener", daemon=True)
        self.conninfo = conninfo
        self.connected = threading.Event()
        self.stopping = threading.Event()

    def run(self) -> None:
        import psycopg

        backoff = 0.5
        while not self.stopping.is_set():
            try:
                with psycopg.connect(**self.conninfo, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.connected.set()
                    hub.wake([ANY])  # anything missed while away: everyone looks again
                    backoff = 0.5
                    quiet = 0
                    while not self.stopping.is_set():
                        got = False
                        for note in conn.notifies(timeout=1.0):
                            hub.wake(note.payload.split())
                            got = True
                        quiet = 0 if got else quiet + 1
                        if quiet >= 30:
                            conn.execute("SELECT 1")  # notice a dead connection
                            quiet = 0
                    return
            except Exception:
                logger.warning("chat listener lost its connection; retrying", exc_info=True)
            self.connected.clear()
            self.stopping.wait(backoff)
            backoff = min(backoff * 2, 30)

    def stop(self) -> None:
        self.stopping.set()
        self.join(5)


_listener: Listener | None = None
_listener_lock = threading.Lock()


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _conninfo() -> dict:
    s = connection.settings_dict
    info = {
        "dbname": s["NAME"],
        "user": s.get("USER") or None,
        "password": s.get("PASSWORD") or None,
        "host": s.get("HOST") or None,
        "port": s.get("PORT") or None,
    }
    for name in ("sslmode", "sslrootcert", "sslcert", "sslkey"):
        if name in s.get("OPTIONS", {}):
            info[name] = s["OPTIONS"][name]
    return {k: v for k, v in info.items() if v is not None}


def listener() -> Listener | None:
    """This process's listener, started the first time a request waits (PostgreSQL only)."""
    global _listener
    if not _postgres():
        return None
    with _listener_lock:
        if _listener is None or not _listener.is_alive():
            _listener = Listener(_conninfo())
            _listener.start()
            _listener.connected.wait(2)
        return _listener


def stop_listener() -> None:
    """Close this process's listener connection (tests, before the test database is dropped)."""
    global _listener
    with _listener_lock:
        if _listener is not None:
            _listener.stop()
            _listener = None


def announce(*keys: str) -> None:
    """Tell waiters that something changed for these keys once the current transaction commits.
    Call it inside the transaction that makes the change."""
    keys = tuple(str(k) for k in keys if k)
    if not keys:
        return
    payload = " ".join(keys)
    if _postgres():
        with connection.cursor() as cursor:  # sent by PostgreSQL at commit, dropped on rollback
            cursor.execute("SELECT pg_notify(%s, %s)", [CHANNEL, payload])
    else:
        transaction.on_commit(lambda: hub.wake(keys))


def _release_connection() -> None:
    """Give the database connection back while waiting (not inside a transaction)."""
    if not connection.in_atomic_block:
        connection.close()


def wait_for(
    check: Callable[[], object],
    *,
    keys: Iterable[str],
    seconds: float,
) -> object:
    """Call `check` until it returns something truthy or `seconds` have passed; between calls,
    wait for news on `keys`. Returns the last result of `check` (falsy when the time ran out)."""
    keys = tuple(keys)
    deadline = time.monotonic() + max(0.0, seconds)
    source = listener() if seconds > 0 else None
    while True:
        event = hub.register(keys)  # before looking, so news while looking is not missed
        try:
            result = check()
            left = deadline - time.monotonic()
            if result or left <= 0:
                return result
            _release_connection()
            if source is None or not source.connected.is_set():
                left = min(left, RECHECK_S)
            event.wait(left)
        finally:
            hub.unregister(keys, event)
