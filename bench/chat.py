"""Client channel benchmark (issue 9): 300 concurrent anonymous chats answered by 30 workers, the
service finder's first page, and the finder's page weight.

Everything runs on loopback and stops by itself: gunicorn serves the app against PostgreSQL; an
asyncio load generator (httpx) plays 300 people and 30 workers through the JSON API, which calls
the same actions as the HTML pages. The people come from loopback source addresses 127.0.N.2–…
(one per 5 people), because the rate limit allows 5 new chats per address in 10 minutes and
stays on during the run. A smaller load (BENCH_CHAT_LEVELS, default 60 chats / 6 workers) runs
first. Both sides wait for news instead of polling on a timer (long-polling, channel/notify.py): the
person's page and the worker console each keep one waiting request open and ask again at once
after each answer, as the pages' script does. A share of the messages are "dropped": the first attempt is cut off by a
tiny timeout, whether or not the server stored it, and sent again with the same client_msg_id.

Pace: a chat is a conversation. A person sends a message, waits for the worker's answer, and
takes 8–20 s to read it and type the next one (a short message on a phone); a worker, with up to
ten chats open and ready phrases at hand, takes 4–12 s to read a message and type the answer.
Six messages and six answers per chat; the 300 people arrive within 45 s, less than the shortest
chat lasts, so all 300 chats are open at the same time (the run reports the peak). That offers
about 20–25 messages a second. The same 300 chats are then run once more at a **stress** pace no
person types at (the next message 2–5 s after the last, without waiting for the answer; answers
after 0.3–1 s; everyone arriving within 20 s), reported beside the target run to show where the
machine stops keeping up (BENCH_CHAT_STRESS="" skips it).

Measured: message delivery time (from the start of the send until the other side's poll returns
it, both directions), every message received exactly once and stored exactly once, how long the
waiting requests took to answer (long-polling: `wait=25`, answered at once when there is news),
and wrk figures for the finder (`/palvelut/`, and a search) with its page weight (HTML + CSS + JS).

    python -m bench.chat            # or: make bench BENCH_ARGS=chat
"""

from __future__ import annotations

import asyncio
import gzip
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

from bench.common import ROOT, Server, ensure_pg_database, log, wrk
from bench.foundation import production_env

CHATS = int(os.environ.get("BENCH_CHATS", "300"))
WORKERS = int(os.environ.get("BENCH_CHAT_WORKERS", "30"))
MESSAGES = int(os.environ.get("BENCH_CHAT_MESSAGES", "6"))  # per person; each gets a reply
WAIT_S = 25  # long-polling: how long one request may wait for news (notify.MAX_WAIT_S)
DROP_SHARE = 0.15
# Threaded workers (gthread): a request waiting for news holds a thread, not a process, and
# gives its database connection back to the process's pool while it waits (DATABASE_POOL_SIZE).
GUNICORN_WORKERS = int(os.environ.get("BENCH_GUNICORN_WORKERS", "2"))
GUNICORN_THREADS = int(os.environ.get("BENCH_GUNICORN_THREADS", "300"))
POOL_SIZE = int(os.environ.get("BENCH_DB_POOL_SIZE", "20"))
DEADLINE_S = 240  # the chat phase never runs longer than this
PORT = 8104
PER_SOURCE = 5  # new chats one address may start in 10 minutes (ratelimit.CHAT_START)
# Smaller loads run first, to show where polling still meets the target on this machine.
LEVELS = [
    tuple(int(n) for n in level.split("/"))
    for level in os.environ.get("BENCH_CHAT_LEVELS", "60/6").split(",")
    if level
]
API = "/api/v1/channel"
# Seconds between messages, (low, high) uniform: how long the person takes to type the next
# message after reading the answer, and how long the worker takes to answer.
PACES = {
    # People arrive over `arrival` seconds, fewer than a chat lasts, so all are open at once
    # (the run reports the peak number of open chats).
    "conversation": {"person": (8.0, 20.0), "worker": (4.0, 12.0), "turns": True, "arrival": 45},
    "stress": {"person": (2.0, 5.0), "worker": (0.3, 1.0), "turns": False, "arrival": 20},
}
STRESS = [
    tuple(int(n) for n in level.split("/"))
    for level in os.environ.get("BENCH_CHAT_STRESS", f"{CHATS}/{WORKERS}").split(",")
    if level
]


