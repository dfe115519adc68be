#include "flow/text_values.h"

#include <arpa/inet.h>

#include <cstdio>
#include <cstring>

#include "common/mac_address.h"

namespace vswitch::flow {

namespace {

std::string Quote(std::string_view t) { return "'" + std::string(t) + "'"; }

int PrefixLength(const uint8_t* mask, int bytes) {
  // Returns the prefix length if the mask is contiguous leading ones, else -1.
  int len = 0;
  bool ended = false;
  for (int i = 0; i < bytes; ++i) {
    for (int b = 7; b >= 0; --b) {
      bool one = (mask[i] >> b) & 1;
      if (one && ended) return -1;
      if (one) ++len;
      else ended = true;
    }
  }
  return len;
}

void PrefixMask(int len, uint8_t* mask, int bytes) {
  for (int i = 0; i < bytes; ++i) {
    int bits = len - i * 8;
    mask[i] = bits >= 8 ? 0xff : bits <= 0 ? 0 : static_cast<uint8_t>(0xff << (8 - bits));
  }
}

}  // namespace

std::string ParseUint(std::string_view text, uint64_t max, uint64_t* out) {
  if (text.empty()) return "empty value";
  uint64_t v = 0;
  bool hex = text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
  std::string_view digits = hex ? text.substr(2) : text;
  if (digits.empty()) return Quote(text) + " is not a number";
  for (char c : digits) {
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (hex && c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (hex && c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else return Quote(text) + " is not a number";
    uint64_t base = hex ? 16 : 10;
    if (v > (UINT64_MAX - d) / base) return Quote(text) + " is out of range (max " + std::to_string(max) + ")";
    v = v * base + d;
  }
  if (v > max) return Quote(text) + " is out of range (max " + std::to_string(max) + ")";
  *out = v;
  return {};
}

void SplitValueMask(std::string_view text, std::string_view* value, std::string_view* mask, bool* has_mask) {
  size_t slash = text.find('/');
  *has_mask = slash != std::string_view::npos;
  *value = *has_mask ? text.substr(0, slash) : text;
  *mask = *has_mask ? text.substr(slash + 1) : std::string_view();
}

std::string ParseIpv4(std::string_view text, uint32_t* addr_be) {
  std::string s(text);
  in_addr a;
  if (s.empty() || inet_pton(AF_INET, s.c_str(), &a) != 1) return Quote(text) + " is not an IPv4 address";
  *addr_be = a.s_addr;
  return {};
}

std::string ParseIpv4Mask(std::string_view text, uint32_t* mask_be) {
  if (text.find('.') == std::string_view::npos) {
    uint64_t len;
    if (!ParseUint(text, 32, &len).empty() || text.substr(0, 2) == "0x") return Quote(text) + " is not a prefix length 0..32 or a dotted mask";
    uint8_t m[4];
    PrefixMask(static_cast<int>(len), m, 4);
    std::memcpy(mask_be, m, 4);
    return {};
  }
  return ParseIpv4(text, mask_be);
}

std::string FormatIpv4(uint32_t addr_be) {
  char buf[INET_ADDRSTRLEN];
  in_addr a;
  a.s_addr = addr_be;
  inet_ntop(AF_INET, &a, buf, sizeof buf);
  return buf;
}

std::string FormatIpv4Masked(uint32_t addr_be, uint32_t mask_be) {
  std::string s = FormatIpv4(addr_be);
  if (mask_be == 0xffffffffu) return s;
  uint8_t m[4];
  std::memcpy(m, &mask_be, 4);
  int len = PrefixLength(m, 4);
  return s + "/" + (len >= 0 ? std::to_string(len) : FormatIpv4(mask_be));
}

std::string ParseIpv6(std::string_view text, uint8_t out[16]) {
  std::string s(text);
  if (s.empty() || inet_pton(AF_INET6, s.c_str(), out) != 1) return Quote(text) + " is not an IPv6 address";
  return {};
}

std::string ParseIpv6Mask(std::string_view text, uint8_t mask[16]) {
  if (text.find(':') == std::string_view::npos) {
    uint64_t len;
    if (!ParseUint(text, 128, &len).empty() || text.substr(0, 2) == "0x") return Quote(text) + " is not a prefix length 0..128 or an IPv6 mask";
    PrefixMask(static_cast<int>(len), mask, 16);
    return {};
  }
  return ParseIpv6(text, mask);
}

std::string FormatIpv6Masked(const uint8_t addr[16], const uint8_t mask[16]) {
  char buf[INET6_ADDRSTRLEN];
  inet_ntop(AF_INET6, addr, buf, sizeof buf);
  std::string s = buf;
  int len = PrefixLength(mask, 16);
  if (len == 128) return s;
  if (len >= 0) return s + "/" + std::to_string(len);
  inet_ntop(AF_INET6, mask, buf, sizeof buf);
  return s + "/" + buf;
}

std::string ParseMac(std::string_view text, uint8_t out[6]) {
  auto mac = MacAddress::Parse(text);
  if (!mac) return Quote(text) + " is not a MAC address (expected aa:bb:cc:dd:ee:ff)";
  std::memcpy(out, mac->bytes.data(), 6);
  return {};
}

std::string FormatMac(const uint8_t mac[6]) {
  char buf[18];
  std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
  return buf;
}

std::string Hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace vswitch::flow
