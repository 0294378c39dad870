#!/usr/bin/env bash
# Release build: dist/mpesa-cb (this machine), dist/mpesa-cb-linux-x64 and -arm64, dist/SHA256SUMS. The other
# CPU's Bun runtime comes from npm: when it cannot be fetched the build FAILS (exit 1, no SHA256SUMS), so that an
# incomplete release is never mistaken for a complete one. Flags per DESIGN.md: no autoloaded bunfig/.env,
# pg-hstore left out.
# MPESA_CB_TARGETS: all (default) | native (this CPU's release binary and SHA256SUMS only, nothing fetched) |
# host (dist/mpesa-cb only). MPESA_CB_DIST writes elsewhere (tests); MPESA_CB_BUILD_CACHE holds the fetched runtimes.
set -euo pipefail
cd "$(dirname "$0")/.."
bun=node_modules/.bin/bun
bun_version=$("$bun" --version)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
out=${MPESA_CB_DIST:-dist}
targets=${MPESA_CB_TARGETS:-all}
case $targets in all|native|host) ;; *) echo "build.sh: MPESA_CB_TARGETS=$targets: use all, native or host" >&2; exit 2 ;; esac
cache=${MPESA_CB_BUILD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mpesa-cb-build}
flags=(--compile --minify --bytecode --format=esm --no-compile-autoload-bunfig --no-compile-autoload-dotenv
  --external pg-hstore --define "BUILD_COMMIT=\"${commit}\""
  # Bun inlines NODE_ENV at build time: a build run under `bun test` (NODE_ENV=test) must still be a release build.
  --define 'process.env.NODE_ENV="production"')

compile() { # compile OUTFILE [extra bun flags...]
  local out=$1; shift
  "$bun" build src/cli/main.ts "${flags[@]}" "$@" --outfile "$out" > /dev/null
}

# The runtime for another CPU: npm's @oven/bun-linux-<cpu> package, the same version as ours, fetched once into the cache.
runtime_for() { # runtime_for aarch64|x64 → prints the path of its bun executable, or fails
  local pkg="@oven/bun-linux-$1@${bun_version}" dir="$cache/bun-linux-$1-${bun_version}"
  if [[ ! -x "$dir/package/bin/bun" ]]; then
    local tmp; tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' RETURN
    (cd "$tmp" && timeout 90 npm pack --loglevel=error --fetch-timeout=20000 --fetch-retries=1 "$pkg" > /dev/null 2> "$tmp/npm.log") || { head -n 3 "$tmp/npm.log" | sed "s/^/    /" >&2; return 1; }
    mkdir -p "$dir" && tar -xzf "$tmp"/*.tgz -C "$dir" || { echo "    could not unpack $pkg into $dir" >&2; return 1; }
  fi
  [[ -x "$dir/package/bin/bun" ]] || { echo "    $pkg holds no package/bin/bun" >&2; return 1; }
  echo "$dir/package/bin/bun"
}

size() { stat -c %s "$1" | awk -v f="$1" '{ printf "%-40s %6.1f MiB\n", f, $1 / 1048576 }'; }

mkdir -p "$out"
rm -f "$out"/mpesa-cb-linux-* "$out/SHA256SUMS"
compile "$out/mpesa-cb"
echo "built $("$out/mpesa-cb" --version) with bun ${bun_version}"
[[ $targets == host ]] && { size "$out/mpesa-cb"; exit 0; }

case $(uname -m) in
  x86_64) host=x64 other=arm64 other_pkg=aarch64 ;;
  aarch64) host=arm64 other=x64 other_pkg=x64 ;;
  *) echo "build.sh: unsupported build machine $(uname -m): only $out/mpesa-cb was built, no release binaries" >&2; exit 1 ;;
esac
cp "$out/mpesa-cb" "$out/mpesa-cb-linux-$host"
if [[ $targets == all ]]; then
  if runtime=$(runtime_for "$other_pkg"); then
    compile "$out/mpesa-cb-linux-$other" --target="bun-linux-$other" --compile-executable-path="$runtime"
  else
    echo "build.sh: FAILED: could not fetch @oven/bun-linux-$other_pkg@${bun_version} from npm, so $out/mpesa-cb-linux-$other was not built." >&2
    echo "  The release is incomplete: no $out/SHA256SUMS was written. Let npm reach its registry and build again," >&2
    echo "  or build this CPU's release binary only: MPESA_CB_TARGETS=native npm run build" >&2
    exit 1
  fi
fi
(cd "$out" && sha256sum mpesa-cb-linux-* > SHA256SUMS)
for f in "$out/mpesa-cb" "$out"/mpesa-cb-linux-*; do size "$f"; done
echo "$out/SHA256SUMS:" && sed 's/^/  /' "$out/SHA256SUMS"
