"""The image is uploaded once: killed (SIGKILL) after the upload and before the post, a rerun reuses the recorded
media id; only when the network has forgotten the upload is it uploaded again. Against the local X server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bot.publishing.journal import Journal
from tests.servers.media import png

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def setup(tmp_path: Path, x_server) -> tuple[list[str], dict[str, str]]:
    user = x_server.create_user(f"img{os.getpid() % 10000}")
    (tmp_path / "poster.png").write_bytes(png(900, 600))
    (tmp_path / "s.md").write_text(
        "---\nid: media-once\ntitle: Free the teachers\nimage: poster.png\nalt: Teachers on strike in Tehran\n---\n"
        "The teachers must be released now. They did nothing wrong.\n",
        encoding="utf-8",
    )
    (tmp_path / "bot.yaml").write_text(
        "state: state/j.sqlite3\naccounts:\n  - name: x\n    platform: x\n"
        f"    handle: {user.username}\n    api_base: {x_server.base_url}\n"
        "    credentials: {api_key: MO_K, api_secret: MO_S, access_token: MO_T, access_secret: MO_TS}\n",
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "MO_K": x_server.consumer_key,
        "MO_S": x_server.consumer_secret,
        "MO_T": user.access_token,
        "MO_TS": user.access_secret,
    }
    cmd = [sys.executable, "-m", "bot", "post", str(tmp_path / "s.md"), "--config", str(tmp_path / "bot.yaml")]
    return cmd, env


def kill_while_posting(cmd: list[str], env: dict[str, str], x_server) -> None:
    """Start a run, hold its post request (the upload went through), kill it with SIGKILL."""
    x_server.faults.add("timeout", hold=60.0)  # POST /2/tweets: held, never saved
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    x_server.faults.wait_for_held(1, timeout=60)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    x_server.faults.release()
    x_server.faults.clear()


def recorded(tmp_path: Path) -> list[str | None]:
    with Journal(tmp_path / "state" / "j.sqlite3") as journal:
        [row] = journal.threads()
        return [m.remote for p in journal.posts(row.id) for m in journal.post_media(p.id)]


def test_killed_between_upload_and_post_the_rerun_reuses_the_media_id(tmp_path, x_server):
    cmd, env = setup(tmp_path, x_server)
    kill_while_posting(cmd, env, x_server)
    [media_id] = recorded(tmp_path)
    assert media_id in x_server.state.media and x_server.posts() == []
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert list(x_server.state.media) == [media_id]  # uploaded once
    [post] = x_server.posts()
    assert [m["media_key"] for m in post["media"]] == [f"3_{media_id}"]
    assert post["media"][0]["alt"] == "Teachers on strike in Tehran"


def test_an_upload_the_network_forgot_is_uploaded_again_once(tmp_path, x_server):
    cmd, env = setup(tmp_path, x_server)
    kill_while_posting(cmd, env, x_server)
    [first] = recorded(tmp_path)
    x_server.advance(24 * 3600 + 60)  # X let the unattached upload expire (expires_after_secs)
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    [second] = recorded(tmp_path)
    assert second != first and set(x_server.state.media) == {first, second}
    [post] = x_server.posts()
    assert [m["media_key"] for m in post["media"]] == [f"3_{second}"]
