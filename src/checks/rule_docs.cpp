#include "checks/rule_docs.h"

#include <utility>
#include <vector>

namespace patchgate {
const std::vector<std::pair<std::string_view, std::string_view>>& embedded_rule_docs();  // generated
}

namespace patchgate::checks {

std::optional<std::string_view> rule_doc(const std::string& id) {
  for (const auto& [name, text] : embedded_rule_docs())
    if (name == id) return text;
  return std::nullopt;
}

std::string rule_summary(const std::string& id) {
  auto doc = rule_doc(id);
  if (!doc) return "";
  std::string_view text = *doc;
  // Skip the title and blank lines; the summary is the first sentence after them.
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    std::string_view line = text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    if (!line.empty() && line[0] != '#') break;
    pos = end == std::string_view::npos ? text.size() : end + 1;
  }
  std::string summary;
  for (; pos < text.size(); ++pos) {
    char c = text[pos];
    if (c == '\n') {
      if (pos + 1 < text.size() && text[pos + 1] == '\n') break;
      c = ' ';
    }
    summary.push_back(c);
    if (c == '.' && (pos + 1 == text.size() || text[pos + 1] == ' ' || text[pos + 1] == '\n')) break;
  }
  return summary;
}

}  // namespace patchgate::checks
