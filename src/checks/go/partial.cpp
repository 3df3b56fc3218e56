#include "checks/go/partial.h"

#include <algorithm>
#include <deque>
#include <optional>
#include <unordered_map>

#include "checks/go/model/lock_state.h"
#include "core/shard.h"
#include "lang/go_scan.h"

namespace patchgate::checks::go {

using lang::GoDeclaration;

namespace {

using Id = uint32_t;
constexpr Id kNone = UINT32_MAX;

// One file's declarations with their identifiers, numbered within the file (the package-wide
// numbering is made after, one lookup per distinct name).
struct FileScan {
  bool ok = false;
  std::vector<std::string_view> names;  // local id -> name
  struct Declaration {
    GoDeclaration d;
    std::vector<Id> head, body, selectors, declared;
    bool touched = false;
  };
  std::vector<Declaration> declarations;
};

// Numbers a file's identifiers and lists each declaration's, each once per list.
class IdentifierLists final : public lang::GoIdentifierSink {
 public:
  explicit IdentifierLists(FileScan& out) : out_(out) {}
  // A file has a few thousand distinct names among a hundred thousand identifiers: an open
  // addressing table of ids, probed by a hash of the bytes, halves the plan's time.
  Id number(std::string_view name) {
    uint64_t hash = 1469598103934665603ull;  // FNV-1a
    for (unsigned char c : name) hash = (hash ^ c) * 1099511628211ull;
    if (out_.names.size() * 2 >= slots_.size()) grow();
    for (size_t at = hash & (slots_.size() - 1);; at = (at + 1) & (slots_.size() - 1)) {
      Slot& slot = slots_[at];
      if (slot.id == kNone) {
        slot = {hash, static_cast<Id>(out_.names.size())};
        out_.names.push_back(name);
        for (auto* seen : {&seen_head_, &seen_body_, &seen_selector_}) seen->push_back(0);
        return slot.id;
      }
      if (slot.hash == hash && out_.names[slot.id] == name) return slot.id;
    }
  }
  void identifier(size_t declaration, bool in_body, bool after_dot, std::string_view name) override {
    if (lists_.size() <= declaration) lists_.resize(declaration + 1);
    Id id = number(name);
    auto mark = static_cast<uint32_t>(declaration + 1);
    Lists& lists = lists_[declaration];
    auto add = [&](std::vector<uint32_t>& seen, std::vector<Id>& list) {
      if (seen[id] != mark) {
        seen[id] = mark;
        list.push_back(id);
      }
    };
    if (!in_body) add(seen_head_, lists.head);
    else if (after_dot) add(seen_selector_, lists.selectors);
    else add(seen_body_, lists.body);
  }
  struct Lists {
    std::vector<Id> head, body, selectors;
  };
  std::vector<Lists> lists_;

 private:
  struct Slot {
    uint64_t hash = 0;
    Id id = kNone;
  };
  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 1024 : old.size() * 2, Slot{});
    for (const Slot& slot : old) {
      if (slot.id == kNone) continue;
      size_t at = slot.hash & (slots_.size() - 1);
      while (slots_[at].id != kNone) at = (at + 1) & (slots_.size() - 1);
      slots_[at] = slot;
    }
  }
  FileScan& out_;
  std::vector<Slot> slots_;
  std::vector<uint32_t> seen_head_, seen_body_, seen_selector_;  // id -> the last declaration that listed it, plus one
};

FileScan scan_file(const PlanFile& file) {
  FileScan out;
  IdentifierLists identifiers(out);
  auto scanned = lang::scan_go_declarations(file.source, &identifiers);
  if (!scanned) return out;
  out.ok = true;
  identifiers.lists_.resize(scanned->size());
  std::vector<uint32_t> line_starts{0};
  if (file.touched)
    for (uint32_t at = 0; at < file.source.size(); ++at)
      if (file.source[at] == '\n') line_starts.push_back(at + 1);
  auto line_of = [&](uint32_t offset) {
    return static_cast<int>(std::upper_bound(line_starts.begin(), line_starts.end(), offset) - line_starts.begin());
  };
  // Whether the change touches a declaration: from the end of the one before it (its doc
  // comment is in there) to its own end.
  uint32_t previous_end = 0;
  for (const GoDeclaration& d : *scanned) {
    FileScan::Declaration entry;
    entry.d = d;
    auto& lists = identifiers.lists_[out.declarations.size()];
    entry.head = std::move(lists.head);
    entry.body = std::move(lists.body);
    entry.selectors = std::move(lists.selectors);
    if (d.kind == GoDeclaration::Kind::kType || d.kind == GoDeclaration::Kind::kVar ||
        d.kind == GoDeclaration::Kind::kConst)
      for (std::string_view name : lang::go_declared_names(file.source, d)) entry.declared.push_back(identifiers.number(name));
    if (file.touched) {
      int first = line_of(previous_end), last = line_of(d.end > d.begin ? d.end - 1 : d.begin);
      if (line_of(d.begin) > first) ++first;  // the line the previous declaration ends on is its own
      entry.touched = file.touched->touches(first, last);
    }
    previous_end = d.end;
    out.declarations.push_back(std::move(entry));
  }
  return out;
}

}  // namespace

