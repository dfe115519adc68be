// Builds vsbench's frames: one template per run, patched per packet with the flow's source
// address and port (and the IPv4 checksum that depends on them) and the probe.
#pragma once

#include <cstdint>
#include <vector>

#include "frame_spec.h"

namespace vswitch::vsbench {

class FrameBuilder {
 public:
  // spec must have passed ValidateFrameSpec.
  explicit FrameBuilder(const FrameSpec& spec);

  // Bytes one frame occupies in a packet buffer: frame_size - FCS, plus the outer headers
  // with VXLAN.
  uint32_t frame_len() const { return static_cast<uint32_t>(template_.size()); }
  uint32_t probe_offset() const { return probe_offset_; }
  const FrameSpec& spec() const { return spec_; }

  // Writes frame_len() bytes to dst: the frame of flow (0 <= flow < spec.flows) carrying the
  // probe (sequence, tsc). Flow i has source address src_ip + i and source port
  // src_port + i % src_port_span; everything else is the same for every flow.
  void Build(uint8_t* dst, uint32_t flow, uint32_t sequence, uint64_t tsc) const;

 private:
  FrameSpec spec_;
  std::vector<uint8_t> template_;
  uint32_t inner_ip_offset_ = 0;
  uint32_t inner_udp_offset_ = 0;
  uint32_t outer_udp_offset_ = 0;  // only with VXLAN
  uint32_t probe_offset_ = 0;
  // One's-complement sum of the inner IPv4 header with checksum and source address zero:
  // a flow's checksum is then two additions and a fold.
  uint32_t inner_ip_partial_sum_ = 0;
};

// RFC 1071 checksum of an IPv4 header (the checksum field included as it is).
uint16_t Ipv4HeaderChecksum(const uint8_t* header, uint32_t len);

}  // namespace vswitch::vsbench
