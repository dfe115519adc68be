#include "convert/tunnel_convert.h"

#include <set>

#include "common/mac_address.h"
#include "vtep/vtep_options.h"
#include "vxlan/vxlan_wire.h"

namespace vswitch::controlplane {

v1::Vni VniToProto(const VniInfo& info) {
  v1::Vni out;
  out.set_vni(info.vni);
  for (const std::string& remote : info.remotes) out.add_remotes(remote);
  for (const std::string& port : info.ports) out.add_ports(port);
  return out;
}

v1::Neighbor NeighborToProto(const NeighborInfo& info) {
  v1::Neighbor out;
  out.set_ip(info.ip);
  out.set_mac(info.mac);
  out.set_port(info.port);
  out.set_is_static(info.is_static);
  out.set_age_seconds(info.age_seconds);
  return out;
}

v1::Route RouteToProto(const RouteInfo& info) {
  v1::Route out;
  out.set_prefix(info.prefix);
  out.set_gateway(info.gateway);
  return out;
}

Status CheckVniNumber(uint32_t vni) {
  if (vni == 0 || vni > tunnels::kMaxVni) {
    return Status::InvalidArgument("vni: " + std::to_string(vni) + " is out of range 1..16777215");
  }
  return Status::Ok();
}

Status CheckIpv4Field(const std::string& field, const std::string& text) {
  uint32_t ip = 0;
  if (text.empty()) return Status::InvalidArgument(field + ": is required (an IPv4 address)");
  if (!tunnels::ParseIpv4(text, &ip)) return Status::InvalidArgument(field + ": '" + text + "' is not an IPv4 address");
  if (ip == 0) return Status::InvalidArgument(field + ": 0.0.0.0 is not a usable address");
  return Status::Ok();
}

Status CheckVniRemotes(const google::protobuf::RepeatedPtrField<std::string>& remotes) {
  std::set<uint32_t> seen;
  for (int i = 0; i < remotes.size(); ++i) {
    std::string field = "remotes[" + std::to_string(i) + "]";
    if (Status st = CheckIpv4Field(field, remotes.Get(i)); !st.ok()) return st;
    uint32_t ip = 0;
    tunnels::ParseIpv4(remotes.Get(i), &ip);
    if (!seen.insert(ip).second) return Status::InvalidArgument(field + ": " + remotes.Get(i) + " is listed twice");
  }
  return Status::Ok();
}

Status CheckNeighborFields(const std::string& ip, const std::string& mac) {
  if (Status st = CheckIpv4Field("ip", ip); !st.ok()) return st;
  auto parsed = MacAddress::Parse(mac);
  if (!parsed) return Status::InvalidArgument("mac: '" + mac + "' is not a MAC address (expected aa:bb:cc:dd:ee:ff)");
  if (parsed->IsMulticast() || parsed->IsZero()) {
    return Status::InvalidArgument("mac: '" + mac + "' is not a unicast address");
  }
  return Status::Ok();
}

Status CheckRoutePrefix(const std::string& prefix) {
  uint32_t masked = 0;
  uint8_t length = 0;
  if (!tunnels::ParseIpv4Prefix(prefix, &masked, &length)) {
    return Status::InvalidArgument("prefix: '" + prefix + "' is not an IPv4 prefix (expected A.B.C.D/LEN, LEN 0..32)");
  }
  uint32_t address = 0;
  tunnels::ParseIpv4(prefix.substr(0, prefix.find('/')), &address);
  if (address != masked) {
    return Status::InvalidArgument("prefix: '" + prefix + "' has host bits set (did you mean " +
                                   tunnels::FormatIpv4(masked) + "/" + std::to_string(length) + "?)");
  }
  return Status::Ok();
}

Status CheckRouteFields(const std::string& prefix, const std::string& gateway) {
  if (Status st = CheckRoutePrefix(prefix); !st.ok()) return st;
  return CheckIpv4Field("gateway", gateway);
}

Status CheckMacTunnelFields(uint32_t vni, const std::string& remote_ip) {
  if (vni > tunnels::kMaxVni) {
    return Status::InvalidArgument("vni: " + std::to_string(vni) + " is out of range 0..16777215");
  }
  if (!remote_ip.empty()) return CheckIpv4Field("remote_ip", remote_ip);
  return Status::Ok();
}

}  // namespace vswitch::controlplane