class ThreadedServer(Server):
    """bench.common.Server with gunicorn's threaded workers (gthread) for this section only: the
    command line Server builds gets `--worker-class gthread --threads N` instead of sync."""

    def __init__(self, app: str, port: int, *, workers: int, threads: int, env: dict):
        super().__init__(app, port, workers=workers, env=env)
        self.threads = threads

    def __enter__(self):
        real = subprocess.Popen

        def popen(cmd, *args, **kwargs):
            cmd = list(cmd)
            cmd[cmd.index("--worker-class") + 1] = "gthread"
            cmd += ["--threads", str(self.threads), "--worker-connections", "2000"]
            return real(cmd, *args, **kwargs)

        subprocess.Popen = popen
        try:
            return super().__enter__()
        finally:
            subprocess.Popen = real


# Preparing the database (in a child process, so this one stays free of Django settings) ------


def prepare(env: dict) -> dict:
    os.environ.update(env)
    import django

    django.setup()
    import datetime

    from django.core.management import call_command

    from kohtaamo.accounts.actions import create_api_token
    from kohtaamo.accounts.models import ApiToken, Membership, Organisation, Role, User
    from kohtaamo.channel.models import (
        ChatMessage,
        ChatOpeningHours,
        ChatService,
        ChatSession,
        ThrottleEvent,
    )
    from kohtaamo.testing.factories import TeamFactory

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    call_command("seed_demo_directory", stdout=open(os.devnull, "w"))  # noqa: SIM115
    county, _ = Organisation.objects.get_or_create(
        slug="bench-chat-county", defaults={"kind": "county", "name_fi": "Chat-benchin alue"}
    )
    team = county.units.first() and county.units.first().teams.first()
    if team is None:
        team = TeamFactory(unit__organisation=county, slug="bench-chat", name_fi="Chat-tiimi")
    service, created = ChatService.objects.get_or_create(
        slug="bench-chat",
        defaults=dict(
            organisation=county, unit=team.unit, team=team, name_fi="Bench-chat", max_waiting=5000
        ),
    )
    if created:
        ChatOpeningHours.objects.bulk_create(
            ChatOpeningHours(
                service=service,
                weekday=d,
                opens=datetime.time(0, 0),
                closes=datetime.time(23, 59, 59, 999999),
            )
            for d in range(7)
        )
    # A clean slate: earlier runs' chats and rate-limit counts.
    ChatMessage.objects.filter(session__service=service).delete()
    ChatSession.objects.filter(service=service).delete()
    ThrottleEvent.objects.all().delete()
    role = Role.objects.get(key="social_counsellor")
    tokens = []
    for i in range(WORKERS):
        user, made = User.objects.get_or_create(
            username=f"bench-chat-{i}", defaults={"first_name": "Bench", "last_name": str(i)}
        )
        if made:
            Membership.objects.create(
                user=user, organisation=county, unit=team.unit, team=team, role=role
            )
        ApiToken.objects.filter(user=user).delete()
        tokens.append(create_api_token(user, name="bench")[1])
    return {"tokens": tokens, "service": service.slug}


# The load generator -------------------------------------------------------------------------


class Stats:
    def __init__(self, run: str):
        self.run = run  # a prefix for this level's message tags
        self.delivery: dict[str, list[float]] = {"to_worker": [], "to_person": []}
        self.sent_at: dict[str, float] = {}
        self.seen: dict[str, int] = {}
        self.poll_ms: list[float] = []
        self.send_ms: list[float] = []
        self.errors: dict[str, int] = {}
        self.drops = 0
        self.acked: set[str] = set()
        self.given_up = 0
        self.duplicate_answers = 0
        self.replies_expected = 0
        self.cursor_faults = 0
        self.timeline: list[tuple[float, float]] = []  # (sent at, delivery s) per message
        self.open_spans: list[tuple[float, float]] = []  # (started, ended) per chat

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1

    def seen_now(self, tag: str, direction: str) -> None:
        self.seen[tag] = self.seen.get(tag, 0) + 1
        if self.seen[tag] == 1 and tag in self.sent_at:
            self.delivery[direction].append(time.monotonic() - self.sent_at[tag])
            self.timeline.append((self.sent_at[tag], time.monotonic() - self.sent_at[tag]))


