#!/usr/bin/env bash
# Builds SBF programs without Solana's platform-tools, from the registries alone (sbf/README.md):
#   - rust-src for this machine's rustc 1.95 (Debian trixie-backports), for -Zbuild-std;
#   - LLVM 23 (Debian sid) unpacked with its runtime into a private prefix, never installed:
#     rustc 1.95's own LLVM 22 cannot lower what these programs need for BPF;
#   - sbpf-linker (crates.io) with one patch (sbf/patches/), linking upstream BPF to SBPF v0.
# Everything fetched or built is cached in $BWX_SBF_CACHE (default ~/.cache/bandwidth-sbf);
# a warm run only rebuilds the programs.
#
# Usage: sbf/build.sh [probe] [program]    (default: probe)
#   probe    the receipt-verification cost probe -> target/deploy/bandwidth_sbf_probe.so
#   program  the Anchor program                  -> target/deploy/bandwidth_settlement.so
set -euo pipefail
# CI lints the host build through clippy-driver as the workspace's rustc wrapper (.ci/run): not
# this one, whose target clippy does not know, and whose fingerprints the wrapper would change.
unset RUSTC_WORKSPACE_WRAPPER CLIPPY_ARGS

root=$(cd "$(dirname "$0")/.." && pwd)
cache=${BWX_SBF_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bandwidth-sbf}
rust_minor=1.95             # rustc, and the rust-src it needs (any 1.95.x)
llvm_major=23               # any 23.x
sbpf_linker=0.2.6           # exact: the patch applies to this version
target_spec=$root/sbf/bpfel-unknown-solana.json
out=$root/target/deploy

say() { printf 'sbf: %s\n' "$*" >&2; }
die() { printf 'sbf: error: %s\n' "$*" >&2; exit 1; }

# ---- apt, privately: a sources list of our own, never the machine's ---------------------------
apt_dir=$cache/apt
apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache" -o Debug::NoLocking=1
  -o "APT::Sandbox::User=$(id -un)" -o Acquire::Retries=3)
apt_ready=""
apt_update() {
  [ -n "$apt_ready" ] && return
  command -v apt-get >/dev/null || die "apt-get not found: the SBF toolchain is fetched from Debian"
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
  cat >"$apt_dir/sources.list" <<'EOF'
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian sid main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie-backports main
EOF
  say "reading Debian's package lists (sid, trixie-backports)"
  apt-get "${apt_opts[@]}" -qq update || die "apt-get update failed (is deb.debian.org reachable?)"
  apt_ready=1
}

# The highest version of package $1 whose version matches the regex $2, or nothing.
best_version() {
  apt-cache "${apt_opts[@]}" madison "$1" | awk -F'|' '{gsub(/ /,"",$2); print $2}' \
    | grep -E "$2" | sort -V | tail -n 1
}

