"""Sources that arrive by themselves: RSS/Atom feeds (``feeds.py``, ``parley
watch``) and saved searches that tell what is new (``alerts.py``, ``parley
alerts`` and the web UI's alerts page). URL fetching itself is
``parley.ingest.fetch``; the tables are ``parley.store.sources``."""
