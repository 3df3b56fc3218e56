#include "checks/go/model/lock_state.h"

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
  std::string lower;
  for (char c : name) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  auto ends_with = [&](std::string_view suffix) {
    return lower.size() >= suffix.size() && lower.compare(lower.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends_with("clock") || ends_with("block") || ends_with("unlock")) return false;
  return ends_with("mu") || ends_with("mtx") || ends_with("mutex") || ends_with("lock") || ends_with("locker");
}

// Calls after which the goroutine does not continue.
bool is_terminating_call(std::string_view callee) {
  static const char* const names[] = {"panic", "os.Exit", "log.Fatal", "log.Fatalf", "log.Fatalln", "log.Panic",
                                      "log.Panicf", "log.Panicln", "runtime.Goexit", "t.Fatal", "t.Fatalf",
                                      "t.FailNow", "t.Skip", "t.Skipf", "t.SkipNow", "b.Fatal", "b.Fatalf",
                                      "b.FailNow", "b.Skip", "b.Skipf", "b.SkipNow"};
  for (const char* name : names)
    if (callee == name) return true;
  return false;
}

struct Deferred {
  LockRef lock;
};

struct State {
  std::vector<HeldLock> held;
  std::vector<Deferred> defers;
  bool live = true;

  const HeldLock* find(const std::string& key) const {
    for (const auto& h : held)
      if (h.lock.key() == key) return &h;
    return nullptr;
  }
  bool remove(const std::string& key) {
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
    out.held = std::move(kept);
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
  bool is_loop = true;  // switch and select take `break` but not `continue`
};

class FunctionWalker {
 public:
  FunctionWalker(LockAnalysis& analysis, const Function& fn, int depth)
      : analysis_(analysis), package_(analysis.package()), fn_(fn), file_(*fn.file), depth_(depth) {
    for (size_t i = 0; i < fn.params.size(); ++i)
      if (!fn.params[i].name.empty() && fn.params[i].name != "_") params_[fn.params[i].name] = static_cast<int>(i);
  }

  FunctionSummary run() {
    State state;
    if (!ts_node_is_null(fn_.body)) walk_block(fn_.body, state, 0);
    if (state.live) record_exit(state);
    // held_at_exit: taken by this function and held on every normal return.
    if (!exits_.empty()) {
      std::vector<State> exit_states;
      for (auto& held : exits_) {
        State s;
        s.held = held;
        exit_states.push_back(std::move(s));
      }
      summary_.held_at_exit = join(exit_states).held;
    }
    for (const auto& [key, ref] : released_unowned_) summary_.released.push_back(ref);
    return std::move(summary_);
  }

