// Actions: what a matched rule does, as a flat array of fixed-size 16-byte records.
//
// An action list is a contiguous array of plain structs (no virtual objects, no pointers), so
// the pipeline snapshot stores every rule's actions back to back in one arena and a worker
// walks them with a switch on `type`. Semantics follow OpenFlow "apply-actions" as
// ovs-ofctl's `actions=` does: actions run in order, a later table sees the packet as
// rewritten by earlier ones, and several outputs in one list each send a copy of the packet
// as it is at that point. An empty list is "drop".
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include "packet/flow_key.h"

namespace vswitch::flow {

enum class ActionType : uint8_t {
  kOutput,       // u32 = switch port number
  kFlood,        // all ports except the input port (and except ports that are down)
  kNormal,       // the L2 learning switch
  kInPort,       // send back out of the input port
  kSetEthSrc,    // u64 = MAC, bytes 0..5 in wire order
  kSetEthDst,
  kSetIpv4Src,   // u32 = address, network byte order
  kSetIpv4Dst,
  kSetTpSrc,     // u16 = TCP/UDP/SCTP port (host order)
  kSetTpDst,
  kSetVlanVid,   // u16 = VID 0..4095; pushes an 802.1Q tag if the frame is untagged (OVS mod_vlan_vid)
  kSetDscp,      // u16 = DSCP 0..63 (IPv4 TOS / IPv6 traffic class high 6 bits)
  kPushVlan,     // u16 = TPID (0x8100 or 0x88a8); new tag copies the VID/PCP of an existing tag, else 0
  kPopVlan,      // removes the outer 802.1Q tag, if any
  kGotoTable,    // u16 = table id; always the last action of a list, only to a higher table
  kSetRegister,  // reg = register index, u32 = value (already shifted into place), u64 = bit mask
  kMeter,        // u32 = meter id (token-bucket rate limit; the meter table is the worker's)
  kSetTunnel,    // u64 = tunnel id (VNI); output to a tunnel port uses it
  // Reserved for service chains (`nf:CHAIN`, a later issue). The parser rejects `nf:` until the
  // chain runner exists; the slot is here so adding it changes no other encoding.
  kNfChain,      // u32 = chain id
};

struct Action {
  ActionType type;
  uint8_t reg = 0;
  uint16_t u16 = 0;
  uint32_t u32 = 0;
  uint64_t u64 = 0;

  static Action Output(uint32_t port) { return Make(ActionType::kOutput, 0, 0, port, 0); }
  static Action Flood() { return Make(ActionType::kFlood, 0, 0, 0, 0); }
  static Action Normal() { return Make(ActionType::kNormal, 0, 0, 0, 0); }
  static Action InPort() { return Make(ActionType::kInPort, 0, 0, 0, 0); }
  static Action SetEthSrc(const uint8_t mac[6]) { return Make(ActionType::kSetEthSrc, 0, 0, 0, MacWord(mac)); }
  static Action SetEthDst(const uint8_t mac[6]) { return Make(ActionType::kSetEthDst, 0, 0, 0, MacWord(mac)); }
  static Action SetIpv4Src(uint32_t addr_be) { return Make(ActionType::kSetIpv4Src, 0, 0, addr_be, 0); }
  static Action SetIpv4Dst(uint32_t addr_be) { return Make(ActionType::kSetIpv4Dst, 0, 0, addr_be, 0); }
  static Action SetTpSrc(uint16_t port) { return Make(ActionType::kSetTpSrc, 0, port, 0, 0); }
  static Action SetTpDst(uint16_t port) { return Make(ActionType::kSetTpDst, 0, port, 0, 0); }
  static Action SetVlanVid(uint16_t vid) { return Make(ActionType::kSetVlanVid, 0, vid, 0, 0); }
  static Action SetDscp(uint8_t dscp) { return Make(ActionType::kSetDscp, 0, dscp, 0, 0); }
  static Action PushVlan(uint16_t tpid) { return Make(ActionType::kPushVlan, 0, tpid, 0, 0); }
  static Action PopVlan() { return Make(ActionType::kPopVlan, 0, 0, 0, 0); }
  static Action GotoTable(uint8_t table) { return Make(ActionType::kGotoTable, 0, table, 0, 0); }
  static Action SetRegister(uint8_t reg, uint32_t value, uint32_t mask) {
    return Make(ActionType::kSetRegister, reg, 0, value & mask, mask);
  }
  static Action Meter(uint32_t id) { return Make(ActionType::kMeter, 0, 0, id, 0); }
  static Action SetTunnel(uint64_t tun_id) { return Make(ActionType::kSetTunnel, 0, 0, 0, tun_id); }

  void Mac(uint8_t out[6]) const { std::memcpy(out, &u64, 6); }

  bool operator==(const Action& o) const {
    return type == o.type && reg == o.reg && u16 == o.u16 && u32 == o.u32 && u64 == o.u64;
  }

 private:
  static Action Make(ActionType t, uint8_t reg, uint16_t u16, uint32_t u32, uint64_t u64) {
    Action a;
    a.type = t;
    a.reg = reg;
    a.u16 = u16;
    a.u32 = u32;
    a.u64 = u64;
    return a;
  }
  static uint64_t MacWord(const uint8_t mac[6]) {
    uint64_t w = 0;
    std::memcpy(&w, mac, 6);
    return w;
  }
};
static_assert(sizeof(Action) == 16, "actions are 16-byte records, 4 per cache line");

using ActionList = std::vector<Action>;

// A view of an action list inside a pipeline snapshot's arena.
struct ActionSpan {
  const Action* data = nullptr;
  uint32_t size = 0;
  const Action* begin() const { return data; }
  const Action* end() const { return data + size; }
};

// True for actions that change packet bytes or key fields (and so must also be applied to
// the key a later table matches on).
inline bool ActionRewritesKey(ActionType t) {
  switch (t) {
    case ActionType::kSetEthSrc:
    case ActionType::kSetEthDst:
    case ActionType::kSetIpv4Src:
    case ActionType::kSetIpv4Dst:
    case ActionType::kSetTpSrc:
    case ActionType::kSetTpDst:
    case ActionType::kSetVlanVid:
    case ActionType::kSetDscp:
    case ActionType::kPushVlan:
    case ActionType::kPopVlan:
    case ActionType::kSetRegister:
    case ActionType::kSetTunnel:
      return true;
    default:
      return false;
  }
}

// Applies an action's effect to a FlowKey, so the next table of a pipeline matches on the
// packet as rewritten so far (OpenFlow apply-actions semantics). Non-rewriting actions are
// no-ops here.
void ApplyActionToKey(const Action& action, FlowKey* key);

}  // namespace vswitch::flow
