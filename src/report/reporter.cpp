#include "report/reporter.h"

#include <algorithm>
#include <stdexcept>

namespace patchgate::report {

const std::vector<std::string>& format_names() {
  static const std::vector<std::string> names = {"github", "json", "junit", "markdown", "sarif", "text"};
  return names;
}

bool is_known_format(const std::string& name) {
  const auto& names = format_names();
  return std::find(names.begin(), names.end(), name) != names.end();
}

void write_format(const std::string& format, const Report& report, const TextStyle& style, std::ostream& out) {
  if (format == "text") return write_text(report, style, out);
  if (format == "json") return write_json(report, out);
  if (format == "sarif") return write_sarif(report, out);
  if (format == "github") return write_github(report, out);
  if (format == "markdown") return write_markdown(report, out);
  if (format == "junit") return write_junit(report, out);
  throw std::invalid_argument("unknown format: " + format);
}

}  // namespace patchgate::report
