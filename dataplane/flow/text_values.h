// Text <-> value helpers shared by the rule parser and formatter: integers (decimal or 0x
// hex), IPv4/IPv6 addresses with prefixes or masks, MAC addresses with masks.
//
// Each parser returns an empty string on success or the reason it failed, worded so the
// caller can prefix it with the token: "'80x' is not a number".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace vswitch::flow {

// Decimal or 0x-prefixed hex, no sign, value <= max.
std::string ParseUint(std::string_view text, uint64_t max, uint64_t* out);
// Splits "value/mask" at the first '/'; has_mask false when there is none.
void SplitValueMask(std::string_view text, std::string_view* value, std::string_view* mask, bool* has_mask);

// IPv4 in network byte order. The mask is a prefix length "/24" or a dotted mask.
std::string ParseIpv4(std::string_view text, uint32_t* addr_be);
std::string ParseIpv4Mask(std::string_view text, uint32_t* mask_be);
std::string FormatIpv4(uint32_t addr_be);
// "a.b.c.d" alone for a full mask, "/N" for a prefix mask, "/m.m.m.m" otherwise.
std::string FormatIpv4Masked(uint32_t addr_be, uint32_t mask_be);

std::string ParseIpv6(std::string_view text, uint8_t out[16]);
std::string ParseIpv6Mask(std::string_view text, uint8_t mask[16]);
std::string FormatIpv6Masked(const uint8_t addr[16], const uint8_t mask[16]);

std::string ParseMac(std::string_view text, uint8_t out[6]);
std::string FormatMac(const uint8_t mac[6]);

std::string Hex(uint64_t v);

}  // namespace vswitch::flow
