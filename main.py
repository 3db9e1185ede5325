import functools

import yaml
from dify_plugin import DifyPluginEnv, Plugin

# The SDK reads the manifest, the provider and every model YAML with `yaml.safe_load` at start-up.
# PyYAML's pure-Python parser takes about 160 ms for this catalogue and libyaml's C parser about
# 20 ms. Both build the same documents, because they share the safe constructor and resolver.
if yaml.__with_libyaml__:
    yaml.safe_load = functools.partial(yaml.load, Loader=yaml.CSafeLoader)

# MAX_REQUEST_TIMEOUT (seconds) applies to serverless installs; local and remote installs are
# bounded by the Dify plugin daemon's own timeout. Waits for rate limits stay within the
# max_wait_seconds credential (30 s by default).
plugin = Plugin(DifyPluginEnv(MAX_REQUEST_TIMEOUT=300))

if __name__ == "__main__":
    plugin.run()
