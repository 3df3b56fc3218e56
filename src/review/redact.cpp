#include "review/redact.h"

#include <array>
#include <cctype>
#include <optional>

namespace patchgate::review {

namespace {

bool is_alpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }
bool is_word(char c) { return is_alnum(c) || c == '_'; }
bool is_space(char c) { return c == ' ' || c == '\t'; }
bool is_base64url(char c) { return is_alnum(c) || c == '_' || c == '-'; }

std::string marker(std::string_view kind) { return "[REDACTED:" + std::string(kind) + "]"; }

// The marker for text[begin, end), followed by the line breaks the span held.
void append_redacted(std::string& out, std::string_view span, std::string_view kind) {
  out += marker(kind);
  for (char c : span)
    if (c == '\n') out.push_back('\n');
}

// `${VAR}`, `%s`, `{{ .Token }}`, `<password>`, `********`, or an earlier redaction.
bool is_placeholder(std::string_view value) {
  if (value.empty()) return true;
  char first = value.front();
  if (first == '$' || first == '%' || first == '{' || first == '<' || value.rfind("[REDACTED", 0) == 0) return true;
  return value.find_first_not_of(first) == std::string_view::npos;
}

// ---- PEM private keys ------------------------------------------------------------------

// A line of a PEM body as it may sit in code: base64 inside quotes, `\n` escapes, `+`.
bool looks_like_pem_body(std::string_view line) {
  size_t first = line.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return false;
  line = line.substr(first, line.find_last_not_of(" \t\r") - first + 1);
  if (line.rfind("Proc-Type:", 0) == 0 || line.rfind("DEK-Info:", 0) == 0) return true;
  // A Go/Python string concatenation: `"...\n" +`.
  while (!line.empty() && (line.back() == '+' || line.back() == ',' || is_space(line.back()))) line.remove_suffix(1);
  std::string kept;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (c == '\\' && i + 1 < line.size() && (line[i + 1] == 'n' || line[i + 1] == 'r')) {
      ++i;
      continue;
    }
    if (c == '"' || c == '\'' || c == '`') continue;
    kept.push_back(c);
  }
  // Base64 lines are 64 characters but the last; `return nil` is not one.
  if (kept.size() < 16 && (kept.empty() || kept.back() != '=')) return false;
  for (char c : kept)
    if (!is_alnum(c) && c != '+' && c != '/' && c != '=') return false;
  return true;
}

std::string redact_private_keys(std::string_view in, int& count) {
  constexpr std::string_view kBegin = "-----BEGIN ";
  constexpr size_t kSearchLimit = 64 * 1024;
  std::string out;
  size_t pos = 0;
  for (size_t begin = in.find(kBegin); begin != std::string_view::npos; begin = in.find(kBegin, pos)) {
    size_t label_start = begin + kBegin.size();
    size_t label_end = in.find("-----", label_start);
    size_t line_end = std::min(in.find('\n', begin), in.size());
    if (label_end == std::string_view::npos || label_end > line_end ||
        in.substr(label_start, label_end - label_start).find("PRIVATE KEY") == std::string_view::npos) {
      out.append(in.substr(pos, label_start - pos));
      pos = label_start;
      continue;
    }
    size_t end = std::string_view::npos;
    size_t end_marker = in.find("-----END ", label_end + 5);
    if (end_marker != std::string_view::npos && end_marker - begin < kSearchLimit) {
      size_t close = in.find("-----", end_marker + 9);
      size_t end_line = std::min(in.find('\n', end_marker), in.size());
      end = close != std::string_view::npos && close < end_line ? close + 5 : end_line;
    } else {
      // No END line (a hunk cut it off): the block runs while the lines look like its body.
      end = label_end + 5;
      while (end < in.size() && in[end] == '\n') {
        size_t next_end = std::min(in.find('\n', end + 1), in.size());
        if (!looks_like_pem_body(in.substr(end + 1, next_end - end - 1))) break;
        end = next_end;
      }
    }
    out.append(in.substr(pos, begin - pos));
    append_redacted(out, in.substr(begin, end - begin), "private-key");
    ++count;
    pos = end;
  }
  out.append(in.substr(pos));
  return out;
}

// ---- Tokens recognised by their prefix ------------------------------------------------------

