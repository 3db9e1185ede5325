from dify_plugin import DifyPluginEnv, Plugin

# MAX_REQUEST_TIMEOUT (seconds) applies to serverless installs; local and remote installs are
# bounded by the Dify plugin daemon's own timeout. Waits for rate limits stay within the
# max_wait_seconds credential (30 s by default).
plugin = Plugin(DifyPluginEnv(MAX_REQUEST_TIMEOUT=300))

if __name__ == "__main__":
    plugin.run()
