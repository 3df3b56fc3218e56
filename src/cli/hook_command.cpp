#include "cli/hook_command.h"

#include <git2.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/gate_command.h"
#include "core/errors.h"
#include "core/files.h"
#include "core/git/repository.h"

namespace fs = std::filesystem;

namespace patchgate::cli {

namespace {

constexpr const char* kMarker = "# patchgate-hook";
constexpr const char* kChainedSuffix = ".patchgate-chained";

bool is_ours(const fs::path& hook) {
  std::error_code ec;
  return fs::is_regular_file(hook, ec) && read_file(hook.string()).find(kMarker) != std::string::npos;
}

std::string self_path() {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("patchgate") : self.string();
}

// Single quotes for sh: 'it'\''s'.
std::string sh_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::vector<std::string> selected_hooks(const std::vector<std::string>& hooks) {
  std::vector<std::string> out = hooks.empty() ? std::vector<std::string>{"pre-commit", "pre-push"} : hooks;
  for (const auto& hook : out)
    if (hook != "pre-commit" && hook != "pre-push")
      throw UserError(kExitUsage, "--hook " + hook + ": patchgate provides pre-commit and pre-push hooks");
  return out;
}

int install(const git::Repository& repo, const std::vector<std::string>& hooks, Io& io) {
  fs::path dir = repo.hooks_dir();
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw UserError(kExitOperational, dir.string() + ": cannot create the hooks directory: " + ec.message());
  std::string binary = self_path();
  for (const auto& name : hooks) {
    fs::path hook = dir / name;
    fs::path chained = dir / (name + kChainedSuffix);
    if (fs::exists(hook, ec) && !is_ours(hook)) {
      if (fs::exists(chained, ec))
        throw UserError(kExitUsage, hook.string() + ": both a hook and " + chained.filename().string() + " exist",
                        "move one of them away, then install again");
      fs::rename(hook, chained, ec);  // kept byte for byte, with its mode; it still runs first
      if (ec) throw UserError(kExitOperational, hook.string() + ": cannot keep the existing hook: " + ec.message());
      io.out << "patchgate: kept the existing " << name << " hook as " << chained.filename().string()
             << "; it still runs first\n";
    }
    bool again = is_ours(hook);
    std::string tmp = hook.string() + ".patchgate-tmp";
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      out << hook_script(name, binary);
      if (!out) throw UserError(kExitOperational, tmp + ": cannot write the hook");
    }
    chmod(tmp.c_str(), 0755);
    fs::rename(tmp, hook, ec);
    if (ec) throw UserError(kExitOperational, hook.string() + ": cannot install the hook: " + ec.message());
    io.out << "patchgate: " << (again ? "updated" : "installed") << " the " << name << " hook in " << dir.string() << '\n';
  }
  io.out << "patchgate: PATCHGATE_SKIP=1 or `git commit --no-verify` skips it once; some coding agents commit with\n"
            "  --no-verify (aider does by default), so run `patchgate gate` in CI too\n";
  return kExitPass;
}

int uninstall(const git::Repository& repo, const std::vector<std::string>& hooks, Io& io) {
  fs::path dir = repo.hooks_dir();
  std::error_code ec;
  for (const auto& name : hooks) {
    fs::path hook = dir / name;
    fs::path chained = dir / (name + kChainedSuffix);
    if (!fs::exists(hook, ec) && !fs::exists(chained, ec)) continue;
    if (fs::exists(hook, ec) && !is_ours(hook)) {
      io.err << "patchgate: " << hook.string() << " is not patchgate's hook; left as it is\n";
      continue;
    }
    fs::remove(hook, ec);
    if (fs::exists(chained, ec)) {
      fs::rename(chained, hook, ec);
      if (ec) throw UserError(kExitOperational, chained.string() + ": cannot restore the previous hook: " + ec.message());
      io.out << "patchgate: removed the " << name << " hook and restored the previous one\n";
    } else {
      io.out << "patchgate: removed the " << name << " hook\n";
    }
  }
  return kExitPass;
}

// The worst of two exit codes: an operational failure, then blocked, then pass.
int worst(int a, int b) {
  auto rank = [](int code) { return code == kExitOperational ? 3 : code == kExitUsage ? 2 : code == kExitBlocked ? 1 : 0; };
  return rank(a) >= rank(b) ? a : b;
}

int run_pre_push(const HookOptions& options, Io& io) {
  const std::string zeros(40, '0');
  std::string remote = options.hook_args.empty() ? "origin" : options.hook_args.front();
  auto repo = git::Repository::discover(fs::current_path().string());
  int code = kExitPass;
  std::string line;
  bool any = false;
  while (std::getline(io.in, line)) {
    std::istringstream fields(line);
    std::string local_ref, local_sha, remote_ref, remote_sha;
    if (!(fields >> local_ref >> local_sha >> remote_ref >> remote_sha)) continue;
    if (local_sha == zeros) continue;  // a deletion pushes no code
    GateOptions gate;
    gate.output = options.output;
    git_oid oid;
    git_object* known = nullptr;
    bool remote_known = remote_sha != zeros && git_oid_fromstr(&oid, remote_sha.c_str()) == 0 &&
                        git_object_lookup(&known, repo->get(), &oid, GIT_OBJECT_COMMIT) == 0;
    if (known) git_object_free(known);
    if (remote_known) {
      gate.diff.range = remote_sha + ".." + local_sha;
    } else {
      // A new branch: what it adds over the remote's default branch, if one is known.
      for (const std::string& candidate : {"refs/remotes/" + remote + "/HEAD", "refs/remotes/" + remote + "/main",
                                           "refs/remotes/" + remote + "/master"}) {
        git_object* object = nullptr;
        if (git_revparse_single(&object, repo->get(), candidate.c_str()) == 0) {
          git_object_free(object);
          gate.diff.range = candidate + "..." + local_sha;
          break;
        }
      }
      if (gate.diff.range.empty()) gate.diff.commit = local_sha;
    }
    any = true;
    io.err << "patchgate: pre-push: " << local_ref << " (" << (gate.diff.range.empty() ? gate.diff.commit : gate.diff.range)
           << ")\n";
    Report report = build_gate_report(gate, fs::current_path().string(), io);
    code = worst(code, write_outputs(report, options.output, io));
  }
  if (!any) io.err << "patchgate: pre-push: nothing to check\n";
  return code;
}

}  // namespace

