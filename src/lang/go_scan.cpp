#include "lang/go_scan.h"

#include <array>
#include <cstring>

namespace patchgate::lang {
namespace {

constexpr bool digit(unsigned char c) { return c >= '0' && c <= '9'; }
constexpr bool identifier_start(unsigned char c) { return c == '_' || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c >= 0x80; }

// Byte classes, looked up once per byte in the loops that cover most of a file.
enum : uint8_t { kPart = 1, kSpace = 2 };
constexpr std::array<uint8_t, 256> make_classes() {
  std::array<uint8_t, 256> table{};
  for (int c = 0; c < 256; ++c) {
    auto b = static_cast<unsigned char>(c);
    if (identifier_start(b) || digit(b)) table[b] |= kPart;
    if (b == ' ' || b == '\t' || b == '\r') table[b] |= kSpace;
  }
  return table;
}
constexpr std::array<uint8_t, 256> kClasses = make_classes();
bool identifier_part(unsigned char c) { return kClasses[c] & kPart; }

}  // namespace

GoScanner::GoScanner(std::string_view source, uint32_t begin, uint32_t end)
    : source_(source), at_(begin), end_(end < source.size() ? end : static_cast<uint32_t>(source.size())) {
  // A byte order mark may open a file; it is no token.
  if (at_ == 0 && source_.substr(0, 3) == "\xEF\xBB\xBF") at_ = 3;
}

GoToken GoScanner::next() {
  GoToken token;
  if (failed_) {
    token.kind = GoToken::Kind::kError;
    token.begin = token.end = at_;
    return token;
  }
  auto fail = [&](uint32_t from) {
    failed_ = true;
    token.kind = GoToken::Kind::kError;
    token.begin = from;
    token.end = at_ = end_;
    return token;
  };
  const char* s = source_.data();
  for (;;) {  // spaces and comments
    if (at_ >= end_) {
      token.begin = token.end = end_;
      return token;
    }
    char c = s[at_];
    if (c == '\n') {
      token.newline_before = true;
      ++at_;
    } else if (kClasses[static_cast<unsigned char>(c)] & kSpace) {
      ++at_;
    } else if (c == '/' && at_ + 1 < end_ && s[at_ + 1] == '/') {
      const void* newline = std::memchr(s + at_, '\n', end_ - at_);
      at_ = newline ? static_cast<uint32_t>(static_cast<const char*>(newline) - s) : end_;
    } else if (c == '/' && at_ + 1 < end_ && s[at_ + 1] == '*') {
      uint32_t from = at_;
      at_ += 2;
      for (;; ++at_) {
        if (at_ + 1 >= end_) return fail(from);
        if (s[at_] == '\n') token.newline_before = true;
        if (s[at_] == '*' && s[at_ + 1] == '/') break;
      }
      at_ += 2;
    } else {
      break;
    }
  }
  token.begin = at_;
  auto c = static_cast<unsigned char>(s[at_]);
  if (identifier_start(c)) {
    while (at_ < end_ && identifier_part(static_cast<unsigned char>(s[at_]))) ++at_;
    token.kind = GoToken::Kind::kIdentifier;
  } else if (digit(c) || (c == '.' && at_ + 1 < end_ && digit(static_cast<unsigned char>(s[at_ + 1])))) {
    // Digits, letters (hex, exponents, suffixes), `_` and `.`; an exponent's sign comes out as
    // an operator, which no use of these tokens minds.
    while (at_ < end_ && (identifier_part(static_cast<unsigned char>(s[at_])) || s[at_] == '.')) ++at_;
    token.kind = GoToken::Kind::kLiteral;
  } else if (c == '"' || c == '\'') {
    for (++at_;; ++at_) {
      if (at_ >= end_ || s[at_] == '\n') return fail(token.begin);
      if (s[at_] == '\\') {
        ++at_;
        if (at_ >= end_) return fail(token.begin);
        continue;
      }
      if (s[at_] == static_cast<char>(c)) break;
    }
    ++at_;
    token.kind = GoToken::Kind::kLiteral;
  } else if (c == '`') {
    const void* close = std::memchr(s + at_ + 1, '`', end_ - at_ - 1);
    if (!close) return fail(token.begin);
    at_ = static_cast<uint32_t>(static_cast<const char*>(close) - s) + 1;
    token.kind = GoToken::Kind::kLiteral;
  } else if (c == '(' || c == '[' || c == '{') {
    ++at_;
    token.kind = GoToken::Kind::kOpen;
  } else if (c == ')' || c == ']' || c == '}') {
    ++at_;
    token.kind = GoToken::Kind::kClose;
  } else {
    ++at_;
    if ((c == '+' || c == '-') && at_ < end_ && s[at_] == static_cast<char>(c)) ++at_;
    token.kind = GoToken::Kind::kOperator;
  }
  token.end = at_;
  return token;
}

namespace {

// Go inserts a semicolon at a line break after these (the spec's "Semicolons"): identifiers
// (break, continue, fallthrough and return among them; no other keyword ends a line),
// literals, closing brackets, ++ and --.
bool ends_statement(const GoToken& token, std::string_view spelling) {
  switch (token.kind) {
    case GoToken::Kind::kIdentifier:
    case GoToken::Kind::kLiteral:
    case GoToken::Kind::kClose: return true;
    case GoToken::Kind::kOperator: return spelling == "++" || spelling == "--";
    default: return false;
  }
}

// Walks the top-level declarations of a file, one token of lookahead.
class DeclarationScanner {
 public:
  DeclarationScanner(std::string_view source, GoIdentifierSink* sink) : source_(source), tokens_(source), sink_(sink) {
    advance();
  }

