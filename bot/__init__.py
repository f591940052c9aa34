"""statement-bot: statements in, exact threads out, posted to X, Mastodon and Bluesky."""

__version__ = "0.2.0"
