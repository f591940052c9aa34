"""Point a real tweepy.Client at the local X server (test-only twin of the adapter's override)."""

from __future__ import annotations

from typing import Any

import requests
from requests.adapters import HTTPAdapter

TWEEPY_HOST = "https://api.twitter.com"


class Redirect(HTTPAdapter):
    """A transport adapter that sends https://api.twitter.com/... to a local base URL."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base_url = base_url.rstrip("/")

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        """Rewrite the URL after tweepy has signed it for api.twitter.com, then send."""
        assert request.url is not None
        request.url = self.base_url + request.url[len(TWEEPY_HOST) :]
        return super().send(request, **kwargs)


def local_client(base_url: str, credentials: dict[str, str], **options: Any) -> Any:
    """A tweepy.Client whose api.twitter.com traffic goes to ``base_url``."""
    import tweepy

    client = tweepy.Client(**credentials, **options)
    client.session.mount(TWEEPY_HOST, Redirect(base_url))
    return client
