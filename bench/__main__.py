"""`python -m bench [NAME ...]`: run every benchmark, or the ones named."""

import argparse

from bench import (
    console_queue,
    demo_load,
    event_delay,
    fault_cpu,
    gateway_overhead,
    hook_intake,
    mail_intake,
    memory,
    notify_routing,
    reads,
    report_generation,
    report_process,
    sla_scheduler,
    sms_throughput,
    ticket_search,
)

BENCHMARKS = {"event-delay": event_delay.main, "sla-scheduler": sla_scheduler.main,
              "hook-intake": hook_intake.main, "gateway-overhead": gateway_overhead.main,
              "sms-throughput": sms_throughput.main, "report-generation": report_generation.main,
              "ticket-search": ticket_search.main, "mail-intake": mail_intake.main,
              "console-queue": console_queue.main, "demo-load": demo_load.main,
              "report-process": report_process.main,
              "fault-cpu": fault_cpu.main, "reads": reads.main,
              "memory": memory.main, "notify-routing": notify_routing.main}


def main() -> None:
    parser = argparse.ArgumentParser(prog="bench", description=__doc__)
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help=f"one of {', '.join(BENCHMARKS)} (default: all)")
    args = parser.parse_args()
    unknown = sorted(set(args.names) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
    for name in args.names or BENCHMARKS:
        BENCHMARKS[name]()


if __name__ == "__main__":
    main()
