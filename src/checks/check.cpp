#include "checks/check.h"

#include <map>
#include <set>
#include <string_view>
#include <stdexcept>

#include "core/git/source_tree.h"

namespace patchgate::checks {

int RuleOptions::get(const std::string& name, int fallback) const {
  auto it = values_.find(name);
  if (it == values_.end() || !it->is_number_integer()) return fallback;
  return it->get<int>();
}

void GoPackageContext::check_owner(const char* what) const {
  if (std::this_thread::get_id() != owner_)
    throw std::logic_error(std::string("GoPackageContext::") + what +
                           " called off the package's own thread (a rule outside the lock-state category "
                           "reads the lock analysis)");
}

const go::LockAnalysis& GoPackageContext::locks() {
  check_owner("locks()");
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

bool GoPackageContext::base_may_declare(const std::vector<const go::Function*>& functions) const {
  if (!change_ || !change_->base || !base_reader_) return true;
  std::set<std::string> touched;  // new-revision paths in the change
  for (const auto& file : change_->files) touched.insert(file.path);
  std::set<std::string> wanted;
  for (const go::Function* fn : functions) wanted.insert(fn->display_name);
  // Declared by a file the change leaves alone: so at both revisions.
  for (const auto& fn : package_.functions())
    if (!fn.name.empty() && !touched.count(fn.file->path) && wanted.count(fn.display_name)) return true;
  // Else only the old text of a file of this directory the change touches can declare one.
  for (const auto& file : change_->files) {
    if (file.status == git::FileStatus::kAdded || git::parent_dir(file.old_path) != package_.dir()) continue;
    auto text = base_reader_(file.old_path);
    if (!text) return true;  // unreadable: let the loader say so
    // Each distinct word is looked for once per file: a change adding a type's methods asks for
    // the same receiver every time, and a word that is absent costs a pass over the whole text.
    std::map<std::string_view, bool> found;
    auto contains = [&](const std::string& word) {
      auto [it, added] = found.emplace(word, false);
      if (added) it->second = text->find(word) != std::string::npos;
      return it->second;
    };
    for (const go::Function* fn : functions)
      if ((fn->receiver_type.empty() || contains(fn->receiver_type)) && contains(fn->name)) return true;
  }
  return false;
}

const go::Package* GoPackageContext::base_package() {
  check_owner("base_package()");
  if (!base_loaded_) {
    base_loaded_ = true;
    if (base_loader_) base_ = base_loader_();
  }
  return base_.get();
}

const go::LockAnalysis* GoPackageContext::base_locks(const std::function<bool(const go::Function&)>& root) {
  check_owner("base_locks()");
  if (!base_locks_ && base_package()) base_locks_ = std::make_unique<go::LockAnalysis>(*base_, options_, root);
  return base_locks_.get();
}

}  // namespace patchgate::checks