std::string hook_script(const std::string& hook, const std::string& binary) {
  bool push = hook == "pre-push";
  std::ostringstream sh;
  sh << "#!/bin/sh\n"
     << kMarker << ": " << hook << " (installed by `patchgate hook install`; `patchgate hook uninstall` removes it\n"
     << "# and puts back the hook that was here before, kept as " << hook << kChainedSuffix << ")\n"
     << "hooks_dir=$(dirname \"$0\")\n";
  if (push) sh << "input=$(cat)\n";  // git writes the refs on stdin; both hooks need them
  sh << "if [ -x \"$hooks_dir/" << hook << kChainedSuffix << "\" ]; then\n";
  if (push)
    sh << "  printf '%s\\n' \"$input\" | \"$hooks_dir/" << hook << kChainedSuffix << "\" \"$@\" || exit $?\n";
  else
    sh << "  \"$hooks_dir/" << hook << kChainedSuffix << "\" \"$@\" || exit $?\n";
  sh << "fi\n"
     << "if [ \"${PATCHGATE_SKIP:-}\" = 1 ]; then\n"
     << "  echo 'patchgate: skipped (PATCHGATE_SKIP=1)' >&2\n"
     << "  exit 0\n"
     << "fi\n"
     << "patchgate=${PATCHGATE_BIN:-" << sh_quote(binary) << "}\n"
     << "if ! [ -x \"$patchgate\" ]; then\n"
     << "  patchgate=$(command -v patchgate 2>/dev/null) || {\n"
     << "    echo \"patchgate: the " << hook << " hook cannot find patchgate (looked at " << binary
     << " and on PATH).\" >&2\n"
     << "    echo 'patchgate: build it with scripts/setup build, put it on PATH or set PATCHGATE_BIN;' >&2\n"
     << "    echo 'patchgate: skip once with PATCHGATE_SKIP=1, or remove the hook with patchgate hook uninstall.' >&2\n"
     << "    exit 1\n"
     << "  }\n"
     << "fi\n";
  if (push)
    sh << "printf '%s\\n' \"$input\" | \"$patchgate\" hook run " << hook << " \"$@\"\n";
  else
    sh << "exec \"$patchgate\" hook run " << hook << " \"$@\"\n";
  return sh.str();
}

void setup_hook(CLI::App& app, HookOptions& options) {
  app.require_subcommand(1);
  auto* install = app.add_subcommand("install", "Install the pre-commit and pre-push hooks (an existing hook is kept and still runs)");
  install->add_option("--hook", options.hooks, "Only this hook: pre-commit or pre-push (repeatable)");
  install->callback([&options] { options.action = "install"; });
  auto* uninstall = app.add_subcommand("uninstall", "Remove patchgate's hooks and put back the hooks they replaced, byte for byte");
  uninstall->add_option("--hook", options.hooks, "Only this hook: pre-commit or pre-push (repeatable)");
  uninstall->callback([&options] { options.action = "uninstall"; });
  auto* run = app.add_subcommand("run", "What the installed hook calls: pre-commit gates the staged change, pre-push the pushed commits");
  run->add_option("hook", options.run_hook, "pre-commit or pre-push")->required();
  run->add_option("args", options.hook_args, "The arguments git passed to the hook");
  add_output_options(*run, options.output);
  run->callback([&options] { options.action = "run"; });
  app.footer(
      "Hooks go where git looks for them: core.hooksPath if set, else .git/hooks (shared by linked\n"
      "worktrees). Installing twice is harmless. PATCHGATE_SKIP=1 or `git commit --no-verify` skips\n"
      "the hook once. Some coding agents commit with --no-verify (aider does by default): run\n"
      "`patchgate gate` in CI as well.\n\n"
      "Examples:\n"
      "  patchgate hook install                  # pre-commit and pre-push\n"
      "  patchgate hook install --hook pre-commit\n"
      "  patchgate hook uninstall");
}

int run_hook(const HookOptions& options, Io& io) {
  if (options.action == "run") {
    if (const char* skip = std::getenv("PATCHGATE_SKIP"); skip && std::string(skip) == "1") return kExitPass;
    if (options.run_hook == "pre-push") return run_pre_push(options, io);
    if (options.run_hook != "pre-commit")
      throw UserError(kExitUsage, "hook run " + options.run_hook + ": patchgate runs as pre-commit or pre-push");
    GateOptions gate;
    gate.diff.staged = true;
    gate.output = options.output;
    Report report = build_gate_report(gate, fs::current_path().string(), io);
    return write_outputs(report, options.output, io);
  }
  auto repo = git::Repository::discover(fs::current_path().string());
  auto hooks = selected_hooks(options.hooks);
  return options.action == "install" ? install(*repo, hooks, io) : uninstall(*repo, hooks, io);
}

}  // namespace patchgate::cli
