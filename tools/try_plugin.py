"""Send one prompt through the real plugin process, spoken to as the Dify plugin daemon speaks.

With OPENROUTER_API_KEY set, the request goes to OpenRouter. Without it, a server on
127.0.0.1 replays a recorded real streamed reply, so the plugin can be tried offline.

    make try PROMPT="Explain SSE in one line" [MODEL=qwen/qwen3-coder:free]
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from tools.daemon import PluginProcess, invoke_llm_request
from tools.fake_openrouter import FakeOpenRouter, Reply
from tools.recordings import real

DEFAULT_MODEL = "openai/gpt-oss-20b:free"
# A real streamed reply with reasoning, recorded from OpenRouter in 2025-12.
RECORDED_STREAM = "cassettes/pydantic-ai/test_openrouter_streaming_reasoning.yaml"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompt", required=True, help="the user message to send")
    parser.add_argument("--model", default=DEFAULT_MODEL, help=f"OpenRouter model id (default: {DEFAULT_MODEL})")
    parser.add_argument("--language", default="en_US", choices=["en_US", "zh_Hans"], help="language of error messages")
    arguments = parser.parse_args()

    api_key = os.environ.get("OPENROUTER_API_KEY", "").strip()
    fake = None
    if api_key:
        endpoint_url = os.environ.get("OPENROUTER_ENDPOINT_URL", "https://openrouter.ai/api/v1")
        print(f"Sending to {endpoint_url} as model {arguments.model}.", file=sys.stderr)
    else:
        try:
            recording = real(RECORDED_STREAM)[0]
        except FileNotFoundError as error:
            print(f"{error}\nSet OPENROUTER_API_KEY to send the prompt to OpenRouter instead.", file=sys.stderr)
            return 2
        recorded_prompt = recording.request["messages"][-1]["content"]
        fake = FakeOpenRouter().start()
        # Replay the recorded reply in its recorded pieces, a little apart, so it visibly streams.
        fake.add("/chat/completions", Reply.replay(recording, part_delay_s=0.03), always=True)
        endpoint_url = fake.url
        api_key = "sk-or-offline-replay"
        print(
            "OPENROUTER_API_KEY is not set: replaying a recorded OpenRouter reply from "
            f"{endpoint_url}. It answers the recorded prompt \"{recorded_prompt}\", whatever you ask.",
            file=sys.stderr,
        )

    credentials = {"api_key": api_key, "endpoint_url": endpoint_url, "error_language": arguments.language}
    request = invoke_llm_request(arguments.model, credentials, [{"role": "user", "content": arguments.prompt}])
    started = time.monotonic()
    with PluginProcess() as plugin:
        plugin.wait_declared()
        session_id = plugin.send(request)
        exit_code = _print_session(plugin, session_id)
    if fake is not None:
        fake.stop()
    print(f"\n({time.monotonic() - started:.1f} s)", file=sys.stderr)
    return exit_code


def _print_session(plugin: PluginProcess, session_id: str) -> int:
    """Print the streamed text as it arrives; return 1 if the plugin reported an error."""
    try:
        for message in plugin.iter_messages(session_id, timeout=300):
            _print_message(message)
            if message["type"] == "error":
                return 1
    except TimeoutError:
        print("\nThe plugin sent no message for 300 s, so this run stopped waiting.", file=sys.stderr)
        return 1
    return 0


def _print_message(message: dict) -> None:
    if message["type"] == "stream":
        delta = message["data"].get("delta", {})
        print(delta.get("message", {}).get("content") or "", end="", flush=True)
        usage = delta.get("usage")
        if usage and delta.get("finish_reason"):
            tokens = f"{usage['prompt_tokens']} in / {usage['completion_tokens']} out"
            print(f"\n[finish: {delta['finish_reason']}, tokens: {tokens}]", file=sys.stderr)
    elif message["type"] == "error":
        error = message["data"]
        description = (error.get("args") or {}).get("description") or error.get("message")
        print(f"\n{error.get('error_type')}: {description}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
