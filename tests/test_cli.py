from __future__ import annotations

from typer.testing import CliRunner

from ldncare import __version__
from ldncare.cli import app

runner = CliRunner()


def test_help_lists_the_commands():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("version", "run"):
        assert command in result.output
    assert "Not medical advice" in result.output


def test_version():
    result = runner.invoke(app, ["version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"ldncare {__version__}"


def test_unknown_command_is_a_usage_error():
    result = runner.invoke(app, ["frobnicate"])
    assert result.exit_code == 2


def test_every_registered_command_loads_and_has_help():
    from ldncare.cli import COMMANDS

    for name in COMMANDS:
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0, (name, result.output)
        assert f"ldncare {name}" in result.output


def test_every_summary_opens_its_commands_own_help():
    from ldncare.cli import COMMANDS, SUMMARIES, _load_command

    assert set(SUMMARIES) == set(COMMANDS)
    for name, summary in SUMMARIES.items():
        own = " ".join((_load_command(name).help or "").split())
        assert own.startswith(summary), (name, summary, own[:120])


def test_the_command_list_imports_no_command_module():
    import subprocess
    import sys

    code = (
        "import sys; from typer.testing import CliRunner; from ldncare.cli import app;"
        "r = CliRunner().invoke(app, ['--help']); assert r.exit_code == 0, r.output;"
        "assert 'restore' in r.output and 'simulate' in r.output;"
        "from ldncare.cli import COMMANDS;"
        "print(sorted({module for module, _ in COMMANDS.values()} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_a_light_command_does_not_import_the_heavy_science_stack():
    import subprocess
    import sys

    code = (
        "import sys; from ldncare.cli import main; sys.argv = ['ldncare', 'version'];\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('numpy', 'scipy', 'statsmodels', 'libsbml', 'django') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stdout + result.stderr