  std::optional<std::vector<GoDeclaration>> run() {
    std::vector<GoDeclaration> out;
    for (;;) {
      if (current_.kind == GoToken::Kind::kEnd) return out;
      if (is(";")) {
        advance();
        continue;
      }
      if (current_.kind != GoToken::Kind::kIdentifier) return std::nullopt;
      declaration_index_ = out.size();
      GoDeclaration declaration;
      declaration.begin = current_.begin;
      std::string_view keyword = text();
      if (keyword == "func") {
        if (!function(declaration)) return std::nullopt;
      } else {
        if (keyword == "package") declaration.kind = GoDeclaration::Kind::kPackage;
        else if (keyword == "import") declaration.kind = GoDeclaration::Kind::kImport;
        else if (keyword == "type") declaration.kind = GoDeclaration::Kind::kType;
        else if (keyword == "var") declaration.kind = GoDeclaration::Kind::kVar;
        else if (keyword == "const") declaration.kind = GoDeclaration::Kind::kConst;
        else return std::nullopt;
        advance();
        if (!to_statement_end(declaration)) return std::nullopt;
      }
      if (declaration.kind != GoDeclaration::Kind::kVar) declaration.literals.clear();
      out.push_back(declaration);
    }
  }

 private:
  std::string_view text() const { return tokens_.text(current_); }
  bool is(std::string_view spelling) const {
    return current_.kind != GoToken::Kind::kEnd && current_.kind != GoToken::Kind::kError && text() == spelling;
  }
  void advance() {
    if (sink_ && current_.kind == GoToken::Kind::kIdentifier)
      sink_->identifier(declaration_index_, in_body_, previous_.kind == GoToken::Kind::kOperator && previous_text_ == ".",
                        text());
    previous_ = current_;
    previous_text_ = text();
    current_ = tokens_.next();
  }
  bool at_statement_end(bool seen) const {
    if (current_.kind == GoToken::Kind::kEnd) return true;
    if (is(";")) return true;
    return seen && current_.newline_before && ends_statement(previous_, previous_text_);
  }

  // Consumes tokens to the end of the statement the declaration is (a `;`, written or
  // inserted at a line break, with every bracket closed).
  // Notes the outermost composite literals' insides on the way (GoDeclaration::literals): a
  // `{` after a type's last token (a name, `]`, or a struct type's `}`), not after `struct`
  // or `interface`; none at all once a `func` shows (a literal's body could be code).
  bool to_statement_end(GoDeclaration& declaration) {
    int depth = 0;
    bool seen = false;
    bool code = false;
    int literal_depth = -1;  // the depth inside the literal being noted, or -1
    for (;;) {
      if (current_.kind == GoToken::Kind::kError) return false;
      if (depth == 0 && at_statement_end(seen)) break;
      if (current_.kind == GoToken::Kind::kEnd) return false;  // a bracket left open
      if (current_.kind == GoToken::Kind::kIdentifier && text() == "func") code = true;
      if (current_.kind == GoToken::Kind::kOpen) {
        if (literal_depth < 0 && seen && text() == "{" && opens_literal()) {
          literal_depth = depth + 1;
          declaration.literals.emplace_back(current_.end, current_.end);
        }
        ++depth;
      }
      if (current_.kind == GoToken::Kind::kClose) {
        if (depth == literal_depth) {
          declaration.literals.back().second = current_.begin;
          literal_depth = -1;
        }
        if (--depth < 0) return false;
      }
      declaration.end = current_.end;
      seen = true;
      advance();
    }
    if (code) declaration.literals.clear();
    return seen;
  }
  // At a `{`: whether the token before ends a type, so that the brace opens a literal's value.
  bool opens_literal() const {
    if (previous_.kind == GoToken::Kind::kIdentifier)
      return previous_text_ != "struct" && previous_text_ != "interface" && previous_text_ != "func";
    return previous_text_ == "]" || previous_text_ == "}";
  }

