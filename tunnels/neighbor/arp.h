// ARP for the underlay: answering for the local VTEP address, resolving remote VTEPs and
// gateways. Pure functions over frame bytes (Ethernet/IPv4 ARP only).
#pragma once

#include <cstdint>

namespace vswitch::tunnels {

inline constexpr uint32_t kArpFrameBytes = 60;  // 42 bytes of ARP padded to the Ethernet minimum

struct ArpInfo {
  uint16_t op;             // 1 request, 2 reply
  uint8_t sender_mac[6];
  uint32_t sender_ip;      // network byte order
  uint32_t target_ip;
};

// Parses an untagged Ethernet/IPv4 ARP frame; false for anything else.
bool ParseArp(const uint8_t* frame, uint32_t len, ArpInfo* info);

// Rewrites an ARP request for `my_ip` into the reply, in place (same length).
void TurnIntoArpReply(uint8_t* frame, const uint8_t my_mac[6], uint32_t my_ip);

// Writes a broadcast "who-has target_ip tell my_ip" request; returns its length (60).
uint32_t WriteArpRequest(uint8_t* out, const uint8_t my_mac[6], uint32_t my_ip, uint32_t target_ip);

}  // namespace vswitch::tunnels
