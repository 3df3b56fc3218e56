#include "checks/go/model/lock_state.h"

#include "checks/go/model/stdlib_calls.h"
#include "checks/go/model/syntax.h"

#include <algorithm>
#include <cctype>
#include <optional>

namespace patchgate::checks::go {

using lang::children_by_field;
using lang::field;
using lang::is;

std::string LockRef::key() const {
  switch (root) {
    case Root::kReceiver: return "recv" + path;
    case Root::kParam: return "param" + std::to_string(param) + path;
    case Root::kGlobal: return "global:" + name + path;
    case Root::kLocal: return "local:" + name + path;
  }
  return name + path;
}

namespace {

struct BudgetExceeded {};

enum class LockOp { kNone, kLock, kRLock, kUnlock, kRUnlock };

LockOp lock_op_named(std::string_view method) {
  if (method == "Lock") return LockOp::kLock;
  if (method == "RLock") return LockOp::kRLock;
  if (method == "Unlock") return LockOp::kUnlock;
  if (method == "RUnlock") return LockOp::kRUnlock;
  return LockOp::kNone;
}

// When a lock expression's type cannot be resolved, its name decides: `mu`, `stateMu`,
// `cacheLock`, `writeMutex` are mutexes; `clock` and `block` are not.
bool looks_like_mutex_name(std::string_view name) {
  std::string lower = lowercase(name);
  auto ends_with = [&](std::string_view suffix) {
    return lower.size() >= suffix.size() && lower.compare(lower.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends_with("clock") || ends_with("block") || ends_with("unlock")) return false;
  return ends_with("mu") || ends_with("mtx") || ends_with("mutex") || ends_with("lock") || ends_with("locker");
}

struct Deferred {
  LockRef lock;
  Site site;                 // the defer statement
  bool conditional = false;  // found inside a deferred closure, which may guard it with a flag
  std::string label;         // the lock as written
  bool acquire = false;      // `RUnlock(); defer RLock()`: re-taken on the way out
  bool shared = false;
};

struct Release {
  std::string key;
  Site site;  // the Unlock that released it on this path
};

struct State {
  std::vector<HeldLock> held;
  std::vector<HeldLock> maybe;  // taken on some paths to here but not all (not in held)
  std::vector<Deferred> defers;
  std::vector<Release> released;  // unlocked by this function on every path to here, not re-locked
  bool live = true;

  const Release* find_release(const std::string& key) const {
    for (const auto& r : released)
      if (r.key == key) return &r;
    return nullptr;
  }
  void forget_release(const std::string& key) {
    released.erase(std::remove_if(released.begin(), released.end(), [&](const Release& r) { return r.key == key; }),
                   released.end());
  }

  const HeldLock* find(const std::string& key) const {
    for (const auto& h : held)
      if (h.lock.key() == key) return &h;
    return nullptr;
  }
  const HeldLock* find_maybe(const std::string& key) const {
    for (const auto& h : maybe)
      if (h.lock.key() == key) return &h;
    return nullptr;
  }
  void forget_maybe(const std::string& key) {
    maybe.erase(std::remove_if(maybe.begin(), maybe.end(), [&](const HeldLock& h) { return h.lock.key() == key; }),
                maybe.end());
  }
  bool remove(const std::string& key) {
    forget_maybe(key);
    auto it = std::find_if(held.begin(), held.end(), [&](const HeldLock& h) { return h.lock.key() == key; });
    if (it == held.end()) return false;
    held.erase(it);
    return true;
  }
};

// Must-held locks survive a join only if held on every live path; deferred unlocks accumulate.
State join(const std::vector<State>& states) {
  State out;
  out.live = false;
  bool first = true;
  for (const auto& s : states) {
    if (!s.live) continue;
    if (first) {
      out = s;
      first = false;
      continue;
    }
    std::vector<HeldLock> kept;
    for (const auto& h : out.held) {
      if (const HeldLock* other = s.find(h.lock.key())) {
        HeldLock merged = h;
        merged.shared = h.shared || other->shared;
        kept.push_back(std::move(merged));
      }
    }
    for (const auto& h : out.held)
      if (!s.find(h.lock.key()) && !out.find_maybe(h.lock.key())) out.maybe.push_back(h);
    for (const auto& list : {&s.held, &s.maybe})
      for (const auto& h : *list)
        if (!out.find_maybe(h.lock.key()) && !std::any_of(kept.begin(), kept.end(), [&](const HeldLock& k) {
              return k.lock.key() == h.lock.key();
            }))
          out.maybe.push_back(h);
    out.held = std::move(kept);
    std::vector<Release> released;
    for (const auto& r : out.released)
      if (s.find_release(r.key)) released.push_back(r);
    out.released = std::move(released);
    for (const auto& d : s.defers) {
      bool present = std::any_of(out.defers.begin(), out.defers.end(),
                                 [&](const Deferred& e) { return e.lock.key() == d.lock.key(); });
      if (!present) out.defers.push_back(d);
    }
  }
  return out;
}

struct LoopContext {
  std::vector<State> breaks;
  std::vector<State> continues;
  bool is_loop = true;     // switch and select take `break` but not `continue`
  std::string header;      // the for clause or range clause, as written
};

// The lock a requirement names, in fn's namespace: `s.mu` with receiver s is recv.mu, a bare
// `mu` in a method is the receiver's field, a parameter or package variable is itself; the
// name suffix means the receiver's only mutex field.
// Whether a value of this type can be locked: a sync mutex, or a struct embedding one.
bool lockable(const Package& package, const TypeRef& type) {
  if (is_sync_lock_type(type)) return true;
  for (const char* embedded : {"Mutex", "RWMutex"}) {
    auto f = package.find_field(type, embedded, nullptr);
    if (f && f->embedded && is_sync_lock_type(f->type)) return true;
  }
  return false;
}

// Does a struct field hold a lock (itself, or a struct of this package holding one)?
bool holds_lock(const Package& package, const TypeRef& type) {
  if (type.pointer && !is_sync_lock_type(type)) return false;
  if (lockable(package, type)) return true;
  const TypeDecl* decl = package.resolve_decl(type);
  if (!decl || !decl->is_struct) return false;
  for (const auto& f : decl->fields)
    if (!f.type.pointer && is_sync_lock_type(f.type)) return true;
  return false;
}

// The lock a requirement names, in fn's namespace: `s.mu` with receiver s is recv.mu, a bare
// `mu` in a method is the receiver's field, a parameter or package variable is itself; the
// name suffix means the receiver's only lock. A path that names no lock ("requires that
// held", a runtime semaphore) is no requirement.
std::optional<LockRef> requirement_lock(const Package& package, const Function& fn, const LockRequirement& requirement) {
  LockRef ref;
  TypeRef receiver = TypeRef::named("", fn.receiver_type, true);
  if (requirement.path.empty()) {
    const TypeDecl* decl = package.resolve_decl(receiver);
    if (!decl || !decl->is_struct) return std::nullopt;
    std::string only;
    int count = 0;
    for (const auto& f : decl->fields)
      if (holds_lock(package, f.type)) ++count, only = f.name;
    if (count != 1) return std::nullopt;
    auto f = package.find_field(receiver, only, nullptr);
    if (!f || !lockable(package, f->type)) return std::nullopt;  // a struct holding a lock inside: ambiguous
    // The name says "Locked", but if the function takes this lock itself it means another one.
    std::string body(fn.file->tree.text(fn.body));
    for (const std::string& call : {fn.receiver_name + "." + only + ".Lock(", fn.receiver_name + "." + only + ".RLock(",
                                     fn.receiver_name + ".Lock(", fn.receiver_name + ".RLock("})
      if (body.find(call) != std::string::npos) return std::nullopt;
    ref.root = LockRef::Root::kReceiver;
    ref.path = "." + only;
    return ref;
  }
  std::string first = requirement.path.substr(0, requirement.path.find('.'));
  std::string rest = requirement.path.size() > first.size() ? requirement.path.substr(first.size()) : "";
  // The type reached by following the field names of `rest` from `root`.
  auto type_along = [&](TypeRef type, const std::string& fields) -> std::optional<TypeRef> {
    size_t pos = 0;
    while (pos < fields.size()) {
      size_t next = fields.find('.', pos + 1);
      std::string name = fields.substr(pos + 1, next == std::string::npos ? std::string::npos : next - pos - 1);
      auto f = package.find_field(type, name, nullptr);
      if (!f) return std::nullopt;
      type = f->type;
      pos = next == std::string::npos ? fields.size() : next;
    }
    return type;
  };
  auto accept = [&](const std::optional<TypeRef>& type) { return type && lockable(package, *type); };
  if (!fn.receiver_name.empty() && first == fn.receiver_name) {
    ref.root = LockRef::Root::kReceiver;
    ref.path = rest;
    return accept(type_along(receiver, rest)) ? std::optional<LockRef>(ref) : std::nullopt;
  }
  for (size_t i = 0; i < fn.params.size(); ++i) {
    if (fn.params[i].name != first) continue;
    ref.root = LockRef::Root::kParam;
    ref.param = static_cast<int>(i);
    ref.path = rest;
    return accept(type_along(fn.params[i].type, rest)) ? std::optional<LockRef>(ref) : std::nullopt;
  }
  if (auto global = package.global_type(first)) {
    ref.root = LockRef::Root::kGlobal;
    ref.name = first;
    ref.path = rest;
    return accept(type_along(*global, rest)) ? std::optional<LockRef>(ref) : std::nullopt;
  }
  if (!fn.receiver_type.empty()) {  // `REQUIRES: mu held` in a method: the receiver's field
    ref.root = LockRef::Root::kReceiver;
    ref.path = "." + requirement.path;
    return accept(type_along(receiver, ref.path)) ? std::optional<LockRef>(ref) : std::nullopt;
  }
  return std::nullopt;
}

Site declaration_site(const Function& fn, const LockRequirement& requirement) {
  Site site;
  site.file = fn.file->path;
  site.line = requirement.line;
  site.column = 1;
  site.end_line = requirement.line;
  site.function = fn.display_name;
  site.text = requirement.path.empty() ? fn.display_name + "'s lock" : requirement.path;
  return site;
}

class FunctionWalker {
 public:
  FunctionWalker(LockAnalysis& analysis, const Function& fn)
      : analysis_(analysis), package_(analysis.package()), fn_(fn), file_(*fn.file) {
    for (size_t i = 0; i < fn.params.size(); ++i)
      if (!fn.params[i].name.empty() && fn.params[i].name != "_") params_[fn.params[i].name] = static_cast<int>(i);
  }

  FunctionSummary run() {
    if (lang::null(fn_.body)) return std::move(summary_);  // declared here, implemented in assembly
    State state;
    // A function that says its caller holds a lock runs with it held; it is the caller's.
    for (const auto& requirement : fn_.requires_held) {
      auto lock = requirement_lock(analysis_.package(), fn_, requirement);
      if (!lock || state.find(lock->key())) continue;
      HeldLock held;
      held.lock = *lock;
      held.from_caller = true;
      held.site = declaration_site(fn_, requirement);
      held.lock_class = lock->root == LockRef::Root::kReceiver && std::count(lock->path.begin(), lock->path.end(), '.') == 1
                            ? fn_.receiver_type + lock->path
                            : std::string();
      state.held.push_back(std::move(held));
    }
    walk_block(fn_.body, state, 0);
    if (state.live) record_exit(state, end_of_body());
    apply_annotations();
    // held_at_exit: taken by this function and held on every normal return.
    if (!exits_.empty()) {
      std::vector<State> exit_states;
      for (auto& exit : exits_) {
        if (exit.site.text == "panic") continue;  // not a return: the caller does not continue
        State s;
        s.held = exit.held;
        exit_states.push_back(std::move(s));
      }
      summary_.held_at_exit = join(exit_states).held;
      summary_.held_at_exit.erase(std::remove_if(summary_.held_at_exit.begin(), summary_.held_at_exit.end(),
                                                 [](const HeldLock& h) { return h.from_caller; }),
                                  summary_.held_at_exit.end());
    }
    find_missing_unlocks();
    for (const auto& [key, ref] : annotated_released_) {
      auto [it, added] = released_unowned_.emplace(key, ReleasedLock{ref, 0});
      if (!added) it->second.calls = 0;
    }
    // A requirement is this function's business only if it manages the lock itself (locks or
    // unlocks it somewhere); otherwise its own callers are the ones holding it.
    for (auto& m : pending_misuses_)
      if (managed_.count(m.lock.lock.key())) analysis_.add_misuse(std::move(m));
    for (const auto& [key, ref] : released_unowned_) summary_.released.push_back(ref);
    return std::move(summary_);
  }

 private:
  struct Exit {
    std::vector<HeldLock> held;
    std::set<std::string> released;  // unlocked by this function on the way to this exit
    Site site;
  };

  // A return that leaves a lock held which another return of the function unlocks: the early
  // `return err` between Lock and Unlock. A function that returns holding the lock on every
  // path, or only on paths where it never unlocks it, means to (lockAll, lockIfNeeded).
  // `return v, tx.closemuRUnlockRelease, nil` or `return func() { mu.Unlock() }`: the caller
  // is handed the means to unlock.
  bool returns_release(TSNode statement) const {
    NodeList own;
    auto [list, first] = listed(statement, own);
    for (uint32_t i = first; i < list->end[first]; ++i) {  // any node of the statement will do
      TSNode node = list->nodes[i];
      if (is(node, "func_literal")) return true;
      if (is(node, "identifier") || is(node, "field_identifier")) {
        std::string name;
        for (char c : text(node)) name.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
        if (name.find("unlock") != std::string::npos || name.find("release") != std::string::npos) return true;
      }
    }
    return false;
  }

  // node's place in a node list: the file's, or `own`, made for it when node is not in the file's
  // list (nothing makes such a node today).
  std::pair<const NodeList*, uint32_t> listed(TSNode node, NodeList& own) const {
    if (auto index = find_in(file_.nodes, node)) return {&file_.nodes, *index};
    flatten(node, own);
    return {&own, 0};
  }

  // +checklocksacquire: the function returns holding the lock, whatever its body shows;
  // +checklocksrelease: it releases its caller's lock.
  void apply_annotations() {
    for (const auto& annotation : fn_.acquires) {
      auto lock = requirement_lock(package_, fn_, annotation);
      if (!lock) continue;
      acquired_by_contract_.insert(lock->key());
      bool present = std::any_of(summary_.held_at_exit.begin(), summary_.held_at_exit.end(),
                                 [&](const HeldLock& h) { return h.lock.key() == lock->key(); });
      if (present) continue;
      HeldLock held;
      held.lock = *lock;
      held.site = declaration_site(fn_, annotation);
      held.shared = annotation.source == "+checklocksacquireread";
      summary_.held_at_exit.push_back(std::move(held));
    }
    for (const auto& annotation : fn_.releases)
      if (auto lock = requirement_lock(package_, fn_, annotation)) annotated_released_.emplace(lock->key(), *lock);
  }

  void find_missing_unlocks() {
    for (const auto& exit : exits_) {
      if (exit.site.text == "return-release") continue;
      for (const auto& held : exit.held) {
        if (acquired_by_contract_.count(held.lock.key())) continue;
        if (held.from_caller || !held.calls.empty() || held.site.function != fn_.display_name) continue;
        for (const auto& other : exits_) {
          if (!other.released.count(held.lock.key())) continue;
          misuse(LockMisuse::Kind::kMissingUnlock, exit.site, held, {other.site});
          break;
        }
      }
    }
  }

  // The variable a lock is reached through.
  std::string root_name(const LockRef& lock) const {
    switch (lock.root) {
      case LockRef::Root::kReceiver: return fn_.receiver_name;
      case LockRef::Root::kParam:
        return lock.param >= 0 && static_cast<size_t>(lock.param) < fn_.params.size() ? fn_.params[lock.param].name : "";
      default: return lock.name;
    }
  }

  // Inside a loop, is this the same lock on every iteration? Not when the loop header moves
  // the variable it is reached through (`for ; p != nil; p = p.parent { p.mu.Lock() ... }`).
  bool same_lock_every_iteration(const LockRef& lock) const {
    bool in_loop = false;
    std::string root = root_name(lock);
    for (const auto& loop : loops_) {
      if (!loop.is_loop) continue;
      in_loop = true;
      for (size_t pos = loop.header.find(root); !root.empty() && pos != std::string::npos;
           pos = loop.header.find(root, pos + 1)) {
        auto word = [&](size_t i) { return i < loop.header.size() && (std::isalnum(static_cast<unsigned char>(loop.header[i])) || loop.header[i] == '_'); };
        if ((pos == 0 || !word(pos - 1)) && !word(pos + root.size())) return false;
      }
    }
    return in_loop;
  }

  // ---- naming and typing of expressions -------------------------------------------------

  std::string text(TSNode node) const { return std::string(file_.tree.text(node)); }

  Site site_of(TSNode node, std::string label) const {
    Site site;
    site.file = file_.path;
    site.line = lang::line_of(node);
    site.column = lang::column_of(node);
    site.end_line = static_cast<int>(ts_node_end_point(node).row) + 1;
    site.end_column = static_cast<int>(ts_node_end_point(node).column) + 1;
    site.function = fn_.display_name;
    site.text = std::move(label);
    return site;
  }

  bool is_import_alias(const std::string& name) const {
    return file_.imports.count(name) && !params_.count(name) && !locals_.count(name) && name != fn_.receiver_name;
  }

  // The variable a name refers to, searching this function, then the functions it is nested in.
  std::optional<TypeRef> type_of_name(const std::string& name) const {
    if (auto it = locals_.find(name); it != locals_.end()) return it->second;
    for (const Function* f = &fn_; f; f = f->enclosing) {
      if (!f->receiver_name.empty() && name == f->receiver_name) return TypeRef::named("", f->receiver_type, true);
      for (const auto& p : f->params)
        if (p.name == name) return p.type;
      if (f != &fn_)
        if (auto captured = declared_in(*f, name)) return captured;
    }
    return package_.global_type(name);
  }

  // A variable a closure captures: its `var name T` or `name := &T{}` in an enclosing function,
  // before the closure. Scanned once per name.
  std::optional<TypeRef> declared_in(const Function& outer, const std::string& name) const {
    auto key = std::make_pair(&outer, name);
    if (auto it = captured_.find(key); it != captured_.end()) return it->second;
    std::optional<TypeRef> found;
    if (lang::null(outer.body)) return captured_[key] = found;
    uint32_t before = lang::start_byte(fn_.node);
    NodeList own;
    auto [list, first] = listed(outer.body, own);
    std::vector<uint32_t> stack{first};  // depth first, the last child first
    while (!stack.empty() && !found) {
      uint32_t at = stack.back();
      stack.pop_back();
      TSNode node = list->nodes[at];
      if (lang::start_byte(node) >= before) continue;
      if (is(node, "var_spec")) {
        TSNode type = field(node, "type");
        for (TSNode n : children_by_field(node, "name"))
          if (text(n) == name && !lang::null(type)) found = package_.type_of_node(type, file_);
      } else if (is(node, "short_var_declaration")) {
        TSNode left = field(node, "left");
        TSNode right = field(node, "right");
        uint32_t count = ts_node_named_child_count(left);
        for (uint32_t i = 0; i < count && i < ts_node_named_child_count(right); ++i) {
          if (text(ts_node_named_child(left, i)) != name) continue;
          TSNode value = unparen(ts_node_named_child(right, i));
          bool pointer = false;
          if (is(value, "unary_expression")) {
            pointer = true;
            value = unparen(field(value, "operand"));
          }
          if (is(value, "composite_literal")) {
            TypeRef t = package_.type_of_node(field(value, "type"), file_);
            t.pointer = pointer;
            found = t;
          }
        }
      }
      for (uint32_t child = at + 1; child < list->end[at]; child = list->end[child]) stack.push_back(child);
    }
    captured_[key] = found;
    return found;
  }

  std::optional<TypeRef> type_of(TSNode expr, int guard = 0) const {
    expr = unparen(expr);
    if (lang::null(expr) || guard > 32) return std::nullopt;
    if (is(expr, "identifier")) return type_of_name(text(expr));
    if (is(expr, "selector_expression")) {
      TSNode operand = unparen(field(expr, "operand"));
      if (is(operand, "identifier") && is_import_alias(text(operand))) {
        if (file_.imports.at(text(operand)) == "net/http" && text(field(expr, "field")) == "DefaultClient")
          return TypeRef::named("net/http", "Client", true);
        return std::nullopt;
      }
      std::string name = text(field(expr, "field"));
      if (!package_.may_have_field(name)) return std::nullopt;
      auto base = type_of(operand, guard + 1);
      if (!base || base->empty()) return std::nullopt;
      auto f = package_.find_field(*base, name, nullptr);
      if (!f) return std::nullopt;
      return f->type;
    }
    if (is(expr, "unary_expression")) {
      auto inner = type_of(field(expr, "operand"), guard + 1);
      if (inner && text(field(expr, "operator")) == "&") inner->pointer = true;
      return inner;
    }
    if (is(expr, "composite_literal")) return package_.type_of_node(field(expr, "type"), file_);
    if (is(expr, "index_expression")) {
      auto container = type_of(field(expr, "operand"), guard + 1);
      if (container && (container->name == "[]" || container->name == "map") && container->package.empty())
        return container->element();
      return std::nullopt;
    }
    if (is(expr, "call_expression")) {
      TSNode function = unparen(field(expr, "function"));
      if (is(function, "identifier") && text(function) == "make") {
        TSNode args = field(expr, "arguments");
        if (ts_node_named_child_count(args) > 0) return package_.type_of_node(ts_node_named_child(args, 0), file_);
      }
      if (is(function, "selector_expression")) {
        TSNode operand = unparen(field(function, "operand"));
        if (is(operand, "identifier") && is_import_alias(text(operand)))
          return constructor_result(file_.imports.at(text(operand)), file_.tree.text(field(function, "field")));
      }
      if (is(function, "identifier") && text(function) == "new") {
        TSNode args = field(expr, "arguments");
        if (ts_node_named_child_count(args) > 0) {
          TypeRef t = package_.type_of_node(ts_node_named_child(args, 0), file_);
          t.pointer = true;
          return t;
        }
      }
      if (const Function* callee = resolve_callee(expr, nullptr); callee && !callee->results.empty())
        return callee->results[0];
    }
    return std::nullopt;
  }

  LockRef root_ref(const std::string& name) const {
    LockRef ref;
    if (auto it = params_.find(name); it != params_.end()) {
      ref.root = LockRef::Root::kParam;
      ref.param = it->second;
    } else if (!fn_.receiver_name.empty() && name == fn_.receiver_name) {
      ref.root = LockRef::Root::kReceiver;
    } else if (locals_.count(name) || !package_.has_global(name)) {
      ref.root = LockRef::Root::kLocal;
      ref.name = name;
    } else {
      ref.root = LockRef::Root::kGlobal;
      ref.name = name;
    }
    return ref;
  }

  std::optional<LockRef> lock_ref_of(TSNode expr, int guard = 0) const {
    expr = unparen(expr);
    if (lang::null(expr) || guard > 32) return std::nullopt;
    if (is(expr, "identifier")) return root_ref(text(expr));
    if (is(expr, "unary_expression")) {
      std::string op = text(field(expr, "operator"));
      if (op == "&" || op == "*") return lock_ref_of(field(expr, "operand"), guard + 1);
      return std::nullopt;
    }
    if (is(expr, "selector_expression")) {
      TSNode operand = unparen(field(expr, "operand"));
      std::string member = text(field(expr, "field"));
      if (is(operand, "identifier") && is_import_alias(text(operand))) {
        LockRef ref;
        ref.root = LockRef::Root::kGlobal;
        ref.name = text(operand) + "." + member;
        return ref;
      }
      auto base = lock_ref_of(operand, guard + 1);
      if (!base) return std::nullopt;
      base->path += "." + member;
      return base;
    }
    if (is(expr, "index_expression")) {
      auto base = lock_ref_of(field(expr, "operand"), guard + 1);
      if (!base) return std::nullopt;
      base->path += "[" + text(field(expr, "index")) + "]";
      return base;
    }
    return std::nullopt;
  }

  // For `X.Lock()`-shaped calls: the lock they operate on, when X is (or embeds) a sync mutex.
  std::optional<LockRef> lock_target(TSNode operand) const {
    TSNode bare = unparen(operand);
    if (is(bare, "identifier") && is_import_alias(text(bare))) return std::nullopt;  // pkg.Lock(f)
    auto ref = lock_ref_of(operand);
    if (!ref) return std::nullopt;
    auto type = type_of(operand);
    if (type && !type->empty()) {
      if (is_sync_lock_type(*type)) return ref;
      if (!type->package.empty()) return std::nullopt;  // another package's type: unknown semantics
      // A struct embedding a mutex: X.Lock() is X.Mutex.Lock().
      for (const char* embedded : {"Mutex", "RWMutex"}) {
        std::vector<std::string> hops;
        auto f = package_.find_field(*type, embedded, &hops);
        if (f && f->embedded && is_sync_lock_type(f->type)) {
          for (const auto& hop : hops) ref->path += "." + hop;
          return ref;
        }
      }
      if (package_.resolve_decl(*type)) return std::nullopt;  // a known type that is no mutex
    }
    // Unknown type: decide by the name of the last element.
    TSNode last = unparen(operand);
    std::string name = is(last, "selector_expression") ? text(field(last, "field")) : text(last);
    if (looks_like_mutex_name(name)) return ref;
    return std::nullopt;
  }

  // How a lock reads in a message: the expression, plus the embedded field it implies (`r.RWMutex`).
  std::string lock_label(TSNode operand, const LockRef& lock) const {
    std::string label = text(unparen(operand));
    for (const char* embedded : {".RWMutex", ".Mutex"}) {
      std::string suffix = embedded;
      bool lock_ends = lock.path.size() >= suffix.size() &&
                       lock.path.compare(lock.path.size() - suffix.size(), suffix.size(), suffix) == 0;
      bool text_ends = label.size() >= suffix.size() &&
                       label.compare(label.size() - suffix.size(), suffix.size(), suffix) == 0;
      if (lock_ends && !text_ends) return label + embedded;
    }
    return label;
  }

  // The package-wide name of the mutex a lock expression denotes: the field and the type that
  // declares it ("Store.mu", "Registry.RWMutex"), or "var regMu"; "" for locals and parameters.
  std::string lock_class_of(TSNode operand, const LockRef& lock, bool qualify = true) const {
    if (lock.root == LockRef::Root::kGlobal && lock.path.empty()) return "var " + lock.name;
    if (lock.root == LockRef::Root::kLocal && lock.path.empty()) {
      // A local mutex is one lock for the function that declares it and every closure that
      // captures it (goroutines of one test taking `a` and `b` in opposite orders).
      const Function* owner = &fn_;
      if (!locals_.count(lock.name))
        while (owner->enclosing) owner = owner->enclosing;
      return "local " + owner->display_name + "." + lock.name;
    }
    TSNode x = unparen(operand);
    while (is(x, "unary_expression")) x = unparen(field(x, "operand"));
    std::string label = lock_label(operand, lock);
    std::string written = text(unparen(operand));
    if (label != written) return qualified_class(x, label.substr(written.size() + 1), qualify);  // embedded: X.Lock()
    if (is(x, "selector_expression")) {
      std::string cls = qualified_class(field(x, "operand"), text(field(x, "field")), qualify);
      if (cls.empty() && lock.root == LockRef::Root::kGlobal) return "var " + lock.name + lock.path;
      return cls;
    }
    return "";
  }

  // "Owner.member" for the member of the value `owner` denotes. When that value is one of
  // several same-typed fields of its parent (Conn.in and Conn.out are both halfConn), the
  // parent's field qualifies it ("Conn.in.Mutex"), so the two are not taken for one lock.
  std::string qualified_class(TSNode owner, const std::string& member, bool qualify = true) const {
    auto type = type_of(owner);
    if (!type || type->empty() || !type->package.empty()) return "";
    owner = unparen(owner);
    if (qualify && is(owner, "selector_expression")) {
      auto parent = type_of(field(owner, "operand"));
      const TypeDecl* decl = parent ? package_.resolve_decl(*parent) : nullptr;
      if (decl && decl->is_struct) {
        int same_typed = 0;
        for (const auto& f : decl->fields) same_typed += f.type.name == type->name && f.type.package.empty() ? 1 : 0;
        if (same_typed > 1) return decl->name + "." + text(field(owner, "field")) + "." + member;
      }
    }
    return type->name + "." + member;
  }

  // A same-package function or method called by `call`, with the receiver binding for methods.
  const Function* resolve_callee(TSNode call, std::optional<LockRef>* receiver) const {
    TSNode function = unparen(field(call, "function"));
    if (is(function, "identifier")) {
      std::string name = text(function);
      if (params_.count(name) || locals_.count(name)) return nullptr;
      return package_.function_named(name);
    }
    if (!is(function, "selector_expression")) return nullptr;
    TSNode operand = unparen(field(function, "operand"));
    if (is(operand, "identifier") && is_import_alias(text(operand))) return nullptr;
    std::string name = text(field(function, "field"));
    if (!package_.may_have_method(name)) return nullptr;  // find_method finds only the package's methods
    auto type = type_of(operand);
    if (!type || type->empty() || !type->package.empty()) return nullptr;
    std::vector<std::string> hops;
    const Function* callee = package_.find_method(*type, name, &hops);
    if (callee && receiver) {
      *receiver = lock_ref_of(operand);
      if (*receiver)
        for (const auto& hop : hops) (*receiver)->path += "." + hop;
    }
    return callee;
  }

  // Maps a lock named in callee's namespace into this function's, through the call's arguments.
  std::optional<LockRef> bind(const LockRef& callee_ref, TSNode call, const std::optional<LockRef>& receiver) const {
    std::optional<LockRef> base;
    switch (callee_ref.root) {
      case LockRef::Root::kReceiver: base = receiver; break;
      case LockRef::Root::kParam: {
        TSNode args = field(call, "arguments");
        if (callee_ref.param < 0 || static_cast<uint32_t>(callee_ref.param) >= ts_node_named_child_count(args))
          return std::nullopt;
        base = lock_ref_of(ts_node_named_child(args, static_cast<uint32_t>(callee_ref.param)));
        break;
      }
      case LockRef::Root::kGlobal: return callee_ref;
      case LockRef::Root::kLocal: return std::nullopt;  // the callee's own variable
    }
    if (!base) return std::nullopt;
    base->path += callee_ref.path;
    return base;
  }

  // ---- lock state transitions --------------------------------------------------------------

  // Records an acquisition. `keep` is false for a callee's acquisitions: whether the caller
  // still holds the lock afterwards is the callee's held_at_exit, applied separately.
  void acquire(State& state, Acquisition acquisition, bool keep) {
    analysis_.add_event({&fn_, acquisition, state.held});
    std::string key = acquisition.lock.key();
    if (!state.find(key) && !released_unowned_.count(key)) summary_.acquires.push_back(acquisition);
    if (keep && !state.find(key)) {
      state.forget_release(key);
      state.forget_maybe(key);
      state.held.push_back(std::move(acquisition));
    }
  }

  // Releases lock. `site` is the Unlock that does it when it is written in this function; then
  // the path remembers it, so a second unlock can be recognised.
  // `calls`: how many calls down the Unlock is, for a callee's.
  void release(State& state, const LockRef& lock, const Site* site = nullptr, int calls = 0) {
    std::string key = lock.key();
    const HeldLock* held = state.find(key);
    if (!held || held->from_caller) {
      // The caller's lock; the nearest Unlock of it counts.
      auto [it, added] = released_unowned_.emplace(key, ReleasedLock{lock, calls});
      if (!added && calls < it->second.calls) it->second = ReleasedLock{lock, calls};
      if (!held) return;
    }
    state.remove(key);
    state.forget_release(key);
    if (site) state.released.push_back({key, *site});
  }

  // An Unlock or RUnlock written in this function.
  void release_explicit(State& state, const LockRef& lock, const Site& site, bool shared_op) {
    std::string key = lock.key();
    if (const HeldLock* held = state.find(key)) {
      if (held->shared != shared_op) misuse(LockMisuse::Kind::kModeMismatch, site, *held, {});
    } else if (const Release* earlier = state.find_release(key)) {
      HeldLock unlocked;
      unlocked.lock = lock;
      unlocked.site = site;
      misuse(LockMisuse::Kind::kDoubleUnlock, site, unlocked, {earlier->site});
      return;
    } else if (const HeldLock* maybe = state.find_maybe(key);
               maybe && !maybe->from_caller && maybe->calls.empty() && unconditional(site)) {
      misuse(LockMisuse::Kind::kMaybeUnlocked, site, *maybe, {});
      state.forget_maybe(key);
      return;
    }
    release(state, lock, &site);
  }

  // Is the statement at site reached whenever the function body is (no if, switch, select or
  // loop around it)? A conditional Unlock may share the condition of a conditional Lock.
  bool unconditional(const Site& site) const {
    TSNode node = ts_node_descendant_for_point_range(
        fn_.body, {static_cast<uint32_t>(site.line - 1), static_cast<uint32_t>(site.column - 1)},
        {static_cast<uint32_t>(site.line - 1), static_cast<uint32_t>(site.column - 1)});
    for (; !lang::null(node) && !ts_node_eq(node, fn_.body); node = parent_of(node)) {
      if (is(node, "if_statement") || is(node, "expression_switch_statement") || is(node, "type_switch_statement") ||
          is(node, "select_statement") || is(node, "for_statement") || is(node, "func_literal"))
        return false;
    }
    return !lang::null(node);
  }

  void misuse(LockMisuse::Kind kind, const Site& site, const HeldLock& lock, std::vector<Site> other) {
    LockMisuse m;
    m.kind = kind;
    m.function = &fn_;
    m.site = site;
    m.lock = lock;
    m.other = std::move(other);
    analysis_.add_misuse(std::move(m));
  }

  void blocking(State& state, BlockingOp op) {
    if (!summary_.blocks) summary_.blocks = op;
    if (!state.held.empty()) analysis_.add_block_event({&fn_, std::move(op), state.held});
  }

  void blocking_at(State& state, TSNode node, std::string what) {
    BlockingOp op;
    op.site = site_of(node, what);
    op.what = std::move(what);
    blocking(state, std::move(op));
  }

  bool is_context(TSNode arg) const {
    arg = unparen(arg);
    if (is(arg, "identifier") && text(arg) == "ctx") return true;
    if (!package_.imported_anywhere("context")) return false;  // then nothing has its types
    auto type = type_of(arg);
    return type && type->is("context", "Context");
  }

  // A call into another package that may block: a known slow function or method, or one that
  // is handed a ctx (which is how Go code says "this may wait").
  void check_external_blocking(TSNode call, TSNode function, State& state) {
    if (state.held.empty() && summary_.blocks) return;  // no lock to report and the summary has its first
    std::string callee = text(function);
    if (is(function, "selector_expression")) {
      TSNode operand = unparen(field(function, "operand"));
      std::string name = text(field(function, "field"));
      if (is(operand, "identifier") && is_import_alias(text(operand))) {
        const std::string& path = file_.imports.at(text(operand));
        if (path == "context") return;
        if (slow_function(path, name)) return blocking_at(state, call, callee);
      } else if (auto type = type_of(operand); type && !type->package.empty()) {
        if (type->package == "context") return;
        if (slow_method(*type, name)) return blocking_at(state, call, callee);
      }
    }
    for (TSNode arg : named_children_in(file_.nodes, field(call, "arguments")))
      if (is_context(arg)) return blocking_at(state, call, callee + " (passed a ctx)");
  }

  // A return (or the end of the body) at `where`: deferred unlocks run, LIFO.
  void record_exit(State& state, const Site& where) {
    for (auto it = state.defers.rbegin(); it != state.defers.rend(); ++it) {
      std::string key = it->lock.key();
      if (it->acquire) {
        HeldLock retaken;
        retaken.lock = it->lock;
        retaken.shared = it->shared;
        retaken.site = it->site;
        retaken.site.text = it->label;
        state.forget_release(key);
        if (!state.find(key)) state.held.push_back(std::move(retaken));
        continue;
      }
      const Release* earlier = state.find(key) ? nullptr : state.find_release(key);
      if (earlier && !it->conditional) {
        HeldLock unlocked;
        unlocked.lock = it->lock;
        unlocked.site = earlier->site;
        unlocked.site.text = it->label;
        misuse(LockMisuse::Kind::kDoubleUnlock, earlier->site, unlocked, {it->site});
        continue;
      }
      if (const HeldLock* held = state.find(key); held && !it->conditional && !it->label.empty() &&
                                                 held->shared != it->shared)
        misuse(LockMisuse::Kind::kModeMismatch, it->site, *held, {});
      release(state, it->lock, &it->site);
    }
    state.defers.clear();
    std::set<std::string> released;
    for (const auto& r : state.released) released.insert(r.key);
    exits_.push_back({state.held, std::move(released), where});
  }

  Site end_of_body() const {
    Site site = site_of(fn_.body, "end of " + fn_.display_name);
    site.line = site.end_line;
    site.column = site.end_column > 1 ? site.end_column - 1 : 1;
    return site;
  }

  void apply_call(State& state, TSNode call, const Function* callee, const std::optional<LockRef>& receiver) {
    const FunctionSummary& summary = analysis_.summary_of(callee);
    // Most callees' summaries are empty: the call's site is made when something cites it.
    std::optional<Site> made_site;
    auto call_site_of = [&]() -> const Site& {
      if (!made_site) made_site = site_of(call, callee->display_name);
      return *made_site;
    };
    for (const auto& requirement : callee->requires_held) {
      auto required = requirement_lock(package_, *callee, requirement);
      auto lock = required ? bind(*required, call, receiver) : std::nullopt;
      if (!lock || state.find(lock->key())) continue;
      LockMisuse m;
      m.kind = LockMisuse::Kind::kRequirementUnmet;
      m.function = &fn_;
      m.site = call_site_of();
      m.lock.lock = *lock;
      m.lock.site = declaration_site(*callee, requirement);
      m.other = {m.lock.site};
      pending_misuses_.push_back(std::move(m));
    }
    for (const auto& exclusion : callee->excludes) {
      auto excluded = requirement_lock(package_, *callee, exclusion);
      auto lock = excluded ? bind(*excluded, call, receiver) : std::nullopt;
      const HeldLock* held = lock ? state.find(lock->key()) : nullptr;
      if (!held) continue;
      misuse(LockMisuse::Kind::kExcludedHeld, call_site_of(), *held, {declaration_site(*callee, exclusion)});
    }
    std::set<std::string> reported;
    // A call chain longer than max_call_depth is not followed, however the summary was reached.
    auto too_deep = [&](const std::vector<Site>& calls) {
      return static_cast<int>(calls.size()) + 1 > analysis_.options().max_call_depth;
    };
    for (const auto& a : summary.acquires) {
      if (too_deep(a.calls)) continue;
      auto lock = bind(a.lock, call, receiver);
      if (!lock || !reported.insert(lock->key()).second) continue;
      Acquisition mapped = a;
      mapped.lock = *lock;
      mapped.calls.insert(mapped.calls.begin(), call_site_of());
      acquire(state, std::move(mapped), false);
    }
    // (blocking() does nothing once this function has its first blocking operation and no lock is held.)
    if (summary.blocks && !too_deep(summary.blocks->calls) && (!summary_.blocks || !state.held.empty())) {
      BlockingOp op = *summary.blocks;
      op.calls.insert(op.calls.begin(), call_site_of());
      blocking(state, std::move(op));
    }
    for (const auto& r : summary.released) {
      if (r.calls + 1 > analysis_.options().max_call_depth) continue;
      if (auto lock = bind(r.lock, call, receiver)) release(state, *lock, nullptr, r.calls + 1);
    }
    for (const auto& h : summary.held_at_exit) {
      if (too_deep(h.calls)) continue;
      auto lock = bind(h.lock, call, receiver);
      if (!lock || state.find(lock->key())) continue;
      HeldLock mapped = h;
      mapped.lock = *lock;
      mapped.calls.insert(mapped.calls.begin(), call_site_of());
      state.held.push_back(std::move(mapped));
    }
  }

  bool is_cond(TSNode expr) const {
    auto type = type_of(expr);
    return type && type->is("sync", "Cond");
  }

  // The lock a sync.Cond waits with, and its class: `s.cond` where the package assigns
  // `s.cond = sync.NewCond(&s.mu)`, or a local `c := sync.NewCond(&mu)`.
  std::optional<std::pair<LockRef, std::string>> cond_lock(TSNode cond) const {
    cond = unparen(cond);
    if (!is_cond(cond)) return std::nullopt;
    if (is(cond, "selector_expression")) {
      const std::string* path = package_.cond_field_lock(text(field(cond, "field")));
      if (!path) return std::nullopt;
      TSNode owner = field(cond, "operand");
      auto ref = lock_ref_of(owner);
      if (!ref) return std::nullopt;
      ref->path += *path;
      bool one_field = path->find('.', 1) == std::string::npos;
      return std::make_pair(*ref, one_field ? qualified_class(owner, path->substr(1)) : std::string());
    }
    if (is(cond, "identifier")) {
      auto lock = package_.cond_local_lock(fn_, text(cond));
      auto ref = lock ? lock_ref_of(*lock) : std::nullopt;
      if (!ref) return std::nullopt;
      return std::make_pair(*ref, lock_class_of(*lock, *ref));
    }
    return std::nullopt;
  }

  // `c.Wait()` releases c.L while it waits, and only c.L: any other lock held stays held for as
  // long as the wait lasts.
  void on_cond_wait(TSNode call, TSNode cond, State& state) {
    auto bound = cond_lock(cond);
    if (!bound) return;
    State others = state;
    others.remove(bound->first.key());
    if (others.held.empty()) return;
    BlockingOp op;
    op.what = "sync.Cond.Wait on " + text(unparen(cond)) + " (it releases only its own lock)";
    op.site = site_of(call, op.what);
    analysis_.add_block_event({&fn_, std::move(op), others.held});
  }

  // Handles one call in evaluation order. Returns false when the goroutine cannot continue.
  void on_call(TSNode call, State& state, int nesting) {
    TSNode function = unparen(field(call, "function"));
    if (is(function, "func_literal")) {  // immediately invoked: runs now, with our locks
      walk_inline_literal(function, state, nesting);
      return;
    }
    if (is(function, "selector_expression")) {
      std::string_view method = file_.tree.text(field(function, "field"));
      TSNode operand = field(function, "operand");
      if (method == "Wait" && is_cond(operand)) return on_cond_wait(call, operand, state);
      // `c.L.Lock()`: the lock the cond was built with, when the package says which.
      TSNode bare = unparen(operand);
      if (lock_op_named(method) != LockOp::kNone && is(bare, "selector_expression") &&
          text(field(bare, "field")) == "L" && is_cond(field(bare, "operand"))) {
        std::optional<LockRef> lock;
        std::string lock_class;
        if (auto bound = cond_lock(field(bare, "operand"))) {
          lock = bound->first;
          lock_class = bound->second;
        } else {
          lock = lock_ref_of(bare);
        }
        if (lock) return on_lock_op(call, operand, *lock, lock_class, lock_class, lock_op_named(method), state);
      }
    }
    if (is(function, "selector_expression")) {
      LockOp op = lock_op_named(file_.tree.text(field(function, "field")));
      if (op != LockOp::kNone) {
        std::optional<LockRef> receiver;
        // A same-package type with its own Lock method is an ordinary call (a lock wrapper).
        if (const Function* callee = resolve_callee(call, &receiver)) {
          apply_call(state, call, callee, receiver);
          return;
        }
        TSNode operand = field(function, "operand");
        if (auto lock = lock_target(operand))
          return on_lock_op(call, operand, *lock, lock_class_of(operand, *lock), lock_class_of(operand, *lock, false), op,
                            state);
      }
    }
    std::optional<LockRef> receiver;
    if (const Function* callee = resolve_callee(call, &receiver)) {
      apply_call(state, call, callee, receiver);
      return;
    }
    if (is_terminating_call(file_.tree.text(function))) {
      // A panic unwinds through the deferred calls; whether it leaves a lock held matters to
      // whoever recovers it (net/http recovers every handler's panic).
      // `panic("unreachable")`-style assertions, a constant message, are left out.
      if (state.live && unwinds(file_.tree.text(function)) && !constant_message(call))
        record_exit(state, site_of(call, "panic"));
      state.live = false;
      return;
    }
    check_external_blocking(call, function, state);
    check_callback(call, function, state);
  }

  void on_lock_op(TSNode call, TSNode operand, const LockRef& lock, std::string lock_class, std::string type_class,
                  LockOp op, State& state) {
    managed_.insert(lock.key());
    if (op == LockOp::kLock || op == LockOp::kRLock) {
      Acquisition a;
      a.lock = lock;
      a.shared = op == LockOp::kRLock;
      a.site = site_of(call, lock_label(operand, lock));
      a.lock_class = std::move(lock_class);
      a.type_class = std::move(type_class);
      acquire(state, std::move(a), true);
    } else {
      release_explicit(state, lock, site_of(call, lock_label(operand, lock)), op == LockOp::kRUnlock);
    }
  }

  bool constant_message(TSNode call) const {
    TSNode args = field(call, "arguments");
    if (ts_node_named_child_count(args) != 1) return false;
    TSNode arg = unparen(ts_node_named_child(args, 0));
    return is(arg, "interpreted_string_literal") || is(arg, "raw_string_literal");
  }

  // Code the caller does not control, run inside the critical section: a function value
  // (parameter, local, func-typed field) or a method of an interface of this package.
  void check_callback(TSNode call, TSNode function, const State& state) {
    const HeldLock* held = nullptr;
    for (const auto& h : state.held)
      if (!h.from_caller) held = &h;
    if (!held) return;
    std::string kind;
    if (is(function, "identifier")) {
      auto type = type_of_name(text(function));
      if (type && type->name == "func" && type->package.empty()) kind = "the function value " + text(function);
    } else if (is(function, "selector_expression")) {
      TSNode operand = unparen(field(function, "operand"));
      if (is(operand, "identifier") && is_import_alias(text(operand))) return;
      auto base = type_of(operand);
      if (!base || base->empty() || !base->package.empty()) return;
      auto f = package_.find_field(*base, text(field(function, "field")), nullptr);
      if (f && f->type.name == "func" && f->type.package.empty()) {
        kind = "the callback " + text(function);
      } else if (const TypeDecl* decl = package_.type_named(base->name); decl && decl->is_interface) {
        kind = "the interface method " + text(function);
      }
    }
    if (kind.empty()) return;
    LockMisuse m;
    m.kind = LockMisuse::Kind::kCallbackUnderLock;
    m.function = &fn_;
    m.site = site_of(call, kind);
    m.lock = *held;
    analysis_.add_misuse(std::move(m));
  }

  // Calls inside an expression, innermost first (arguments are evaluated before the call). The
  // expression's nodes are read from the file's node list, pre-order; a call runs once the nodes
  // of its subtree (its function and arguments) have.
  void walk_expression(TSNode root, State& state, int nesting) {
    if (lang::null(root)) return;
    NodeList own;
    auto [list, first] = listed(root, own);
    // Compared by symbol, as the package index does: each of these types has one symbol.
    const TSLanguage* language = ts_tree_language(root.tree);
    const TSSymbol literal = lang::symbol_for(language, "func_literal");
    const TSSymbol unary = lang::symbol_for(language, "unary_expression");
    const TSSymbol selector = lang::symbol_for(language, "selector_expression");
    const TSSymbol call_symbol = lang::symbol_for(language, "call_expression");
    const uint32_t stop = list->end[first];
    std::vector<uint32_t> calls;  // calls whose subtrees are being walked, innermost last
    uint32_t i = first;
    while (state.live) {
      if (!calls.empty() && i >= list->end[calls.back()]) {
        TSNode call = list->nodes[calls.back()];
        calls.pop_back();
        step();
        on_call(call, state, nesting);
        continue;
      }
      if (i >= stop) break;
      step();
      TSNode node = list->nodes[i];
      TSSymbol symbol = list->symbol[i];
      if (symbol == literal) {  // runs later (or inline, via on_call)
        i = list->end[i];
        continue;
      }
      if (symbol == unary && !in_select_case_ && file_.tree.text(field(node, "operator")) == "<-")
        blocking_at(state, node, "channel receive");
      if (symbol == selector) check_guarded_access(node, state);
      if (symbol == call_symbol) calls.push_back(i);
      ++i;
    }
  }

  void walk_inline_literal(TSNode literal, State& state, int nesting) {
    // The literal's returns end the literal, not us: collect its exits separately.
    auto saved_exits = std::move(exits_);
    auto saved_loops = std::move(loops_);
    auto saved_defers = std::move(state.defers);
    exits_.clear();
    loops_.clear();
    state.defers.clear();
    State inner = state;
    walk_block(field(literal, "body"), inner, nesting + 1);
    if (inner.live) record_exit(inner, site_of(literal, "end of closure"));
    std::vector<State> outcomes;
    for (auto& exit : exits_) {
      if (exit.site.text == "panic") continue;
      State s;
      s.held = exit.held;
      outcomes.push_back(std::move(s));
    }
    State joined = join(outcomes);
    exits_ = std::move(saved_exits);
    loops_ = std::move(saved_loops);
    state.held = joined.live ? joined.held : state.held;
    state.defers = std::move(saved_defers);
  }

  // Does this expression (a field selector) get written: the left side of an assignment, an
  // operand of ++/--, possibly through an index (`s.m[k] = v` writes the map)?
  bool is_written(TSNode node) const {
    for (int guard = 0; guard < 16; ++guard) {
      TSNode parent = parent_of(node);
      if (is(parent, "index_expression") || is(parent, "parenthesized_expression")) {
        if (!ts_node_eq(unparen(field(parent, "operand")), node) && !is(parent, "parenthesized_expression")) return false;
        node = parent;
        continue;
      }
      if (is(parent, "inc_statement") || is(parent, "dec_statement")) return true;
      if (is(parent, "expression_list")) {
        TSNode statement = parent_of(parent);
        return is(statement, "assignment_statement") && ts_node_eq(field(statement, "left"), parent);
      }
      return false;
    }
    return false;
  }

  // `x.f` where f is declared guarded by a lock of x: the lock must be held (exclusively, to
  // write). Values this function just built (`x := &T{...}`) are not shared yet.
  void check_guarded_access(TSNode selector, State& state) {
    // Most selectors are package members and methods (`fmt.Sprintf`, `c.Close`): when no struct
    // of the package declares a field of the name, typing the operand finds nothing.
    if (!package_.may_have_field(file_.tree.text(field(selector, "field")))) return;
    TSNode operand = unparen(field(selector, "operand"));
    if (is(operand, "identifier") && fresh_.count(text(operand))) return;
    auto base = type_of(operand);
    if (!base || base->empty() || !base->package.empty()) return;
    std::vector<std::string> hops;
    auto f = package_.find_field(*base, text(field(selector, "field")), &hops);
    if (!f || is_sync_lock_type(f->type)) return;
    if (hops.size() == 1) {  // record every direct field access, for go-undocumented-lock-state
      FieldAccess access;
      access.function = &fn_;
      access.field = base->name + "." + f->name;
      access.selector = selector;
      for (const auto& h : state.held)
        if (!h.lock_class.empty()) access.held_classes.push_back(h.lock_class);
      analysis_.add_field_access(std::move(access));
    }
    if (f->guarded_by.empty()) return;
    auto owner = lock_ref_of(operand);
    if (!owner) return;
    LockRef lock = *owner;
    for (size_t i = 0; i + 1 < hops.size(); ++i) lock.path += "." + hops[i];  // promoted through embedding
    lock.path += "." + f->guarded_by;
    bool write = is_written(selector);
    if (!write && f->guard_for_writes) return;
    const HeldLock* held = state.find(lock.key());
    if (held && (!write || !held->shared)) return;
    LockMisuse m;
    m.kind = LockMisuse::Kind::kGuardedAccess;
    m.function = &fn_;
    m.site = site_of(selector, text(selector));
    m.lock.lock = lock;
    m.lock.shared = held != nullptr;  // held, but only for reading
    m.lock.site = site_of(selector, text(operand) + "." + f->guarded_by);
    Site declared;
    declared.file = f->guard_file;
    declared.line = f->guard_line;
    declared.text = f->guarded_by;
    m.other = {declared};
    m.write = write;
    pending_misuses_.push_back(std::move(m));
  }

  // `for _, r := range m.routes`: r is the element; `for v := range ch`: v is the element.
  void note_range_variables(TSNode left, const std::optional<TypeRef>& range_type) {
    if (lang::null(left)) return;
    uint32_t count = ts_node_named_child_count(left);
    for (uint32_t i = 0; i < count; ++i) {
      TSNode name = ts_node_named_child(left, i);
      if (!is(name, "identifier")) continue;
      TypeRef type;
      bool is_value = range_type && range_type->package.empty() &&
                      ((range_type->name == "chan" && i == 0) ||
                       ((range_type->name == "[]" || range_type->name == "map") && i == 1));
      if (is_value) type = range_type->element();
      locals_[text(name)] = type;
    }
  }

  void note_locals(TSNode statement) {
    if (is(statement, "short_var_declaration")) {
      const std::vector<TSNode> left = named_children_in(file_.nodes, field(statement, "left"));
      const std::vector<TSNode> right = named_children_in(file_.nodes, field(statement, "right"));
      bool paired = left.size() == right.size();
      TSNode single = right.size() == 1 ? unparen(right[0]) : TSNode{};
      for (size_t i = 0; i < left.size(); ++i) {
        TSNode name = left[i];
        if (!is(name, "identifier")) continue;
        std::optional<TypeRef> type;
        if (paired) {
          TSNode value = unparen(right[i]);
          type = type_of(value);
          if (is(value, "unary_expression")) value = unparen(field(value, "operand"));
          bool built = is(value, "composite_literal") ||
                       (is(value, "call_expression") && text(unparen(field(value, "function"))) == "new");
          if (built) fresh_.insert(text(name));
          else fresh_.erase(text(name));
        } else if (is(single, "call_expression")) {
          // `f, err := os.Open(p)`: the i-th result.
          if (const Function* callee = resolve_callee(single, nullptr); callee && i < callee->results.size())
            type = callee->results[i];
          else if (i == 0)
            type = type_of(single);
        }
        locals_[text(name)] = type.value_or(TypeRef());
      }
    } else if (is(statement, "var_declaration")) {
      std::vector<TSNode> specs;
      for (TSNode child : lang::named_children(statement)) {
        if (is(child, "var_spec")) specs.push_back(child);
        if (is(child, "var_spec_list"))
          for (TSNode spec : lang::named_children(child))
            if (is(spec, "var_spec")) specs.push_back(spec);
      }
      for (TSNode spec : specs) {
        TSNode type_node = field(spec, "type");
        TSNode values = field(spec, "value");
        auto names = children_by_field(spec, "name");
        for (size_t i = 0; i < names.size(); ++i) {
          TypeRef type;
          if (!lang::null(type_node)) {
            type = package_.type_of_node(type_node, file_);
          } else if (!lang::null(values) && i < ts_node_named_child_count(values)) {
            type = type_of(ts_node_named_child(values, static_cast<uint32_t>(i))).value_or(TypeRef());
          }
          locals_[text(names[i])] = type;
        }
      }
    }
  }

  // ---- statements ---------------------------------------------------------------------------

  void step() {
    if (++steps_ > analysis_.options().max_steps_per_function) throw BudgetExceeded{};
  }

  void walk_block(TSNode block, State& state, int nesting) {
    if (lang::null(block)) return;
    NodeList own;
    auto [list, first] = listed(block, own);
    for (uint32_t i = first + 1; i < list->end[first]; i = list->end[i]) {
      if (!state.live) return;
      walk_statement(noted(*list, i), state, nesting + 1);
    }
  }

  void walk_defer(TSNode statement, State& state) {
    TSNode call = unparen(ts_node_named_child(statement, 0));
    if (!is(call, "call_expression")) return;
    TSNode function = unparen(field(call, "function"));
    Site here = site_of(statement, "defer");
    if (is(function, "selector_expression")) {
      LockOp op = lock_op_named(file_.tree.text(field(function, "field")));
      auto lock = op == LockOp::kNone ? std::nullopt : lock_target(field(function, "operand"));
      std::string label = lock ? lock_label(field(function, "operand"), *lock) : std::string();
      if (lock && (op == LockOp::kUnlock || op == LockOp::kRUnlock)) {
        Deferred unlock{*lock, here, false, label};
        unlock.shared = op == LockOp::kRUnlock;
        state.defers.push_back(std::move(unlock));
        if (same_lock_every_iteration(*lock)) {
          HeldLock deferred;
          deferred.lock = *lock;
          deferred.site = site_of(call, lock_label(field(function, "operand"), *lock));
          misuse(LockMisuse::Kind::kDeferInLoop, here, deferred, {});
        }
        return;
      }
      if (lock && (op == LockOp::kLock || op == LockOp::kRLock)) {
        // Held here, it was meant to be an Unlock; released earlier, it re-takes the lock the
        // caller expects to hold on return (`mu.RUnlock(); defer mu.RLock()`).
        if (state.find(lock->key())) {
          HeldLock deferred;
          deferred.lock = *lock;
          deferred.shared = op == LockOp::kRLock;
          deferred.site = site_of(call, label);
          misuse(LockMisuse::Kind::kDeferLock, here, deferred, {});
        }
        Deferred retake{*lock, here, false, label};
        retake.acquire = true;
        retake.shared = op == LockOp::kRLock;
        state.defers.push_back(std::move(retake));
        return;
      }
    }
    bool closure = is(function, "func_literal");
    for (const auto& lock : unlocks_of(call)) state.defers.push_back({lock, here, closure, ""});
  }

  // The locks a call releases: a closure's Unlock/RUnlock calls (not those of closures nested
  // in it), or a same-package callee's released summary mapped through the call.
  std::vector<LockRef> unlocks_of(TSNode call) {
    std::vector<LockRef> out;
    TSNode function = unparen(field(call, "function"));
    if (is(function, "func_literal")) {
      // A closure that locks and unlocks the same lock itself releases nothing of ours.
      std::set<std::string> locked;
      std::vector<TSNode> stack{field(function, "body")};
      while (!stack.empty()) {
        TSNode node = stack.back();
        stack.pop_back();
        step();
        if (is(node, "func_literal")) continue;
        if (is(node, "call_expression")) {
          TSNode fn = unparen(field(node, "function"));
          if (is(fn, "selector_expression")) {
            LockOp op = lock_op_named(file_.tree.text(field(fn, "field")));
            auto lock = op == LockOp::kNone ? std::nullopt : lock_target(field(fn, "operand"));
            if (lock && (op == LockOp::kUnlock || op == LockOp::kRUnlock)) out.push_back(*lock);
            if (lock && (op == LockOp::kLock || op == LockOp::kRLock)) locked.insert(lock->key());
          }
        }
        lang::for_named_children(node, [&](TSNode child) { stack.push_back(child); });
      }
      out.erase(std::remove_if(out.begin(), out.end(), [&](const LockRef& r) { return locked.count(r.key()) > 0; }),
                out.end());
      return out;
    }
    std::optional<LockRef> receiver;
    if (const Function* callee = resolve_callee(call, &receiver)) {
      for (const auto& r : analysis_.summary_of(callee).released)
        if (r.calls + 1 <= analysis_.options().max_call_depth)
          if (auto lock = bind(r.lock, call, receiver)) out.push_back(*lock);
    }
    return out;
  }

  // Statements of a case clause: everything but the clause's own header fields.
  // The clause's statements: its named children but the header (the `value`, `type` and
  // `communication` fields) and comments, in one pass over the children.
  std::vector<TSNode> clause_statements(TSNode clause) {
    std::vector<TSNode> out;
    if (lang::null(clause)) return out;
    TSTreeCursor cursor = ts_tree_cursor_new(clause);
    if (ts_tree_cursor_goto_first_child(&cursor)) {
      do {
        TSNode child = ts_tree_cursor_current_node(&cursor);
        if (!ts_node_is_named(child) || is(child, "comment")) continue;
        const char* name = ts_tree_cursor_current_field_name(&cursor);
        std::string_view field_name = name ? name : "";
        if (field_name == "value" || field_name == "type" || field_name == "communication") continue;
        out.push_back(child);
      } while (ts_tree_cursor_goto_next_sibling(&cursor));
    }
    ts_tree_cursor_delete(&cursor);
    return out;
  }

  void walk_clauses(TSNode statement, State& state, int nesting, bool is_select) {
    std::vector<State> outcomes;
    bool has_default = false;
    loops_.push_back(LoopContext{{}, {}, false, ""});
    for (TSNode clause : named_children_in(file_.nodes, statement)) {
      if (!is(clause, "expression_case") && !is(clause, "type_case") && !is(clause, "default_case") &&
          !is(clause, "communication_case"))
        continue;
      if (is(clause, "default_case")) has_default = true;
      State branch = state;
      if (is(clause, "communication_case")) {
        in_select_case_ = true;
        walk_expression(field(clause, "communication"), branch, nesting);
        in_select_case_ = false;
      }
      for (TSNode s : clause_statements(clause)) {
        if (!branch.live) break;
        walk_statement(s, branch, nesting + 1);
      }
      outcomes.push_back(std::move(branch));
    }
    LoopContext context = std::move(loops_.back());
    loops_.pop_back();
    for (auto& b : context.breaks) outcomes.push_back(std::move(b));
    // A switch without default may run no clause; a select always runs one.
    if (!is_select && !has_default) outcomes.push_back(state);
    state = join(outcomes);
  }

  void walk_statement(TSNode statement, State& state, int nesting) {
    if (nesting > analysis_.options().max_nesting) throw BudgetExceeded{};
    step();
    if (lang::null(statement)) return;
    // The statement's type, read once for the tests below.
    const char* kind = lang::node_type(statement);
    auto is_a = [kind](const char* type) { return lang::same_type(kind, type); };
    if (is_a("comment") || is_a("empty_statement")) return;
    if (is_a("block")) {
      walk_block(statement, state, nesting);
    } else if (is_a("labeled_statement")) {
      for (TSNode child : lang::named_children(statement))
        if (!is(child, "label_name")) walk_statement(child, state, nesting + 1);
    } else if (is_a("if_statement")) {
      walk_statement_field(statement, "initializer", state, nesting);
      walk_expression(field(statement, "condition"), state, nesting);
      if (!state.live) return;
      State then_state = state;
      walk_block(field(statement, "consequence"), then_state, nesting);
      State else_state = state;
      TSNode alternative = field(statement, "alternative");
      if (!lang::null(alternative)) walk_statement(alternative, else_state, nesting + 1);
      state = join({then_state, else_state});
    } else if (is_a("for_statement")) {
      bool infinite = true;
      for (TSNode child : lang::named_children(statement)) {
        if (is(child, "for_clause")) {
          walk_statement_field(child, "initializer", state, nesting);
          TSNode condition = field(child, "condition");
          if (!lang::null(condition)) {
            infinite = false;
            walk_expression(condition, state, nesting);
          }
        } else if (is(child, "range_clause")) {
          infinite = false;
          TSNode right = field(child, "right");
          walk_expression(right, state, nesting);
          auto type = type_of(right);
          if (type && type->name == "chan" && type->package.empty())
            blocking_at(state, right, "range over a channel");
          note_range_variables(field(child, "left"), type);
        } else if (!is(child, "block") && !is(child, "comment")) {
          infinite = false;  // `for cond {}`
          walk_expression(child, state, nesting);
        }
      }
      if (!state.live) return;
      LoopContext loop;
      for (TSNode child : lang::named_children(statement))
        if (!is(child, "block")) loop.header += text(child) + "\n";
      loops_.push_back(std::move(loop));
      State body = state;
      walk_block(field(statement, "body"), body, nesting);
      LoopContext context = std::move(loops_.back());
      loops_.pop_back();
      std::vector<State> outcomes = std::move(context.breaks);
      if (!infinite) {
        outcomes.push_back(state);
        outcomes.push_back(body);
        for (auto& c : context.continues) outcomes.push_back(std::move(c));
      }
      state = join(outcomes);
    } else if (is_a("expression_switch_statement") || is_a("type_switch_statement")) {
      walk_statement_field(statement, "initializer", state, nesting);
      walk_expression(field(statement, "value"), state, nesting);
      if (state.live) walk_clauses(statement, state, nesting, false);
    } else if (is_a("select_statement")) {
      bool has_default = false;
      for (TSNode clause : lang::named_children(statement)) has_default |= is(clause, "default_case");
      if (!has_default) blocking_at(state, statement, "select without default");
      walk_clauses(statement, state, nesting, true);
    } else if (is_a("return_statement")) {
      for (TSNode child : lang::named_children(statement)) walk_expression(child, state, nesting);
      if (state.live) {
        Site where = site_of(statement, "return");
        where.text = returns_release(statement) ? "return-release" : "return";
        record_exit(state, where);
      }
      state.live = false;
    } else if (is_a("break_statement") || is_a("continue_statement")) {
      bool is_break = is_a("break_statement");
      for (auto it = loops_.rbegin(); it != loops_.rend(); ++it) {
        if (!is_break && !it->is_loop) continue;
        (is_break ? it->breaks : it->continues).push_back(state);
        break;
      }
      state.live = false;
    } else if (is_a("goto_statement")) {
      state.live = false;  // where it lands is not followed; dropping the path cannot invent a finding
    } else if (is_a("go_statement")) {
      // The goroutine runs with no locks held; its body is walked as a function of its own.
      // A lock it unlocks is handed off to it (`mu.Lock(); go func() { ...; mu.Unlock() }();
      // mu.Lock()` waits for the goroutine): we no longer hold it.
      TSNode call = unparen(ts_node_named_child(statement, 0));
      if (is(call, "call_expression"))
        for (const auto& lock : unlocks_of(call)) state.remove(lock.key());
    } else if (is_a("defer_statement")) {
      walk_defer(statement, state);
    } else {
      note_locals(statement);
      walk_expression(statement, state, nesting);
      if (state.live && !in_select_case_ && is_a("send_statement")) blocking_at(state, statement, "channel send");
    }
  }

  void walk_statement_field(TSNode node, const char* name, State& state, int nesting) {
    TSNode child = field(node, name);
    if (lang::null(child)) return;
    note_locals(child);
    walk_expression(child, state, nesting);
  }

  LockAnalysis& analysis_;
  const Package& package_;
  const Function& fn_;
  const SourceFile& file_;
  int steps_ = 0;
  std::map<std::string, int> params_;
  std::map<std::string, TypeRef> locals_;
  std::map<std::string, ReleasedLock> released_unowned_;
  std::map<std::string, LockRef> annotated_released_;  // +checklocksrelease
  std::set<std::string> acquired_by_contract_;         // +checklocksacquire: returning with it held is the point
  std::vector<Exit> exits_;
  // Unmet requirements and unguarded accesses: kept only if this function manages the lock.
  std::vector<LockMisuse> pending_misuses_;
  std::set<std::string> managed_;  // locks this function locks or unlocks itself
  std::set<std::string> fresh_;    // locals holding a value built here, not yet shared
  mutable std::map<std::pair<const Function*, std::string>, std::optional<TypeRef>> captured_;
  std::vector<LoopContext> loops_;
  bool in_select_case_ = false;  // a select's communications block only as the select itself
  FunctionSummary summary_;
};

// True for literals called on the spot (`func(){...}()`), which run inline in their parent.
bool is_inline_literal(TSNode literal) {
  TSNode parent = parent_of(literal);
  while (is(parent, "parenthesized_expression")) parent = parent_of(parent);
  if (!is(parent, "call_expression") || !ts_node_eq(unparen(field(parent, "function")), literal)) return false;
  TSNode grand = parent_of(parent);
  return !is(grand, "go_statement") && !is(grand, "defer_statement");
}

}  // namespace

LockAnalysis::LockAnalysis(const Package& package, LockAnalysisOptions options)
    : LockAnalysis(package, options, [](const Function&) { return true; }) {}

LockAnalysis::LockAnalysis(const Package& package, LockAnalysisOptions options,
                           const std::function<bool(const Function&)>& root)
    : package_(package), options_(options) {
  for (const auto& fn : package_.functions()) {
    if (lang::null(fn.body) || !root(fn)) continue;
    if (is(fn.node, "func_literal") && is_inline_literal(fn.node)) continue;
    summary_of(&fn);
  }
  for (const auto& fn : package_.functions()) {
    auto it = events_by_function_.find(&fn);
    if (it == events_by_function_.end()) continue;
    for (auto& event : it->second) events_.push_back(std::move(event));
  }
  events_by_function_.clear();
  for (const auto& fn : package_.functions()) {
    auto it = blocks_by_function_.find(&fn);
    if (it == blocks_by_function_.end()) continue;
    for (auto& event : it->second) block_events_.push_back(std::move(event));
  }
  blocks_by_function_.clear();
  for (const auto& fn : package_.functions()) {
    auto it = misuses_by_function_.find(&fn);
    if (it == misuses_by_function_.end()) continue;
    for (auto& misuse : it->second) misuses_.push_back(std::move(misuse));
  }
  misuses_by_function_.clear();
  // In the order of the source, not of the walk (which reaches a callee before its caller):
  // the rules that cite "an access elsewhere" cite the same one whichever function is walked
  // first.
  std::stable_sort(field_accesses_.begin(), field_accesses_.end(), [](const FieldAccess& a, const FieldAccess& b) {
    if (a.function->file != b.function->file) return a.function->file < b.function->file;  // files() is a vector
    return ts_node_start_byte(a.selector) < ts_node_start_byte(b.selector);
  });
}

constexpr size_t kMaxWalkNesting = 64;

const FunctionSummary& LockAnalysis::summary_of(const Function* fn) {
  if (auto it = summaries_.find(fn); it != summaries_.end()) return it->second;
  static const FunctionSummary empty;
  for (size_t i = 0; i < walking_.size(); ++i) {
    if (walking_[i].fn != fn) continue;
    // Recursion: the call is taken to have no effect. Every function walked above this one
    // now rests on that assumption.
    walking_.back().lowest_cut = std::min(walking_.back().lowest_cut, i);
    met_recursion_ = true;
    return empty;
  }
  // A provisional summary serves every call while the walk it went back to is still going:
  // walking each call again would follow every path of a cycle, exponentially many.
  if (auto it = provisional_.find(fn); it != provisional_.end()) {
    const Provisional& known = it->second;
    if (known.cut < walking_.size() && walking_[known.cut].serial == known.cut_serial) {
      walking_.back().lowest_cut = std::min(walking_.back().lowest_cut, known.cut);
      return *known.summary;
    }
  }
  const size_t level = walking_.size();
  // Summaries do not depend on how deep their first caller was, so the walk follows each chain
  // of calls not yet summarised to its end: 24 levels at most in the Go standard library. Past
  // this many (each level is stack), the call is cut as a recursive one is: the functions
  // within max_call_depth levels above rest on it, so their summaries are provisional and
  // walked again from a shallower start; those further up could not see it anyway.
  if (level >= kMaxWalkNesting) {
    size_t reach = static_cast<size_t>(std::max(options_.max_call_depth, 0)) + 1;
    walking_.back().lowest_cut = std::min(walking_.back().lowest_cut, level > reach ? level - reach : 0);
    met_recursion_ = true;
    return empty;
  }
  walking_.push_back({fn, level, ++walks_});
  FunctionSummary summary;
  try {
    summary = FunctionWalker(*this, *fn).run();
  } catch (const BudgetExceeded&) {
    events_by_function_.erase(fn);
    blocks_by_function_.erase(fn);
    misuses_by_function_.erase(fn);
    summary = FunctionSummary();
    summary.partial = true;
    partial_.push_back(fn);
  }
  const size_t lowest_cut = walking_.back().lowest_cut;
  walking_.pop_back();
  if (lowest_cut >= level) return summaries_.emplace(fn, std::move(summary)).first->second;
  // The walk met a function still being walked below this one, and took it as empty: which
  // function of a cycle is reached first would decide the summary. It serves this caller only;
  // the function is walked again (as a root, or by the next caller) once the one it met is done.
  walking_.back().lowest_cut = std::min(walking_.back().lowest_cut, lowest_cut);
  forget_walk(fn);
  const FunctionSummary& kept = provisional_summaries_.emplace_back(std::move(summary));
  provisional_[fn] = {&kept, lowest_cut, walking_[lowest_cut].serial};
  return kept;
}

void LockAnalysis::forget_walk(const Function* fn) {
  events_by_function_.erase(fn);
  blocks_by_function_.erase(fn);
  misuses_by_function_.erase(fn);
  field_accesses_.erase(std::remove_if(field_accesses_.begin(), field_accesses_.end(),
                                       [fn](const FieldAccess& access) { return access.function == fn; }),
                        field_accesses_.end());
  partial_.erase(std::remove(partial_.begin(), partial_.end(), fn), partial_.end());
}

}  // namespace patchgate::checks::go
