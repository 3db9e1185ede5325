# Imported first: dify_plugin applies gevent's monkey patching on import, which works best
# before requests, urllib3 and ssl are imported, as in the plugin process itself.
import dify_plugin  # noqa: F401

import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Recorded OpenRouter exchanges, laid beside the project as ../shared in every checkout and in CI.
FIXTURES = PROJECT_ROOT.parent / "shared" / "fixtures" / "openrouter"

if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))
