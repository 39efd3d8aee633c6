"""Static types of the public API, checked with mypy on tests/typing/snippets.py.

Decorated sync and async functions, generators and classes keep their exact types;
``mock_personalize(...)`` and ``with mock_personalize() as pm`` give a ``PersonalizeMock``.
Each ``reveal_type`` line of the snippet file names the type mypy must reveal after
``# expect:``. mypy runs in strict mode, the way a user's project would check its tests; the
package is followed silently (its own strictness is CI's ``python -m mypy``). One mypy run
takes several seconds; its cache lives under .mypy_cache/snippets.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

mypy_api = pytest.importorskip("mypy.api")

SNIPPETS = Path(__file__).with_name("snippets.py")
ROOT = Path(__file__).parents[2]
_REVEALED = re.compile(r'^(?P<path>[^:]+):(?P<line>\d+): note: Revealed type is "(?P<type>.*)"$')


def expected_types() -> dict[int, str]:
    """Line number -> the type written after ``# expect:`` on that line."""
    expected = {}
    for number, line in enumerate(SNIPPETS.read_text().splitlines(), start=1):
        if "reveal_type(" in line and "# expect: " in line:
            expected[number] = line.split("# expect: ", 1)[1].strip()
    return expected


def normalize(type_text: str) -> str:
    # mypy before 1.16 wrote builtin types with their module ("builtins.int").
    return type_text.replace("builtins.", "")


@pytest.fixture(scope="module")
def mypy_output() -> list[str]:
    stdout, stderr, status = mypy_api.run(
        [
            "--strict",
            "--follow-imports=silent",
            "--no-error-summary",
            "--show-absolute-path",
            "--config-file=",
            "--cache-dir",
            str(ROOT / ".mypy_cache" / "snippets"),
            str(SNIPPETS),
        ]
    )
    assert stderr == "", stderr
    lines: list[str] = stdout.splitlines()
    # Notes only (reveal_type prints notes; mypy exits 1 when it printed any): no errors.
    errors = [line for line in lines if ": error:" in line]
    assert errors == [], "\n".join(errors)
    assert status in (0, 1), stdout
    return lines


def test_every_reveal_type_matches(mypy_output: list[str]) -> None:
    revealed: dict[int, str] = {}
    for line in mypy_output:
        match = _REVEALED.match(line)
        if match and Path(match["path"]).name == SNIPPETS.name:
            revealed[int(match["line"])] = normalize(match["type"])
    expected = {number: normalize(text) for number, text in expected_types().items()}
    assert len(expected) >= 15
    mismatches = {n: (expected[n], revealed.get(n)) for n in expected if revealed.get(n) != expected[n]}
    assert mismatches == {}, "line: (expected, revealed)\n" + "\n".join(
        f"{n}: {pair}" for n, pair in sorted(mismatches.items())
    )


def test_decorated_functions_keep_signature_and_return_type(mypy_output: list[str]) -> None:
    text = "\n".join(normalize(line) for line in mypy_output)
    assert "def (count: int, name: str =) -> list[int]" in text
    assert "def (count: int) -> typing.Coroutine[Any, Any, str]" in text


def test_mock_objects_are_personalize_mocks(mypy_output: list[str]) -> None:
    mocks = [
        line for line in mypy_output if line.endswith('"personalize_mock.activation.mock.PersonalizeMock"')
    ]
    assert len(mocks) >= 6
