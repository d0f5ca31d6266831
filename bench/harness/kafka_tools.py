"""Kafka's own tools, from the jars deploy/local/kafka.sh assembles (artifact kafka-tools of
the broker's version): ProducerPerformance and ConsumerPerformance as ceilings, and the
consumer-group command to forget a stopped service's group."""

import re
import subprocess
from functools import cache

from bench.harness.stack import ROOT

KAFKA_SH = ROOT / "deploy/local/kafka.sh"
JVM = ("-Xms64m", "-Xmx512m")


@cache
def classpath() -> str:
    done = subprocess.run([str(KAFKA_SH), "classpath"], capture_output=True, text=True, check=True)
    return done.stdout.strip().splitlines()[-1]


def tool(main_class: str, *args: str) -> str:
    """The tool's standard output (its log4j, unconfigured, prints errors only)."""
    command = ["java", *JVM, "-cp", classpath(), main_class, *args]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{main_class} failed: {done.stderr.strip()[-2000:]}")
    return done.stdout


def producer_performance(servers: str, topic: str, records: int, record_size: int) -> float:
    """Records per second Kafka's own producer sends to the topic, acks=all and idempotent,
    as fast as it can."""
    out = tool(
        "org.apache.kafka.tools.ProducerPerformance",
        *("--topic", topic, "--num-records", str(records), "--record-size", str(record_size)),
        *("--throughput", "-1", "--producer-props", f"bootstrap.servers={servers}"),
        *("acks=all", "enable.idempotence=true"),
    )
    # The summary line: "N records sent, X records/sec (Y MB/sec), ..."
    found = re.findall(r"records sent, ([\d.]+) records/sec", out)
    if not found:
        raise RuntimeError(f"no summary in ProducerPerformance's output: {out[-500:]}")
    return float(found[-1])


def consumer_performance(servers: str, topic: str, messages: int, group: str) -> float:
    """Records per second Kafka's own consumer fetches from the topic, from its start (the
    fetch rate, the group's join not counted)."""
    out = tool(
        "org.apache.kafka.tools.ConsumerPerformance",
        *("--bootstrap-server", servers, "--topic", topic, "--messages", str(messages)),
        *("--group", group, "--timeout", "60000"),
    )
    lines = [line for line in out.splitlines() if line.strip()]
    header = [name.strip() for name in lines[0].split(",")]
    values = dict(zip(header, (value.strip() for value in lines[-1].split(",")), strict=True))
    return float(values["fetch.nMsg.sec"])


def forget_group(servers: str, group: str) -> None:
    """Delete a consumer group that has no members (its service stopped)."""
    tool(
        "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand",
        *("--bootstrap-server", servers, "--delete", "--group", group),
    )
