#include "report/escape.h"

#include <algorithm>
#include <cstdio>

namespace patchgate::report {

namespace {

constexpr char32_t kInvalid = 0xFFFFFFFF;

// The code point at text[pos] and its length in bytes; kInvalid (length 1) for a byte that
// does not start a well-formed, shortest-form UTF-8 sequence of a scalar value.
char32_t decode(std::string_view text, size_t pos, size_t& length) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char lead = byte(pos);
  length = 1;
  if (lead < 0x80) return lead;
  size_t extra = 0;
  char32_t cp = 0, min = 0;
  if ((lead & 0xE0) == 0xC0)
    extra = 1, cp = lead & 0x1F, min = 0x80;
  else if ((lead & 0xF0) == 0xE0)
    extra = 2, cp = lead & 0x0F, min = 0x800;
  else if ((lead & 0xF8) == 0xF0)
    extra = 3, cp = lead & 0x07, min = 0x10000;
  else
    return kInvalid;
  if (pos + extra >= text.size()) return kInvalid;
  for (size_t i = 1; i <= extra; ++i) {
    unsigned char next = byte(pos + i);
    if ((next & 0xC0) != 0x80) return kInvalid;
    cp = (cp << 6) | (next & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return kInvalid;
  length = extra + 1;
  return cp;
}

bool is_bidi_control(char32_t cp) {
  return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E || cp == 0x200F ||
         cp == 0x061C;
}

std::string hex_escape(const char* prefix, unsigned value, int digits, bool upper = false) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, upper ? "%s%0*X" : "%s%0*x", prefix, digits, value);
  return buffer;
}

bool is_ascii_alnum(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// The longest run of backticks in text.
size_t longest_backtick_run(std::string_view text) {
  size_t longest = 0, run = 0;
  for (char c : text) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  return longest;
}

}  // namespace

std::string printable(std::string_view text, KeepControls keep) {
  std::string out;
  out.reserve(text.size());
  for (size_t pos = 0; pos < text.size();) {
    size_t length = 1;
    char32_t cp = decode(text, pos, length);
    if (cp == kInvalid) {
      out += "\xEF\xBF\xBD";  // U+FFFD
    } else if (cp == '\t' && keep.tab) {
      out.push_back('\t');
    } else if (cp == '\n' && keep.newline) {
      out.push_back('\n');
    } else if (cp == '\n' || cp == '\r' || cp == '\t') {
      out += cp == '\n' ? "\\n" : cp == '\r' ? "\\r" : "\\t";
    } else if (cp < 0x20 || cp == 0x7F) {
      out += hex_escape("\\x", static_cast<unsigned>(cp), 2);
    } else if ((cp >= 0x80 && cp <= 0x9F) || is_bidi_control(cp) || cp == 0xFFFE || cp == 0xFFFF) {
      out += hex_escape("\\u", static_cast<unsigned>(cp), 4);
    } else {
      out.append(text.substr(pos, length));
    }
    pos += length;
  }
  return out;
}

std::string markdown_text(std::string_view text) {
  // Markdown (emphasis, code, links, images, HTML, entities, tables), GitHub's extensions
  // (strikethrough, math, mentions) and headings; `:` only where it would start an autolink.
  static constexpr std::string_view kSpecial = "\\`*_{}[]()<>#!|~&$@";
  std::string clean = printable(text);
  std::string out;
  out.reserve(clean.size() + clean.size() / 4);
  for (size_t i = 0; i < clean.size(); ++i) {
    char c = clean[i];
    bool autolink = c == ':' && i + 1 < clean.size() && clean[i + 1] == '/';
    if (autolink || kSpecial.find(c) != std::string_view::npos) out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

std::string markdown_code(std::string_view text, bool in_table) {
  std::string clean = printable(text);
  if (clean.empty()) return "";
  if (in_table) {
    std::string escaped;
    for (char c : clean) {
      if (c == '|') escaped.push_back('\\');
      escaped.push_back(c);
    }
    clean = std::move(escaped);
  }
  // The renderer strips one space from each side when both have one: padding lets the code
  // start or end with a backtick, and keeps its own outer spaces.
  std::string fence(longest_backtick_run(clean) + 1, '`');
  bool pad = clean.front() == '`' || clean.back() == '`' || (clean.front() == ' ' && clean.back() == ' ');
  return pad ? fence + " " + clean + " " + fence : fence + clean + fence;
}

std::string markdown_code_block(std::string_view code, std::string_view info) {
  std::string clean = printable(code, {.tab = true, .newline = true});
  while (!clean.empty() && clean.back() == '\n') clean.pop_back();
  std::string fence(std::max<size_t>(3, longest_backtick_run(clean) + 1), '`');
  std::string language;
  for (char c : info)
    if (is_ascii_alnum(static_cast<unsigned char>(c)) || c == '+' || c == '-') language.push_back(c);
  return fence + language + "\n" + clean + "\n" + fence + "\n";
}

std::string xml_text(std::string_view text, bool attribute) {
  std::string clean = printable(text, {.tab = true, .newline = true});
  std::string out;
  out.reserve(clean.size());
  for (char c : clean) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += attribute ? "&quot;" : "\"";
        break;
      case '\'':
        out += attribute ? "&apos;" : "'";
        break;
      case '\n':
        out += attribute ? "&#10;" : "\n";
        break;
      case '\t':
        out += attribute ? "&#9;" : "\t";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

int code_point_column(std::string_view line, int byte_column) {
  if (byte_column <= 1) return byte_column;
  size_t bytes = static_cast<size_t>(byte_column - 1);
  int column = 1;
  for (size_t i = 0; i < bytes; ++i)
    if (i >= line.size() || (static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) ++column;
  return column;
}

namespace {

constexpr std::string_view kZeroWidthSpace = "\xE2\x80\x8B";

// The length of the whitespace .NET's TrimStart removes at the start of line: ASCII blanks and
// the Unicode space separators.
size_t leading_space(std::string_view line) {
  size_t pos = 0;
  while (pos < line.size()) {
    unsigned char c = static_cast<unsigned char>(line[pos]);
    if (c == ' ' || (c >= '\t' && c <= '\r')) {
      ++pos;
      continue;
    }
    size_t length = 1;
    char32_t cp = decode(line, pos, length);
    bool space = cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 ||
                 cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
    if (!space) break;
    pos += length;
  }
  return pos;
}

}  // namespace

std::string defuse_ci_commands(std::string_view rendered, bool line_starts) {
  std::string out;
  out.reserve(rendered.size());
  for (size_t pos = 0; pos < rendered.size();) {
    size_t end = rendered.find('\n', pos);
    if (end == std::string_view::npos) end = rendered.size();
    std::string_view line = rendered.substr(pos, end - pos);
    if (line_starts) {
      size_t lead = leading_space(line);
      if (line.substr(lead).starts_with("::")) {
        out.append(line.substr(0, lead));
        out += kZeroWidthSpace;
        line.remove_prefix(lead);
      }
    }
    for (size_t i = 0; i < line.size(); ++i) {
      out.push_back(line[i]);
      if (line.compare(i, 3, "##[") == 0) out += kZeroWidthSpace;
    }
    if (end < rendered.size()) out.push_back('\n');
    pos = end + 1;
  }
  return out;
}

std::string inert_json(std::string_view json) {
  std::string out;
  out.reserve(json.size());
  for (size_t pos = 0; pos < json.size();) {
    if (json.compare(pos, 3, "##[") == 0) {
      out += "##\\u005b";
      pos += 3;
      continue;
    }
    size_t length = 1;
    char32_t cp = decode(json, pos, length);
    if (cp != kInvalid && (cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || is_bidi_control(cp)))
      out += hex_escape("\\u", static_cast<unsigned>(cp), 4);
    else
      out.append(json.substr(pos, length));
    pos += length;
  }
  return out;
}

std::string relative_uri(std::string_view path) {
  std::string out;
  for (char ch : path) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (is_ascii_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/')
      out.push_back(ch);
    else
      out += hex_escape("%", c, 2, true);
  }
  return out;
}

}  // namespace patchgate::report
