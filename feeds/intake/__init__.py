"""Bytes to ``Release``: encodings and cleaning, front matter, the press-release reader,
and the folder scan with its cache."""
