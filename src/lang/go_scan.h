#pragma once

// A Go file's tokens and top-level declarations, found without parsing: tens of times faster
// than tree-sitter, and enough to say where each function's body is. An analysis that needs
// only some bodies has tree-sitter skip the others (Parser::parse with included ranges) and
// still sees every signature, type, variable and import.

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace patchgate::lang {

struct GoToken {
  enum class Kind { kEnd, kIdentifier, kLiteral, kOpen, kClose, kOperator, kError };
  Kind kind = Kind::kEnd;
  uint32_t begin = 0;
  uint32_t end = 0;
  bool newline_before = false;  // a line break (or a comment holding one) since the last token
};

// Go's tokens in [begin, end) of a text, comments and spaces skipped. Operators come one
// character at a time, except `++` and `--` (they end a line's statement as Go's automatic
// semicolons need). kError: an unterminated string, rune or comment; nothing follows it.
class GoScanner {
 public:
  GoScanner(std::string_view source, uint32_t begin, uint32_t end);
  explicit GoScanner(std::string_view source) : GoScanner(source, 0, static_cast<uint32_t>(source.size())) {}
  GoToken next();
  std::string_view text(const GoToken& token) const { return source_.substr(token.begin, token.end - token.begin); }

 private:
  std::string_view source_;
  uint32_t at_;
  uint32_t end_;
  bool failed_ = false;
};

struct GoDeclaration {
  enum class Kind { kPackage, kImport, kType, kVar, kConst, kFunction, kMethod };
  Kind kind = Kind::kFunction;
  uint32_t begin = 0;  // the keyword
  uint32_t end = 0;    // one past the declaration's last token
  // A function's body, `{` to one past `}`; both 0 for a declaration without one (assembly).
  uint32_t body_begin = 0;
  uint32_t body_end = 0;
  std::string_view name;      // functions and methods
  std::string_view receiver;  // methods: the receiver's type, without `*` or type parameters
  // `var` declarations without a function literal: the insides of their outermost composite
  // literals' braces (`[]T{` to `}`, exclusive), in order; the tables of table-driven tests.
  std::vector<std::pair<uint32_t, uint32_t>> literals;
};

// Told every identifier a declaration scan passes: the index of the declaration it is in,
// whether it is in that declaration's function body, and whether it follows a `.` (a field,
// a method, another package's member).
class GoIdentifierSink {
 public:
  virtual ~GoIdentifierSink() = default;
  virtual void identifier(size_t declaration, bool in_body, bool after_dot, std::string_view name) = 0;
};

// The file's top-level declarations in order. nullopt when the text is not a sequence of
// top-level declarations as far as tokens show (an unterminated literal or comment, unbalanced
// brackets, a statement outside a function): such a file is parsed whole.
std::optional<std::vector<GoDeclaration>> scan_go_declarations(std::string_view source,
                                                               GoIdentifierSink* sink = nullptr);

// The names a `type`, `var` or `const` declaration of `source` declares: the leading `a, b`
// of each spec (a type spec's first name only), in a group or alone.
std::vector<std::string_view> go_declared_names(std::string_view source, const GoDeclaration& declaration);

}  // namespace patchgate::lang
