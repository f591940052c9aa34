"""kill -9 `statement-bot post` at every post of a 20-post thread, on the five local servers.

Each scenario runs the real command as a subprocess against a real local server
(X API, mastodon-mock behind Mastodon's rules, the reference Bluesky PDS, the Telegram
Bot API and Threads API servers). The server
holds the request for post r (before or after saving it), the test kills the poster,
and the next run resumes. After the last run the server must hold every post exactly
once, in order, each replying to the one before. A second set of tests makes 30 % of
all requests fail (seeded) and reruns until the thread is complete.

On Telegram the statement is a PDF: its first page goes out as the photo of post 1 and
the PDF itself follows as a document, post 20. On Threads post 1 carries an image, which
"Meta" (the local server) fetches from a folder served on 127.0.0.1 as the organisation's
web server would. So the files are killed and resumed too, and read back byte for byte.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.publishing.journal import Journal
from tests.servers.faults import Faults
from tests.servers.media import png

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
POSTS = 20
NETWORKS = ["x", "mastodon", "bluesky", "telegram", "threads"]


def statement_text(tag: str) -> str:
    """A statement of twenty paragraphs of about 255 characters: one post each, at 280."""
    filler = "and the words go on so that this paragraph fills most of a post by itself".split()
    paragraphs = []
    for i in range(1, POSTS + 1):
        words = f"Paragraph {i} of the {tag} statement says one distinct thing about workers' rights,".split()
        while len(" ".join(words)) < 250:
            words.append(filler[len(words) % len(filler)])
        paragraphs.append(" ".join(words) + ".")
    return f"---\nid: crash-{tag}\ntitle: Crash test {tag}\n---\n" + "\n\n".join(paragraphs) + "\n"


@dataclass
class Network:
    """One server plus the account the poster uses on it, and how to read the thread back."""

    name: str
    faults: Faults
    account_yaml: str
    env: dict[str, str]
    read: Callable[[], list[tuple[str, str, str | None, str | None]]]  # (id, text, parent id, root id), in order
    skip_on_resume: dict[str, int] = field(default_factory=dict)
    pdf: bool = False  # the statement is a PDF (its page as the first post's image, the file as the last post)
    image: bool = False  # the statement has an image of its own (front matter ``image``)
    files: Callable[[], list[tuple[str, bytes]]] | None = None  # the files posted, read back: (kind, bytes)
    kinds: tuple[str, ...] = ()  # what ``files`` must find, in order
    close: Callable[[], None] = lambda: None


def x_network(server, tag: str, tier: str = "basic") -> Network:
    user = server.create_user(f"crash{tag}"[:15])
    if tier == "basic":  # enough of every window for 40 runs
        server.configure(
            tier="basic",
            limits={
                "create": [(10_000, 86400)],
                "timeline": [(10_000, 900)],
                "me": [(10_000, 86400)],
                "delete": [(10_000, 900)],
            },
        )
    else:
        server.configure(tier="free", limits={"create": [(10_000, 86400)], "me": [(10_000, 86400)]})
    env = {
        "CRASH_X_KEY": server.consumer_key,
        "CRASH_X_SECRET": server.consumer_secret,
        "CRASH_X_TOKEN": user.access_token,
        "CRASH_X_TOKEN_SECRET": user.access_secret,
    }
    account = (
        f"  - name: x-{tag}\n    platform: x\n    handle: {user.username}\n    api_base: {server.base_url}\n"
        "    credentials: {api_key: CRASH_X_KEY, api_secret: CRASH_X_SECRET, access_token: CRASH_X_TOKEN, "
        "access_secret: CRASH_X_TOKEN_SECRET}\n"
    )

    def read():
        posts = server.posts(user)
        root = posts[0]["id"] if posts else None
        return [(p["id"], p["text"], p["in_reply_to"], root if p["in_reply_to"] else None) for p in posts]

    # After an unknown outcome X gets the post again (a duplicate refusal proves it is there).
    return Network("x", server.faults, account, env, read, {"before": 1, "after": 1})


def mastodon_network(server, tag: str) -> Network:
    _username, _, token = server.create_account(f"crash{tag}".replace("-", ""))
    account = (
        f"  - name: m-{tag}\n    platform: mastodon\n    instance: {server.base_url}\n    limit: 280\n"
        "    credentials: {access_token: CRASH_MASTO_TOKEN}\n"
    )

    def read():
        posts = server.posts(token)
        root = posts[0]["id"] if posts else None
        return [(p["id"], p["text"], p["in_reply_to_id"], root if p["in_reply_to_id"] else None) for p in posts]

    # The same Idempotency-Key is sent again: one create request that returns the saved status.
    return Network("mastodon", server.faults, account, {"CRASH_MASTO_TOKEN": token}, read, {"before": 1, "after": 1})


def bluesky_network(server, tag: str) -> Network:
    handle, did, password = server.create_account("crash")
    account = (
        f"  - name: b-{tag}\n    platform: bluesky\n    handle: {handle}\n"
        f"    instance: {server.base_url}\n    limit: 280\n"
        "    credentials: {password: CRASH_SKY_PASSWORD}\n"
    )

    def read():
        return [(p["uri"], p["text"], p["reply_parent"], p["reply_root"]) for p in server.posts(did)]

    # Bluesky looks the record up by its rkey first: after a commit it is found, no create needed.
    return Network("bluesky", server.faults, account, {"CRASH_SKY_PASSWORD": password}, read, {"before": 1, "after": 0})


def telegram_network(server, tag: str, probe: bool = True, pdf: bool = True) -> Network:
    bot = server.create_bot(f"crash{tag}_bot")
    channel = server.create_channel(f"crash{tag}", bot)
    probe_line = f"    probe_chat: '{server.create_channel(None, bot, title='probes').id}'\n" if probe else ""
    account = (
        f"  - name: t-{tag}\n    platform: telegram\n    chat: '@{channel.username}'\n{probe_line}"
        f"    api_base: {server.base_url}\n    limit: 280\n    credentials: {{bot_token: CRASH_TG_TOKEN}}\n"
    )

    def read():
        posts = server.messages(channel)
        root = posts[0]["message_id"] if posts else None
        return [
            (p["message_id"], p["text"] if p["text"] is not None else p["caption"], p["reply_to_message_id"],
             root if p["reply_to_message_id"] else None)
            for p in posts
        ]  # fmt: skip

    def files():
        found = []
        for message in server.messages(channel):
            if message["photo"]:
                found.append(("photo", telegram_file(server, bot.token, message["photo"][-1]["file_id"])))
            if message["document"]:
                found.append(("document", telegram_file(server, bot.token, message["document"]["file_id"])))
        return found

    # A probe from the probe chat asks for message N (a create request too): after a commit the first
    # one finds the post (its quote matching the text or caption); before it, two missing ids end the
    # search and the post is sent again.
    env = {"CRASH_TG_TOKEN": bot.token}
    return Network("telegram", server.faults, account, env, read, {"before": 3, "after": 1}, pdf=pdf, files=files,
                   kinds=("photo", "document"))  # fmt: skip


def telegram_file(server, token: str, file_id: str) -> bytes:
    """A file's bytes as a bot downloads it: getFile, then GET /file/bot<token>/<file_path>."""
    import httpx

    got = httpx.post(f"{server.base_url}/bot{token}/getFile", json={"file_id": file_id}).json()
    return httpx.get(f"{server.base_url}/file/bot{token}/{got['result']['file_path']}").content