// A literal's inside is skipped only from this size: each skipped range costs the parser a
// switch of ranges, more than parsing a few short values.
constexpr uint32_t kSmallestSkippedLiteral = 256;

struct PartialPlan::Index {
  struct Declaration {
    size_t file = 0;
    GoDeclaration d;
    // Identifiers outside the body (signature, type, initialiser) and in it (its literals
    // included), apart from those after a `.`, which name fields, methods or other packages'
    // members: `selectors`, in the body.
    std::vector<Id> head;
    std::vector<Id> body;
    std::vector<Id> selectors;
    std::vector<Id> declared;
    Id name = kNone;       // a function's or method's name
    Id receiver = kNone;   // a method's type
    bool touched = false;
    bool kept = false;
  };
  std::deque<std::string> storage;
  std::unordered_map<std::string_view, Id> ids;
  std::vector<std::string_view> names;
  std::vector<Declaration> declarations;
  std::vector<std::vector<size_t>> head_mentions;  // id -> declarations whose head mentions it
  std::vector<std::vector<size_t>> body_mentions;  // id -> declarations whose body mentions it
  std::vector<std::vector<size_t>> body_selects;   // id -> declarations whose body has `.id`
  std::vector<std::vector<size_t>> functions;      // id -> plain functions of that name
  std::vector<std::vector<size_t>> methods;        // id -> methods of that name

  Id intern(std::string_view name) {
    auto it = ids.find(name);
    if (it != ids.end()) return it->second;
    std::string_view owned = storage.emplace_back(name);  // the plan outlives the texts
    it = ids.emplace(owned, static_cast<Id>(names.size())).first;
    {
      names.push_back(owned);
      head_mentions.emplace_back();
      body_mentions.emplace_back();
      body_selects.emplace_back();
      functions.emplace_back();
      methods.emplace_back();
    }
    return it->second;
  }
  Id find(std::string_view name) const {
    auto it = ids.find(name);
    return it == ids.end() ? kNone : it->second;
  }
  // For each name, the package types a value it names can have (the inverse of carriers()):
  // a type itself; for a function, variable or type, what the names in its declaration carry;
  // for a type, also what its methods' signatures carry. A bit per type.
  std::unordered_map<Id, size_t> type_bit;
  std::vector<std::vector<uint64_t>> carried;
  size_t words = 0;

  void compute_carried_types() {
    for (const Declaration& d : declarations)
      if (d.d.kind == GoDeclaration::Kind::kType)
        for (Id name : d.declared) type_bit.emplace(name, type_bit.size());
    words = (type_bit.size() + 63) / 64;
    carried.assign(names.size(), std::vector<uint64_t>(words, 0));
    for (const auto& [id, bit] : type_bit) carried[id][bit / 64] |= uint64_t{1} << (bit % 64);
    for (bool changed = true; changed;) {
      changed = false;
      for (const Declaration& d : declarations) {
        std::vector<Id> declares;
        switch (d.d.kind) {
          case GoDeclaration::Kind::kFunction: declares = {d.name}; break;
          case GoDeclaration::Kind::kMethod: declares = {d.receiver}; break;
          case GoDeclaration::Kind::kType:
          case GoDeclaration::Kind::kVar:
          case GoDeclaration::Kind::kConst: declares = d.declared; break;
          default: break;
        }
        for (Id target : declares)
          for (Id source : d.head) {
            if (source == target || source == d.name) continue;  // a method's own name carries nothing
            for (size_t w = 0; w < words; ++w) {
              uint64_t merged = carried[target][w] | carried[source][w];
              if (merged != carried[target][w]) {
                carried[target][w] = merged;
                changed = true;
              }
            }
          }
      }
    }
  }
  std::vector<uint64_t> types_of(const Declaration& d) const {
    std::vector<uint64_t> out(words, 0);
    for (const auto* list : {&d.head, &d.body})
      for (Id id : *list)
        for (size_t w = 0; w < words; ++w) out[w] |= carried[id][w];
    return out;
  }
  // Whether a body holding `types` may call a method of `receiver` (kNone: a plain function).
  bool may_hold(const std::vector<uint64_t>& types, Id receiver) const {
    if (receiver == kNone) return true;
    auto it = type_bit.find(receiver);
    if (it == type_bit.end()) return true;  // a type the package does not declare: assume so
    return (types[it->second / 64] >> (it->second % 64)) & 1;
  }

