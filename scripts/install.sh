#!/usr/bin/env bash
# Installs mpesa-cb: the binary, the systemd units, the settings file (mode 0600, never overwritten) and the README.
# Safe to run again (upgrades replace the binary and units). DESTDIR stages into another root (tests, packagers).
#   sudo scripts/install.sh [--binary PATH]      PREFIX=/usr/local  SYSCONFDIR=/etc  UNITDIR=/etc/systemd/system
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
DESTDIR=${DESTDIR:-}
PREFIX=${PREFIX:-/usr/local}
SYSCONFDIR=${SYSCONFDIR:-/etc}
UNITDIR=${UNITDIR:-/etc/systemd/system}
binary=""

die() { echo "install.sh: $*" >&2; exit 1; }

while [[ $# -gt 0 ]]; do
  case $1 in
    --binary) [[ $# -ge 2 ]] || die "--binary needs a path"; binary=$2; shift 2 ;;
    -h|--help) sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done

if [[ -z $binary ]]; then # the release binary for this CPU, else the host build
  case $(uname -m) in x86_64) arch=x64 ;; aarch64) arch=arm64 ;; *) arch=unknown ;; esac
  for b in "$src/dist/mpesa-cb-linux-$arch" "$src/dist/mpesa-cb"; do [[ -f $b ]] && { binary=$b; break; }; done
  [[ -n $binary ]] || die "no binary in $src/dist: build one first (npm run build) or pass --binary PATH"
fi
[[ -f $binary && -x $binary ]] || die "$binary is not an executable file"
[[ -n $DESTDIR || $(id -u) -eq 0 ]] || die "run as root (sudo), or set DESTDIR to stage the files elsewhere"

bin="$PREFIX/bin/mpesa-cb"
etc="$SYSCONFDIR/mpesa-cb"
doc="$PREFIX/share/doc/mpesa-cb"

# The units name the installed paths: rewrite the defaults when PREFIX or SYSCONFDIR differ.
unit() { # unit NAME: install $src/NAME into UNITDIR
  sed -e "s|/usr/local/bin/mpesa-cb|$bin|g" -e "s|/usr/local/share/doc/mpesa-cb|$doc|g" -e "s|/etc/mpesa-cb/|$etc/|g" \
    "$src/$1" > "$tmp/$1"
  install -D -m 0644 "$tmp/$1" "$DESTDIR$UNITDIR/$1"
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# install(1) unlinks, then writes a new file: a running server keeps its old binary until it restarts.
install -D -m 0755 "$binary" "$DESTDIR$bin"
for u in mpesa-callback.service mpesa-cb-health.service mpesa-cb-health.timer mpesa-cb-reconcile.service mpesa-cb-reconcile.timer; do unit "$u"; done
install -d -m 0750 "$DESTDIR$etc"
install -m 0644 "$src/packaging/mpesa-cb.env.example" "$DESTDIR$etc/mpesa-cb.env.example"
if [[ -e "$DESTDIR$etc/mpesa-cb.env" ]]; then
  chmod 0600 "$DESTDIR$etc/mpesa-cb.env" # it holds passwords: tighten it if someone loosened it
  kept="kept your $etc/mpesa-cb.env (new settings, if any: $etc/mpesa-cb.env.example)"
else
  install -m 0600 "$src/packaging/mpesa-cb.env.example" "$DESTDIR$etc/mpesa-cb.env"
  kept="created $etc/mpesa-cb.env from the template"
fi
install -D -m 0644 "$src/README.md" "$DESTDIR$doc/README.md"

if [[ -z $DESTDIR && -d /run/systemd/system ]]; then systemctl daemon-reload; fi

cat <<NEXT
installed $("$DESTDIR$bin" --version 2>/dev/null || echo "$bin") to ${DESTDIR}${bin}
units in ${DESTDIR}${UNITDIR}: mpesa-callback.service, mpesa-cb-health.service, mpesa-cb-health.timer, mpesa-cb-reconcile.service, mpesa-cb-reconcile.timer
$kept
next steps:
  1. edit $etc/mpesa-cb.env (database, HOST/PORT, Telegram)
  2. MySQL only: sudo $bin migrate --env-file $etc/mpesa-cb.env
  3. sudo systemctl enable --now mpesa-callback mpesa-cb-health.timer   (upgrade: sudo systemctl restart mpesa-callback)
     with the Daraja credentials set: sudo systemctl enable --now mpesa-cb-reconcile.timer   (missing callbacks, README "Reconciliation")
  4. sudo $bin simulate --env-file $etc/mpesa-cb.env && sudo $bin health --env-file $etc/mpesa-cb.env
NEXT
