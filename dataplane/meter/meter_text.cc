#include "meter/meter_text.h"

#include <cinttypes>
#include <cstdio>
#include <string>
#include <vector>

namespace vswitch::meter {

namespace {

struct Token {
  std::string_view text;
  size_t column;  // 1-based position in the whole text
  int index;      // 1-based token number
};

bool IsSeparator(char c) { return c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::vector<Token> Tokenize(std::string_view text) {
  std::vector<Token> tokens;
  size_t i = 0;
  while (i < text.size()) {
    if (IsSeparator(text[i])) {
      ++i;
      continue;
    }
    size_t start = i;
    while (i < text.size() && !IsSeparator(text[i])) ++i;
    tokens.push_back({text.substr(start, i - start), start + 1, static_cast<int>(tokens.size()) + 1});
  }
  return tokens;
}

Status TokenError(const Token& t, const std::string& reason) {
  return Status::InvalidArgument("token " + std::to_string(t.index) + " '" + std::string(t.text) + "' at column " +
                                 std::to_string(t.column) + ": " + reason);
}

std::string Quoted(std::string_view s) {
  std::string q;
  q.reserve(s.size() + 2);
  q.push_back('\'');
  q.append(s);
  q.push_back('\'');
  return q;
}

// Decimal or 0x hex, no sign, at most `max`. Returns the reason on failure.
std::string ParseNumber(std::string_view s, uint64_t max, uint64_t* out) {
  if (s.empty()) return "missing number";
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s.remove_prefix(2);
  }
  uint64_t v = 0;
  for (char c : s) {
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (base == 16 && c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (base == 16 && c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else return Quoted(s) + " is not a number";
    if (v > (max - static_cast<uint64_t>(d)) / static_cast<uint64_t>(base)) return "larger than " + std::to_string(max);
    v = v * base + static_cast<uint64_t>(d);
  }
  *out = v;
  return "";
}

Status ParseId(const Token& t, std::string_view value, uint32_t* id) {
  if (value == "all" || value == "controller" || value == "slowpath")
    return TokenError(t, "a meter id 1-" + std::to_string(kMaxMeterId) + " is needed here");
  uint64_t v = 0;
  std::string err = ParseNumber(value, kMaxMeterId, &v);
  if (!err.empty()) return TokenError(t, "meter id: " + err + " (ids are 1-" + std::to_string(kMaxMeterId) + ")");
  if (v == 0) return TokenError(t, "meter id must be 1-" + std::to_string(kMaxMeterId));
  *id = static_cast<uint32_t>(v);
  return Status::Ok();
}

// Splits "key=value"; has_value false when there is no '='.
void SplitKeyValue(std::string_view text, std::string_view* key, std::string_view* value, bool* has_value) {
  size_t eq = text.find('=');
  *has_value = eq != std::string_view::npos;
  *key = *has_value ? text.substr(0, eq) : text;
  *value = *has_value ? text.substr(eq + 1) : std::string_view();
}

class MeterParser {
 public:
  Status Parse(std::string_view text, MeterSpec* out) {
    std::vector<Token> tokens = Tokenize(text);
    for (const Token& t : tokens) {
      std::string_view key, value;
      bool has_value;
      SplitKeyValue(t.text, &key, &value, &has_value);
      Status st;
      if (has_value && (key == "bands" || key == "band")) {
        if (in_bands_) return TokenError(t, "bands= given twice");
        in_bands_ = true;
        // "bands=type=drop": the rest of the token is the band's first field.
        if (!value.empty()) st = BandField(t, value);
      } else if (in_bands_) {
        st = BandField(t, t.text);
      } else {
        st = HeaderField(t, key, value, has_value);
      }
      if (!st.ok()) return st;
    }
    if (!id_given_) return Status::InvalidArgument("missing meter=ID");
    if (!unit_given_) return Status::InvalidArgument("missing unit: give kbps or pktps");
    if (!in_bands_ || !band_started_) return Status::InvalidArgument("missing bands=type=drop,rate=N");
    if (spec_.rate == 0) return Status::InvalidArgument("band: missing rate=N");
    if (spec_.burst && !burst_size_given_)
      return Status::InvalidArgument("the 'burst' flag needs burst_size=N in the band");
    if (Status st = ValidateMeterSpec(spec_); !st.ok()) return st;
    *out = spec_;
    return Status::Ok();
  }

 private:
  Status HeaderField(const Token& t, std::string_view key, std::string_view value, bool has_value) {
    if (has_value) {
      if (key == "meter") {
        if (id_given_) return TokenError(t, "meter= given twice");
        id_given_ = true;
        return ParseId(t, value, &spec_.id);
      }
      if (key == "type" || key == "rate" || key == "burst_size" || key == "prec_level")
        return TokenError(t, "band fields go after bands= (e.g. bands=type=drop,rate=1000)");
      return TokenError(t, "unknown field '" + std::string(key) + "' (expected meter=, kbps, pktps, burst, stats, bands=)");
    }
    if (key == "kbps" || key == "pktps") {
      MeterUnit u = key == "kbps" ? MeterUnit::kKbps : MeterUnit::kPktps;
      if (unit_given_)
        return TokenError(t, spec_.unit == u ? "unit given twice" : "kbps and pktps are exclusive: give one unit");
      unit_given_ = true;
      spec_.unit = u;
      return Status::Ok();
    }
    if (key == "burst") {
      if (spec_.burst) return TokenError(t, "flag given twice");
      spec_.burst = true;
      return Status::Ok();
    }
    if (key == "stats") {
      if (spec_.stats) return TokenError(t, "flag given twice");
      spec_.stats = true;
      return Status::Ok();
    }
    return TokenError(t, "unknown flag (expected kbps, pktps, burst or stats)");
  }

  Status BandField(const Token& t, std::string_view field) {
    std::string_view key, value;
    bool has_value;
    SplitKeyValue(field, &key, &value, &has_value);
    if (!has_value) {
      if (key == "kbps" || key == "pktps" || key == "burst" || key == "stats")
        return TokenError(t, "meter flags go before bands=");
      return TokenError(t, "expected key=value in a band (type=, rate=, burst_size=)");
    }
    if (key == "type") {
      if (band_started_) return TokenError(t, "only one band per meter is supported");
      if (value == "dscp_remark") return TokenError(t, "dscp_remark bands are not supported (only type=drop)");
      if (value != "drop") return TokenError(t, "unknown band type (only type=drop is supported)");
      band_started_ = true;
      return Status::Ok();
    }
    if (!band_started_) return TokenError(t, "a band must start with type=drop");
    if (key == "rate" || key == "burst_size") {
      uint64_t v = 0;
      std::string err = ParseNumber(value, UINT32_MAX, &v);
      if (!err.empty()) return TokenError(t, err);
      if (key == "rate") {
        if (rate_given_) return TokenError(t, "rate= given twice");
        rate_given_ = true;
        if (v == 0) return TokenError(t, "the band rate must be at least 1");
        spec_.rate = static_cast<uint32_t>(v);
      } else {
        if (burst_size_given_) return TokenError(t, "burst_size= given twice");
        burst_size_given_ = true;
        if (!spec_.burst) return TokenError(t, "burst_size is allowed only with the 'burst' flag (meter=ID,...,burst,...)");
        if (v == 0) return TokenError(t, "burst_size must be at least 1");
        spec_.burst_size = static_cast<uint32_t>(v);
      }
      return Status::Ok();
    }
    if (key == "prec_level") return TokenError(t, "prec_level belongs to dscp_remark bands, which are not supported");
    return TokenError(t, "unknown band field '" + std::string(key) + "' (expected type=, rate=, burst_size=)");
  }

  MeterSpec spec_;
  bool id_given_ = false;
  bool unit_given_ = false;
  bool in_bands_ = false;
  bool band_started_ = false;
  bool rate_given_ = false;
  bool burst_size_given_ = false;
};

}  // namespace

Status ParseMeter(std::string_view text, MeterSpec* out) {
  MeterParser parser;
  return parser.Parse(text, out);
}

std::string FormatMeter(const MeterSpec& spec) {
  std::string s = "meter=" + std::to_string(spec.id);
  s += spec.unit == MeterUnit::kKbps ? ",kbps" : ",pktps";
  if (spec.burst) s += ",burst";
  if (spec.stats) s += ",stats";
  s += ",bands=type=drop,rate=" + std::to_string(spec.rate);
  if (spec.burst) s += ",burst_size=" + std::to_string(spec.burst_size);
  return s;
}

Status ParseMeterSelector(std::string_view text, uint32_t* id) {
  std::vector<Token> tokens = Tokenize(text);
  if (tokens.empty()) {
    *id = kAllMeters;
    return Status::Ok();
  }
  if (tokens.size() > 1) return TokenError(tokens[1], "expected only meter=ID or meter=all");
  const Token& t = tokens[0];
  std::string_view key, value;
  bool has_value;
  SplitKeyValue(t.text, &key, &value, &has_value);
  if (key != "meter" || !has_value) return TokenError(t, "expected meter=ID or meter=all");
  if (value == "all") {
    *id = kAllMeters;
    return Status::Ok();
  }
  return ParseId(t, value, id);
}

std::string FormatMeterStats(const MeterEntry& e) {
  char buf[320];
  std::snprintf(buf, sizeof buf,
                "meter:%" PRIu32 " flow_count:%" PRIu64 " packet_in_count:%" PRIu64 " byte_in_count:%" PRIu64
                " duration:%.3fs bands: 0: packet_count:%" PRIu64 " byte_count:%" PRIu64,
                e.spec.id, e.flow_count, e.stats.packets_in, e.stats.bytes_in, e.duration_seconds,
                e.stats.packets_dropped, e.stats.bytes_dropped);
  return buf;
}

}  // namespace vswitch::meter