  // The first function with a body, among those `which` accepts, whose declaration (its
  // signature or its body) mentions a name in `names`; and that name.
  template <typename Which>
  std::optional<std::pair<const Declaration*, Id>> function_mentioning(const std::vector<bool>& in, Which which) const {
    for (Id id = 0; id < in.size(); ++id) {
      if (!in[id]) continue;
      for (const auto* list : {&head_mentions[id], &body_mentions[id]})
        for (size_t i : *list) {
          const Declaration& d = declarations[i];
          if (d.d.body_end && which(d)) return std::make_pair(&d, id);
        }
    }
    return std::nullopt;
  }

  // The names that can carry a value of the given types: the closure described in partial.h.
  std::vector<bool> carriers(const std::vector<Id>& types) const {
    std::vector<bool> in(names.size(), false);
    std::vector<Id> work;
    auto add = [&](Id id) {
      if (id != kNone && !in[id]) {
        in[id] = true;
        work.push_back(id);
      }
    };
    for (Id id : types) add(id);
    while (!work.empty()) {
      Id id = work.back();
      work.pop_back();
      for (size_t i : head_mentions[id]) {
        const Declaration& d = declarations[i];
        switch (d.d.kind) {
          case GoDeclaration::Kind::kFunction: add(d.name); break;
          case GoDeclaration::Kind::kMethod: add(d.receiver); break;
          case GoDeclaration::Kind::kType:
          case GoDeclaration::Kind::kVar:
          case GoDeclaration::Kind::kConst:
            for (Id name : d.declared) add(name);
            break;
          default: break;
        }
      }
    }
    return in;
  }
};

PartialPlan::~PartialPlan() = default;
PartialPlan::PartialPlan(PartialPlan&&) noexcept = default;
PartialPlan& PartialPlan::operator=(PartialPlan&&) noexcept = default;

