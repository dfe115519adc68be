#include "vtep/vtep_options.h"

#include <arpa/inet.h>

#include <cstdlib>

namespace vswitch::tunnels {

namespace {
bool ParseUint(const std::string& s, uint64_t max, uint64_t* out) {
  if (s.empty() || s.size() > 10) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  *out = std::strtoull(s.c_str(), nullptr, 10);
  return *out <= max;
}
}  // namespace

bool ParseIpv4(const std::string& text, uint32_t* out) {
  in_addr a;
  // inet_pton accepts only the strict dotted-quad form (no "10.1" shorthands).
  if (inet_pton(AF_INET, text.c_str(), &a) != 1) return false;
  *out = a.s_addr;
  return true;
}

std::string FormatIpv4(uint32_t ip_be) {
  char buf[INET_ADDRSTRLEN];
  in_addr a;
  a.s_addr = ip_be;
  inet_ntop(AF_INET, &a, buf, sizeof(buf));
  return buf;
}

bool ParseIpv4Prefix(const std::string& text, uint32_t* prefix, uint8_t* length) {
  size_t slash = text.find('/');
  if (slash == std::string::npos) return false;
  uint32_t ip;
  uint64_t len;
  if (!ParseIpv4(text.substr(0, slash), &ip) || !ParseUint(text.substr(slash + 1), 32, &len)) return false;
  uint32_t mask = len == 0 ? 0 : htonl(~0u << (32 - len));
  *prefix = ip & mask;
  *length = static_cast<uint8_t>(len);
  return true;
}

Status ParseVtepOptions(const std::map<std::string, std::string>& options, VtepOptions* out) {
  VtepOptions o;
  for (const auto& [key, value] : options) {
    const std::string ctx = "option '" + key + "'";
    uint64_t n;
    if (key == "uplink") {
      if (value.empty()) return Status::InvalidArgument(ctx + ": must name the underlay port");
      o.uplink = value;
    } else if (key == "local-ip") {
      if (!ParseIpv4(value, &o.local_ip) || o.local_ip == 0)
        return Status::InvalidArgument(ctx + ": expected an IPv4 address, got '" + value + "'");
    } else if (key == "remote-ip") {
      if (!ParseIpv4(value, &o.remote_ip) || o.remote_ip == 0)
        return Status::InvalidArgument(ctx + ": expected an IPv4 address, got '" + value + "'");
    } else if (key == "dst-port") {
      if (!ParseUint(value, 65535, &n) || n == 0) return Status::InvalidArgument(ctx + ": expected a UDP port 1-65535, got '" + value + "'");
      o.udp_port = static_cast<uint16_t>(n);
    } else if (key == "key") {
      if (!ParseUint(value, (1u << 24) - 1, &n) || n == 0) return Status::InvalidArgument(ctx + ": expected a VNI 1-16777215, got '" + value + "'");
      o.vni = static_cast<uint32_t>(n);
    } else if (key == "ttl") {
      if (!ParseUint(value, 255, &n) || n == 0) return Status::InvalidArgument(ctx + ": expected a TTL 1-255, got '" + value + "'");
      o.ttl = static_cast<uint8_t>(n);
    } else {
      return Status::InvalidArgument(ctx + " is not valid for type vxlan (valid: uplink, local-ip, dst-port, remote-ip, key, ttl)");
    }
  }
  if (o.uplink.empty()) return Status::InvalidArgument("type vxlan requires option 'uplink'");
  if (o.local_ip == 0) return Status::InvalidArgument("type vxlan requires option 'local-ip'");
  *out = o;
  return Status::Ok();
}

}  // namespace vswitch::tunnels
