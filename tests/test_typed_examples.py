"""The user-style examples (``examples/typed``) run as well as type-check."""

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).parent.parent / "examples" / "typed"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``python -W error::DeprecationWarning ARGS`` in ``cwd``: our deprecations fail it."""
    command = [sys.executable, "-W", "error::DeprecationWarning", *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, check=False)


class TestTypedExamplesRun:
    """CI type-checks these files; here they run, so they cannot drift from the library."""

    @pytest.mark.parametrize("script", ["tutorial.py", "embed.py"])
    def test_script_runs(self, script: str, tmp_path: Path) -> None:
        """The script runs to the end, with no deprecated call."""
        done = run(str(EXAMPLES / script), cwd=tmp_path)
        assert 0 == done.returncode, done.stderr

    def test_the_citys_test_file_passes(self, tmp_path: Path) -> None:
        """The test file written against projpush.testing passes as its city would run it."""
        done = run(
            "-m", "pytest", "-q", "-p", "no:cacheprovider", str(EXAMPLES / "test_our_ladder.py"),
            cwd=tmp_path,
        )  # fmt: skip
        assert 0 == done.returncode, done.stdout + done.stderr
        assert " passed" in done.stdout
