// The probe every vsbench frame carries at the start of its (inner) UDP payload: a magic
// number, a sequence number and the TSC value when the frame was sent. The receiver finds it
// again through whatever the switch did to the headers (VLAN tags pushed or popped, VXLAN
// encapsulation added or removed) and turns it into one latency sample.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

namespace vswitch::vsbench {

// 2 (magic) + 4 (sequence) + 8 (TSC). 14 bytes is exactly what a 64-byte tagged frame leaves
// for UDP payload, so every legal frame size can carry it.
inline constexpr uint32_t kProbeLen = 14;
inline constexpr uint8_t kProbeMagic0 = 'V';
inline constexpr uint8_t kProbeMagic1 = 'B';

struct Probe {
  uint32_t sequence;
  uint64_t tsc;
};

// Writes the probe at payload (kProbeLen bytes; integers little-endian, unaligned).
void WriteProbe(uint8_t* payload, uint32_t sequence, uint64_t tsc);

// Finds the probe in a received frame of len bytes: Ethernet, up to two 802.1Q/802.1ad tags,
// IPv4 (any header length, not a later fragment), UDP; a UDP frame to port 4789 is followed
// once into its VXLAN inner frame. nullopt when any header is short or different, or the
// magic is absent: such frames are counted as foreign, never as latency samples.
std::optional<Probe> ParseProbe(const uint8_t* frame, size_t len);

}  // namespace vswitch::vsbench