enum class Body { kUpperDigit, kAlnum, kAlnumUnderscore, kAlnumDash, kKeyChars, kBearer };

bool in_body(Body body, char c) {
  switch (body) {
    case Body::kUpperDigit: return (c >= 'A' && c <= 'Z') || is_digit(c);
    case Body::kAlnum: return is_alnum(c);
    case Body::kAlnumUnderscore: return is_word(c);
    case Body::kAlnumDash: return is_alnum(c) || c == '-';
    case Body::kKeyChars: return is_base64url(c);
    case Body::kBearer: return is_base64url(c) || c == '.' || c == '~' || c == '+' || c == '/' || c == '=';
  }
  return false;
}

struct TokenRule {
  std::string_view prefix;
  std::string_view kind;
  Body body;
  size_t min, max;   // length of the body after the prefix
  bool needs_digit;  // random keys have digits; words joined by dashes do not
};

constexpr std::array kTokenRules = {
    TokenRule{"AKIA", "aws-access-key-id", Body::kUpperDigit, 16, 16, false},
    TokenRule{"ASIA", "aws-access-key-id", Body::kUpperDigit, 16, 16, false},
    TokenRule{"ghp_", "github-token", Body::kAlnum, 30, 255, false},
    TokenRule{"gho_", "github-token", Body::kAlnum, 30, 255, false},
    TokenRule{"ghs_", "github-token", Body::kAlnum, 30, 255, false},
    TokenRule{"ghu_", "github-token", Body::kAlnum, 30, 255, false},
    TokenRule{"ghr_", "github-token", Body::kAlnum, 30, 255, false},
    TokenRule{"github_pat_", "github-token", Body::kAlnumUnderscore, 22, 255, false},
    TokenRule{"xoxa-", "slack-token", Body::kAlnumDash, 10, 255, true},
    TokenRule{"xoxb-", "slack-token", Body::kAlnumDash, 10, 255, true},
    TokenRule{"xoxp-", "slack-token", Body::kAlnumDash, 10, 255, true},
    TokenRule{"xoxr-", "slack-token", Body::kAlnumDash, 10, 255, true},
    TokenRule{"xoxs-", "slack-token", Body::kAlnumDash, 10, 255, true},
    TokenRule{"sk-", "api-key", Body::kKeyChars, 20, 400, true},
    TokenRule{"AIza", "google-api-key", Body::kKeyChars, 30, 40, false},
    TokenRule{"sk_live_", "stripe-key", Body::kAlnum, 16, 255, false},
    TokenRule{"rk_live_", "stripe-key", Body::kAlnum, 16, 255, false},
    TokenRule{"sk_test_", "stripe-key", Body::kAlnum, 16, 255, false},
    TokenRule{"rk_test_", "stripe-key", Body::kAlnum, 16, 255, false},
    TokenRule{"Bearer ", "bearer-token", Body::kBearer, 20, 4096, true},
};

// The end of a JWT starting at `start` (three base64url parts, the first starting eyJ), or 0.
size_t jwt_end(std::string_view in, size_t start) {
  if (in.compare(start, 3, "eyJ") != 0) return 0;
  size_t i = start;
  auto run = [&]() {
    size_t from = i;
    while (i < in.size() && is_base64url(in[i])) ++i;
    return i - from;
  };
  if (run() < 10 || i >= in.size() || in[i] != '.') return 0;
  ++i;
  if (run() < 4 || i >= in.size() || in[i] != '.') return 0;
  ++i;
  run();  // the signature: empty for alg "none"
  return i;
}

