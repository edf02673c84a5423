"""Real publications from the parser fixtures, parsed once per test session."""

from __future__ import annotations

import pytest

from novum.model import Patent
from tests.conftest import fixture
from tests.parsing import parse_single

US = "us-go-uspto/pkg/uspto/test-data/grant/v4-5-B2.xml"
EP = "ep-publication-server/pkg/eps/test-data/grant/v1-5-B1.xml"
CN_OLD = "cn-jp-wipo/data/examples/cn_old1.xml"
CN_NEW = "cn-jp-wipo/data/examples/cn_new1.xml"


@pytest.fixture(scope="session")
def us_patent() -> Patent:
    return parse_single(fixture(US))


@pytest.fixture(scope="session")
def ep_patent() -> Patent:
    return parse_single(fixture(EP))


@pytest.fixture(scope="session")
def cn_old() -> Patent:
    return parse_single(fixture(CN_OLD))


@pytest.fixture(scope="session")
def cn_new() -> Patent:
    return parse_single(fixture(CN_NEW))
