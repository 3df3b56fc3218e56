#include "core/finding.h"

#include <cstdint>
#include <tuple>

namespace patchgate {

const char* to_string(Severity severity) {
  switch (severity) {
    case Severity::kNote: return "note";
    case Severity::kWarning: return "warning";
    case Severity::kError: return "error";
  }
  return "error";
}

std::optional<Severity> parse_severity(const std::string& text) {
  if (text == "note") return Severity::kNote;
  if (text == "warning") return Severity::kWarning;
  if (text == "error") return Severity::kError;
  return std::nullopt;
}

namespace {

// 64-bit FNV-1a: small, stable across platforms and releases, good enough to key findings.
uint64_t fnv1a(const std::string& text, uint64_t hash = 1469598103934665603ULL) {
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}

std::string fold_whitespace(const std::string& text) {
  std::string out;
  bool pending_space = false;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::string compute_fingerprint(const Finding& finding, const std::string& primary_line_text,
                                const std::string& discriminator) {
  std::string key = finding.rule + '\x1f' + finding.location.file + '\x1f' + finding.enclosing_function +
                    '\x1f' + fold_whitespace(primary_line_text) + '\x1f' + discriminator;
  static const char* digits = "0123456789abcdef";
  uint64_t hash = fnv1a(key);
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i) {
    out[i] = digits[hash & 0xf];
    hash >>= 4;
  }
  return out;
}

bool finding_less(const Finding& a, const Finding& b) {
  return std::tie(a.location.file, a.location.line, a.location.column, a.rule, a.message) <
         std::tie(b.location.file, b.location.line, b.location.column, b.rule, b.message);
}

}  // namespace patchgate