async def _send(client, url, body: str, tag: str, stats: Stats, headers: dict, drop: bool):
    """Send once; a dropped first attempt is cut off and sent again with the same id."""
    import httpx

    payload = {"body": body, "client_msg_id": tag}
    stats.sent_at.setdefault(tag, time.monotonic())
    if drop:
        stats.drops += 1
        try:
            await client.post(url, json=payload, headers=headers, timeout=httpx.Timeout(0.002))
        except httpx.HTTPError:
            pass
        await asyncio.sleep(0.05)
    for _attempt in range(5):
        start = time.monotonic()
        try:
            r = await client.post(url, json=payload, headers=headers, timeout=10)
        except httpx.HTTPError:
            stats.error("send_transport")
            await asyncio.sleep(0.2)
            continue
        stats.send_ms.append((time.monotonic() - start) * 1000)
        if r.status_code in (200, 201):
            if r.status_code == 200 and r.json().get("duplicate"):
                stats.duplicate_answers += 1
            stats.acked.add(tag)
            return True
        stats.error(f"send_{r.status_code}")
        if r.status_code != 429:
            return False
        await asyncio.sleep(1)
    stats.given_up += 1
    return False


async def _call(client, method: str, url: str, stats: Stats, label: str, **kwargs):
    """One request; a transport failure is counted and answered with None."""
    try:
        return await client.request(method, url, timeout=kwargs.pop("timeout", 15), **kwargs)
    except Exception:
        stats.error(f"{label}_transport")
        return None


async def person(
    index: int, client, base: str, service: str, stats: Stats, stop: float, pace: dict
):
    rng = random.Random(index)
    await asyncio.sleep(rng.uniform(0, pace["arrival"]))  # people arrive over the first seconds
    r = None
    for _attempt in range(3):
        r = await _call(
            client, "POST", f"{base}{API}/chats", stats, "start", json={"service": service}
        )
        if r is not None:
            break
    if r is None or r.status_code != 201:
        stats.error(f"start_{getattr(r, 'status_code', 'none')}")
        return None
    headers = {"X-Chat-Key": r.json()["key"]}
    opened = time.monotonic()
    state = {"cursor": 0, "status": "waiting", "position": None, "sent": 0}
    active = asyncio.Event()
    finished = asyncio.Event()
    answered = asyncio.Event()  # set whenever a worker's message arrives

    async def poller():
        """One waiting request at a time, asked again at once after each answer."""
        failures = 0
        while time.monotonic() < stop:
            params = {"after": state["cursor"], "wait": WAIT_S}
            if state["status"] == "waiting" and state["position"]:
                params["position"] = state["position"]
            start = time.monotonic()
            try:
                r = await client.get(
                    f"{base}{API}/chats/current",
                    params=params,
                    headers=headers,
                    timeout=WAIT_S + 15,
                )
            except Exception:
                stats.error("poll_transport")
                failures += 1
                await asyncio.sleep(min(8, 0.5 * 2**failures))
                continue
            stats.poll_ms.append((time.monotonic() - start) * 1000)
            if r.status_code != 200:
                stats.error(f"poll_{r.status_code}")
                failures += 1
                await asyncio.sleep(min(8, 0.5 * 2**failures))
                continue
            failures = 0
            data = r.json()
            state["status"], state["position"] = data["status"], data["position"]
            for m in data["messages"]:
                if m["seq"] != state["cursor"] + 1:
                    stats.cursor_faults += 1
                state["cursor"] = max(state["cursor"], m["seq"])
                if m["sender"] == "worker":
                    stats.seen_now(m["body"].split()[0], "to_person")
                    answered.set()
            if state["status"] == "active":
                active.set()
            elif state["status"] != "waiting":
                break  # ended or blocked
            sent = state["sent"]
            replies = sum(
                1 for t in (f"w-{stats.run}p{index}-{i}" for i in range(sent)) if stats.seen.get(t)
            )
            if sent == MESSAGES and replies == MESSAGES:
                break
        finished.set()
        active.set()

    poll_task = asyncio.create_task(poller())
    await active.wait()
    while state["status"] == "active" and state["sent"] < MESSAGES and not finished.is_set():
        if time.monotonic() >= stop:
            break
        tag = f"{stats.run}p{index}-{state['sent']}"
        stats.replies_expected += 1
        await _send(
            client,
            f"{base}{API}/chats/current/messages",
            f"{tag} hei, tarvitsen apua",
            tag,
            stats,
            headers,
            drop=rng.random() < DROP_SHARE,
        )
        state["sent"] += 1
        if pace["turns"]:  # wait for the answer before reading it and typing the next one
            while not stats.seen.get(f"w-{tag}") and not finished.is_set():
                answered.clear()
                left = stop - time.monotonic()
                if left <= 0:
                    break
                try:
                    await asyncio.wait_for(answered.wait(), timeout=left)
                except TimeoutError:
                    break
        if state["sent"] < MESSAGES:
            await asyncio.sleep(rng.uniform(*pace["person"]))
    try:
        await asyncio.wait_for(finished.wait(), timeout=max(0.1, stop - time.monotonic()))
    except TimeoutError:
        pass
    poll_task.cancel()
    await asyncio.gather(poll_task, return_exceptions=True)
    sent = state["sent"]
    await _call(client, "POST", f"{base}{API}/chats/current/end", stats, "end", headers=headers)
    stats.open_spans.append((opened, time.monotonic()))
    r = await _call(
        client,
        "GET",
        f"{base}{API}/chats/current",
        stats,
        "final",
        params={"after": 0},
        headers=headers,
    )
    transcript = r.json() if r is not None and r.status_code == 200 else None
    return {"headers": headers, "transcript": transcript, "sent": sent}


