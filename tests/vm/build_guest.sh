#!/bin/bash
# Builds the guest used by the VM tests from Debian packages only:
#   - Debian 12's kernel (the linux-image-6.1.*-amd64 package that linux-image-amd64
#     depends on), fetched with `apt-get download` and unpacked with dpkg-deb -x
#     (never installed over the host),
#   - busybox-static as the whole userland,
#   - an initramfs with /dev/console, the virtio-net modules and tests/vm/guest_init.sh as /init.
#
# Usage: build_guest.sh [CACHE_DIR]   (default: $VSWITCH_VM_CACHE, else build/vm-guest)
#
# Idempotent: the result is cached in CACHE_DIR and the script returns at once (without
# touching the network) when the cache was built by the same version of these files.
# On success CACHE_DIR/guest.env names the kernel and initramfs to boot:
#   KERNEL=...   the uncompressed vmlinux when it has a PVH entry (boots about twice as
#                fast under software emulation), else the bzImage
#   INITRD=...   the gzip'ed cpio initramfs
#   KERNEL_VERSION=...
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${1:-${VSWITCH_VM_CACHE:-build/vm-guest}}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

die() { echo "build_guest.sh: error: $*" >&2; exit 1; }

# The virtio-net stack in dependency order (all modules in Debian's kernel).
modules=(failover net_failover virtio_ring virtio virtio_pci_modern_dev
         virtio_pci_legacy_dev virtio_pci virtio_net)

# The cache key covers everything that shapes the guest, so editing /init rebuilds it.
key=$(cat "$here/build_guest.sh" "$here/guest_init.sh" "$here/guest_image_tools.py" | sha256sum | cut -d' ' -f1)
if [[ -f "$cache/guest.env" && "$(cat "$cache/stamp" 2>/dev/null)" == "$key" ]]; then
    echo "build_guest.sh: guest is up to date in $cache"
    exit 0
fi

for tool in apt-get apt-cache dpkg-deb python3 sha256sum; do
    command -v "$tool" > /dev/null || die "'$tool' is not installed"
done

debs="$cache/debs"
mkdir -p "$debs"

# apt-get download writes into the current directory; a package already there is reused.
download() {
    local package=$1
    if ! compgen -G "$debs/${package}_*.deb" > /dev/null; then
        echo "build_guest.sh: downloading $package" >&2
        # The warning filtered out is apt saying it ran the download as root.
        (cd "$debs" && apt-get download "$package" 2>&1 | grep -v 'couldn.t be accessed by user' >&2 || true)
        compgen -G "$debs/${package}_*.deb" > /dev/null ||
            die "apt-get download $package failed (is an apt mirror reachable? try 'apt-get update')"
    fi
    ls "$debs/${package}"_*.deb | sort -V | tail -n 1
}

# linux-image-amd64 is a metapackage; the kernel itself is the package it depends on.
kernel_package=$(apt-cache depends linux-image-amd64 2> /dev/null |
    awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9].*-amd64$/ { print $2; exit }')
[[ -n "$kernel_package" ]] || die "cannot resolve linux-image-amd64 to a kernel package (apt-get update?)"
kernel_deb=$(download "$kernel_package")
# The userland: busybox-static's /bin/busybox when that package is installed (setup.sh
# installs it), else the package itself, downloaded like the kernel.
busybox_deb=""
if [[ "$(dpkg-query -W -f='${Status}' busybox-static 2> /dev/null)" == "install ok installed" ]]; then
    busybox_bin=/bin/busybox
else
    busybox_deb=$(download busybox-static)
fi

work="$cache/work"
rm -rf "$work"
mkdir -p "$work/kernel" "$work/busybox" "$work/root/bin" "$work/root/lib/modules"
dpkg-deb -x "$kernel_deb" "$work/kernel"
if [[ -n "$busybox_deb" ]]; then
    dpkg-deb -x "$busybox_deb" "$work/busybox"
    busybox_bin="$work/busybox/bin/busybox"
fi
[[ -x "$busybox_bin" ]] || die "no busybox binary at $busybox_bin"

vmlinuz=$(ls "$work"/kernel/boot/vmlinuz-* | head -n 1)
[[ -f "$vmlinuz" ]] || die "no vmlinuz in $kernel_deb"
kernel_version=${vmlinuz##*/vmlinuz-}
module_dir="$work/kernel/lib/modules/$kernel_version"

# Modules: copy each one that exists, decompressed (insmod in busybox may not
# understand compressed modules); one that is built in has no .ko and is skipped.
: > "$work/root/lib/modules/load-order"
for module in "${modules[@]}"; do
    found=$(find "$module_dir" -name "$module.ko" -o -name "$module.ko.xz" -o -name "$module.ko.zst" -o -name "$module.ko.gz" | head -n 1)
    if [[ -z "$found" ]]; then
        grep -q "/$module.ko" "$module_dir/modules.builtin" 2> /dev/null ||
            die "module $module is neither in $kernel_package nor built in"
        continue
    fi
    case "$found" in
        *.xz) xz -dc "$found" > "$work/root/lib/modules/$module.ko" ;;
        *.zst) zstd -qdc "$found" > "$work/root/lib/modules/$module.ko" ;;
        *.gz) gzip -dc "$found" > "$work/root/lib/modules/$module.ko" ;;
        *) cp "$found" "$work/root/lib/modules/$module.ko" ;;
    esac
    echo "$module" >> "$work/root/lib/modules/load-order"
done

cp "$busybox_bin" "$work/root/bin/busybox"
chmod 755 "$work/root/bin/busybox"
cp "$here/guest_init.sh" "$work/root/init"
chmod 755 "$work/root/init"

python3 "$here/guest_image_tools.py" cpio "$work/root" "$cache/initramfs.gz"

cp "$vmlinuz" "$cache/bzImage"
if python3 "$here/guest_image_tools.py" vmlinux "$cache/bzImage" "$cache/vmlinux"; then
    kernel="$cache/vmlinux"
else
    rm -f "$cache/vmlinux"
    kernel="$cache/bzImage"
fi

rm -rf "$work"
cat > "$cache/guest.env" << EOF
KERNEL=$kernel
INITRD=$cache/initramfs.gz
KERNEL_VERSION=$kernel_version
EOF
echo "$key" > "$cache/stamp"
echo "build_guest.sh: guest built in $cache (kernel $kernel_version, booting ${kernel##*/})"
