#include "neighbor/arp.h"

#include <cstring>

namespace vswitch::tunnels {

namespace {
inline uint16_t Load16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
}  // namespace

bool ParseArp(const uint8_t* f, uint32_t len, ArpInfo* info) {
  if (len < 42 || Load16(f + 12) != 0x0806) return false;
  const uint8_t* a = f + 14;
  if (Load16(a) != 1 || Load16(a + 2) != 0x0800 || a[4] != 6 || a[5] != 4) return false;
  info->op = Load16(a + 6);
  std::memcpy(info->sender_mac, a + 8, 6);
  std::memcpy(&info->sender_ip, a + 14, 4);
  std::memcpy(&info->target_ip, a + 24, 4);
  return info->op == 1 || info->op == 2;
}

void TurnIntoArpReply(uint8_t* f, const uint8_t my_mac[6], uint32_t my_ip) {
  uint8_t* a = f + 14;
  // Ethernet: back to the asker.
  std::memcpy(f, a + 8, 6);
  std::memcpy(f + 6, my_mac, 6);
  a[6] = 0;
  a[7] = 2;
  // target <- sender, sender <- us
  std::memcpy(a + 18, a + 8, 10);
  std::memcpy(a + 8, my_mac, 6);
  std::memcpy(a + 14, &my_ip, 4);
}

uint32_t WriteArpRequest(uint8_t* out, const uint8_t my_mac[6], uint32_t my_ip, uint32_t target_ip) {
  std::memset(out, 0, kArpFrameBytes);
  std::memset(out, 0xff, 6);
  std::memcpy(out + 6, my_mac, 6);
  out[12] = 0x08;
  out[13] = 0x06;
  uint8_t* a = out + 14;
  a[1] = 1;     // Ethernet
  a[2] = 0x08;  // IPv4
  a[4] = 6;
  a[5] = 4;
  a[7] = 1;     // request
  std::memcpy(a + 8, my_mac, 6);
  std::memcpy(a + 14, &my_ip, 4);
  std::memcpy(a + 24, &target_ip, 4);
  return kArpFrameBytes;
}

}  // namespace vswitch::tunnels
