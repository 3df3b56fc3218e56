#pragma once

// The top-level declarations of a Go file, as the review packet and grounding need them:
// where each starts (with its doc comment) and ends, and what to call it.

#include <string>
#include <string_view>
#include <vector>

namespace patchgate::review {

struct GoDeclaration {
  enum class Kind { kFunction, kOther };  // func and method declarations; type, var, const, import
  Kind kind = Kind::kOther;
  int first_line = 0;  // the doc comment's first line when there is one
  int decl_line = 0;   // the `func`/`type`/`var` keyword's line
  int last_line = 0;
  std::string name;       // "Limiter.topUp", "NewLimiter"; the first line's text for other declarations
  std::string signature;  // "func (l *Limiter) topUp()"; whitespace folded, at most ~120 characters
  // The outermost function literals inside an other declaration (`var h = func(...) {...}`):
  // their first and last lines.
  std::vector<std::pair<int, int>> literals;
};

// In source order; empty when the file does not parse in time. Declarations with syntax
// errors are kept as tree-sitter recovered them.
std::vector<GoDeclaration> go_declarations(const std::string& source);

// Text helpers the packet and grounding share: lines without their `\r`, and whitespace runs
// folded to one space with none at the ends.
std::vector<std::string> split_lines(std::string_view text);
std::string fold_whitespace(std::string_view text);

// The innermost declaration containing `line`, or null.
const GoDeclaration* declaration_at(const std::vector<GoDeclaration>& declarations, int line);

}  // namespace patchgate::review
