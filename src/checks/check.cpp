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

const git::ChangedFile* GoPackageContext::changed_file(const std::string& path) const {
  if (!change_) return nullptr;
  for (const auto& file : change_->files)
    if (file.path == path) return &file;
  return nullptr;
}

const std::string& GoPackageContext::change_message() const {
  static const std::string none;
  return change_ ? change_->message : none;
}

const go::Package* GoPackageContext::base_package() {
  if (!base_loaded_) {
    base_loaded_ = true;
    if (base_loader_) base_ = base_loader_();
  }
  return base_.get();
}

const go::LockAnalysis* GoPackageContext::base_locks(const std::function<bool(const go::Function&)>& root) {
  if (!base_locks_ && base_package()) base_locks_ = std::make_unique<go::LockAnalysis>(*base_, options_, root);
  return base_locks_.get();
}

}  // namespace patchgate::checks