std::string redact_tokens(std::string_view in, int& count) {
  std::string out;
  out.reserve(in.size());
  size_t i = 0;
  while (i < in.size()) {
    bool boundary = i == 0 || !(is_word(in[i - 1]) || in[i - 1] == '-');
    size_t end = 0;
    std::string_view kind;
    if (boundary) {
      if (size_t jwt = jwt_end(in, i)) {
        end = jwt;
        kind = "jwt";
      }
      for (const auto& rule : kTokenRules) {
        if (end) break;
        if (in.compare(i, rule.prefix.size(), rule.prefix) != 0) continue;
        size_t j = i + rule.prefix.size();
        bool digit = false;
        while (j < in.size() && in_body(rule.body, in[j])) digit |= is_digit(in[j++]);
        size_t length = j - i - rule.prefix.size();
        if (length < rule.min || length > rule.max || (rule.needs_digit && !digit)) continue;
        if (j < in.size() && is_alnum(in[j])) continue;  // a longer word, not this token
        end = j;
        kind = rule.kind;
      }
    }
    if (end) {
      size_t keep = kind == "bearer-token" ? 7 : 0;  // "Bearer " says what the value was
      out.append(in.substr(i, keep));
      append_redacted(out, in.substr(i + keep, end - i - keep), kind);
      ++count;
      i = end;
    } else {
      out.push_back(in[i++]);
    }
  }
  return out;
}

// ---- scheme://user:PASSWORD@host ------------------------------------------------------------

std::string redact_url_passwords(std::string_view in, int& count) {
  std::string out;
  size_t pos = 0;
  for (size_t sep = in.find("://"); sep != std::string_view::npos; sep = in.find("://", sep + 3)) {
    size_t scheme = sep;
    while (scheme > 0 && (is_alnum(in[scheme - 1]) || in[scheme - 1] == '+' || in[scheme - 1] == '.' || in[scheme - 1] == '-'))
      --scheme;
    if (scheme == sep || !is_alpha(in[scheme])) continue;
    size_t start = sep + 3, at = std::string_view::npos;
    for (size_t j = start; j < in.size(); ++j) {
      char c = in[j];
      if (std::isspace(static_cast<unsigned char>(c)) || c == '"' || c == '\'' || c == '`' || c == '<' || c == '>' ||
          c == '/' || c == '?' || c == '#' || c == '\\')
        break;
      if (c == '@') at = j;
    }
    if (at == std::string_view::npos) continue;
    size_t colon = in.find(':', start);
    if (colon == std::string_view::npos || colon >= at) continue;
    std::string_view password = in.substr(colon + 1, at - colon - 1);
    if (is_placeholder(password)) continue;
    out.append(in.substr(pos, colon + 1 - pos));
    out += marker("url-password");
    ++count;
    pos = at;
    sep = at;
  }
  out.append(in.substr(pos));
  return out;
}

// ---- name = "literal" -----------------------------------------------------------------------