PartialPlan::PartialPlan(const std::vector<PlanFile>& files, const ForEach& for_each)
    : index_(std::make_unique<Index>()) {
  Index& x = *index_;
  skipped_.resize(files.size());
  auto give_up = [&](std::string why) {
    whole_ = true;
    reason_ = std::move(why);
    for (auto& ranges : skipped_) ranges.clear();
  };

  // Every declaration, its identifiers, and whether the change touches it: each file on its
  // own, the largest first (so that on two threads neither is left with one big file at the end).
  std::vector<FileScan> scans(files.size());
  std::vector<uint64_t> sizes;
  for (const PlanFile& file : files) sizes.push_back(file.source.size());
  const std::vector<size_t> order = largest_first(sizes);
  for_each(order.size(), [&](size_t k) { scans[order[k]] = scan_file(files[order[k]]); });
  for (size_t f = 0; f < files.size(); ++f) {
    FileScan& scan = scans[f];
    if (!scan.ok) {
      give_up(std::string(files[f].path) + " does not scan as Go declarations");
      return;
    }
    std::vector<Id> global;
    global.reserve(scan.names.size());
    for (std::string_view name : scan.names) global.push_back(x.intern(name));
    auto renumber = [&](std::vector<Id>& ids) {
      for (Id& id : ids) id = global[id];
    };
    for (FileScan::Declaration& d : scan.declarations) {
      Index::Declaration entry;
      entry.file = f;
      entry.d = d.d;
      entry.head = std::move(d.head);
      entry.body = std::move(d.body);
      entry.selectors = std::move(d.selectors);
      entry.declared = std::move(d.declared);
      for (auto* ids : {&entry.head, &entry.body, &entry.selectors, &entry.declared}) renumber(*ids);
      if (!d.d.name.empty()) entry.name = x.intern(d.d.name);
      if (!d.d.receiver.empty()) entry.receiver = x.intern(d.d.receiver);
      entry.touched = d.touched;
      x.declarations.push_back(std::move(entry));
    }
  }
  for (size_t i = 0; i < x.declarations.size(); ++i) {
    const Index::Declaration& d = x.declarations[i];
    for (Id id : d.head) x.head_mentions[id].push_back(i);
    for (Id id : d.body) x.body_mentions[id].push_back(i);
    for (Id id : d.selectors) x.body_selects[id].push_back(i);
    if (d.d.kind == GoDeclaration::Kind::kFunction) x.functions[d.name].push_back(i);
    if (d.d.kind == GoDeclaration::Kind::kMethod) x.methods[d.name].push_back(i);
  }

  // What the change touches, and who could refer to it.
  std::vector<size_t> work;
  auto keep = [&](size_t i) {
    Index::Declaration& d = x.declarations[i];
    if (d.d.body_end && !d.kept) {
      d.kept = true;
      work.push_back(i);
    }
  };
  std::vector<Id> types;     // declared by touched type declarations, or with a touched method
  std::vector<Id> referred;  // names an untouched body must not mention
  for (size_t i = 0; i < x.declarations.size(); ++i) {
    const Index::Declaration& d = x.declarations[i];
    if (!d.touched) continue;
    keep(i);
    switch (d.d.kind) {
      case GoDeclaration::Kind::kFunction: referred.push_back(d.name); break;
      case GoDeclaration::Kind::kMethod: types.push_back(d.receiver); break;
      case GoDeclaration::Kind::kType: types.insert(types.end(), d.declared.begin(), d.declared.end()); break;
      case GoDeclaration::Kind::kVar:
      case GoDeclaration::Kind::kConst: referred.insert(referred.end(), d.declared.begin(), d.declared.end()); break;
      default: break;
    }
  }
  std::vector<bool> carried = x.carriers(types);
  for (Id id : referred) carried[id] = true;
  if (auto at = x.function_mentioning(carried, [](const Index::Declaration& d) { return !d.touched; })) {
    give_up(std::string(files[at->first->file].path) + ": " + std::string(at->first->d.name) + " refers to " +
            std::string(x.names[at->second]) + ", which the change touches");
    return;
  }
  // Every method of those types (go-context-in-struct reads them in order).
  for (Id type : types)
    for (size_t i = 0; i < x.declarations.size(); ++i)
      if (x.declarations[i].receiver == type) keep(i);
  // What the kept bodies call, transitively: functions by name, and methods of the types a
  // body can hold a value of.
  x.compute_carried_types();
  auto close_calls = [&] {
    while (!work.empty()) {
      const Index::Declaration& d = x.declarations[work.back()];
      work.pop_back();
      for (Id id : d.body)
        for (size_t callee : x.functions[id]) keep(callee);
      std::vector<uint64_t> held = x.types_of(d);
      for (Id id : d.selectors)
        for (size_t callee : x.methods[id])
          if (x.may_hold(held, x.declarations[callee].receiver)) keep(callee);
    }
  };
  close_calls();
  // What package-wide indexes read by name from every body, once a kept body can need it:
  // sync.Cond names and NewCond's locks (for a Wait or a c.L), WaitGroup names, errgroup's
  // names (in a package that imports it), and channel makes (for a touched select).
  bool errgroup = false;
  for (const PlanFile& file : files) errgroup = errgroup || file.source.find("golang.org/x/sync/errgroup") != std::string_view::npos;
  // (Names in either place: `sync.NewCond`, `c.Wait()`, `select`.)
  auto mentioned = [&](std::initializer_list<const char*> names, bool touched_only) {
    for (const char* name : names)
      if (Id id = x.find(name); id != kNone)
        for (const auto* list : {&x.body_mentions[id], &x.body_selects[id]})
          for (size_t i : *list)
            if (touched_only ? x.declarations[i].touched : x.declarations[i].kept) return true;
    return false;
  };
  struct Need {
    std::initializer_list<const char*> when;
    bool touched_only;
    std::initializer_list<const char*> read;
    bool met;
  };
  Need needs[] = {{{"Wait", "L"}, false, {"NewCond", "Cond"}, false},
                  {{"Add", "Done", "Wait"}, false, {"WaitGroup"}, false},
                  {{"Wait", "Go"}, false, {"Group", "WithContext"}, !errgroup},
                  {{"select"}, true, {"chan"}, false}};
  for (bool more = true; more;) {
    more = false;
    for (Need& need : needs) {
      if (need.met || !mentioned(need.when, need.touched_only)) continue;
      need.met = more = true;
      for (const char* name : need.read)
        if (Id id = x.find(name); id != kNone)
          for (const auto* list : {&x.body_mentions[id], &x.body_selects[id]})
            for (size_t i : *list) keep(i);
    }
    close_calls();
  }

  // A skipped body goes with the comments before its function (its doc, and any between it and
  // the declaration before): once bodies are skipped, comments are half of the rest of a file,
  // and no rule reads those of a function it does not walk. The line the declaration before
  // ends on stays, with any comment trailing it.
  //
  // So do the insides of an untouched variable's composite literals (a test's table of cases),
  // unless its declaration names what the change touches or carries (its findings could cite
  // the change), or a name a package-wide index or a rule may read outside a function.
  std::vector<bool> sensitive = carried;
  auto mark = [&](std::initializer_list<const char*> names) {
    for (const char* name : names)
      if (Id id = x.find(name); id != kNone) sensitive[id] = true;
  };
  for (const Need& need : needs) {
    mark(need.when);
    mark(need.read);
  }
  mark({"make", "new", "go", "Mutex", "RWMutex", "Locker", "Once", "Lock", "Unlock", "RLock", "RUnlock", "TryLock",
        "Context", "Background", "TODO", "sync", "atomic", "context", "errgroup"});
  for (size_t i = 0; i < x.declarations.size(); ++i) {
    Index::Declaration& d = x.declarations[i];
    d.d.name = d.d.receiver = {};  // views of the text, which the plan outlives
    if (d.d.kind == GoDeclaration::Kind::kVar && !d.touched && !d.d.literals.empty() &&
        std::none_of(d.head.begin(), d.head.end(), [&](Id id) { return sensitive[id]; })) {
      for (const auto& [begin, end] : d.d.literals)
        if (end - begin >= kSmallestSkippedLiteral) {
          skipped_[d.file].emplace_back(begin, end);
          ++skipped_literals_;
        }
    }
    if (!d.d.body_end) continue;
    if (d.kept) {
      ++kept_;
      continue;
    }
    ++skipped_count_;
    if (i > 0 && x.declarations[i - 1].file == d.file) {
      std::string_view text = files[d.file].source;
      size_t line_end = text.find('\n', x.declarations[i - 1].d.end);
      if (line_end != std::string_view::npos && line_end + 1 < d.d.begin)
        skipped_[d.file].emplace_back(static_cast<uint32_t>(line_end + 1), d.d.begin);
    }
    skipped_[d.file].emplace_back(d.d.body_begin, d.d.body_end);
  }
}

