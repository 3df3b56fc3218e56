#include "cli/demo_command.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "cli/check_command.h"
#include "core/errors.h"
#include "core/git/handle.h"
#include "report/reporter.h"

namespace patchgate::cli {

namespace {

const char* kGoMod = "module example.com/gateway\n\ngo 1.19\n";

const char* kLimiterBefore = R"(// Package ratelimit meters requests per client with a token bucket.
package ratelimit

import (
	"sync"
	"time"
)

// Limiter hands out tokens at a fixed rate up to a burst size. Safe for concurrent use.
type Limiter struct {
	mu     sync.Mutex
	tokens int
	burst  int
	every  time.Duration
	last   time.Time
}

func NewLimiter(burst int, every time.Duration) *Limiter {
	return &Limiter{tokens: burst, burst: burst, every: every, last: time.Now()}
}

// Allow reports whether one more request may proceed now, taking a token if so.
func (l *Limiter) Allow() bool {
	l.mu.Lock()
	defer l.mu.Unlock()

	if gained := int(time.Since(l.last) / l.every); gained > 0 {
		l.tokens += gained
		if l.tokens > l.burst {
			l.tokens = l.burst
		}
		l.last = time.Now()
	}
	if l.tokens == 0 {
		return false
	}
	l.tokens--
	return true
}

// Available is the number of tokens left, for metrics.
func (l *Limiter) Available() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.tokens
}
)";

const char* kLimiterAfter = R"(// Package ratelimit meters requests per client with a token bucket.
package ratelimit

import (
	"sync"
	"time"
)

// Limiter hands out tokens at a fixed rate up to a burst size. Safe for concurrent use.
type Limiter struct {
	mu     sync.Mutex
	tokens int
	burst  int
	every  time.Duration
	last   time.Time
}

func NewLimiter(burst int, every time.Duration) *Limiter {
	return &Limiter{tokens: burst, burst: burst, every: every, last: time.Now()}
}

// topUp adds the tokens earned since the last top-up.
func (l *Limiter) topUp() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if gained := int(time.Since(l.last) / l.every); gained > 0 {
		l.tokens += gained
		if l.tokens > l.burst {
			l.tokens = l.burst
		}
		l.last = time.Now()
	}
}

// Allow reports whether one more request may proceed now, taking a token if so.
func (l *Limiter) Allow() bool {
	l.mu.Lock()
	defer l.mu.Unlock()

	l.topUp()
	if l.tokens == 0 {
		return false
	}
	l.tokens--
	return true
}

// Available is the number of tokens left, for metrics.
func (l *Limiter) Available() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.tokens
}
)";

void write_file(const std::filesystem::path& path, const char* text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw UserError(kExitOperational, path.string() + ": cannot write the demo file", "is the temp directory writable?");
}

// Stages paths, and commits them when message is non-empty (the demo's own repository only).
void stage_and_commit(git_repository* repo, const std::vector<std::string>& paths, const std::string& message) {
  git::IndexHandle index;
  git::check(git_repository_index(index.out(), repo), "demo: cannot open the index");
  for (const auto& path : paths) git::check(git_index_add_bypath(index.get(), path.c_str()), "demo: cannot stage " + path);
  git::check(git_index_write(index.get()), "demo: cannot write the index");
  if (message.empty()) return;
  git_oid tree_id, commit_id;
  git::check(git_index_write_tree(&tree_id, index.get()), "demo: cannot write a tree");
  git::TreeHandle tree;
  git::check(git_tree_lookup(tree.out(), repo, &tree_id), "demo: cannot read the tree");
  git::SignatureHandle author;
  git::check(git_signature_now(author.out(), "Demo Developer", "dev@example.com"), "demo: cannot make a signature");
  git::check(git_commit_create_v(&commit_id, repo, "HEAD", author.get(), author.get(), nullptr, message.c_str(), tree.get(), 0),
             "demo: cannot commit");
}

struct TempDir {
  std::filesystem::path path;
  bool keep = false;
  ~TempDir() {
    std::error_code ec;
    if (!keep && !path.empty()) std::filesystem::remove_all(path, ec);
  }
};

}  // namespace

const DemoStory& demo_story() {
  static const DemoStory story{kGoMod, kLimiterBefore, kLimiterAfter};
  return story;
}

void setup_demo(CLI::App& app, DemoOptions& options) {
  app.add_flag("--keep", options.keep, "Keep the demo repository and print where it is");
  app.add_option("--format", options.format, "Report format for the gate's output")->check(CLI::IsMember({"text", "json"}));
  app.footer("Exits 1: the staged refactor is blocked. That is the point of the demo.");
}

int run_demo(const DemoOptions& options, Io& io) {
  git::ensure_initialised();
  TempDir dir;
  std::string pattern = (std::filesystem::temp_directory_path() / "patchgate-demo-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw UserError(kExitOperational, "cannot create a temporary directory", "set TMPDIR to a writable directory");
  dir.path = pattern;
  dir.keep = options.keep;

  bool text = options.format == "text";
  std::ostream& story = text ? io.out : io.err;
  story << "patchgate demo: a throw-away repository at " << dir.path.string() << "\n\n"
        << "1. Commit a small token-bucket rate limiter: Allow() locks l.mu and refills inline.\n";
  git::RepositoryHandle repo;
  git::check(git_repository_init(repo.out(), dir.path.c_str(), 0), "demo: cannot create a repository");
  write_file(dir.path / "go.mod", kGoMod);
  write_file(dir.path / "ratelimit/limiter.go", kLimiterBefore);
  stage_and_commit(repo.get(), {"go.mod", "ratelimit/limiter.go"}, "ratelimit: token bucket limiter\n");

  story << "2. Stage what a coding agent proposes: \"extract the refill into a helper, no functional change\".\n"
        << "   The helper topUp() takes l.mu itself, and Allow() still calls it with l.mu held.\n"
        << "3. Run the pre-commit gate on the staged change: patchgate check --staged\n\n";
  write_file(dir.path / "ratelimit/limiter.go", kLimiterAfter);
  stage_and_commit(repo.get(), {"ratelimit/limiter.go"}, "");

  CheckOptions check;
  check.diff.staged = true;
  check.output.formats = {options.format};
  std::istringstream no_input;
  Report report = build_check_report(check, dir.path.string(), no_input);
  int code = write_outputs(report, check.output, io);

  story << "\nWhat happened: sync.Mutex is not reentrant. Every call to Allow() would block forever on the\n"
        << "second Lock inside topUp(), and every later request would queue behind it: all traffic stops,\n"
        << "minutes after a deploy that tests passed. patchgate blocked the commit instead (exit " << code << ").\n"
        << "The usual fix: topUp() does not lock and says so (\"REQUIRES: l.mu held\"), or Allow() calls it\n"
        << "before taking the lock. `patchgate explain go-double-lock` tells the whole story.\n";
  if (options.keep) story << "\nThe demo repository is kept at " << dir.path.string() << "\n";
  return code;
}

}  // namespace patchgate::cli