 private:
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
      if (!f->receiver_name.empty() && name == f->receiver_name) return TypeRef{"", f->receiver_type, true};
      for (const auto& p : f->params)
        if (p.name == name) return p.type;
    }
    return package_.global_type(name);
  }

  std::optional<TypeRef> type_of(TSNode expr, int guard = 0) const {
    expr = unparen(expr);
    if (ts_node_is_null(expr) || guard > 32) return std::nullopt;
    if (is(expr, "identifier")) return type_of_name(text(expr));
    if (is(expr, "selector_expression")) {
      TSNode operand = unparen(field(expr, "operand"));
      if (is(operand, "identifier") && is_import_alias(text(operand))) return std::nullopt;
      auto base = type_of(operand, guard + 1);
      if (!base || base->empty()) return std::nullopt;
      auto f = package_.find_field(*base, text(field(expr, "field")), nullptr);
      if (!f) return std::nullopt;
      return f->type;
    }
    if (is(expr, "unary_expression")) {
      auto inner = type_of(field(expr, "operand"), guard + 1);
      if (inner && text(field(expr, "operator")) == "&") inner->pointer = true;
      return inner;
    }
    if (is(expr, "composite_literal")) return package_.type_of_node(field(expr, "type"), file_);
    if (is(expr, "call_expression")) {
      TSNode function = unparen(field(expr, "function"));
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
    if (ts_node_is_null(expr) || guard > 32) return std::nullopt;
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
    auto type = type_of(operand);
    if (!type || type->empty() || !type->package.empty()) return nullptr;
    std::vector<std::string> hops;
    const Function* callee = package_.find_method(*type, text(field(function, "field")), &hops);
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
    if (keep && !state.find(key)) state.held.push_back(std::move(acquisition));
  }

  void release(State& state, const LockRef& lock) {
    if (!state.remove(lock.key())) released_unowned_.emplace(lock.key(), lock);
  }

  void record_exit(State& state) {
    for (auto it = state.defers.rbegin(); it != state.defers.rend(); ++it) release(state, it->lock);
    state.defers.clear();
    exits_.push_back(state.held);
  }

  void apply_call(State& state, TSNode call, const Function* callee, const std::optional<LockRef>& receiver) {
    if (depth_ + 1 > analysis_.options().max_call_depth) return;
    const FunctionSummary& summary = analysis_.summary_of(callee, depth_ + 1);
    Site call_site = site_of(call, callee->display_name);
    std::set<std::string> reported;
    for (const auto& a : summary.acquires) {
      auto lock = bind(a.lock, call, receiver);
      if (!lock || !reported.insert(lock->key()).second) continue;
      Acquisition mapped = a;
      mapped.lock = *lock;
      mapped.calls.insert(mapped.calls.begin(), call_site);
      acquire(state, std::move(mapped), false);
    }
    for (const auto& r : summary.released)
      if (auto lock = bind(r, call, receiver)) release(state, *lock);
    for (const auto& h : summary.held_at_exit) {
      auto lock = bind(h.lock, call, receiver);
      if (!lock || state.find(lock->key())) continue;
      HeldLock mapped = h;
      mapped.lock = *lock;
      mapped.calls.insert(mapped.calls.begin(), call_site);
      state.held.push_back(std::move(mapped));
    }
  }

  // Handles one call in evaluation order. Returns false when the goroutine cannot continue.
  void on_call(TSNode call, State& state, int nesting) {
    TSNode function = unparen(field(call, "function"));
    if (is(function, "func_literal")) {  // immediately invoked: runs now, with our locks
      walk_inline_literal(function, state, nesting);
      return;
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
        if (auto lock = lock_target(operand)) {
          if (op == LockOp::kLock || op == LockOp::kRLock) {
            Acquisition a;
            a.lock = *lock;
            a.shared = op == LockOp::kRLock;
            a.site = site_of(call, lock_label(operand, *lock));
            acquire(state, std::move(a), true);
          } else {
            release(state, *lock);
          }
          return;
        }
      }
    }
    std::optional<LockRef> receiver;
    if (const Function* callee = resolve_callee(call, &receiver)) {
      apply_call(state, call, callee, receiver);
      return;
    }
    if (is_terminating_call(file_.tree.text(function))) state.live = false;
  }

  // Calls inside an expression, innermost first (arguments are evaluated before the call).
  void walk_expression(TSNode root, State& state, int nesting) {
    if (ts_node_is_null(root)) return;
    struct Item {
      TSNode node;
      bool expanded;
    };
    std::vector<Item> stack{{root, false}};
    while (!stack.empty() && state.live) {
      Item item = stack.back();
      stack.pop_back();
      step();
      if (item.expanded) {
        on_call(item.node, state, nesting);
        continue;
      }
      if (is(item.node, "func_literal")) continue;  // runs later (or inline, via on_call)
      if (is(item.node, "call_expression")) stack.push_back({item.node, true});
      uint32_t count = ts_node_named_child_count(item.node);
      for (uint32_t i = count; i-- > 0;) stack.push_back({ts_node_named_child(item.node, i), false});
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
    if (inner.live) record_exit(inner);
    std::vector<State> outcomes;
    for (auto& held : exits_) {
      State s;
      s.held = held;
      outcomes.push_back(std::move(s));
    }
    State joined = join(outcomes);
    exits_ = std::move(saved_exits);
    loops_ = std::move(saved_loops);
    state.held = joined.live ? joined.held : state.held;
    state.defers = std::move(saved_defers);
  }

  void note_locals(TSNode statement) {
    if (is(statement, "short_var_declaration")) {
      TSNode left = field(statement, "left");
      TSNode right = field(statement, "right");
      uint32_t count = ts_node_named_child_count(left);
      bool paired = count == ts_node_named_child_count(right);
      for (uint32_t i = 0; i < count; ++i) {
        TSNode name = ts_node_named_child(left, i);
        if (!is(name, "identifier")) continue;
        std::optional<TypeRef> type;
        if (paired) type = type_of(ts_node_named_child(right, i));
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
          if (!ts_node_is_null(type_node)) {
            type = package_.type_of_node(type_node, file_);
          } else if (!ts_node_is_null(values) && i < ts_node_named_child_count(values)) {
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
    for (TSNode statement : lang::named_children(block)) {
      if (!state.live) return;
      walk_statement(statement, state, nesting + 1);
    }
  }

  void walk_defer(TSNode statement, State& state) {
    TSNode call = unparen(ts_node_named_child(statement, 0));
    if (!is(call, "call_expression")) return;
    TSNode function = unparen(field(call, "function"));
    if (is(function, "selector_expression")) {
      LockOp op = lock_op_named(file_.tree.text(field(function, "field")));
      if (op == LockOp::kUnlock || op == LockOp::kRUnlock) {
        if (auto lock = lock_target(field(function, "operand"))) state.defers.push_back({*lock});
        return;
      }
    }
    for (const auto& lock : unlocks_of(call)) state.defers.push_back({lock});
  }

  // The locks a call releases: a closure's Unlock/RUnlock calls (not those of closures nested
  // in it), or a same-package callee's released summary mapped through the call.
  std::vector<LockRef> unlocks_of(TSNode call) {
    std::vector<LockRef> out;
    TSNode function = unparen(field(call, "function"));
    if (is(function, "func_literal")) {
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
            if (op == LockOp::kUnlock || op == LockOp::kRUnlock)
              if (auto lock = lock_target(field(fn, "operand"))) out.push_back(*lock);
          }
        }
        uint32_t count = ts_node_named_child_count(node);
        for (uint32_t i = 0; i < count; ++i) stack.push_back(ts_node_named_child(node, i));
      }
      return out;
    }
    std::optional<LockRef> receiver;
    if (const Function* callee = resolve_callee(call, &receiver)) {
      if (depth_ + 1 > analysis_.options().max_call_depth) return out;
      for (const auto& r : analysis_.summary_of(callee, depth_ + 1).released)
        if (auto lock = bind(r, call, receiver)) out.push_back(*lock);
    }
    return out;
  }

  // Statements of a case clause: everything but the clause's own header fields.
  std::vector<TSNode> clause_statements(TSNode clause) {
    std::vector<TSNode> header;
    for (const char* name : {"value", "type", "communication"})
      for (TSNode n : children_by_field(clause, name)) header.push_back(n);
    std::vector<TSNode> out;
    for (TSNode child : lang::named_children(clause)) {
      bool in_header = std::any_of(header.begin(), header.end(), [&](TSNode h) { return ts_node_eq(h, child); });
      if (!in_header && !is(child, "comment")) out.push_back(child);
    }
    return out;
  }

  void walk_clauses(TSNode statement, State& state, int nesting, bool is_select) {
    std::vector<State> outcomes;
    bool has_default = false;
    loops_.push_back(LoopContext{{}, {}, false});
    for (TSNode clause : lang::named_children(statement)) {
      if (!is(clause, "expression_case") && !is(clause, "type_case") && !is(clause, "default_case") &&
          !is(clause, "communication_case"))
        continue;
      if (is(clause, "default_case")) has_default = true;
      State branch = state;
      if (is(clause, "communication_case")) walk_expression(field(clause, "communication"), branch, nesting);
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
    if (is(statement, "comment") || is(statement, "empty_statement")) return;
    if (is(statement, "block")) {
      walk_block(statement, state, nesting);
    } else if (is(statement, "labeled_statement")) {
      for (TSNode child : lang::named_children(statement))
        if (!is(child, "label_name")) walk_statement(child, state, nesting + 1);
    } else if (is(statement, "if_statement")) {
      walk_statement_field(statement, "initializer", state, nesting);
      walk_expression(field(statement, "condition"), state, nesting);
      if (!state.live) return;
      State then_state = state;
      walk_block(field(statement, "consequence"), then_state, nesting);
      State else_state = state;
      TSNode alternative = field(statement, "alternative");
      if (!ts_node_is_null(alternative)) walk_statement(alternative, else_state, nesting + 1);
      state = join({then_state, else_state});
    } else if (is(statement, "for_statement")) {
      bool infinite = true;
      for (TSNode child : lang::named_children(statement)) {
        if (is(child, "for_clause")) {
          walk_statement_field(child, "initializer", state, nesting);
          TSNode condition = field(child, "condition");
          if (!ts_node_is_null(condition)) {
            infinite = false;
            walk_expression(condition, state, nesting);
          }
        } else if (is(child, "range_clause")) {
          infinite = false;
          walk_expression(field(child, "right"), state, nesting);
        } else if (!is(child, "block") && !is(child, "comment")) {
          infinite = false;  // `for cond {}`
          walk_expression(child, state, nesting);
        }
      }
      if (!state.live) return;
      loops_.push_back(LoopContext{});
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
    } else if (is(statement, "expression_switch_statement") || is(statement, "type_switch_statement")) {
      walk_statement_field(statement, "initializer", state, nesting);
      walk_expression(field(statement, "value"), state, nesting);
      if (state.live) walk_clauses(statement, state, nesting, false);
    } else if (is(statement, "select_statement")) {
      walk_clauses(statement, state, nesting, true);
    } else if (is(statement, "return_statement")) {
      for (TSNode child : lang::named_children(statement)) walk_expression(child, state, nesting);
      if (state.live) record_exit(state);
      state.live = false;
    } else if (is(statement, "break_statement") || is(statement, "continue_statement")) {
      bool is_break = is(statement, "break_statement");
      for (auto it = loops_.rbegin(); it != loops_.rend(); ++it) {
        if (!is_break && !it->is_loop) continue;
        (is_break ? it->breaks : it->continues).push_back(state);
        break;
      }
      state.live = false;
    } else if (is(statement, "goto_statement")) {
      state.live = false;  // where it lands is not followed; dropping the path cannot invent a finding
    } else if (is(statement, "go_statement")) {
      // The goroutine runs with no locks held; its body is walked as a function of its own.
      // A lock it unlocks is handed off to it (`mu.Lock(); go func() { ...; mu.Unlock() }();
      // mu.Lock()` waits for the goroutine): we no longer hold it.
      TSNode call = unparen(ts_node_named_child(statement, 0));
      if (is(call, "call_expression"))
        for (const auto& lock : unlocks_of(call)) state.remove(lock.key());
    } else if (is(statement, "defer_statement")) {
      walk_defer(statement, state);
    } else {
      note_locals(statement);
      walk_expression(statement, state, nesting);
    }
  }

  void walk_statement_field(TSNode node, const char* name, State& state, int nesting) {
    TSNode child = field(node, name);
    if (ts_node_is_null(child)) return;
    note_locals(child);
    walk_expression(child, state, nesting);
  }

  LockAnalysis& analysis_;
  const Package& package_;
  const Function& fn_;
  const SourceFile& file_;
  int depth_;
  int steps_ = 0;
  std::map<std::string, int> params_;
  std::map<std::string, TypeRef> locals_;
  std::map<std::string, LockRef> released_unowned_;
  std::vector<std::vector<HeldLock>> exits_;
  std::vector<LoopContext> loops_;
  FunctionSummary summary_;
};

// True for literals called on the spot (`func(){...}()`), which run inline in their parent.
bool is_inline_literal(TSNode literal) {
  TSNode parent = ts_node_parent(literal);
  while (is(parent, "parenthesized_expression")) parent = ts_node_parent(parent);
  if (!is(parent, "call_expression") || !ts_node_eq(unparen(field(parent, "function")), literal)) return false;
  TSNode grand = ts_node_parent(parent);
  return !is(grand, "go_statement") && !is(grand, "defer_statement");
}

}  // namespace

