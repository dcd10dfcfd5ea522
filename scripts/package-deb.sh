#!/usr/bin/env bash
# Builds the Debian package: target/dist/zoufang_<version>_amd64.deb.
# The binary is built with the `dist` profile (stripped, LTO, one codegen unit); the man page
# and the shell completions are generated from it; cargo-deb (installed with `cargo install`
# when missing) assembles the package from [package.metadata.deb] in Cargo.toml.
# With --check, lintian and desktop-file-validate then check the package and its menu entry.
# See docs/packaging.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

check=false
[ "${1:-}" = "--check" ] && check=true

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

needed=(dpkg-dev)
$check && needed+=(lintian desktop-file-utils)
missing=()
for p in "${needed[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "package-deb: installing ${missing[*]}" >&2
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

if ! cargo deb --version >/dev/null 2>&1; then
  echo "package-deb: installing cargo-deb" >&2
  cargo install cargo-deb --locked
fi

version="$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)"
arch="$(dpkg --print-architecture)"
dist=target/dist
generated="$dist/generated"

cargo build --profile dist --locked --bin zoufang
mkdir -p "$generated"
"$dist/zoufang" manpage | gzip -9n > "$generated/zoufang.1.gz"
"$dist/zoufang" completions bash > "$generated/zoufang.bash"
"$dist/zoufang" completions zsh > "$generated/_zoufang"
"$dist/zoufang" completions fish > "$generated/zoufang.fish"

deb="$dist/zoufang_${version}_${arch}.deb"
cargo deb --profile dist --no-build --no-strip --output "$deb"
size=$(stat -c %s "$dist/zoufang")
echo "package-deb: $deb (binary $((size / 1024 / 1024)) MB)" >&2
if [ "$size" -gt $((40 * 1024 * 1024)) ]; then
  echo "package-deb: the binary is over 40 MB" >&2
  exit 1
fi

if $check; then
  desktop-file-validate assets/linux/zoufang.desktop
  # Errors fail the build; warnings are printed for a person to judge.
  lintian --fail-on error "$deb"
fi
echo "$deb"
