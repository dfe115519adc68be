#!/usr/bin/python3
"""Helpers for build_guest.sh that need no root and no tools beyond python3's stdlib.

  guest_image_tools.py cpio ROOTDIR OUT.gz
      Packs ROOTDIR into a gzip-compressed cpio "newc" archive (the format the
      kernel unpacks as an initramfs) and adds /dev/console as a character
      device.  Writing the archive here instead of with cpio(1) means the build
      needs neither root (mknod) nor the cpio package.

  guest_image_tools.py vmlinux BZIMAGE OUT
      Extracts the uncompressed ELF kernel from a bzImage (like the kernel's
      scripts/extract-vmlinux) and keeps it only if it carries the Xen PVH entry
      note, because QEMU can only boot an ELF kernel directly through that entry.
      Booting it skips the in-guest decompression, which under software
      emulation (TCG) is about half of the boot time.  Exit code 1 means
      "no usable vmlinux": the caller then boots the bzImage.
"""

import gzip
import lzma
import os
import stat
import struct
import sys
import zlib

# Xen ELF note type of the 32-bit PVH entry point (XEN_ELFNOTE_PHYS32_ENTRY).
XEN_ELFNOTE_PHYS32_ENTRY = 18


def _cpio_entry(name, mode, data=b"", rdev_major=0, rdev_minor=0, ino=0, nlink=1):
    """One newc record: a 110-byte ASCII header, the name, the data, each 4-byte aligned."""
    name_bytes = name.encode() + b"\0"
    header = "070701" + "".join(
        "%08X" % value
        for value in (
            ino, mode, 0, 0, nlink, 0, len(data),  # ino mode uid gid nlink mtime filesize
            0, 0, rdev_major, rdev_minor,  # devmajor devminor rdevmajor rdevminor
            len(name_bytes), 0,  # namesize check
        )
    )
    record = header.encode() + name_bytes
    record += b"\0" * (-len(record) % 4)
    record += data
    record += b"\0" * (-len(record) % 4)
    return record


def make_cpio(root_dir, out_path):
    records = []
    ino = 1
    for dirpath, dirnames, filenames in os.walk(root_dir):
        dirnames.sort()
        rel_dir = os.path.relpath(dirpath, root_dir)
        entries = [(d, True) for d in dirnames] + [(f, False) for f in sorted(filenames)]
        if rel_dir == ".":
            # The kernel opens /dev/console before it runs /init; without the node
            # /init would have no stdout and the test would see nothing on the serial log.
            if "dev" not in dirnames:
                records.append(_cpio_entry("dev", stat.S_IFDIR | 0o755, ino=ino, nlink=2))
                ino += 1
            records.append(_cpio_entry("dev/console", stat.S_IFCHR | 0o600,
                                       rdev_major=5, rdev_minor=1, ino=ino))
            ino += 1
        for name, _ in entries:
            path = os.path.join(dirpath, name)
            rel = os.path.normpath(os.path.join(rel_dir, name))
            st = os.lstat(path)
            if stat.S_ISLNK(st.st_mode):
                data = os.readlink(path).encode()
            elif stat.S_ISREG(st.st_mode):
                with open(path, "rb") as f:
                    data = f.read()
            elif stat.S_ISDIR(st.st_mode):
                data = b""
            else:
                sys.exit("guest_image_tools: unsupported file type in initramfs tree: " + path)
            perm = stat.S_IMODE(st.st_mode)
            records.append(_cpio_entry(rel, stat.S_IFMT(st.st_mode) | perm, data, ino=ino,
                                       nlink=2 if stat.S_ISDIR(st.st_mode) else 1))
            ino += 1
    records.append(_cpio_entry("TRAILER!!!", 0))
    tmp = out_path + ".tmp"
    # mtime=0 keeps the archive byte-identical between builds of the same tree.
    with open(tmp, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        for record in records:
            gz.write(record)
    os.replace(tmp, out_path)


def _has_pvh_note(elf):
    """True if the ELF64 image has a PT_NOTE with the Xen PHYS32_ENTRY note."""
    if elf[:4] != b"\x7fELF" or elf[4] != 2:
        return False
    e_phoff, = struct.unpack_from("<Q", elf, 0x20)
    e_phentsize, e_phnum = struct.unpack_from("<HH", elf, 0x36)
    for i in range(e_phnum):
        p_type, _, p_offset, _, _, p_filesz = struct.unpack_from(
            "<IIQQQQ", elf, e_phoff + i * e_phentsize)
        if p_type != 4:  # PT_NOTE
            continue
        pos, end = p_offset, p_offset + p_filesz
        while pos + 12 <= end:
            namesz, descsz, note_type = struct.unpack_from("<III", elf, pos)
            name = elf[pos + 12:pos + 12 + namesz].rstrip(b"\0")
            if name == b"Xen" and note_type == XEN_ELFNOTE_PHYS32_ENTRY:
                return True
            pos += 12 + (namesz + 3) // 4 * 4 + (descsz + 3) // 4 * 4
    return False


def _decompressors():
    """(magic, function) pairs for the compressions python's stdlib can undo.
    Each function returns the first complete stream and ignores what follows it
    (the bzImage has more data after the payload)."""
    def unxz(blob):
        return lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(blob)

    def ungzip(blob):
        return zlib.decompressobj(wbits=16 + zlib.MAX_WBITS).decompress(blob)

    return [(b"\xfd7zXZ\x00", unxz), (b"\x1f\x8b\x08", ungzip)]


def extract_vmlinux(bzimage_path, out_path):
    with open(bzimage_path, "rb") as f:
        image = f.read()
    for magic, decompress in _decompressors():
        start = image.find(magic)
        while start != -1:
            try:
                elf = decompress(image[start:])
            except (lzma.LZMAError, zlib.error, EOFError):
                elf = b""
            if _has_pvh_note(elf):
                tmp = out_path + ".tmp"
                with open(tmp, "wb") as f:
                    f.write(elf)
                os.replace(tmp, out_path)
                return 0
            start = image.find(magic, start + 1)
    print("guest_image_tools: no PVH-capable ELF kernel found inside " + bzimage_path,
          file=sys.stderr)
    return 1


def main(argv):
    if len(argv) == 4 and argv[1] == "cpio":
        make_cpio(argv[2], argv[3])
        return 0
    if len(argv) == 4 and argv[1] == "vmlinux":
        return extract_vmlinux(argv[2], argv[3])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
