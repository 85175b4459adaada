"""feeds: publish a press office's releases as feeds, digests and endpoint posts."""

__version__ = "0.1.0"
