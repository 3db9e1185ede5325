from dify_plugin import DifyPluginEnv, Plugin

# The daemon ends a request that runs longer than this many seconds; waits for rate limits
# are bounded far below it by the max_wait_seconds credential.
plugin = Plugin(DifyPluginEnv(MAX_REQUEST_TIMEOUT=300))

if __name__ == "__main__":
    plugin.run()