def threads_network(server, tag: str) -> Network:
    user = server.create_user(f"crash{tag}")
    folder = Path(tempfile.mkdtemp(prefix="crash-media-"))
    web = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietFiles, directory=str(folder)))
    threading.Thread(target=web.serve_forever, daemon=True).start()
    account = (
        f"  - name: th-{tag}\n    platform: threads\n    api_base: {server.api_url}\n    limit: 280\n"
        f"    media_dir: {folder}\n    media_base_url: http://127.0.0.1:{web.server_address[1]}\n"
        "    credentials: {access_token: CRASH_THREADS_TOKEN}\n"
    )

    def read():
        return [(p["id"], p["text"], p["reply_to"], p["root_id"]) for p in server.posts(user)]

    def files():
        return [("image", p["image"]) for p in server.posts(user) if p["image"] is not None]

    def close():
        web.shutdown()
        web.server_close()
        shutil.rmtree(folder, ignore_errors=True)

    # The container's status settles it: FINISHED is published again (one publish), PUBLISHED is found.
    env = {"CRASH_THREADS_TOKEN": user.access_token}
    return Network("threads", server.faults, account, env, read, {"before": 1, "after": 0}, image=True,
                   files=files, kinds=("image",), close=close)  # fmt: skip


class _QuietFiles(http.server.SimpleHTTPRequestHandler):
    """The organisation's web server, publishing media_dir (without a log line per request)."""

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def network(request, x_server, mastodon_server, pds, telegram_server, threads_server):
    """The network named by the test parameter, with a fresh account on it."""
    name, tag = request.param, f"{request.param[0]}{random.randrange(10**6)}"
    builders = {
        "x": lambda: x_network(x_server, tag),
        "mastodon": lambda: mastodon_network(mastodon_server, tag),
        "bluesky": lambda: bluesky_network(pds, tag),
        "telegram": lambda: telegram_network(telegram_server, tag),
        "threads": lambda: threads_network(threads_server, tag),
    }
    made = builders[name]()
    made.faults.clear()
    yield made
    made.faults.clear()
    made.close()


