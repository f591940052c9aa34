import pathlib

import pytest

pytest_plugins = ["tests.servers.fixtures", "tests.fuzz.report"]

ROOT = pathlib.Path(__file__).resolve().parent.parent
SEED = ROOT / "statements" / "2020-01-04-iaswi-soleimani-assassination.txt"


@pytest.fixture
def seed_path() -> pathlib.Path:
    return SEED


@pytest.fixture
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")