  // Consumes a balanced bracket group starting at the current (opening) token.
  bool group() {
    int depth = 0;
    do {
      if (current_.kind == GoToken::Kind::kError || current_.kind == GoToken::Kind::kEnd) return false;
      if (current_.kind == GoToken::Kind::kOpen) ++depth;
      if (current_.kind == GoToken::Kind::kClose) --depth;
      advance();
    } while (depth > 0);
    return true;
  }

  bool function(GoDeclaration& declaration) {
    declaration.kind = GoDeclaration::Kind::kFunction;
    advance();  // func
    if (is("(")) {  // the receiver: its type is the last name outside brackets
      declaration.kind = GoDeclaration::Kind::kMethod;
      advance();
      int depth = 0;
      for (;;) {
        if (current_.kind == GoToken::Kind::kError || current_.kind == GoToken::Kind::kEnd) return false;
        if (current_.kind == GoToken::Kind::kOpen) ++depth;
        if (current_.kind == GoToken::Kind::kClose && depth-- == 0) break;
        if (depth == 0 && current_.kind == GoToken::Kind::kIdentifier) declaration.receiver = text();
        advance();
      }
      advance();  // )
      if (declaration.receiver.empty()) return false;
    }
    if (current_.kind != GoToken::Kind::kIdentifier) return false;
    declaration.name = text();
    declaration.end = current_.end;
    advance();
    // Type parameters, parameters and results, up to the body's `{`. A `{` right after
    // `struct` or `interface` opens a type in the signature instead.
    int depth = 0;
    bool seen = false;
    for (;;) {
      if (current_.kind == GoToken::Kind::kError) return false;
      if (depth == 0 && current_.kind == GoToken::Kind::kOpen && text() == "{" &&
          !(previous_.kind == GoToken::Kind::kIdentifier && (previous_text_ == "struct" || previous_text_ == "interface"))) {
        declaration.body_begin = current_.begin;
        in_body_ = true;
        bool closed = group();
        in_body_ = false;
        if (!closed) return false;
        declaration.body_end = declaration.end = previous_.end;
        return true;
      }
      if (depth == 0 && seen && at_statement_end(true)) return true;  // no body: implemented elsewhere
      if (current_.kind == GoToken::Kind::kEnd) return false;
      if (current_.kind == GoToken::Kind::kOpen) ++depth;
      if (current_.kind == GoToken::Kind::kClose && --depth < 0) return false;
      declaration.end = current_.end;
      seen = true;
      advance();
    }
  }

  std::string_view source_;
  GoScanner tokens_;
  GoIdentifierSink* sink_;
  size_t declaration_index_ = 0;
  bool in_body_ = false;
  GoToken current_;
  GoToken previous_;
  std::string_view previous_text_;
};

}  // namespace

std::optional<std::vector<GoDeclaration>> scan_go_declarations(std::string_view source, GoIdentifierSink* sink) {
  return DeclarationScanner(source, sink).run();
}

// The names a `type`, `var` or `const` declaration declares: the leading `a, b` of each spec
// (a type spec's first name only), in a group or alone.
std::vector<std::string_view> go_declared_names(std::string_view source, const GoDeclaration& d) {
  std::vector<std::string_view> out;
  const bool type = d.kind == GoDeclaration::Kind::kType;
  GoScanner tokens(source, d.begin, d.end);
  tokens.next();  // the keyword
  GoToken token = tokens.next();
  const bool group = token.kind == GoToken::Kind::kOpen && tokens.text(token) == "(";
  if (group) token = tokens.next();
  bool spec_start = true;  // the next token begins a spec
  bool in_names = false;   // after a spec's first name, where `, name` may follow
  bool want_name = false;  // after that comma
  int depth = 0;
  GoToken previous;
  bool have_previous = false;
  for (; token.kind != GoToken::Kind::kEnd && token.kind != GoToken::Kind::kError;
       previous = token, have_previous = true, token = tokens.next()) {
    std::string_view text = tokens.text(token);
    if (group && depth == 0) {
      if (text == ")") break;
      if (text == ";" || (have_previous && token.newline_before && ends_statement(previous, tokens.text(previous)))) {
        spec_start = true;
        in_names = want_name = false;
        if (text == ";") continue;
      }
    }
    if (depth == 0 && (spec_start || want_name) && token.kind == GoToken::Kind::kIdentifier) {
      out.push_back(text);
      in_names = !type;
      spec_start = want_name = false;
      continue;
    }
    if (depth == 0 && in_names && text == ",") {
      want_name = true;
      in_names = false;
      continue;
    }
    spec_start = in_names = want_name = false;
    if (token.kind == GoToken::Kind::kOpen) ++depth;
    if (token.kind == GoToken::Kind::kClose) --depth;
  }
  return out;
}

}  // namespace patchgate::lang