def statement_pdf(tag: str, path: Path) -> None:
    """The statement as a PDF: the title, then ``POSTS - 1`` paragraphs (the PDF itself is post ``POSTS``)."""
    from fpdf import FPDF

    paragraphs = statement_text(tag).split("---\n", 2)[2].split("\n\n")[: POSTS - 1]
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", "B", 18)
    pdf.multi_cell(0, 9, f"Crash test {tag}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("helvetica", size=11)
    for paragraph in paragraphs:
        pdf.multi_cell(0, 5.5, paragraph.strip(), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
    pdf.output(str(path))


def setup_files(tmp_path: Path, net: Network, publishing: str) -> tuple[list[str], dict[str, str]]:
    tag = f"{random.randrange(10**6):06d}"
    statement = tmp_path / ("statement.pdf" if net.pdf else "statement.md")
    if net.pdf:
        statement_pdf(tag, statement)
    else:
        text = statement_text(tag)
        if net.image:
            (tmp_path / "poster.png").write_bytes(png(900, 600))
            text = text.replace("\n---\n", "\nimage: poster.png\nalt: The statement's poster\n---\n", 1)
        statement.write_text(text, encoding="utf-8")
    (tmp_path / "bot.yaml").write_text(
        f"state: state/j.sqlite3\n{publishing}accounts:\n{net.account_yaml}", encoding="utf-8"
    )
    env = {**os.environ, **net.env, "PYTHONPATH": str(ROOT)}
    return [
        sys.executable,
        "-m",
        "bot",
        "post",
        str(statement),
        "--config",
        str(tmp_path / "bot.yaml"),
    ], env


def planned_texts(tmp_path: Path) -> list[str]:
    with Journal(tmp_path / "state" / "j.sqlite3") as journal:
        [row] = journal.threads()
        return [p.text for p in journal.posts(row.id)]


def assert_thread_exactly_once(net: Network, texts: list[str]) -> int:
    """Every planned post once, in order, each replying to the one before; returns duplicates found."""
    posts = net.read()
    seen = [p[1] for p in posts]
    duplicates = len(seen) - len(set(seen))
    assert seen == texts, f"{net.name}: server has {len(seen)} posts, {duplicates} duplicates"
    for i, (_, _, parent, root) in enumerate(posts):
        assert parent == (posts[i - 1][0] if i else None), f"{net.name}: post {i + 1} replies to the wrong post"
        assert root == (posts[0][0] if i else None), f"{net.name}: post {i + 1} has the wrong root"
    return duplicates


def assert_files_exactly_once(net: Network, tmp_path: Path) -> int:
    """The planned files (an image on post 1, Telegram's PDF last) went out once each, byte for byte; their bytes."""
    if net.files is None or not (net.pdf or net.image):
        return 0
    with Journal(tmp_path / "state" / "j.sqlite3") as journal:
        [row] = journal.threads()
        planned = [m.media.data for p in journal.posts(row.id) for m in journal.post_media(p.id)]
    got = net.files()
    assert tuple(kind for kind, _ in got) == net.kinds, f"{net.name}: files posted {[k for k, _ in got]}"
    assert [data for _, data in got] == planned
    if net.pdf:
        assert got[-1][1] == (tmp_path / "statement.pdf").read_bytes()
    return sum(len(data) for _, data in got)


def run_to_end(cmd: list[str], env: dict[str, str], cwd: Path, tries: int = 30) -> tuple[int, str]:
    """Run the command until it exits 0 (or ``tries`` runs); returns (runs, last output)."""
    for run in range(1, tries + 1):
        done = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=300)
        if done.returncode == 0:
            return run, done.stdout
    raise AssertionError(f"not complete after {tries} runs: {done.stdout} {done.stderr}")


# A process that imports statement-bot and the three SDKs once, then forks one child per
# run: each child is a separate `statement-bot post` process (its own journal connection,
# killed with SIGKILL like any other), without paying atproto's seconds of import 20 times.
ZYGOTE = """
import json, os, sys
import bot.cli, bot.commands.post, bot.networks.bluesky.adapter, bot.networks.mastodon.adapter, bot.networks.x.adapter
import bot.networks.telegram.adapter, bot.networks.threads.adapter
for line in sys.stdin:
    job = json.loads(line)
    pid = os.fork()
    if pid == 0:
        os.chdir(job["cwd"])
        os.environ.update(job["env"])
        out = os.open(job["out"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(out, 1)
        os.dup2(out, 2)
        code = 1
        try:
            code = bot.cli.main(job["argv"])
        finally:
            sys.stdout.flush()
            os._exit(code)
    print(pid, flush=True)
    print(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]), flush=True)
"""


class Zygote:
    """Starts `statement-bot post` runs as forked children of one pre-imported process."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", ZYGOTE],
            cwd=ROOT,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )

    def start(self, argv: list[str], env: dict[str, str], cwd: Path, out: Path) -> int:
        """Fork one run; returns its pid."""
        self.proc.stdin.write(json.dumps({"argv": argv, "env": env, "cwd": str(cwd), "out": str(out)}) + "\n")
        self.proc.stdin.flush()
        return int(self.proc.stdout.readline())

    def wait(self) -> int:
        """The exit code of the last run (-9 when killed)."""
        return int(self.proc.stdout.readline())

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


@pytest.fixture(scope="module")
def zygote():
    z = Zygote()
    yield z
    z.close()


@pytest.mark.parametrize("network", NETWORKS, indirect=True)
@pytest.mark.parametrize("moment", ["before", "after"])
def test_kill_9_at_every_post_then_rerun_posts_each_exactly_once(network, moment, tmp_path, zygote):
    cmd, env = setup_files(tmp_path, network, "publishing: {timeout_seconds: 30}\n")
    effect = "timeout" if moment == "before" else "hang_after_commit"
    kills = 0
    for r in range(1, POSTS + 1):
        network.faults.clear()
        skip = network.skip_on_resume[moment] if r > 1 else 0
        if skip:
            network.faults.add("pass", method=None, count=skip)
        network.faults.add(effect, method=None, hold=120.0)
        pid = zygote.start(cmd[3:], network.env, tmp_path, tmp_path / f"run{r}.out")
        try:
            network.faults.wait_for_held(1, timeout=60)
        except TimeoutError:
            os.kill(pid, signal.SIGKILL)
            zygote.wait()
            raise AssertionError(f"run {r} never reached post {r}: {(tmp_path / f'run{r}.out').read_text()}") from None
        os.kill(pid, signal.SIGKILL)
        assert zygote.wait() == -signal.SIGKILL
        kills += 1
        network.faults.release()
        deadline = time.monotonic() + 10
        while network.faults.held and time.monotonic() < deadline:
            time.sleep(0.01)
    network.faults.clear()
    assert len(planned_texts(tmp_path)) == POSTS
    runs, out = run_to_end(cmd, env, tmp_path, tries=1)
    assert "✔" in out
    duplicates = assert_thread_exactly_once(network, planned_texts(tmp_path))
    sent = assert_files_exactly_once(network, tmp_path)
    print(
        f"FIGURES {network.name} kill-{moment}: {kills} kills + {runs} final run, {len(network.read())} posts, "
        f"{duplicates} duplicates" + (f", files read back: {' + '.join(network.kinds)}, {sent:,} bytes" if sent else "")
    )


def seeded_failures(faults: Faults, share: float, seed: int, count: int = 600) -> list[str]:
    """Fail a seeded ``share`` of every request (429, 500, timeout, drop, saved-then-500/drop); the plan."""
    rng = random.Random(seed)
    plan = []
    for _ in range(count):
        if rng.random() >= share:
            plan.append("pass")
            faults.add("pass", method=None, path=".*")
            continue
        kind = rng.choice(("429", "500", "timeout", "drop", "commit_then_fail"))
        plan.append(kind)
        if kind.isdigit():
            faults.add("status", method=None, path=".*", status=int(kind), reset_after=1)
        elif kind == "commit_then_fail":
            faults.add(kind, method=None, path=".*", then=rng.choice(("500", "drop")))
        else:
            faults.add(kind, method=None, path=".*", hold=2.0)
    return plan


@pytest.mark.parametrize("network", NETWORKS, indirect=True)
@pytest.mark.parametrize("seed", [20260104, 7])
def test_thirty_percent_of_calls_failing_still_completes_without_duplicates(network, seed, tmp_path):
    cmd, env = setup_files(
        tmp_path,
        network,
        "publishing: {timeout_seconds: 1, max_attempts: 10, backoff_base_seconds: 0.05, backoff_max_seconds: 0.4}\n",
    )
    plan = seeded_failures(network.faults, 0.3, seed=seed)
    runs, _ = run_to_end(cmd, env, tmp_path)
    requests = len(network.faults.requests)
    network.faults.clear()
    failed = [kind for kind in plan[:requests] if kind != "pass"]
    assert len(failed) >= 0.2 * requests
    duplicates = assert_thread_exactly_once(network, planned_texts(tmp_path))
    assert_files_exactly_once(network, tmp_path)
    print(
        f"FIGURES {network.name} 30% failing (seed {seed}): {runs} run(s), {requests} requests of which "
        f"{len(failed)} failed "
        f"({', '.join(f'{failed.count(k)} {k}' for k in sorted(set(failed)))}), {len(network.read())} posts, "
        f"{duplicates} duplicates"
    )


def test_x_free_tier_stops_for_a_person_then_resumes_with_resolve(x_server, tmp_path):
    # The free tier cannot read the timeline, so a duplicate refusal cannot be matched to an id.
    net = x_network(x_server, f"f{random.randrange(10**6)}", tier="free")
    cmd, env = setup_files(tmp_path, net, "")
    net.faults.clear()
    net.faults.add("pass", method=None, count=3)
    net.faults.add("hang_after_commit", method=None, hold=120.0)
    proc = subprocess.Popen(cmd, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    net.faults.wait_for_held(1, timeout=60)
    proc.kill()
    proc.communicate()
    net.faults.clear()
    stopped = subprocess.run(cmd, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert stopped.returncode == 1
    assert "post 4/20 may already be online" in stopped.stdout and "--resolve 4=POST_ID" in stopped.stdout
    assert len(net.read()) == 4
    fourth = net.read()[3][0]  # what a person finds on the account's page
    name = net.account_yaml.split("name: ")[1].split("\n")[0]
    resolved = subprocess.run(
        cmd + ["--account", name, "--resolve", f"4={fourth}"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert resolved.returncode == 0, resolved.stdout + resolved.stderr
    assert_thread_exactly_once(net, planned_texts(tmp_path))


@pytest.mark.parametrize("network", NETWORKS, indirect=True)
def test_retract_deletes_the_whole_thread_on_each_server(network, tmp_path):
    cmd, env = setup_files(tmp_path, network, "")
    run_to_end(cmd, env, tmp_path, tries=1)
    assert len(network.read()) == POSTS
    retract = [*cmd[:3], "retract", *cmd[4:]]
    done = subprocess.run(retract, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert network.read() == []
    with Journal(tmp_path / "state" / "j.sqlite3") as journal:
        [row] = journal.threads()
        assert row.status == "retracted" and {p.status for p in journal.posts(row.id)} == {"deleted"}


def test_telegram_without_a_probe_chat_stops_for_a_person_then_resumes_with_resolve(telegram_server, tmp_path):
    # A bot cannot read its channel: with no probe chat, a post saved but unanswered is a person's call.
    net = telegram_network(telegram_server, f"n{random.randrange(10**6)}", probe=False, pdf=False)
    cmd, env = setup_files(tmp_path, net, "")
    net.faults.clear()
    net.faults.add("pass", count=3)
    net.faults.add("hang_after_commit", hold=120.0)
    proc = subprocess.Popen(cmd, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    net.faults.wait_for_held(1, timeout=60)
    proc.kill()
    proc.communicate()
    net.faults.clear()
    stopped = subprocess.run(cmd, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert stopped.returncode == 1
    assert "post 4/20 may already be online" in stopped.stdout and "message 4 or later" in stopped.stdout
    assert len(net.read()) == 4
    name = net.account_yaml.split("name: ")[1].split("\n")[0]
    resolved = subprocess.run(
        cmd + ["--account", name, "--resolve", f"4={net.read()[3][0]}"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert resolved.returncode == 0, resolved.stdout + resolved.stderr
    assert_thread_exactly_once(net, planned_texts(tmp_path))
