"""One module per source format; each defines an ``XmlFormat`` or ``StreamFormat`` subclass."""
