"""Packet-buffer and hugepage sizing shared by the contenders.

`net_pcap` with infinite_rx=1 copies the whole capture into mbufs of the rx queue's pool when
the queue is set up, and then allocates a fresh mbuf per replayed packet: the pool must hold
every frame of the capture plus what is in flight (bursts, per-lcore caches, rings).
"""

# Frames in flight on top of the capture: descriptor rings, bursts and mempool caches.
IN_FLIGHT_MBUFS = 16384
# Bytes one mbuf occupies in the pool with DPDK's default 2176-byte data room
# (mbuf header 128 + data room 2176 + mempool object header/trailer), rounded up.
MBUF_FOOTPRINT = 2560
# EAL and driver memory besides the pool (rings, port structures, malloc heap).
EAL_OVERHEAD_MB = 96
# The preamble's default DPDK memory cap for one process; only exceeded when a capture needs it.
DEFAULT_MEMORY_MB = 256

# OVS's shared mempool starts at 262144 mbufs and halves on allocation failure down to 16384.
OVS_MAX_MBUFS = 262144
OVS_MIN_MBUFS = 16384


def mbufs_for(frames):
    return frames + IN_FLIGHT_MBUFS


def memory_mb_for(mbufs):
    need = mbufs * MBUF_FOOTPRINT // (1 << 20) + EAL_OVERHEAD_MB
    return max(DEFAULT_MEMORY_MB, _round_up(need, 64))


def ovs_pool_mbufs_for(frames):
    """The pool size OVS must reach (one of its halving steps), or None if it never can."""
    need = mbufs_for(frames)
    size = OVS_MIN_MBUFS
    while size < need:
        size *= 2
    return size if size <= OVS_MAX_MBUFS else None


def _round_up(value, step):
    return (value + step - 1) // step * step