# Downloads package=version pairs and unpacks them into $1.
fetch_debs() {
  local dest=$1; shift
  local tmp; tmp=$(mktemp -d)
  (cd "$tmp" && apt-get "${apt_opts[@]}" -qq download "$@") || die "could not download: $*"
  for deb in "$tmp"/*.deb; do dpkg-deb -x "$deb" "$dest"; done
  rm -rf "$tmp"
}

# ---- the pieces ------------------------------------------------------------------------------
check_rustc() {
  local v; v=$(rustc -V | awk '{print $2}')
  case "$v" in
    "$rust_minor".*) rustc_version=$v ;;
    *) die "rustc $v: the SBF build is made for rustc $rust_minor.x (its rust-src, its -Z flags)" ;;
  esac
}

# rust-src for -Zbuild-std: the same 1.95.x as rustc if Debian has it, else the newest 1.95.x;
# then a copy with std taught `target_os = "solana"` (sbf/patches/rust-std-solana.patch).
ensure_rust_src() {
  local patch=$root/sbf/patches/rust-std-solana.patch
  local tag; tag=$(sha256sum "$patch" | cut -c1-12)
  rust_src=$(ls -d "$cache"/rust-src-"$rust_minor".*-"$tag"/library 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$rust_src" ] && return
  local pristine
  pristine=$(ls -d "$cache"/rust-src-"$rust_minor".*[0-9]/library 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$pristine" ]; then
    apt_update
    local v
    v=$(best_version rust-src "^${rustc_version//./\\.}\+") || true
    [ -n "$v" ] || v=$(best_version rust-src "^${rust_minor//./\\.}\.") || true
    [ -n "$v" ] || die "Debian has no rust-src $rust_minor.x any more (sid, trixie-backports): \
pin a snapshot.debian.org date in $0, or move the build to the rustc Debian ships"
    say "rust-src $v"
    local dest=$cache/rust-src-${v%%+*}
    rm -rf "$dest.tmp" && mkdir -p "$dest.tmp"
    fetch_debs "$dest.tmp" "rust-src=$v"
    local lib; lib=$(ls -d "$dest.tmp"/usr/src/rustc-*/library | head -n 1)
    [ -d "$lib/core" ] || die "rust-src $v has no library/core"
    rm -rf "$dest" && mkdir -p "$dest" && mv "$lib" "$dest/library" && rm -rf "$dest.tmp"
    pristine=$dest/library
  fi
  local patched=${pristine%/library}-$tag
  say "std for target_os = \"solana\" ($(basename "$patch"))"
  rm -rf "$patched" && mkdir -p "$patched" && cp -r "$pristine" "$patched/library"
  patch -s -p1 -d "$patched/library" <"$patch" || die "$(basename "$patch") does not apply to $(basename "${pristine%/library}")"
  rust_src=$patched/library
}

