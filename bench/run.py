"""Run the benchmarks and print their figures next to the targets: `make bench`."""

from __future__ import annotations

import argparse
import platform

from bench import stream


def main() -> None:
    parser = argparse.ArgumentParser(description="Plugin benchmarks; see bench/README.md.")
    parser.add_argument("--runs", type=int, default=7, help="repetitions per measurement (median reported)")
    arguments = parser.parse_args()

    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}")
    report = stream.run(arguments.runs)
    rows = [
        ("process start (to declaration)", f"{report.start_s * 1000:.0f} ms", "< 1000 ms", report.start_s < 1),
        ("peak RSS of the plugin process", f"{report.peak_rss_mb:.1f} MB", "< 75 MB", report.peak_rss_mb < 75),
        (
            f"{stream.STREAM_CHUNKS}-chunk stream: plugin / plain requests+json",
            f"{report.plugin_s * 1000:.0f} ms / {report.plain_s * 1000:.0f} ms = {report.ratio:.2f}",
            "<= 3",
            report.ratio <= 3,
        ),
        (
            "first content chunk: plugin output - raw client",
            f"{report.plugin_first_ms:.2f} ms - {report.raw_first_ms:.2f} ms = {report.first_chunk_delay_ms:.2f} ms",
            "< 2 ms",
            report.first_chunk_delay_ms < 2,
        ),
    ]
    width = max(len(row[0]) for row in rows)
    for name, value, target, met in rows:
        print(f"{name:<{width}}  {value:<32} target {target:<10} {'met' if met else 'MISSED'}")


if __name__ == "__main__":
    main()
