#include "port/port_devargs.h"

#include <algorithm>
#include <set>

namespace vswitch {

namespace {

struct OptionRule {
  const char* key;
  enum Kind { kString, kPath, kBool, kUint, kEnum } kind;
  const char* allowed = nullptr;  // for kEnum: "a|b"
  bool required = false;
};

struct TypeRule {
  const char* type;
  const char* driver;  // DPDK vdev driver; nullptr for pci
  std::vector<OptionRule> options;
};

const std::vector<TypeRule>& Rules() {
  static const std::vector<TypeRule> kRules = {
      {"vhost-user", "net_vhost",
       {{"path", OptionRule::kPath, nullptr, true}, {"mode", OptionRule::kEnum, "client|server"}, {"queues", OptionRule::kUint}}},
      {"virtio-user", "net_virtio_user",
       {{"path", OptionRule::kPath, nullptr, true}, {"server", OptionRule::kBool}, {"queues", OptionRule::kUint}, {"iface", OptionRule::kString}}},
      {"af-xdp", "net_af_xdp",
       {{"iface", OptionRule::kString, nullptr, true}, {"start-queue", OptionRule::kUint}, {"queues", OptionRule::kUint}}},
      {"af-packet", "net_af_packet", {{"iface", OptionRule::kString, nullptr, true}, {"queues", OptionRule::kUint}}},
      {"tap", "net_tap", {{"iface", OptionRule::kString}}},
      {"pcap", "net_pcap",
       {{"rx-pcap", OptionRule::kPath}, {"tx-pcap", OptionRule::kPath}, {"infinite-rx", OptionRule::kBool}, {"iface", OptionRule::kString}}},
      {"null", "net_null", {{"no-rx", OptionRule::kBool}, {"size", OptionRule::kUint}}},
      {"ring", "net_ring", {}},
      {"memif", "net_memif",
       {{"socket", OptionRule::kPath}, {"role", OptionRule::kEnum, "server|client"}, {"id", OptionRule::kUint}}},
      {"pci", nullptr, {{"addr", OptionRule::kString, nullptr, true}}},
  };
  return kRules;
}

bool IsUint(const std::string& v) {
  return !v.empty() && v.size() <= 9 && std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// DPDK devargs are comma-separated key=value: a value containing ',' or '=' would be split
// into a different option, so such values are refused rather than silently misparsed.
bool SafeDevargValue(const std::string& v) {
  return v.find_first_of(",= \t\n;") == std::string::npos;
}

bool IsPciAddress(const std::string& v) {
  // DDDD:BB:DD.F or BB:DD.F
  auto hex = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; };
  std::string s = v;
  if (s.size() == 7) s = "0000:" + s;
  if (s.size() != 12) return false;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!hex(s[i])) return false;
  return s[4] == ':' && s[7] == ':' && s[10] == '.' && s[11] >= '0' && s[11] <= '7';
}

Status CheckOption(const OptionRule& rule, const std::string& value) {
  if (!SafeDevargValue(value)) return Status::InvalidArgument("value '" + value + "' must not contain ',', '=', ';' or spaces");
  switch (rule.kind) {
    case OptionRule::kString:
    case OptionRule::kPath:
      if (value.empty()) return Status::InvalidArgument("must not be empty");
      return Status::Ok();
    case OptionRule::kBool:
      if (value != "0" && value != "1" && value != "true" && value != "false")
        return Status::InvalidArgument("expected 0/1/true/false, got '" + value + "'");
      return Status::Ok();
    case OptionRule::kUint:
      if (!IsUint(value)) return Status::InvalidArgument("expected a non-negative number, got '" + value + "'");
      return Status::Ok();
    case OptionRule::kEnum: {
      std::string allowed = rule.allowed;
      size_t start = 0;
      while (start <= allowed.size()) {
        size_t bar = allowed.find('|', start);
        if (bar == std::string::npos) bar = allowed.size();
        if (allowed.compare(start, bar - start, value) == 0) return Status::Ok();
        start = bar + 1;
      }
      std::string readable = allowed;
      std::replace(readable.begin(), readable.end(), '|', '/');
      return Status::InvalidArgument("expected " + readable + ", got '" + value + "'");
    }
  }
  return Status::Ok();
}

std::string BoolAsDigit(const std::string& v) { return (v == "1" || v == "true") ? "1" : "0"; }

std::string Get(const PortConfig& c, const std::string& key, const std::string& fallback) {
  auto it = c.options.find(key);
  return it == c.options.end() ? fallback : it->second;
}

}  // namespace

const std::vector<std::string>& SupportedPortTypes() {
  static const std::vector<std::string> kTypes = [] {
    std::vector<std::string> t;
    for (const auto& r : Rules()) t.push_back(r.type);
    return t;
  }();
  return kTypes;
}

Status ValidatePortName(const std::string& name) {
  if (name.empty() || name.size() > 32) return Status::InvalidArgument("port name must be 1-32 characters, got '" + name + "'");
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'))
      return Status::InvalidArgument("port name '" + name + "': only letters, digits, '_', '-' and '.' are allowed");
  }
  return Status::Ok();
}