# libLLVM 23 and everything it loads, in a private prefix run through the prefix's own ld.so
# (sid's LLVM needs a newer glibc than the machine's; the machine's libc is never touched).
ensure_llvm() {
  llvm_prefix=$(ls -d "$cache"/llvm-"$llvm_major".*/ 2>/dev/null | sort -V | tail -n 1 || true)
  llvm_prefix=${llvm_prefix%/}
  [ -n "$llvm_prefix" ] && [ -f "$llvm_prefix/.complete" ] && return
  apt_update
  local v
  v=$(best_version "libllvm$llvm_major" "^1:${llvm_major}\.") || true
  [ -n "$v" ] || die "Debian sid has no libllvm$llvm_major any more: pin a snapshot.debian.org \
date in $0, or move llvm_major to the LLVM sbpf-linker $sbpf_linker supports"
  local upstream=${v#1:}; upstream=${upstream%%-*}
  say "LLVM $upstream (libllvm$llvm_major $v) and its runtime, into a private prefix"
  local deps
  deps=$(apt-cache "${apt_opts[@]}" depends --recurse --no-recommends --no-suggests \
    --no-conflicts --no-breaks --no-replaces --no-enhances "libllvm$llvm_major" \
    | grep -v -e '^ ' -e '^<' -e "^libllvm$llvm_major\$" | sort -u)
  llvm_prefix=$cache/llvm-$upstream
  rm -rf "$llvm_prefix" && mkdir -p "$llvm_prefix"
  # shellcheck disable=SC2046
  fetch_debs "$llvm_prefix" "libllvm$llvm_major=$v" $(printf '%s/sid ' $deps)
  local libs=$llvm_prefix/usr/lib/x86_64-linux-gnu
  [ -x "$libs/ld-linux-x86-64.so.2" ] || die "no ld.so in the LLVM prefix"
  ls "$libs"/libLLVM.so."$llvm_major".* >/dev/null 2>&1 || die "no libLLVM.so.$llvm_major in libllvm$llvm_major $v"
  # sbpf-linker dlopens the first libLLVM* it finds in LD_LIBRARY_PATH: a folder with only it.
  mkdir -p "$llvm_prefix/llvm-only" && ln -sf "$libs"/libLLVM.so."$llvm_major".* "$llvm_prefix/llvm-only/"
  touch "$llvm_prefix/.complete"
}

ensure_linker() {
  local patch=$root/sbf/patches/sbpf-linker-stack-frame-gaps.patch
  local tag; tag=$(sha256sum "$patch" | cut -c1-12)
  local home=$cache/sbpf-linker-$sbpf_linker-$tag
  linker_bin=$home/bin/sbpf-linker
  if [ ! -x "$linker_bin" ]; then
    command -v curl >/dev/null || die "curl not found (needed to fetch sbpf-linker from crates.io)"
    say "sbpf-linker $sbpf_linker from crates.io, patched ($(basename "$patch"))"
    local src=$cache/src/sbpf-linker-$sbpf_linker
    rm -rf "$src" && mkdir -p "$cache/src"
    curl -sSfL --retry 3 "https://static.crates.io/crates/sbpf-linker/sbpf-linker-$sbpf_linker.crate" \
      | tar xz -C "$cache/src" || die "could not fetch sbpf-linker $sbpf_linker from crates.io"
    rm -f "$src/rust-toolchain.toml" # pins a nightly: this machine builds it with its rustc
    patch -s -p1 -d "$src" <"$patch" || die "$(basename "$patch") does not apply to sbpf-linker $sbpf_linker"
    (cd "$cache" && cargo install -q --locked --path "$src" --root "$home" \
      --target-dir "$cache/sbpf-linker-target") || die "building sbpf-linker failed"
  fi
  # What rustc calls: the linker under the prefix's ld.so, LLVM 23 the only libLLVM it sees.
  local libs=$llvm_prefix/usr/lib/x86_64-linux-gnu
  # Named after the build, so that cargo relinks when the linker changes.
  linker=$cache/bin/sbpf-linker-$sbpf_linker-$tag
  mkdir -p "$cache/bin"
  cat >"$linker.tmp" <<EOF
#!/bin/sh
exec env LD_LIBRARY_PATH="$llvm_prefix/llvm-only" "$libs/ld-linux-x86-64.so.2" --library-path "$libs" "$linker_bin" "\$@"
EOF
  chmod +x "$linker.tmp" && mv "$linker.tmp" "$linker"
  "$linker" --version >/dev/null 2>&1 || die "sbpf-linker does not start under the LLVM prefix"
}

# ---- the programs ----------------------------------------------------------------------------
# cargo for the JSON target: stable rustc with RUSTC_BOOTSTRAP for -Z, the standard library
# from the rust-src above, sbpf-linker as the linker, SBPF v0 with 4 KiB frames, panics that
# abort at once (no formatting machinery, no statics).
# $1: the package; the rest go to cargo. Each package has a target directory of its own (they
# build different parts of the standard library).
sbf_cargo() {
  local package=$1; shift
  local target=bpfel_unknown_solana
  env RUSTC_BOOTSTRAP=1 __CARGO_TESTS_ONLY_SRC_ROOT="$rust_src" \
    "CARGO_TARGET_${target^^}_LINKER=$linker" \
    "CARGO_TARGET_${target^^}_RUSTFLAGS=-C relocation-model=static -C target-cpu=v2 \
-C link-arg=--arch=v0 -C link-arg=--llvm-args=--bpf-stack-size=4096 \
-Zunstable-options -C panic=immediate-abort --cfg curve25519_dalek_bits=\"32\"" \
    cargo build --release --locked --target "$target_spec" -Zjson-target-spec \
    --target-dir "$root/target/sbf/$package" -p "$package" "$@"
}

build_probe() {
  say "building the verification probe"
  (cd "$root" && sbf_cargo bandwidth-sbf-probe -Zbuild-std=core,alloc)
  install_so bandwidth-sbf-probe bandwidth_sbf_probe
}

build_program() {
  say "building the program"
  (cd "$root" && sbf_cargo bandwidth-settlement -Zbuild-std=std,panic_abort)
  install_so bandwidth-settlement bandwidth_settlement
}

# $1: the package, $2: the library's name.
install_so() {
  mkdir -p "$out"
  cp "$root/target/sbf/$1/bpfel-unknown-solana/release/lib$2.so" "$out/$2.so"
  say "$out/$2.so ($(stat -c %s "$out/$2.so") bytes)"
}

main() {
  local what=("$@")
  [ ${#what[@]} -gt 0 ] || what=(probe)
  check_rustc
  ensure_rust_src
  ensure_llvm
  ensure_linker
  for w in "${what[@]}"; do
    case "$w" in
      probe) build_probe ;;
      program) build_program ;;
      *) die "unknown program '$w' (probe, program)" ;;
    esac
  done
}

main "$@"