const std::vector<std::pair<uint32_t, uint32_t>>& PartialPlan::skipped(size_t file) const { return skipped_.at(file); }

bool PartialPlan::skipped_may_use_type(std::string_view type) const {
  if (whole_) return false;
  Id id = index_->find(type);
  if (id == kNone) return false;
  std::vector<bool> carried = index_->carriers({id});
  return index_->function_mentioning(carried, [](const Index::Declaration& d) { return !d.kept; }).has_value();
}

std::string partial_analysis_complete(const PartialPlan& plan, const LockAnalysis* locks) {
  if (plan.whole() || !locks) return "";
  if (locks->met_recursion()) return "the lock analysis met recursion, whose summaries depend on the order of every function";
  for (const auto& event : locks->events())
    if (!event.held.empty())
      return event.function->display_name + " takes a lock while holding another (go-lock-order needs every order)";
  std::vector<std::string_view> checked;
  for (const auto& access : locks->field_accesses()) {
    std::string_view type(access.field);
    type = type.substr(0, type.rfind('.'));
    if (std::find(checked.begin(), checked.end(), type) != checked.end()) continue;
    checked.push_back(type);
    if (plan.skipped_may_use_type(type))
      return access.function->display_name + " reads a field of " + std::string(type) + ", which a skipped body may read";
  }
  return "";
}

}  // namespace patchgate::checks::go
