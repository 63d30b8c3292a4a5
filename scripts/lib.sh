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
        say "installing talentpool$extras into $VENV"
        # Quiet, but errors show. (Drops the notes some pip configurations print for absent local indexes.)
        { "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e "$ROOT$extras" 2>&1; echo "rc=$?" >"$VENV/.pip-rc"; } \
            | { grep -v "^WARNING: Location 'file:" || true; }
        [ "$(cat "$VENV/.pip-rc")" = rc=0 ] || die "pip install -e .$extras failed"
        rm -f "$VENV/.pip-rc"
        # The "[test]" install includes the plain one: remember both.
        { echo "$want"; [ "$extras" = "[test]" ] && echo "${want% *} "; } >"$stamp"
    fi
    export PATH="$VENV/bin:$PATH"
    export VIRTUAL_ENV="$VENV"
}
