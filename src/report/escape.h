#pragma once

#include <string>
#include <string_view>

// Text from the repository (file names, code, messages that quote code) is hostile until
// escaped: a terminal acts on ANSI escapes, a CI log on `::` workflow commands, a Markdown
// renderer on HTML and link syntax. These helpers make it inert; each reporter adds the
// escaping its own syntax needs.
namespace patchgate::report {

struct KeepControls {
  bool tab = false;
  bool newline = false;
};

// Valid UTF-8 with every control character made visible: C0 controls and DEL as `\x1b`
// (newline, CR and tab as `\n`, `\r`, `\t`), C1 controls, the bidirectional overrides and
// isolates ("Trojan Source") and the noncharacters XML forbids as `\u202e`. Tab and newline
// stay raw only when asked. Invalid UTF-8 becomes U+FFFD.
std::string printable(std::string_view text, KeepControls keep = {});

// Markdown inline text: printable, then every character Markdown, GitHub's extensions or HTML
// would act on is backslash-escaped, so it renders as the literal text (tables included).
std::string markdown_text(std::string_view text);
// A Markdown code span that holds `text` literally, whatever backticks it contains;
// `in_table` also escapes `|`, which GitHub's tables split cells on even inside code spans.
std::string markdown_code(std::string_view text, bool in_table = false);
// A fenced code block: the fence is longer than any backtick run in the code.
std::string markdown_code_block(std::string_view code, std::string_view info = {});

// XML 1.0 character data and attribute values: printable (which leaves no character XML 1.0
// forbids), then & < > " ' as entities; newlines and tabs in attributes as references.
std::string xml_text(std::string_view text, bool attribute = false);

// A 1-based byte column of `line` as a 1-based Unicode code point column.
int code_point_column(std::string_view line, int byte_column);

// CI runners read workflow commands from a step's output: GitHub's `::name::data` at the start
// of a line (after whitespace) and the legacy `##[name]data` anywhere in a line. For output a
// CI log may show, every such sequence not written by patchgate's own `github` reporter gets
// a zero-width space that breaks it; `line_starts` false leaves line starts alone (the github
// format's own commands).
std::string defuse_ci_commands(std::string_view rendered, bool line_starts = true);
// JSON text as the serializer wrote it (controls below 0x20 already escaped), with the rest
// of what a terminal or a CI log acts on escaped inside its strings, every value unchanged:
// DEL, C1 controls and bidi overrides as \u escapes, `##[` as `##\u005b`.
std::string inert_json(std::string_view json);

// A repository-relative path as a relative URI reference: everything outside the unreserved
// characters and `/` percent-encoded (so `:` in a first segment cannot read as a scheme).
std::string relative_uri(std::string_view path);

}  // namespace patchgate::report