async def worker(
    index: int,
    client,
    base: str,
    token: str,
    stats: Stats,
    stop: float,
    people_done,
    capacity: int,
    pace: dict,
):
    rng = random.Random(1000 + index)
    headers = {"Authorization": f"Bearer {token}"}
    after, mine, waiting = 0, set(), 1
    pending: list[asyncio.Task] = []
    await asyncio.sleep(rng.uniform(0, 1))
    done = asyncio.create_task(people_done.wait())
    failures = 0
    while time.monotonic() < stop and not people_done.is_set():
        took = False
        if waiting and len(mine) < capacity:
            r = await _call(
                client,
                "POST",
                f"{base}{API}/worker/chats/take-next",
                stats,
                "take",
                headers=headers,
            )
            if r is not None and r.status_code == 200 and r.json()["chat"]:
                mine.add(r.json()["chat"])
                took = True
            elif r is not None and r.status_code == 200:
                waiting = 0
        free = len(mine) < capacity
        # After a take with room for more, ask at once (someone else may wait); otherwise wait
        # for news: a message in my chats, or (with room for more) a change of the queue.
        params = {"after": after, "wait": 0 if took and free else WAIT_S}
        if free:
            params["waiting"] = waiting
        start = time.monotonic()
        poll = asyncio.create_task(
            client.get(
                f"{base}{API}/worker/updates", params=params, headers=headers, timeout=WAIT_S + 15
            )
        )
        await asyncio.wait({poll, done}, return_when=asyncio.FIRST_COMPLETED)
        if not poll.done():
            poll.cancel()
            await asyncio.gather(poll, return_exceptions=True)
            break
        try:
            r = poll.result()
        except Exception:
            stats.error("worker_poll_transport")
            failures += 1
            await asyncio.sleep(min(8, 0.5 * 2**failures))
            continue
        stats.poll_ms.append((time.monotonic() - start) * 1000)
        if r.status_code == 200:
            failures = 0
            waiting = r.json()["waiting"]
            for m in r.json()["messages"]:
                after = max(after, m["id"])
                if m["sender"] != "client":
                    continue
                tag = m["body"].split()[0]
                if not tag.startswith(stats.run):
                    continue  # a message of an earlier load level (chats ended within the hour)
                stats.seen_now(tag, "to_worker")
                if stats.seen[tag] == 1:
                    pending.append(
                        asyncio.create_task(
                            reply(client, base, headers, m["chat"], tag, stats, rng, pace)
                        )
                    )
        else:
            stats.error(f"worker_poll_{r.status_code}")
            failures += 1
            await asyncio.sleep(min(8, 0.5 * 2**failures))
    done.cancel()
    await asyncio.gather(*pending, return_exceptions=True)


