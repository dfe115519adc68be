// The match fields of the rule syntax: one table that says, for every name ovs-ofctl users
// type (in_port, dl_src, nw_dst, tp_dst, tcp_flags, reg0, the `tcp`/`ip`... shorthands), where
// it lives in the FlowKey, how its value and mask are written, and which other fields it
// requires (OVS "prerequisites": tp_dst needs tcp/udp/sctp, nw_src needs ip or arp...).
// The parser and the formatter both read this table, so they cannot disagree on a field.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "flow/flow_match.h"

namespace vswitch::flow {

// Resolves a port name (e.g. "vm1") to the switch port number; nullopt = unknown name.
using PortResolver = std::function<std::optional<uint32_t>(std::string_view name)>;
// Names a port number for output; nullopt = print the number.
using PortNamer = std::function<std::optional<std::string>(uint32_t port)>;

enum class Prerequisite : uint8_t {
  kNone,
  kIpOrArp,      // dl_type=0x0800 or 0x0806
  kIpv4,         // dl_type=0x0800
  kIpv6,         // dl_type=0x86dd
  kIpAny,        // IPv4 or IPv6
  kIpAnyOrArp,
  kArp,
  kL4,           // IPv4/IPv6 and nw_proto tcp, udp or sctp
  kTcp,          // IPv4/IPv6 and nw_proto=6
  kUdp,
  kSctp,
  kIcmp,         // IPv4 and nw_proto=1
  kIcmpv6,       // IPv6 and nw_proto=58
};

struct MatchFieldDef;

// Looks a field name or alias up; nullptr if there is none.
const MatchFieldDef* FindMatchField(std::string_view name);

// Parses `value` (the text after "name=", or empty for shorthands such as "tcp") into
// `match`, merging with what earlier fields set. Returns "" or the reason, e.g.
// "'80x' is not a number" or "conflicts with an earlier field". `exact_only` rejects masks.
std::string ParseMatchField(const MatchFieldDef& field, std::string_view value, const PortResolver& resolver,
                            bool exact_only, FlowMatch* match);

// "" if the field's prerequisites hold in `match`, else the reason, e.g.
// "tp_dst requires tcp, udp or sctp (add 'tcp', 'udp' or 'sctp' before it)".
std::string CheckPrerequisite(const MatchFieldDef& field, const FlowMatch& match);

// Name as typed (the canonical name for aliases is the first one in the table).
const char* MatchFieldName(const MatchFieldDef& field);

// Canonical text of a match, e.g. "in_port=1,tcp,nw_dst=10.0.0.0/24,tp_dst=80"; "" for a
// catch-all. Parsing it back gives an equal FlowMatch for every match the parser produces.
std::string FormatMatch(const FlowMatch& match, const PortNamer& namer = nullptr);

}  // namespace vswitch::flow