Status BuildPortDevargs(const PortConfig& c, const std::string& unique_suffix, PortDevargs* out) {
  if (Status s = ValidatePortName(c.name); !s.ok()) return s;
  const std::string ctx = "port '" + c.name + "'";
  const TypeRule* rule = nullptr;
  for (const auto& r : Rules())
    if (c.type == r.type) rule = &r;
  if (rule == nullptr) {
    std::string list;
    for (const auto& t : SupportedPortTypes()) list += (list.empty() ? "" : ", ") + t;
    return Status::InvalidArgument(ctx + ": unknown type '" + c.type + "' (supported: " + list + ")");
  }
  for (const auto& [key, value] : c.options) {
    const OptionRule* opt = nullptr;
    for (const auto& o : rule->options)
      if (key == o.key) opt = &o;
    if (opt == nullptr) {
      std::string list;
      for (const auto& o : rule->options) list += std::string(list.empty() ? "" : ", ") + o.key;
      return Status::InvalidArgument(ctx + ": option '" + key + "' is not valid for type " + c.type +
                                     (list.empty() ? " (it takes no options)" : " (valid: " + list + ")"));
    }
    if (Status s = CheckOption(*opt, value); !s.ok()) return s.WithContext(ctx + ": option '" + key + "'");
  }
  for (const auto& o : rule->options)
    if (o.required && !c.options.count(o.key)) return Status::InvalidArgument(ctx + ": type " + c.type + " requires option '" + o.key + "'");

  PortDevargs d;
  const std::string& t = c.type;
  if (t == "pci") {
    const std::string addr = Get(c, "addr", "");
    if (!IsPciAddress(addr)) return Status::InvalidArgument(ctx + ": option 'addr': expected a PCI address like 0000:01:00.0, got '" + addr + "'");
    d.device_name = addr.size() == 7 ? "0000:" + addr : addr;
    d.devargs = d.device_name;
    d.is_pci = true;
    *out = d;
    return Status::Ok();
  }
  d.device_name = std::string(rule->driver) + "_vs" + unique_suffix;
  std::string a = d.device_name;
  auto add = [&a](const std::string& k, const std::string& v) { a += "," + k + "=" + v; };
  if (t == "vhost-user") {
    add("iface", Get(c, "path", ""));
    add("client", Get(c, "mode", "client") == "client" ? "1" : "0");
    add("queues", Get(c, "queues", "1"));
  } else if (t == "virtio-user") {
    add("path", Get(c, "path", ""));
    add("server", BoolAsDigit(Get(c, "server", "0")));
    add("queues", Get(c, "queues", "1"));
    if (c.options.count("iface")) add("iface", Get(c, "iface", ""));
  } else if (t == "af-xdp") {
    add("iface", Get(c, "iface", ""));
    add("start_queue", Get(c, "start-queue", "0"));
    add("queue_count", Get(c, "queues", "1"));
  } else if (t == "af-packet") {
    add("iface", Get(c, "iface", ""));
    add("qpairs", Get(c, "queues", "1"));
    d.af_packet_iface = Get(c, "iface", "");
  } else if (t == "tap") {
    std::string iface = Get(c, "iface", c.name);
    if (iface.size() > 15) return Status::InvalidArgument(ctx + ": option 'iface': kernel interface names are at most 15 characters, got '" + iface + "'");
    add("iface", iface);
  } else if (t == "pcap") {
    bool has_rx = c.options.count("rx-pcap"), has_tx = c.options.count("tx-pcap"), has_if = c.options.count("iface");
    if (has_if && (has_rx || has_tx)) return Status::InvalidArgument(ctx + ": option 'iface' cannot be combined with rx-pcap/tx-pcap");
    if (!has_if && !has_rx && !has_tx) return Status::InvalidArgument(ctx + ": type pcap needs rx-pcap, tx-pcap or iface");
    if (has_if) {
      add("iface", Get(c, "iface", ""));
    } else {
      if (has_rx) add("rx_pcap", Get(c, "rx-pcap", ""));
      if (has_tx) add("tx_pcap", Get(c, "tx-pcap", ""));
      // Without tx-pcap net_pcap drops what is sent to the port (a pure traffic source).
      if (BoolAsDigit(Get(c, "infinite-rx", "0")) == "1") {
        if (!has_rx) return Status::InvalidArgument(ctx + ": option 'infinite-rx' needs rx-pcap");
        add("infinite_rx", "1");
      }
    }
  } else if (t == "null") {
    if (BoolAsDigit(Get(c, "no-rx", "1")) == "1") add("no-rx", "1");
    if (c.options.count("size")) add("size", Get(c, "size", ""));
  } else if (t == "memif") {
    if (c.options.count("socket")) add("socket", Get(c, "socket", ""));
    add("role", Get(c, "role", "server"));
    add("id", Get(c, "id", "0"));
  }
  d.devargs = a;
  *out = d;
  return Status::Ok();
}

}  // namespace vswitch
