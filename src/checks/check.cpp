#include "checks/check.h"

namespace patchgate::checks {

int RuleOptions::get(const std::string& name, int fallback) const {
  auto it = values_.find(name);
  if (it == values_.end() || !it->is_number_integer()) return fallback;
  return it->get<int>();
}

const go::LockAnalysis& GoPackageContext::locks() {
  if (!locks_) locks_ = std::make_unique<go::LockAnalysis>(package_, options_);
  return *locks_;
}

}  // namespace patchgate::checks
