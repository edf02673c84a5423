"""One module per resource; each defines ``router`` and is included by ``novum.api.app``."""