// The kind of secret an assignment's name announces, by how the name ends.
std::optional<std::string_view> secret_kind(std::string_view name) {
  std::string folded;
  for (char c : name)
    if (c != '_' && c != '-') folded.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  auto ends = [&](std::string_view suffix) {
    return folded.size() >= suffix.size() && folded.compare(folded.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends("password") || ends("passwd")) return "password";
  if (ends("secret") || ends("secretkey")) return "secret";
  if (ends("token")) return "token";
  if (ends("apikey")) return "api-key";
  if (ends("accesskey")) return folded.find("awssecret") != std::string::npos ? "aws-secret-access-key" : "access-key";
  if (ends("privatekey")) return "private-key";
  return std::nullopt;
}

// `x.token`, `tokenValue2`, `cfg.Auth.Token`: an expression, not a literal.
bool reads_like_code(std::string_view value) {
  if (value.empty() || !(is_alpha(value.front()) || value.front() == '_')) return false;
  char previous = 0;
  for (char c : value) {
    if (!(is_word(c) || c == '.') || (c == '.' && previous == '.')) return false;
    previous = c;
  }
  return value.back() != '.';
}

constexpr size_t kMinSecretLength = 8;

std::string redact_assignments(std::string_view in, int& count) {
  std::string out;
  size_t pos = 0, i = 0;
  while (i < in.size()) {
    if (!(is_alpha(in[i]) || in[i] == '_') || (i > 0 && is_word(in[i - 1]))) {
      ++i;
      continue;
    }
    size_t name_end = i;
    while (name_end < in.size() && (is_word(in[name_end]) || in[name_end] == '-')) ++name_end;
    std::string_view name = in.substr(i, name_end - i);
    size_t k = name_end;
    i = name_end;
    auto kind = secret_kind(name);
    if (!kind) continue;
    // A quoted key: "password": ...
    size_t name_start = name_end - name.size();
    if (name_start > 0 && (in[name_start - 1] == '"' || in[name_start - 1] == '\'') && k < in.size() &&
        in[k] == in[name_start - 1])
      ++k;
    size_t gap = k;
    while (k < in.size() && is_space(in[k])) ++k;
    bool spaced = k != gap;
    std::string_view sep;
    if (in.compare(k, 2, ":=") == 0) {
      sep = ":=";
    } else if (k < in.size() && in[k] == '=' && (k + 1 == in.size() || (in[k + 1] != '=' && in[k + 1] != '>'))) {
      sep = "=";
    } else if (k < in.size() && in[k] == ':' && (k + 1 == in.size() || in[k + 1] != ':')) {
      sep = ":";
    } else {
      continue;
    }
    k += sep.size();
    gap = k;
    while (k < in.size() && is_space(in[k])) ++k;
    spaced |= k != gap;
    if (k >= in.size()) break;

    size_t value_start = k, value_end = k;
    char quote = in[k];
    if (quote == '"' || quote == '\'' || quote == '`') {
      size_t m = k + 1;
      while (m < in.size() && in[m] != quote && in[m] != '\n') m += (in[m] == '\\' && quote != '`') ? 2 : 1;
      if (m >= in.size() || in[m] != quote) continue;
      value_start = k + 1;
      value_end = m;
      std::string_view value = in.substr(value_start, value_end - value_start);
      bool blank_inside = value.find_first_of(" \t") != std::string_view::npos;
      if (value.size() < kMinSecretLength || blank_inside || is_placeholder(value)) continue;
    } else {
      if (sep == ":=") continue;  // Go: a literal would be quoted
      size_t m = k;
      while (m < in.size() && !std::isspace(static_cast<unsigned char>(in[m])) &&
             std::string_view("\"'`,;()[]{}<>").find(in[m]) == std::string_view::npos)
        ++m;
      size_t rest = m;
      while (rest < in.size() && is_space(in[rest])) ++rest;
      bool line_ends = rest == in.size() || in[rest] == '\n' || in[rest] == '\r' || (rest > m && in[rest] == '#');
      std::string_view value = in.substr(k, m - k);
      if (!line_ends || value.size() < kMinSecretLength || is_placeholder(value) ||
          std::string_view("&*!<>-+=|^~.:").find(value.front()) != std::string_view::npos)
        continue;
      // gofmt puts spaces around `=`; `NAME=value` is a shell, .env or ini line.
      if (reads_like_code(value) && !(sep == ":" || (sep == "=" && !spaced))) continue;
      value_end = m;
    }
    out.append(in.substr(pos, value_start - pos));
    out += marker(*kind);
    ++count;
    pos = i = value_end;
  }
  out.append(in.substr(pos));
  return out;
}

}  // namespace

std::string redact_secrets(std::string_view text, int* count) {
  int found = 0;
  std::string out = redact_private_keys(text, found);
  out = redact_tokens(out, found);
  out = redact_url_passwords(out, found);
  out = redact_assignments(out, found);
  if (count) *count += found;
  return out;
}

bool is_env_file(std::string_view path) {
  size_t slash = path.find_last_of('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  return name == ".env" || name.rfind(".env.", 0) == 0;
}

std::string redact_env_file(std::string_view text, int* count) {
  int found = 0;
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = std::min(text.find('\n', pos), text.size());
    std::string_view line = text.substr(pos, end - pos);
    size_t first = line.find_first_not_of(" \t");
    size_t equals = line.find('=');
    bool assignment = first != std::string_view::npos && line[first] != '#' && equals != std::string_view::npos;
    std::string_view value = assignment ? line.substr(equals + 1) : std::string_view();
    while (!value.empty() && (is_space(value.back()) || value.back() == '\r')) value.remove_suffix(1);
    if (assignment && value.find_first_not_of(" \t") != std::string_view::npos) {
      out.append(line.substr(0, equals + 1));
      out += marker("env-value");
      if (!line.empty() && line.back() == '\r') out.push_back('\r');
      ++found;
    } else {
      out.append(line);
    }
    if (end < text.size()) out.push_back('\n');
    pos = end + 1;
  }
  out = redact_secrets(out, &found);
  if (count) *count += found;
  return out;
}

}  // namespace patchgate::review
