// Conversion of the tunnel types (VNIs, underlay neighbours, routes) between vswitch.v1
// (tunnels.proto) and the dataplane's C++ API, and the field checks shared by the gRPC
// service and the config validator, so an API call and a config file are refused with the
// same words. Each check's message starts with the field it is about ("remotes[1]: ...");
// callers add the outer context (the RPC's request, "vnis[2]", ...).
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "switch/switch.h"
#include "vswitch/v1/tunnels.pb.h"

namespace vswitch::controlplane {

v1::Vni VniToProto(const VniInfo& info);
v1::Neighbor NeighborToProto(const NeighborInfo& info);
v1::Route RouteToProto(const RouteInfo& info);

// vni 1..16777215 (0 is the default L2 domain, not a VXLAN network); field "vni".
Status CheckVniNumber(uint32_t vni);
// Every remote a non-zero IPv4 address, none twice; fields "remotes[i]".
Status CheckVniRemotes(const google::protobuf::RepeatedPtrField<std::string>& remotes);
// A non-zero dotted-quad IPv4 address; `field` names it in the message.
Status CheckIpv4Field(const std::string& field, const std::string& text);
// A neighbour: "ip" an IPv4 address, "mac" a unicast MAC.
Status CheckNeighborFields(const std::string& ip, const std::string& mac);
// "prefix" in A.B.C.D/LEN form with no host bits set (so what is stored is what was typed),
// "gateway" an IPv4 address.
Status CheckRouteFields(const std::string& prefix, const std::string& gateway);
// "prefix" alone (for deletion).
Status CheckRoutePrefix(const std::string& prefix);
// A static MAC's tunnel fields: vni 0..16777215 and remote_ip, if given, an IPv4 address.
// Whether they fit the port (a vxlan port needs both) is decided where the port is known.
Status CheckMacTunnelFields(uint32_t vni, const std::string& remote_ip);

}  // namespace vswitch::controlplane
