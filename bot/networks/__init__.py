"""Network adapters. ``make_adapter(account, config)`` picks one by ``account.platform``.

Only ``x.py`` imports tweepy, only ``mastodon.py`` imports Mastodon.py, only
``bluesky.py`` imports atproto; nothing outside this package names their errors.
"""
