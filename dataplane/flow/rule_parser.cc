#include "flow/rule_parser.h"

#include <string>
#include <vector>

#include "flow/action_text.h"
#include "flow/text_values.h"

namespace vswitch::flow {

namespace {

struct Token {
  std::string_view text;
  size_t column;  // 1-based position in the whole text
  int index;      // 1-based token number
};

bool IsSeparator(char c) { return c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

Status TokenError(const Token& t, const std::string& reason) {
  return Status::InvalidArgument("token " + std::to_string(t.index) + " '" + std::string(t.text) + "' at column " +
                                 std::to_string(t.column) + ": " + reason);
}

enum class Form { kAdd, kModify, kModifyStrict, kDelete, kDeleteStrict, kFilter, kTrace };

bool FormHasActions(Form f) { return f == Form::kAdd || f == Form::kModify || f == Form::kModifyStrict; }
bool FormIsStrict(Form f) { return f == Form::kAdd || f == Form::kModifyStrict || f == Form::kDeleteStrict; }
const char* FormName(Form f) {
  switch (f) {
    case Form::kAdd: return "add-flow";
    case Form::kModify: return "mod-flows";
    case Form::kModifyStrict: return "mod-flows --strict";
    case Form::kDelete: return "del-flows";
    case Form::kDeleteStrict: return "del-flows --strict";
    case Form::kFilter: return "a flow filter";
    case Form::kTrace: return "trace";
  }
  return "?";
}

// What one parse produces; each public entry point picks its parts.
struct Parsed {
  Rule rule;
  bool table_given = false;
  bool priority_given = false;
  uint64_t cookie_mask = 0;
  bool cookie_given = false;
};

// duration=1.234s as a dump prints it.
bool IsDuration(std::string_view v) {
  if (v.size() < 2 || v.back() != 's') return false;
  v.remove_suffix(1);
  bool digit = false, dot = false;
  for (char c : v) {
    if (c >= '0' && c <= '9') digit = true;
    else if (c == '.' && !dot) dot = true;
    else return false;
  }
  return digit;
}

Status Parse(std::string_view text, Form form, const PortResolver& resolver, Parsed* out) {
  // Split into tokens; "actions=" swallows the rest of the text.
  std::vector<Token> tokens;
  std::vector<Token> action_tokens;
  bool have_actions = false;
  Token actions_token{};
  size_t i = 0;
  int index = 0;
  while (i < text.size()) {
    while (i < text.size() && IsSeparator(text[i])) ++i;
    if (i >= text.size()) break;
    size_t start = i;
    ++index;
    if (text.substr(i, 8) == "actions=") {
      have_actions = true;
      actions_token = Token{text.substr(start), start + 1, index};
      // Actions are comma separated; whitespace around them is allowed.
      size_t p = i + 8;
      // Action tokens are numbered from the actions= token: "ip,actions=output:9" -> token 2.
      int action_index = index - 1;
      while (true) {
        size_t end = text.find(',', p);
        std::string_view a = text.substr(p, end == std::string_view::npos ? std::string_view::npos : end - p);
        size_t lead = 0;
        while (lead < a.size() && IsSpace(a[lead])) ++lead;
        a.remove_prefix(lead);
        while (!a.empty() && IsSpace(a.back())) a.remove_suffix(1);
        action_tokens.push_back(Token{a, p + lead + 1, ++action_index});
        if (end == std::string_view::npos) break;
        p = end + 1;
      }
      break;
    }
    while (i < text.size() && !IsSeparator(text[i])) ++i;
    tokens.push_back(Token{text.substr(start, i - start), start + 1, index});
  }

  Rule& rule = out->rule;
  struct SeenField {
    const MatchFieldDef* def;
    Token token;
  };
  std::vector<SeenField> seen;
  auto seen_before = [&](const MatchFieldDef* d) {
    for (const auto& s : seen)
      if (s.def == d) return true;
    return false;
  };
  bool seen_key[16] = {};  // table, priority, cookie, idle, hard, stats...

  for (const Token& t : tokens) {
    size_t eq = t.text.find('=');
    std::string_view key = t.text.substr(0, eq);
    std::string_view value = eq == std::string_view::npos ? std::string_view() : t.text.substr(eq + 1);
    bool has_value = eq != std::string_view::npos;
    std::string err;

    // Rule-level keys first.
    static const char* kRuleKeys[] = {"table", "priority", "cookie", "idle_timeout", "hard_timeout",
                                      "duration", "n_packets", "n_bytes", "idle_age", "hard_age"};
    int rk = -1;
    for (int k = 0; k < 10; ++k)
      if (key == kRuleKeys[k]) rk = k;
    if (rk >= 0) {
      if (!has_value || value.empty()) return TokenError(t, std::string(kRuleKeys[rk]) + " needs a value");
      if (seen_key[rk]) return TokenError(t, "duplicate " + std::string(key));
      seen_key[rk] = true;
      if (form == Form::kTrace) return TokenError(t, std::string(key) + " is not part of a packet description");
      uint64_t v;
      switch (rk) {
        case 0:  // table
          if (!(err = ParseUint(value, kMaxTables - 1, &v)).empty()) return TokenError(t, err);
          rule.table = static_cast<uint8_t>(v);
          out->table_given = true;
          break;
        case 1:  // priority
          if (!FormIsStrict(form)) return TokenError(t, std::string("priority is only used with --strict, not in ") + FormName(form));
          if (!(err = ParseUint(value, 0xffff, &v)).empty()) return TokenError(t, err);
          rule.priority = static_cast<uint16_t>(v);
          out->priority_given = true;
          break;
        case 2: {  // cookie
          std::string_view cv, cm;
          bool has_mask;
          SplitValueMask(value, &cv, &cm, &has_mask);
          if (!(err = ParseUint(cv, UINT64_MAX, &rule.cookie)).empty()) return TokenError(t, err);
          uint64_t mask = UINT64_MAX;
          if (has_mask && cm != "-1" && !(err = ParseUint(cm, UINT64_MAX, &mask)).empty()) return TokenError(t, err);
          if (form == Form::kAdd && mask != UINT64_MAX) return TokenError(t, "a cookie mask selects rules; add-flow takes an exact cookie (or /-1)");
          out->cookie_mask = mask;
          out->cookie_given = true;
          break;
        }
        case 3:
        case 4:  // timeouts
          if (form != Form::kAdd) return TokenError(t, std::string(key) + " is only allowed in add-flow");
          if (!(err = ParseUint(value, 0xffff, &v)).empty()) return TokenError(t, err);
          (rk == 3 ? rule.idle_timeout : rule.hard_timeout) = static_cast<uint16_t>(v);
          break;
        default:  // statistics printed by dump-flows: checked, not stored
          if (form != Form::kAdd) return TokenError(t, std::string(key) + " is dump output, only accepted by add-flow");
          if (rk == 5 ? !IsDuration(value) : !ParseUint(value, UINT64_MAX, &v).empty())
            return TokenError(t, "'" + std::string(value) + "' is not a valid " + std::string(key));
          break;
      }
      continue;
    }

    const MatchFieldDef* def = FindMatchField(key);
    if (!def) {
      return TokenError(t, has_value ? "unknown field '" + std::string(key) + "'" : "unknown keyword '" + std::string(key) + "'");
    }
    if (has_value && value.empty()) return TokenError(t, std::string(key) + " needs a value");
    if (has_value && seen_before(def)) return TokenError(t, "duplicate field " + std::string(key));
    err = ParseMatchField(*def, value, resolver, form == Form::kTrace, &rule.match);
    if (!err.empty()) return TokenError(t, err);
    seen.push_back(SeenField{def, t});
  }

  // Prerequisites are checked once everything is known, so field order does not matter.
  for (const auto& s : seen) {
    std::string err = CheckPrerequisite(*s.def, rule.match);
    if (!err.empty()) return TokenError(s.token, err);
  }

  if (have_actions && !FormHasActions(form)) {
    return TokenError(actions_token, std::string(FormName(form)) + " takes no actions");
  }
  if (!have_actions && FormHasActions(form)) {
    return Status::InvalidArgument(std::string(FormName(form)) + ": missing actions= (use actions=drop to drop)");
  }
  if (have_actions) {
    if (action_tokens.size() == 1 && (action_tokens[0].text == "drop" || action_tokens[0].text == "DROP")) {
      rule.actions.clear();
    } else {
      for (const Token& a : action_tokens) {
        std::string err = ParseAction(a.text, resolver, &rule.actions);
        if (!err.empty()) return TokenError(a, err);
      }
    }
    int bad = -1;
    Status s = ValidateRule(rule, &bad);
    if (!s.ok()) {
      if (bad >= 0 && bad < static_cast<int>(action_tokens.size())) return TokenError(action_tokens[bad], s.message());
      return s;
    }
  } else {
    Status s = ValidateMatchPrerequisites(rule.match);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace

Status ParseRule(std::string_view text, const PortResolver& resolver, Rule* out) {
  Parsed p;
  Status s = Parse(text, Form::kAdd, resolver, &p);
  if (!s.ok()) return s;
  *out = std::move(p.rule);
  return Status::Ok();
}

Status ParseFlowMod(std::string_view text, FlowModCommand command, const PortResolver& resolver, FlowMod* out) {
  Form form = Form::kAdd;
  switch (command) {
    case FlowModCommand::kAdd: form = Form::kAdd; break;
    case FlowModCommand::kModify: form = Form::kModify; break;
    case FlowModCommand::kModifyStrict: form = Form::kModifyStrict; break;
    case FlowModCommand::kDelete: form = Form::kDelete; break;
    case FlowModCommand::kDeleteStrict: form = Form::kDeleteStrict; break;
  }
  Parsed p;
  Status s = Parse(text, form, resolver, &p);
  if (!s.ok()) return s;
  out->command = command;
  out->rule = std::move(p.rule);
  out->all_tables = command != FlowModCommand::kAdd && !p.table_given;
  out->cookie_mask = command == FlowModCommand::kAdd ? 0 : (p.cookie_given ? p.cookie_mask : 0);
  return Status::Ok();
}

Status ParseFlowFilter(std::string_view text, const PortResolver& resolver, FlowFilter* out) {
  Parsed p;
  Status s = Parse(text, Form::kFilter, resolver, &p);
  if (!s.ok()) return s;
  out->all_tables = !p.table_given;
  out->table = p.rule.table;
  out->match = p.rule.match;
  out->cookie = p.rule.cookie;
  out->cookie_mask = p.cookie_given ? p.cookie_mask : 0;
  return Status::Ok();
}

Status ParseTraceFlow(std::string_view text, const PortResolver& resolver, FlowKey* out) {
  Parsed p;
  Status s = Parse(text, Form::kTrace, resolver, &p);
  if (!s.ok()) return s;
  *out = p.rule.match.key;
  return Status::Ok();
}

}  // namespace vswitch::flow