LockAnalysis::LockAnalysis(const Package& package, LockAnalysisOptions options)
    : package_(package), options_(options) {
  for (const auto& fn : package_.functions()) {
    if (ts_node_is_null(fn.body)) continue;
    if (is(fn.node, "func_literal") && is_inline_literal(fn.node)) continue;
    summary_of(&fn, 0);
  }
  for (const auto& fn : package_.functions()) {
    auto it = events_by_function_.find(&fn);
    if (it == events_by_function_.end()) continue;
    for (auto& event : it->second) events_.push_back(std::move(event));
  }
  events_by_function_.clear();
}

const FunctionSummary& LockAnalysis::summary_of(const Function* fn, int depth) {
  if (auto it = summaries_.find(fn); it != summaries_.end()) return it->second;
  static const FunctionSummary empty;
  if (!in_progress_.insert(fn).second) return empty;  // recursion: assume no effect
  FunctionSummary summary;
  try {
    summary = FunctionWalker(*this, *fn, depth).run();
  } catch (const BudgetExceeded&) {
    events_by_function_.erase(fn);
    summary = FunctionSummary();
    summary.partial = true;
    partial_.push_back(fn);
  }
  in_progress_.erase(fn);
  return summaries_.emplace(fn, std::move(summary)).first->second;
}

}  // namespace patchgate::checks::go
