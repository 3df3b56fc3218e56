#include "core/git/source_tree.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cerrno>
#include <filesystem>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "core/heap.h"

namespace patchgate::git {

std::string parent_dir(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

namespace {

bool is_regular_mode(uint32_t mode) {
  return mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE;
}

std::vector<std::string> files_in_dir(const std::vector<std::string>& sorted_paths, const std::string& dir) {
  std::vector<std::string> out;
  std::string prefix = dir.empty() ? std::string() : dir + "/";
  for (auto it = std::lower_bound(sorted_paths.begin(), sorted_paths.end(), prefix); it != sorted_paths.end();
       ++it) {
    if (it->compare(0, prefix.size(), prefix) != 0) break;
    if (it->find('/', prefix.size()) == std::string::npos) out.push_back(*it);
  }
  return out;
}

std::optional<std::string> read_blob(git_repository* repo, const git_oid& oid) {
  BlobHandle blob;
  if (git_blob_lookup(blob.out(), repo, &oid) < 0) return std::nullopt;
  auto size = static_cast<size_t>(git_blob_rawsize(blob.get()));
  return std::string(static_cast<const char*>(git_blob_rawcontent(blob.get())), size);
}

std::optional<uint64_t> blob_size(git_repository* repo, const git_oid& oid) {
  // Reads the object header only, so a huge blob is not inflated just to be skipped.
  git_odb* odb = nullptr;
  if (git_repository_odb(&odb, repo) < 0) return std::nullopt;
  size_t size = 0;
  git_object_t type = GIT_OBJECT_INVALID;
  int rc = git_odb_read_header(&size, &type, odb, &oid);
  git_odb_free(odb);
  if (rc < 0) return std::nullopt;
  return size;
}

std::atomic<size_t> served{0};  // read_ahead_served()

// Blobs inflated on a thread of its own while the caller does something else (a pre-commit
// run computes the patches), for read()s to take as they arrive. The thread opens its own
// object database: libgit2 holds a database's lock for the whole of a read, so two threads
// reading through the repository's would take turns. Objects are named by their content, so
// whichever database finds one has the same bytes; one it cannot find, or one past the byte
// budget, is left to the ordinary read.
class ReadAhead {
 public:
  ReadAhead() = default;
  ReadAhead(const ReadAhead&) = delete;
  ReadAhead& operator=(const ReadAhead&) = delete;
  ~ReadAhead() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }

  // `blob_oid` names each path's blob in the source (here, on the caller's thread: libgit2's
  // index and trees are not to be shared).
  template <typename BlobOid>
  void start(const Repository& repo, const std::vector<std::string>& paths, BlobOid&& blob_oid, uint64_t max_bytes) {
    std::lock_guard<std::mutex> hold(lock_);
    if (thread_.joinable()) return;  // once: the first hint is the run's
    std::vector<git_oid> ids;
    for (const auto& path : paths)
      if (std::optional<git_oid> id = blob_oid(path)) {
        ids.push_back(*id);
        pending_.insert(key(*id));
      }
    if (ids.empty()) return;
    std::string objects = std::string(git_repository_commondir(repo.get())) + "objects";
    thread_ = std::thread([this, objects = std::move(objects), ids = std::move(ids), max_bytes] {
      advise_heap();
      git_odb* odb = nullptr;
      uint64_t budget = kBudgetBytes;
      if (git_odb_open(&odb, objects.c_str()) == 0) {
        for (const git_oid& id : ids) {
          if (stop_) break;
          std::optional<std::string> content;
          size_t size = 0;
          git_object_t type = GIT_OBJECT_INVALID;
          if (git_odb_read_header(&size, &type, odb, &id) == 0 && type == GIT_OBJECT_BLOB && size <= max_bytes &&
              size <= budget) {
            git_odb_object* object = nullptr;
            if (git_odb_read(&object, odb, &id) == 0) {
              content.emplace(static_cast<const char*>(git_odb_object_data(object)), git_odb_object_size(object));
              budget -= content->size();
              git_odb_object_free(object);
            }
          }
          {
            std::lock_guard<std::mutex> guard(lock_);
            if (content) ready_.emplace(key(id), std::move(*content));
            else pending_.erase(key(id));
          }
          arrived_.notify_all();
        }
        git_odb_free(odb);  // with its cache
      }
      {
        std::lock_guard<std::mutex> guard(lock_);
        done_ = true;
      }
      arrived_.notify_all();
    });
  }

  // The blob's content if the thread reads it (waiting for it if need be), once: it is handed
  // over. nullopt at once for a blob it was not asked for.
  std::optional<std::string> take(const git_oid& id) const {
    std::string wanted = key(id);
    std::unique_lock<std::mutex> hold(lock_);
    arrived_.wait(hold, [&] { return done_ || !pending_.count(wanted) || ready_.count(wanted); });
    auto it = ready_.find(wanted);
    if (it == ready_.end()) return std::nullopt;
    std::string content = std::move(it->second);
    ready_.erase(it);
    pending_.erase(wanted);
    ++served;
    return content;
  }

 private:
  // At most this much is read ahead in one run (a monorepo's change may reach thousands of
  // files; what the analysis has not taken yet is held in memory).
  static constexpr uint64_t kBudgetBytes = uint64_t{64} << 20;
  static std::string key(const git_oid& id) { return std::string(reinterpret_cast<const char*>(id.id), GIT_OID_RAWSZ); }

  mutable std::mutex lock_;
  mutable std::condition_variable arrived_;  // a blob read or given up, or the thread done
  std::thread thread_;
  std::atomic<bool> stop_{false};
  mutable std::unordered_set<std::string> pending_;                // asked for, not yet taken or given up
  mutable std::unordered_map<std::string, std::string> ready_;     // read, not yet taken
  bool done_ = false;
};

class TreeSource final : public SourceTree {
 public:
  TreeSource(std::shared_ptr<Repository> repo, TreeHandle tree) : repo_(std::move(repo)), tree_(std::move(tree)) {}

  std::optional<uint64_t> size(const std::string& path) const override {
    auto oid = blob_oid(path);
    return oid ? blob_size(repo_->get(), *oid) : std::nullopt;
  }
  std::optional<std::string> read(const std::string& path) const override {
    auto oid = blob_oid(path);
    if (!oid) return std::nullopt;
    if (auto ready = read_ahead_.take(*oid)) return ready;
    return read_blob(repo_->get(), *oid);
  }
  void read_ahead(const std::vector<std::string>& paths, uint64_t max_bytes) const override {
    read_ahead_.start(*repo_, paths, [&](const std::string& path) { return blob_oid(path); }, max_bytes);
  }
  std::vector<std::string> list_dir(const std::string& dir) const override {
    std::vector<std::string> out;
    if (!tree_) return out;
    TreeHandle subtree_owner;
    const git_tree* subtree = tree_.get();
    if (!dir.empty()) {
      TreeEntryHandle entry;
      if (git_tree_entry_bypath(entry.out(), tree_.get(), dir.c_str()) < 0) return out;
      if (git_tree_entry_type(entry.get()) != GIT_OBJECT_TREE) return out;
      if (git_tree_lookup(subtree_owner.out(), repo_->get(), git_tree_entry_id(entry.get())) < 0) return out;
      subtree = subtree_owner.get();
    }
    size_t count = git_tree_entrycount(subtree);
    for (size_t i = 0; i < count; ++i) {
      const git_tree_entry* entry = git_tree_entry_byindex(subtree, i);
      if (!is_regular_mode(git_tree_entry_filemode(entry))) continue;
      std::string name = git_tree_entry_name(entry);
      out.push_back(dir.empty() ? name : dir + "/" + name);
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  std::vector<std::string> list_all() const override {
    std::vector<std::string> out;
    if (!tree_) return out;
    git_tree_walk(
        tree_.get(), GIT_TREEWALK_PRE,
        [](const char* root, const git_tree_entry* entry, void* payload) -> int {
          if (is_regular_mode(git_tree_entry_filemode(entry))) {
            static_cast<std::vector<std::string>*>(payload)->push_back(std::string(root) +
                                                                       git_tree_entry_name(entry));
          }
          return 0;
        },
        &out);
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  std::optional<git_oid> blob_oid(const std::string& path) const {
    if (!tree_) return std::nullopt;
    TreeEntryHandle entry;
    if (git_tree_entry_bypath(entry.out(), tree_.get(), path.c_str()) < 0) return std::nullopt;
    if (!is_regular_mode(git_tree_entry_filemode(entry.get()))) return std::nullopt;
    return *git_tree_entry_id(entry.get());
  }

  std::shared_ptr<Repository> repo_;
  TreeHandle tree_;
  mutable ReadAhead read_ahead_;  // last: joined before the rest goes
};

// Whether a commit would record this entry's file: stage 0 only (conflicted entries have no
// single staged content), and not `git add -N`'s placeholder, which git leaves out of commits.
bool staged_file(const git_index_entry* entry) {
  return entry && GIT_INDEX_ENTRY_STAGE(entry) == 0 && is_regular_mode(entry->mode) &&
         !(entry->flags_extended & GIT_INDEX_ENTRY_INTENT_TO_ADD);
}

class IndexSource final : public SourceTree {
 public:
  IndexSource(std::shared_ptr<Repository> repo, IndexHandle index) : repo_(std::move(repo)), index_(std::move(index)) {
    size_t count = git_index_entrycount(index_.get());
    for (size_t i = 0; i < count; ++i) {
      const git_index_entry* entry = git_index_get_byindex(index_.get(), i);
      if (staged_file(entry)) paths_.push_back(entry->path);
    }
    std::sort(paths_.begin(), paths_.end());
  }

  std::optional<uint64_t> size(const std::string& path) const override {
    auto oid = blob_oid(path);
    return oid ? blob_size(repo_->get(), *oid) : std::nullopt;
  }
  std::optional<std::string> read(const std::string& path) const override {
    auto oid = blob_oid(path);
    if (!oid) return std::nullopt;
    if (auto ready = read_ahead_.take(*oid)) return ready;
    return read_blob(repo_->get(), *oid);
  }
  void read_ahead(const std::vector<std::string>& paths, uint64_t max_bytes) const override {
    read_ahead_.start(*repo_, paths, [&](const std::string& path) { return blob_oid(path); }, max_bytes);
  }
  std::vector<std::string> list_dir(const std::string& dir) const override { return files_in_dir(paths_, dir); }
  std::vector<std::string> list_all() const override { return paths_; }

 private:
  std::optional<git_oid> blob_oid(const std::string& path) const {
    const git_index_entry* entry = git_index_get_bypath(index_.get(), path.c_str(), 0);
    if (!staged_file(entry)) return std::nullopt;
    return entry->id;
  }

  std::shared_ptr<Repository> repo_;
  IndexHandle index_;
  std::vector<std::string> paths_;
  mutable ReadAhead read_ahead_;  // last: joined before the rest goes
};

class WorkdirSource final : public SourceTree {
 public:
  explicit WorkdirSource(std::shared_ptr<Repository> repo) : repo_(std::move(repo)) {
    git_status_options options;
    git_status_options_init(&options, GIT_STATUS_OPTIONS_VERSION);
    options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
    options.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
                    GIT_STATUS_OPT_INCLUDE_UNMODIFIED | GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
    git_status_list* list = nullptr;
    check(git_status_list_new(&list, repo_->get(), &options), "cannot list the working tree");
    size_t count = git_status_list_entrycount(list);
    for (size_t i = 0; i < count; ++i) {
      const git_status_entry* entry = git_status_byindex(list, i);
      if (entry->status & GIT_STATUS_WT_DELETED) continue;
      const git_diff_delta* delta = entry->index_to_workdir ? entry->index_to_workdir : entry->head_to_index;
      if (!delta || !delta->new_file.path) continue;
      paths_.push_back(delta->new_file.path);
    }
    git_status_list_free(list);
    std::sort(paths_.begin(), paths_.end());
    paths_.erase(std::unique(paths_.begin(), paths_.end()), paths_.end());
  }

  std::optional<uint64_t> size(const std::string& path) const override {
    // A whole-tree run asks each path's size three times (listing the tree, listing its
    // directory, before reading it): the first answer stands for the run.
    std::lock_guard<std::mutex> hold(sizes_lock_);
    auto [it, inserted] = sizes_.try_emplace(path);
    if (inserted) {
      struct stat st {};
      if (lstat(absolute(path).c_str(), &st) == 0 && S_ISREG(st.st_mode))
        it->second = static_cast<uint64_t>(st.st_size);
    }
    return it->second;
  }
  std::optional<std::string> read(const std::string& path) const override {
    // One open, one fstat, reads straight into the string (a whole-tree run reads every file).
    // O_NONBLOCK: a FIFO where a file was tracked must not wait for a writer (regular files
    // ignore the flag); fstat then turns it away.
    int fd = ::open(absolute(path).c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) return std::nullopt;
    std::optional<std::string> out;
    struct stat st {};
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
      std::string text(static_cast<size_t>(st.st_size), '\0');
      size_t done = 0;
      while (done < text.size()) {
        ssize_t n = ::read(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        done += static_cast<size_t>(n);
      }
      text.resize(done);  // a file that shrank while being read: what was there
      out = std::move(text);
    }
    ::close(fd);
    return out;
  }
  std::vector<std::string> list_dir(const std::string& dir) const override {
    auto out = files_in_dir(paths_, dir);
    out.erase(std::remove_if(out.begin(), out.end(), [&](const std::string& p) { return !size(p); }), out.end());
    return out;
  }
  std::vector<std::string> list_all() const override {
    std::vector<std::string> out;
    for (const auto& path : paths_)
      if (size(path)) out.push_back(path);
    return out;
  }

 private:
  std::string absolute(const std::string& path) const { return repo_->workdir() + "/" + path; }

  std::shared_ptr<Repository> repo_;
  std::vector<std::string> paths_;
  mutable std::mutex sizes_lock_;
  mutable std::unordered_map<std::string, std::optional<uint64_t>> sizes_;
};

class MemorySource final : public SourceTree {
 public:
  explicit MemorySource(std::map<std::string, std::string> files) : files_(std::move(files)) {
    for (const auto& [path, content] : files_) paths_.push_back(path);
  }
  std::optional<uint64_t> size(const std::string& path) const override {
    auto it = files_.find(path);
    if (it == files_.end()) return std::nullopt;
    return it->second.size();
  }
  std::optional<std::string> read(const std::string& path) const override {
    auto it = files_.find(path);
    if (it == files_.end()) return std::nullopt;
    return it->second;
  }
  std::vector<std::string> list_dir(const std::string& dir) const override { return files_in_dir(paths_, dir); }
  std::vector<std::string> list_all() const override { return paths_; }

 private:
  std::map<std::string, std::string> files_;
  std::vector<std::string> paths_;  // sorted, as the map is
};

}  // namespace

std::unique_ptr<SourceTree> memory_source(std::map<std::string, std::string> files) {
  return std::make_unique<MemorySource>(std::move(files));
}

size_t read_ahead_served() { return served.load(); }

std::unique_ptr<SourceTree> tree_source(std::shared_ptr<Repository> repo, TreeHandle tree) {
  return std::make_unique<TreeSource>(std::move(repo), std::move(tree));
}
std::unique_ptr<SourceTree> index_source(std::shared_ptr<Repository> repo, IndexHandle index) {
  return std::make_unique<IndexSource>(std::move(repo), std::move(index));
}
std::unique_ptr<SourceTree> workdir_source(std::shared_ptr<Repository> repo) {
  return std::make_unique<WorkdirSource>(std::move(repo));
}

}  // namespace patchgate::git
