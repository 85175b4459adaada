"""Values to bytes: feeds (Atom, RSS, JSON Feed), release and index pages, the XSLT."""
