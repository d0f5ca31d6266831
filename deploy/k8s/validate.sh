#!/usr/bin/env bash
# Build every overlay with kustomize, validate the output offline against the
# Kubernetes API schemas (kubernetes-validate --strict) and check that every
# container is hardened (check_hardening.py). Exits non-zero on any problem.
#
# Needs: go (installs kustomize once), kubernetes-validate and python3 with
# PyYAML on PATH (the project's venv provides both).
# Settings: LAPOR_CACHE (default ${XDG_CACHE_HOME:-$HOME/.cache}/lapor),
#           LAPOR_K8S_VERSION (oldest supported Kubernetes, default 1.33).
set -euo pipefail

KUSTOMIZE_VERSION=v5.8.1
K8S_VERSION=${LAPOR_K8S_VERSION:-1.33}
LAPOR_CACHE=${LAPOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lapor}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KUSTOMIZE=$LAPOR_CACHE/bin/kustomize-$KUSTOMIZE_VERSION

die() {
  echo "validate: $*" >&2
  exit 1
}

install_kustomize() {
  [[ -x $KUSTOMIZE ]] && return
  command -v go >/dev/null || die "go is required to install kustomize $KUSTOMIZE_VERSION"
  echo "validate: installing kustomize $KUSTOMIZE_VERSION into $LAPOR_CACHE/bin"
  mkdir -p "$LAPOR_CACHE/bin"
  local gobin
  gobin=$(mktemp -d "$LAPOR_CACHE/bin/.kustomize.XXXXXX")
  GOBIN=$gobin go install "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION"
  mv "$gobin/kustomize" "$KUSTOMIZE"
  rmdir "$gobin"
}

validate_schema() {
  local rendered=$1 report
  if ! report=$(kubernetes-validate --strict --quiet -k "$K8S_VERSION" "$rendered"); then
    printf '%s\n' "$report" >&2
    return 1
  fi
  if grep -q '^WARN' <<<"$report"; then
    printf '%s\n' "$report" >&2
    echo "validate: resources without a schema cannot be checked" >&2
    return 1
  fi
}

validate_overlay() {
  local overlay=$1 rendered=$2 count
  "$KUSTOMIZE" build "$HERE/overlays/$overlay" >"$rendered"
  count=$(grep -c '^kind:' "$rendered")
  validate_schema "$rendered" || die "$overlay: schema validation failed"
  python3 "$HERE/check_hardening.py" "$rendered" >/dev/null || die "$overlay: hardening check failed"
  echo "validate: $overlay OK ($count resources, schema strict k8s $K8S_VERSION, hardening)"
}

main() {
  command -v kubernetes-validate >/dev/null || die "kubernetes-validate not on PATH (activate the project venv)"
  install_kustomize
  echo "validate: $("$KUSTOMIZE" version), $(kubernetes-validate --version | sed 's/^/kubernetes-validate /')"
  local overlay
  WORKDIR=$(mktemp -d)
  trap 'rm -rf "$WORKDIR"' EXIT
  for overlay in "$HERE"/overlays/*/; do
    overlay=$(basename "$overlay")
    validate_overlay "$overlay" "$WORKDIR/$overlay.yaml"
  done
}

main "$@"
