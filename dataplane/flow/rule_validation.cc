// ValidateRule: the meaning checks every rule passes, whether it came from text or from code.
#include <string>

#include "flow/action_text.h"
#include "flow/rule.h"

namespace vswitch::flow {

namespace {

constexpr size_t kMaxActionsPerRule = 256;

bool EthIs(const FlowMatch& m, uint16_t t) { return m.mask.eth_type == 0xffff && m.key.eth_type == t; }
bool ProtoIs(const FlowMatch& m, uint8_t p) { return m.mask.nw_proto == 0xff && m.key.nw_proto == p; }

}  // namespace

const char* FlowModCommandName(FlowModCommand c) {
  switch (c) {
    case FlowModCommand::kAdd:
      return "add";
    case FlowModCommand::kModify:
      return "modify";
    case FlowModCommand::kModifyStrict:
      return "modify-strict";
    case FlowModCommand::kDelete:
      return "delete";
    case FlowModCommand::kDeleteStrict:
      return "delete-strict";
  }
  return "?";
}

Status ValidateRule(const Rule& rule, int* bad_action) {
  if (rule.table >= kMaxTables) {
    return Status::InvalidArgument("table: " + std::to_string(rule.table) + " is out of range (0.." +
                                   std::to_string(kMaxTables - 1) + ")");
  }
  Status s = ValidateMatchPrerequisites(rule.match);
  if (!s.ok()) return s;
  if (rule.actions.size() > kMaxActionsPerRule) {
    return Status::InvalidArgument("actions: more than " + std::to_string(kMaxActionsPerRule) + " actions");
  }
  const FlowMatch& m = rule.match;
  bool ip4 = EthIs(m, 0x0800), ip6 = EthIs(m, 0x86dd);
  bool l4 = (ip4 || ip6) && (ProtoIs(m, 6) || ProtoIs(m, 17) || ProtoIs(m, 132));
  for (size_t i = 0; i < rule.actions.size(); ++i) {
    const Action& a = rule.actions[i];
    std::string err;
    switch (a.type) {
      case ActionType::kSetIpv4Src:
      case ActionType::kSetIpv4Dst:
        if (!ip4) err = "requires the match to include ip (dl_type=0x0800)";
        break;
      case ActionType::kSetTpSrc:
      case ActionType::kSetTpDst:
        if (!l4) err = "requires the match to include tcp, udp or sctp";
        break;
      case ActionType::kSetDscp:
        if (a.u16 > 63) err = "DSCP must be 0..63";
        else if (!ip4 && !ip6) err = "requires the match to include ip or ipv6";
        break;
      case ActionType::kSetVlanVid:
        if (a.u16 > 4095) err = "VLAN id must be 0..4095";
        break;
      case ActionType::kPushVlan:
        if (a.u16 != 0x8100 && a.u16 != 0x88a8) err = "TPID must be 0x8100 or 0x88a8";
        break;
      case ActionType::kGotoTable:
        if (i + 1 != rule.actions.size()) err = "must be the last action";
        else if (a.u16 <= rule.table) err = "must go to a table after " + std::to_string(rule.table);
        else if (a.u16 >= kMaxTables) err = "table out of range";
        break;
      case ActionType::kSetRegister:
        if (a.reg >= kNumRegisters) err = "register index out of range";
        else if (static_cast<uint32_t>(a.u64) == 0 || (a.u64 >> 32) != 0) err = "register mask must be a non-zero 32-bit mask";
        else if (a.u32 & ~static_cast<uint32_t>(a.u64)) err = "register value has bits outside its mask";
        break;
      case ActionType::kNfChain:
        err = "network function chains are not available yet";
        break;
      default:
        break;
    }
    if (!err.empty()) {
      if (bad_action) *bad_action = static_cast<int>(i);
      return Status::InvalidArgument("actions: " + FormatAction(a) + ": " + err);
    }
  }
  return Status::Ok();
}

}  // namespace vswitch::flow
