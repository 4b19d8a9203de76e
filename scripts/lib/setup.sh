# Shared set-up for scripts/noether and scripts/test (sourced, not run).
# Makes sure the system libraries Noether links against are installed: with
# apt-get when running as root, otherwise by saying exactly what to install.

NOETHER_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
NOETHER_PACKAGES=(libopenblas-dev libreadline-dev zlib1g-dev pkg-config libzmq3-dev libssl-dev libxsmm-dev)

noether_missing_packages() {
  local missing=()
  for p in "${NOETHER_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  echo "${missing[@]}"
}

noether_ensure_system_packages() {
  if ! command -v swift >/dev/null 2>&1; then
    echo "noether: the Swift toolchain (6.x) is not on PATH; install it from swift.org first" >&2
    return 1
  fi
  command -v dpkg-query >/dev/null 2>&1 || return 0   # not Debian: trust the system
  local missing
  missing=$(noether_missing_packages)
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" = 0 ]; then
    echo "noether: installing $missing …" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 && apt-get install -y -qq $missing >&2 || {
      echo "noether: apt-get could not install: $missing" >&2; return 1; }
  else
    echo "noether: missing system packages: $missing" >&2
    echo "  install them with:  sudo apt-get install -y $missing" >&2
    return 1
  fi
}

# Packages only the tests need: a real single-node Slurm for the cluster tests
# (Tests/NoetherShellTests/SlurmTests.swift). Installed when running as root; otherwise
# those tests are skipped and say what to install.
NOETHER_TEST_PACKAGES=(slurm-wlm munge)

noether_ensure_test_packages() {
  command -v dpkg-query >/dev/null 2>&1 || return 0
  [ "$(id -u)" = 0 ] || return 0
  local missing=()
  for p in "${NOETHER_TEST_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} = 0 ] && return 0
  echo "scripts/test: installing ${missing[*]} (for the Slurm tests) …" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 && apt-get install -y -qq "${missing[@]}" >&2 ||
    echo "scripts/test: apt-get could not install ${missing[*]}; the Slurm tests will be skipped" >&2
}
