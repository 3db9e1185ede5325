# Imported first: dify_plugin applies gevent's monkey patching on import, which works best
# before requests, urllib3 and ssl are imported, as in the plugin process itself.
import dify_plugin  # noqa: F401

import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from tools.recordings import DEFAULT_FIXTURES, MISSING_FIXTURES_MESSAGE  # noqa: E402 - needs the path above

# Recorded OpenRouter exchanges: shared/fixtures/openrouter beside the project, as in CI.
FIXTURES = DEFAULT_FIXTURES

if not FIXTURES.is_dir():
    pytest.exit(MISSING_FIXTURES_MESSAGE, returncode=4)


@pytest.fixture(scope="module")
def plugin():
    """The real plugin process, started once per test module and spoken to over stdio."""
    from tools.daemon import PluginProcess

    with PluginProcess() as process:
        process.wait_declared()
        yield process
