#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace patchgate::checks {

// docs/rules/<id>.md, embedded at build time.
std::optional<std::string_view> rule_doc(const std::string& id);
// The first sentence of the page's first paragraph: the one-line summary `rules` shows.
std::string rule_summary(const std::string& id);

}  // namespace patchgate::checks
