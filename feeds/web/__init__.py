"""The web front: the output folder served with conditional GET, and the pages people use to
subscribe to digests, confirm, change preferences and unsubscribe."""
