"""One module per CLI command: ``register(subparsers)`` adds it, ``args.handler`` runs it."""