async def reply(client, base, headers, chat, tag, stats, rng, pace):
    await asyncio.sleep(rng.uniform(*pace["worker"]))  # the worker reads and types
    reply_tag = f"w-{tag}"
    await _send(
        client,
        f"{base}{API}/worker/chats/{chat}/messages",
        f"{reply_tag} kiitos viestistä",
        reply_tag,
        stats,
        headers,
        drop=rng.random() < DROP_SHARE,
    )


async def load(
    base: str, prep: dict, *, chats: int, workers: int, subnet: int, pace: str = "conversation"
) -> dict:
    import httpx

    rates = PACES[pace]
    stats = Stats(f"r{subnet}x")
    stop = time.monotonic() + DEADLINE_S
    # Connections are kept open between requests, as a browser does, for less than gunicorn's
    # keep-alive time (2 s), so that the client never reuses one the server is closing.
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=100, keepalive_expiry=1.0)
    sources = [
        httpx.AsyncClient(
            transport=httpx.AsyncHTTPTransport(
                local_address=f"127.0.{subnet}.{2 + i}", limits=limits
            )
        )
        for i in range(-(-chats // PER_SOURCE))
    ]
    staff = httpx.AsyncClient(transport=httpx.AsyncHTTPTransport(limits=limits))
    people_done = asyncio.Event()
    started = time.monotonic()
    capacity = -(-chats // workers) + 1
    tasks = [
        asyncio.create_task(
            worker(i, staff, base, prep["tokens"][i], stats, stop, people_done, capacity, rates)
        )
        for i in range(workers)
    ]
    results = await asyncio.gather(
        *(
            person(i, sources[i // PER_SOURCE], base, prep["service"], stats, stop, rates)
            for i in range(chats)
        )
    )
    people_done.set()
    await asyncio.gather(*tasks)
    elapsed = time.monotonic() - started
    for c in [*sources, staff]:
        await c.aclose()
    # Exactly once: every tag stored once in its transcript, sequence numbers without gaps.
    stored_twice = lost = gaps = 0
    for i, res in enumerate(results):
        if not res or not res["transcript"]:
            continue
        msgs = res["transcript"]["messages"]
        seqs = [m["seq"] for m in msgs]
        if seqs != list(range(1, len(seqs) + 1)):
            gaps += 1
        tags = [m["body"].split()[0] for m in msgs if m["sender"] in ("client", "worker")]
        for n in range(res["sent"]):
            for tag in (f"{stats.run}p{i}-{n}", f"w-{stats.run}p{i}-{n}"):
                count = tags.count(tag)
                stored_twice += count > 1
                lost += count == 0 and tag in stats.acked  # acknowledged, yet not stored
    seen_twice = sum(1 for v in stats.seen.values() if v > 1)
    all_delivery = stats.delivery["to_worker"] + stats.delivery["to_person"]

    def pct(values, p):
        if not values:
            return None
        values = sorted(values)
        return round(values[min(len(values) - 1, int(p / 100 * len(values)))] * 1000, 1)

    events = sorted([(a, 1) for a, _ in stats.open_spans] + [(b, -1) for _, b in stats.open_spans])
    open_now = peak = 0
    for _at, step in events:
        open_now += step
        peak = max(peak, open_now)
    by_span: dict[int, list[float]] = {}
    for sent, took in stats.timeline:
        by_span.setdefault(int((sent - started) // 20) * 20, []).append(took)
    return {
        # When in the run the slow deliveries were: p95 per 20 s of send time.
        "delivery_p95_ms_by_20s": {
            f"{start}-{start + 20}s": [len(v), pct(v, 95)] for start, v in sorted(by_span.items())
        },
        "chats": chats,
        "peak_open_chats": peak,
        "arrival_s": rates["arrival"],
        "workers": workers,
        "messages_per_person": MESSAGES,
        "pace": pace,
        "pace_s": {"person": rates["person"], "worker": rates["worker"], "turns": rates["turns"]},
        "messages_per_s": round(len(all_delivery) / elapsed, 1),
        "poll_schedule": f"long-polling: one waiting request per person and per worker console "
        f"(wait={WAIT_S} s, answered at once on news, asked again at once)",
        "elapsed_s": round(elapsed, 1),
        "chats_completed": sum(1 for r in results if r and r["sent"] == MESSAGES),
        "messages_delivered": len(all_delivery),
        "delivery_p50_ms": pct(all_delivery, 50),
        "delivery_p95_ms": pct(all_delivery, 95),
        "delivery_p99_ms": pct(all_delivery, 99),
        "delivery_to_worker_p95_ms": pct(stats.delivery["to_worker"], 95),
        "delivery_to_person_p95_ms": pct(stats.delivery["to_person"], 95),
        "poll_p50_ms": round(statistics.median(stats.poll_ms), 1) if stats.poll_ms else None,
        "poll_p95_ms": pct([v / 1000 for v in stats.poll_ms], 95),
        "send_p95_ms": pct([v / 1000 for v in stats.send_ms], 95),
        "requests_per_s": round((len(stats.poll_ms) + len(stats.send_ms)) / elapsed, 1),
        "dropped_and_resent": stats.drops,
        "resends_answered_as_duplicate": stats.duplicate_answers,
        "stored_twice": stored_twice,
        "sends_given_up": stats.given_up,
        "lost": lost,
        "received_twice": seen_twice,
        "sequence_gaps": gaps,
        "cursor_faults": stats.cursor_faults,
        "errors": stats.errors,
    }


def server_cpu_seconds(app: Server) -> float:
    """CPU time (user + system) used so far by the gunicorn workers and PostgreSQL backends."""
    ticks = os.sysconf("SC_CLK_TCK")
    out = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(app.proc.pid)], capture_output=True, text=True
    )
    pids = [int(p) for p in out.stdout.split()]
    pg = subprocess.run(
        ["pgrep", "-f", "postgres: .*kohtaamo_bench_channel"], capture_output=True, text=True
    )
    pids += [int(p) for p in pg.stdout.split()]
    total = 0
    for pid in pids:
        try:
            fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()  # noqa: SIM115
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def _measured(app: Server, run):
    """Run one load level; add the server's CPU cost per request (independent of contention)."""
    import resource

    before = server_cpu_seconds(app)
    mine = resource.getrusage(resource.RUSAGE_SELF)
    level = run()
    used = server_cpu_seconds(app) - before
    after = resource.getrusage(resource.RUSAGE_SELF)
    level["load_generator_cpu_s"] = round(
        after.ru_utime + after.ru_stime - mine.ru_utime - mine.ru_stime, 1
    )
    served = level["requests_per_s"] * level["elapsed_s"]
    level["server_cpu_s"] = round(used, 1)
    level["server_cpu_ms_per_request"] = round(used * 1000 / served, 2) if served else None
    return level


# The finder ---------------------------------------------------------------------------------


def page_weight(base: str, path: str) -> dict:
    """Bytes of the page and every stylesheet and script it links (no images on the page)."""
    html = urllib.request.urlopen(base + path, timeout=10).read()  # noqa: S310
    assets = re.findall(rb'<link rel="stylesheet" href="([^"]+)"', html)
    assets += re.findall(rb'<script src="([^"]+)"', html)
    total, compressed = len(html), len(gzip.compress(html))
    files = {path: len(html)}
    for href in assets:
        body = urllib.request.urlopen(base + href.decode(), timeout=10).read()  # noqa: S310
        files[href.decode()] = len(body)
        total += len(body)
        compressed += len(gzip.compress(body))
    third_party = re.findall(rb'(?:src|href)="https?://', html)
    return {
        "bytes": total,
        "gzip_bytes": compressed,
        "files": files,
        "third_party": len(third_party),
    }


def run() -> dict:
    database_url = ensure_pg_database("kohtaamo_bench_channel")
    static_root = tempfile.mkdtemp(prefix="kohtaamo-static-")
    env = production_env(database_url, static_root)
    code = (
        "from bench.chat import prepare; import json, os; "
        "print('PREP' + json.dumps(prepare(json.loads(os.environ['BENCH_ENV']))))"
    )
    log("preparing the bench database (migrate, demo directory, 30 workers)")
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, **env, "BENCH_ENV": json.dumps(env)},
        capture_output=True,
        text=True,
    )
    if out.returncode:
        raise RuntimeError(out.stderr[-3000:])
    prep = json.loads(next(line for line in out.stdout.splitlines() if line.startswith("PREP"))[4:])
    base = f"http://127.0.0.1:{PORT}"
    results: dict = {"gunicorn_workers": GUNICORN_WORKERS, "load_average_before": os.getloadavg()}
    env = {**env, "DATABASE_POOL_SIZE": str(POOL_SIZE)}
    results["gunicorn_threads"] = GUNICORN_THREADS
    results["db_pool_size"] = POOL_SIZE
    with ThreadedServer(
        "kohtaamo.wsgi:application",
        PORT,
        workers=GUNICORN_WORKERS,
        threads=GUNICORN_THREADS,
        env=env,
    ) as app:
        urllib.request.urlopen(base + "/palvelut/?q=velka", timeout=30).read()  # warm up  # noqa: S310
        log("finder: page weight and wrk")
        results["finder_weight"] = page_weight(base, "/palvelut/")
        results["finder_results_weight"] = page_weight(base, "/palvelut/?q=ulosotto+vie+palkan")
        results["chat_page_weight_note"] = "the chat page adds HTMX 2 (52 KB, 17 KB gzipped)"
        results["finder_first_page"] = wrk(f"{base}/palvelut/", seconds=8)
        results["finder_search"] = wrk(f"{base}/palvelut/?q=ulosotto+vie+palkan", seconds=8)
        results["chat_levels"] = []
        for subnet, (chats, workers) in enumerate(LEVELS, start=1):
            log(f"chat: {chats} people, {workers} workers")
            level = _measured(
                app,
                lambda c=chats, w=workers, n=subnet: asyncio.run(
                    load(base, prep, chats=c, workers=w, subnet=n)
                ),
            )
            results["chat_levels"].append(level)
        log(f"chat: {CHATS} people, {WORKERS} workers")
        results["chat"] = _measured(
            app, lambda: asyncio.run(load(base, prep, chats=CHATS, workers=WORKERS, subnet=0))
        )
        results["stress_levels"] = []
        for offset, (chats, workers) in enumerate(STRESS, start=len(LEVELS) + 1):
            log(f"chat, stress pace: {chats} people, {workers} workers")
            results["stress_levels"].append(
                _measured(
                    app,
                    lambda c=chats, w=workers, n=offset: asyncio.run(
                        load(base, prep, chats=c, workers=w, subnet=n, pace="stress")
                    ),
                )
            )
        results["rss_mb_per_worker"] = app.worker_rss_mb()
    results["load_average_after"] = os.getloadavg()
    chat = results["chat"]
    results["targets"] = {
        "delivery_p95<=1000ms": (chat["delivery_p95_ms"] or 1e9) <= 1000,
        "no_message_lost_or_duplicated": chat["lost"] == 0
        and chat["stored_twice"] == 0
        and chat["received_twice"] == 0
        and chat["sequence_gaps"] == 0,
        "finder_first_page_p95<=100ms": results["finder_first_page"]["p95_ms"] <= 100,
        "finder_page<150KB": results["finder_results_weight"]["bytes"] < 150_000,
        "no_third_party_requests": results["finder_weight"]["third_party"] == 0,
    }
    return results


def _pace_text(level: dict) -> str:
    pace = level.get("pace_s")
    if not pace:
        return "pace not recorded"
    (p1, p2), (w1, w2) = pace["person"], pace["worker"]
    person = f"next message {p1:g}–{p2:g} s " + (
        "after the answer" if pace["turns"] else "after the last, answered or not"
    )
    return f"{level.get('pace')} pace: {person}, answers after {w1:g}–{w2:g} s"


def summary(results: dict) -> list[str]:
    chat = results["chat"]
    fw, frw = results["finder_weight"], results["finder_results_weight"]
    first, search = results["finder_first_page"], results["finder_search"]
    lines = [
        f"Client channel: gunicorn {results['gunicorn_workers']} gthread workers × "
        f"{results.get('gunicorn_threads')} threads, DB pool {results.get('db_pool_size')} per "
        "process, PostgreSQL LISTEN/NOTIFY, loopback only",
        *(
            f"smaller load: {lv['chats']} chats / {lv['workers']} workers: delivery p95 "
            f"{lv['delivery_p95_ms']} ms, waiting request answered p95 {lv['poll_p95_ms']} ms, {lv['requests_per_s']} requests/s, "
            f"server CPU {lv['server_cpu_ms_per_request']} ms/request, "
            f"lost {lv['lost']}, stored twice {lv['stored_twice']}, received twice {lv['received_twice']}"
            for lv in results.get("chat_levels", [])
        ),
        f"chat: {chat['chats']} concurrent anonymous chats, {chat['workers']} workers, "
        f"{chat['messages_per_person']} messages + replies each, {chat['elapsed_s']} s, "
        f"{_pace_text(chat)}: {chat.get('messages_per_s')} messages/s",
        f"  people arrive over {chat.get('arrival_s')} s; at most {chat.get('peak_open_chats')} "
        "chats open at the same time; delivery p95 by when the message was sent: "
        + ", ".join(f"{k} {v[1]} ms" for k, v in chat.get("delivery_p95_ms_by_20s", {}).items()),
        f"  polling: {chat['poll_schedule']}",
        f"  completed {chat['chats_completed']}/{chat['chats']}; delivered {chat['messages_delivered']} messages; "
        f"{chat['requests_per_s']} requests/s",
        f"  delivery p50 {chat['delivery_p50_ms']} ms, p95 {chat['delivery_p95_ms']} ms, p99 {chat['delivery_p99_ms']} ms "
        f"(to worker p95 {chat['delivery_to_worker_p95_ms']} ms, to person p95 {chat['delivery_to_person_p95_ms']} ms)",
        f"  waiting request answered after p50 {chat['poll_p50_ms']} ms, p95 {chat['poll_p95_ms']} ms; send p95 {chat['send_p95_ms']} ms; "
        f"server CPU {chat['server_cpu_ms_per_request']} ms per request (gunicorn + PostgreSQL)",
        f"  dropped and re-sent {chat['dropped_and_resent']} (answered as duplicates {chat['resends_answered_as_duplicate']}); "
        f"stored twice {chat['stored_twice']}, acknowledged but lost {chat['lost']}, sends given up {chat['sends_given_up']}, "
        f"received twice {chat['received_twice']}, "
        f"sequence gaps {chat['sequence_gaps']}, errors {chat['errors'] or 'none'}",
        *(
            f"stress pace ({_pace_text(lv)}, arriving over {lv.get('arrival_s')} s): "
            f"{lv['chats']} chats / {lv['workers']} workers, "
            f"{lv['messages_per_s']} messages/s: delivery p50 {lv['delivery_p50_ms']} ms, "
            f"p95 {lv['delivery_p95_ms']} ms; {lv['requests_per_s']} requests/s, "
            f"server CPU {lv['server_cpu_ms_per_request']} ms/request; completed "
            f"{lv['chats_completed']}/{lv['chats']}, lost {lv['lost']}, stored twice "
            f"{lv['stored_twice']}, received twice {lv['received_twice']}"
            for lv in results.get("stress_levels", [])
        ),
        f"finder first page: {first['rps']} req/s, p50 {first['p50_ms']:.1f} ms, p95 {first['p95_ms']:.1f} ms; "
        f"search page p95 {search['p95_ms']:.1f} ms",
        f"finder page weight: first page {fw['bytes']} B ({fw['gzip_bytes']} B gzipped), with results "
        f"{frw['bytes']} B ({frw['gzip_bytes']} B gzipped), HTML+CSS+JS; third-party requests {fw['third_party']}",
        f"resident memory per worker (MB): {results['rss_mb_per_worker']}; machine load average "
        f"before {results['load_average_before'][0]:.1f}, after {results['load_average_after'][0]:.1f} "
        "(2 cores, shared with other work)",
        "targets: "
        + ", ".join(f"{k} {'met' if v else 'NOT met'}" for k, v in results["targets"].items()),
    ]
    return lines


if __name__ == "__main__":
    from bench.common import write_results

    data = run()
    write_results("chat", data, summary(data))
