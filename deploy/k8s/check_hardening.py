"""Fail when a workload in rendered manifests is not hardened.

Reads the multi-document YAML that `kustomize build` prints (files or stdin)
and checks every container of every workload for resource requests and
limits, liveness and readiness probes, a pinned image tag and a restrictive
securityContext. Prints one line per problem and exits 1 if there is any.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

Manifest = dict[str, Any]

POD_TEMPLATE_PATHS = {
    "Deployment": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}
RUN_TO_COMPLETION = {"Job", "CronJob"}
SECCOMP_TYPES = {"RuntimeDefault", "Localhost"}


def dig(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def effective(pod: Manifest, container: Manifest, *keys: str) -> Any:
    """A securityContext field as Kubernetes applies it: container over pod."""
    value = dig(container, "securityContext", *keys)
    return dig(pod, "securityContext", *keys) if value is None else value


def image_problems(image: str) -> list[str]:
    if "@" in image:
        return []
    name_part = image.rsplit("/", 1)[-1]
    if ":" not in name_part:
        return [f"image {image!r} has no tag"]
    if name_part.endswith(":latest"):
        return [f"image {image!r} uses the latest tag"]
    return []


def resource_problems(container: Manifest) -> list[str]:
    return [
        f"missing resources.{section}.{resource}"
        for section in ("requests", "limits")
        for resource in ("cpu", "memory")
        if dig(container, "resources", section, resource) is None
    ]


def probe_problems(container: Manifest) -> list[str]:
    probes = ("livenessProbe", "readinessProbe")
    return [f"missing {probe}" for probe in probes if not container.get(probe)]


def security_problems(pod: Manifest, container: Manifest) -> list[str]:
    context = container.get("securityContext") or {}
    dropped = dig(context, "capabilities", "drop") or []
    seccomp = effective(pod, container, "seccompProfile", "type")
    checks = {
        "readOnlyRootFilesystem is not true": context.get("readOnlyRootFilesystem"),
        "allowPrivilegeEscalation is not false": (context.get("allowPrivilegeEscalation") is False),
        "capabilities.drop lacks ALL": "ALL" in dropped,
        "runAsNonRoot is not true": effective(pod, container, "runAsNonRoot"),
        "seccompProfile is not RuntimeDefault or Localhost": seccomp in SECCOMP_TYPES,
    }
    return [f"securityContext: {what}" for what, ok in checks.items() if ok is not True]


def container_problems(pod: Manifest, container: Manifest, *, probes: bool) -> list[str]:
    return (
        image_problems(container.get("image", ""))
        + resource_problems(container)
        + (probe_problems(container) if probes else [])
        + security_problems(pod, container)
    )


def workload_problems(manifest: Manifest) -> Iterator[str]:
    pod = dig(manifest, *POD_TEMPLATE_PATHS[manifest["kind"]]) or {}
    where = f"{manifest['kind']}/{dig(manifest, 'metadata', 'name')}"
    # Jobs run to completion: nothing to probe.
    serves = manifest["kind"] not in RUN_TO_COMPLETION
    for key, probes in (("initContainers", False), ("containers", serves)):
        for container in pod.get(key) or []:
            for problem in container_problems(pod, container, probes=probes):
                yield f"{where} container {container.get('name')}: {problem}"


def load(name: str) -> list[Manifest]:
    if name == "-":
        return [doc for doc in yaml.safe_load_all(sys.stdin) if doc]
    with Path(name).open(encoding="utf-8") as f:
        return [doc for doc in yaml.safe_load_all(f) if doc]


def main() -> int:
    parser = argparse.ArgumentParser(description="Check rendered manifests.")
    parser.add_argument("files", nargs="*", default=["-"], help="YAML, - for stdin")
    manifests = [doc for name in parser.parse_args().files for doc in load(name)]
    workloads = [m for m in manifests if m.get("kind") in POD_TEMPLATE_PATHS]
    if not workloads:
        print("hardening: no workloads found in input", file=sys.stderr)
        return 1
    problems = [p for w in workloads for p in workload_problems(w)]
    for problem in problems:
        print(f"hardening: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"hardening: {len(workloads)} workloads OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
