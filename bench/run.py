"""Run the benchmarks and print their figures next to the targets: `make bench`."""

from __future__ import annotations

import argparse
import platform

from bench import limits, stream


def main() -> None:
    parser = argparse.ArgumentParser(description="Plugin benchmarks; see bench/README.md.")
    parser.add_argument("--runs", type=int, default=7, help="repetitions per measurement (median reported)")
    parser.add_argument("--only", choices=["stream", "limits"], help="run one benchmark instead of both")
    arguments = parser.parse_args()

    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}")
    if arguments.only != "limits":
        print_stream(stream.run(arguments.runs))
    if arguments.only != "stream":
        print_limits()


def print_rows(rows: list[tuple[str, str, str, bool]]) -> None:
    width = max(len(row[0]) for row in rows)
    for name, value, target, met in rows:
        print(f"{name:<{width}}  {value:<40} target {target:<12} {'met' if met else 'MISSED'}")


def print_stream(report: stream.StreamReport) -> None:
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
    print_rows(rows)


def print_limits() -> None:
    paced = limits.burst(pacing=True)
    baseline = limits.burst(pacing=False)
    day = limits.spent_day()
    window = limits.WINDOW_S
    rows = [
        (f"{limits.REQUESTS} concurrent, {limits.LIMIT}/{window:g} s: completed", f"{paced.completed}/{limits.REQUESTS} (baseline {baseline.completed})", f"{limits.REQUESTS}/{limits.REQUESTS}", paced.completed == limits.REQUESTS),
        ("429s that reached the server", f"{paced.rejected_429} (baseline {baseline.rejected_429})", "<= 3", paced.rejected_429 <= 3),
        ("wall time against the ideal", f"{paced.wall_s:.2f} s / {paced.ideal_s:.2f} s (baseline {baseline.wall_s:.2f} s)", f"<= {paced.ideal_s + window:g} s", paced.wall_s <= paced.ideal_s + window),
        ("spent-day refusal latency", f"{day.latency_ms:.2f} ms, reached server: {day.reached_server}", "< 5 ms, no", day.latency_ms < 5 and not day.reached_server),
    ]
    print_rows(rows)


if __name__ == "__main__":
    main()
