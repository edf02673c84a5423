"""Translations for the web pages: English source strings, Simplified Chinese in ``locale/zh.json``.

A template writes ``{{ _("Search") }}`` (or ``_("{n} results", n=5)``); a string missing from the catalogue shows
in English, so a page never breaks for want of a translation. The language is chosen by ``?lang=zh|en`` (kept in a
cookie), else the cookie, else the browser's Accept-Language.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

from fastapi import Request

LANGUAGES = ("en", "zh")
LANG_COOKIE = "novum_lang"
Translate = Callable[..., str]


@cache
def catalogue(lang: str) -> dict[str, str]:
    """The translations of one language (empty for English, the source language)."""
    if lang == "en":
        return {}
    text = resources.files("novum.web").joinpath("locale", f"{lang}.json").read_text(encoding="utf-8")
    loaded: dict[str, str] = json.loads(text)
    return loaded


def translator(lang: str) -> Translate:
    table = catalogue(lang if lang in LANGUAGES else "en")

    def translate(text: str, **values: Any) -> str:
        found = table.get(text) or text
        return found.format(**values) if values else found

    return translate


def from_accept_language(header: str) -> str:
    """The first supported language in an Accept-Language header, by quality (``zh-CN,zh;q=0.9,en;q=0.8``)."""
    choices: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        base = tag.strip().lower().split("-")[0]
        if base in LANGUAGES and quality > 0:
            choices.append((-quality, position, base))
    return min(choices)[2] if choices else "en"


def choose_language(request: Request) -> tuple[str, bool]:
    """The page's language, and whether it was asked for in the URL (then the response stores it in the cookie)."""
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked, True
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in LANGUAGES:
        return cookie, False
    return from_accept_language(request.headers.get("accept-language", "")), False
