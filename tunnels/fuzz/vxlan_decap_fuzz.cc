// libFuzzer target for the uplink receive path: VXLAN check + decapsulation and ARP parsing
// over arbitrary bytes. Invariants: nothing reads out of bounds (ASan in the fuzz build), an
// accepted frame's inner frame lies inside the input, and re-encapsulating the inner frame
// with the parsed parameters is accepted again with the same VNI.
// Built as a fuzzer with -DVSWITCH_FUZZ=ON (clang); also linked into tunnels_unit_tests,
// where vxlan_decap_corpus_test.cc runs it over the checked-in seed corpus.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "neighbor/arp.h"
#include "vxlan/vxlan_wire.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vswitch::tunnels;
  if (size < 6) return 0;
  // The first 6 bytes choose the local VTEP address and UDP port; the rest is the frame.
  uint32_t local_ip;
  uint16_t port;
  std::memcpy(&local_ip, data, 4);
  std::memcpy(&port, data + 4, 2);
  const uint8_t* frame = data + 6;
  const uint32_t len = static_cast<uint32_t>(size - 6);
  std::vector<uint8_t> copy(frame, frame + len);  // exact-size heap buffer: ASan sees overreads
  VxlanInfo info;
  if (CheckVxlan(copy.data(), len, local_ip, port, &info) == VxlanCheck::kOk) {
    if (info.inner_offset + info.inner_len > len || info.inner_len < 14) std::abort();
    if (info.vni > kMaxVni) std::abort();
    VxlanEncap e = {};
    e.src_ip = info.outer_src_ip;
    e.dst_ip = local_ip;
    e.udp_src = 50000;
    e.udp_dst = port;
    e.vni = info.vni;
    e.ttl = 64;
    std::vector<uint8_t> again(kVxlanHeaderBytes + info.inner_len);
    WriteVxlanHeaders(again.data(), e, info.inner_len);
    std::memcpy(again.data() + kVxlanHeaderBytes, copy.data() + info.inner_offset, info.inner_len);
    VxlanInfo back;
    if (CheckVxlan(again.data(), static_cast<uint32_t>(again.size()), local_ip, port, &back) != VxlanCheck::kOk) std::abort();
    if (back.vni != info.vni || back.inner_len != info.inner_len) std::abort();
  }
  ArpInfo arp;
  if (ParseArp(copy.data(), len, &arp) && arp.op != 1 && arp.op != 2) std::abort();
  return 0;
}
