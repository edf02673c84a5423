"""The web pages of ``novum serve``: server-rendered (Jinja2), English and Simplified Chinese, working without
JavaScript. Pages call the same library functions as the REST API and the CLI; see README.md here to add one."""
