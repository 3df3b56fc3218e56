#pragma once

#include <git2.h>

#include <string>
#include <utility>

#include "core/errors.h"

namespace patchgate::git {

// Move-only owner of one libgit2 object; Free is the matching git_*_free.
template <typename T, void (*Free)(T*)>
class Handle {
 public:
  Handle() = default;
  explicit Handle(T* raw) : raw_(raw) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& other) noexcept : raw_(std::exchange(other.raw_, nullptr)) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      raw_ = std::exchange(other.raw_, nullptr);
    }
    return *this;
  }
  ~Handle() { reset(); }

  T* get() const { return raw_; }
  T** out() {
    reset();
    return &raw_;
  }
  T* release() { return std::exchange(raw_, nullptr); }
  explicit operator bool() const { return raw_ != nullptr; }
  void reset() {
    if (raw_) Free(raw_);
    raw_ = nullptr;
  }

 private:
  T* raw_ = nullptr;
};

using RepositoryHandle = Handle<git_repository, git_repository_free>;
using TreeHandle = Handle<git_tree, git_tree_free>;
using CommitHandle = Handle<git_commit, git_commit_free>;
using IndexHandle = Handle<git_index, git_index_free>;
using DiffHandle = Handle<git_diff, git_diff_free>;
using PatchHandle = Handle<git_patch, git_patch_free>;
using BlobHandle = Handle<git_blob, git_blob_free>;
using ObjectHandle = Handle<git_object, git_object_free>;
using ReferenceHandle = Handle<git_reference, git_reference_free>;
using TreeEntryHandle = Handle<git_tree_entry, git_tree_entry_free>;
using SignatureHandle = Handle<git_signature, git_signature_free>;

// libgit2's last error text, or a fallback when it left none.
std::string last_error_text();

// Throws UserError(code) carrying libgit2's message and the caller's hint when rc < 0.
void check(int rc, const std::string& what, const std::string& hint = {},
           ExitCode code = kExitOperational);

// Initialises libgit2 once per process.
void ensure_initialised();
// How many certificate files libgit2's initialisation was spared parsing (tests): 1 with the
// shared libgit2 on mbedtls; 0 linked from the archives, where libgit2 has no TLS to set up.
int certificate_loads_skipped();

}  // namespace patchgate::git
