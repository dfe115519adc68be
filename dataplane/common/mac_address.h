// MacAddress: a 48-bit Ethernet address with text conversion ("aa:bb:cc:dd:ee:ff").
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace vswitch {

struct MacAddress {
  std::array<uint8_t, 6> bytes{};

  // Accepts six hex octets separated by ':' or '-'; nullopt on anything else.
  static std::optional<MacAddress> Parse(std::string_view text);
  std::string ToString() const;

  bool IsMulticast() const { return bytes[0] & 0x01; }  // includes broadcast
  bool IsBroadcast() const { return bytes == std::array<uint8_t, 6>{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}; }
  bool IsZero() const { return bytes == std::array<uint8_t, 6>{}; }
  bool operator==(const MacAddress&) const = default;
};

}  // namespace vswitch
