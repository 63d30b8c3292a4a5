# Shared by scripts/run and scripts/test (sourced, not executed).
# Creates the project's virtualenv when it is missing and installs the project into it, once per change of
# pyproject.toml (a stamp file in the venv remembers what was installed).

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${TALENTPOOL_VENV:-$ROOT/.venv}"

if [ -t 1 ]; then BOLD=$'\033[1m' RED=$'\033[31m' GREEN=$'\033[32m' YELLOW=$'\033[33m' PLAIN=$'\033[0m'
else BOLD="" RED="" GREEN="" YELLOW="" PLAIN=""; fi
say() { printf '%s==> %s%s\n' "$BOLD" "$*" "$PLAIN"; }
warn() { printf '%s!!  %s%s\n' "$YELLOW" "$*" "$PLAIN" >&2; }
die() { printf '%sxx  %s%s\n' "$RED" "$*" "$PLAIN" >&2; exit 1; }

is_root() { [ "$(id -u)" -eq 0 ]; }

# pip_progress: reads pip's output and prints one line per package collected, then the install step.
pip_progress() {
    awk '/^Collecting /      { n++; printf "  [%3d] %s\n", n, $2; fflush(); next }
         /^Installing collected packages/ { print "  installing the packages ..."; fflush(); next }
         /^Successfully installed/ { printf "  installed %d packages\n", NF - 2; fflush(); next }'
}

# True when the Debian package is installed (not merely known to dpkg, e.g. removed with its config kept).
deb_installed() {
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = "installed" ]
}

# apt_ensure PKG... : install the missing ones as root; otherwise print what to install and fail.
apt_ensure() {
    local missing=() pkg
    for pkg in "$@"; do deb_installed "$pkg" || missing+=("$pkg"); done
    [ "${#missing[@]}" -eq 0 ] && return 0
    if ! is_root; then
        warn "missing system packages: ${missing[*]}"
        warn "install them as root, then run this again:"
        warn "    sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}"
        exit 1
    fi
    say "installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || die "apt-get update failed"
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
        || die "apt-get install ${missing[*]} failed"
}

find_python() {
    local candidate
    for candidate in "${PYTHON:-}" python3.11 python3; do
        [ -n "$candidate" ] || continue
        if command -v "$candidate" >/dev/null 2>&1 \
            && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

# ensure_venv EXTRAS : EXTRAS is "" for the app alone or "[test]" for the test tools too.
ensure_venv() {
    local extras="$1" python stamp want
    if [ ! -x "$VENV/bin/python" ]; then
        python="$(find_python)" || die "Python 3.11 not found (install python3.11, or set PYTHON=/path/to/python3.11)"
        say "creating virtualenv $VENV ($("$python" -V 2>&1))"
        if ! "$python" -m venv "$VENV" 2>/dev/null; then
            rm -rf "$VENV"
            # Debian's python3.11 needs python3.11-venv for ensurepip.
            if is_root && command -v apt-get >/dev/null; then
                apt_ensure python3.11-venv
                "$python" -m venv "$VENV" || die "could not create $VENV"
            else
                die "could not create $VENV; install python3.11-venv (sudo apt-get install python3.11-venv)"
            fi
        fi
    fi
    stamp="$VENV/.talentpool-installed"
    want="$(cat "$ROOT/pyproject.toml" | sha256sum | cut -c1-16) $extras"
    if ! grep -qxF "$want" "$stamp" 2>/dev/null; then
        say "installing talentpool$extras into $VENV (a few minutes the first time)"
        # One short line per package as pip reaches it, so a first install is not minutes of silence; pip's whole
        # output is kept in a log and shown when it fails.
        { "$VENV/bin/python" -m pip install --disable-pip-version-check --progress-bar off -e "$ROOT$extras" 2>&1; \
          echo "rc=$?" >"$VENV/.pip-rc"; } | tee "$VENV/.pip-log" | pip_progress
        if [ "$(cat "$VENV/.pip-rc")" != rc=0 ]; then
            grep -v "^WARNING: Location 'file:" "$VENV/.pip-log" >&2 || true
            die "pip install -e .$extras failed (the output above is kept in $VENV/.pip-log)"
        fi
        rm -f "$VENV/.pip-rc" "$VENV/.pip-log"
        # The "[test]" install includes the plain one: remember both.
        { echo "$want"; [ "$extras" = "[test]" ] && echo "${want% *} "; } >"$stamp"
    fi
    export PATH="$VENV/bin:$PATH"
    export VIRTUAL_ENV="$VENV"
}
