#pragma once

#include <functional>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "checks/go/model/package.h"
#include "core/finding.h"

// Small syntactic helpers the goroutine, channel and cancellation rules share.
namespace patchgate::checks::go {

// Pre-order walk of the nodes under root. Function literals below root are not entered (each
// is a Function of its own) unless into_literals. `visit` returns false to skip a node's children.
void for_each_node(TSNode root, const std::function<bool(TSNode)>& visit, bool into_literals = false);

// `alias.Name` where alias is an import of file: the import path and "Name".
std::optional<std::pair<std::string, std::string>> package_member(const SourceFile& file, TSNode expr);
// A call of one of `names` from the package imported as `path` ("context", {"Background", "TODO"}).
bool is_package_call(const SourceFile& file, TSNode call, const char* path, std::initializer_list<const char*> names);

std::string text_of(const SourceFile& file, TSNode node);
Location location_at(const SourceFile& file, TSNode node);

// The context a function can see: a context.Context parameter of it or of a function it is
// nested in ("ctx"), or the context of an *http.Request parameter ("r.Context()"); "" if none.
std::string context_in_scope(const Function& fn);

// The nearest ancestor of node, below stop, whose type is one of types; null if none.
TSNode ancestor_of(TSNode node, TSNode stop, std::initializer_list<const char*> types);

// For a function literal: the `go` statement that starts it (`go func() {...}()`), or null.
TSNode go_statement_of(const Function& fn);

// The names a function literal declares itself (parameters, :=, var, range variables), so a
// name it uses but does not declare is captured from outside.
std::set<std::string> declared_names(const Function& fn);

// Names the package declares as `path.type` (pointer or not): struct fields, variables and
// parameters with that type, and targets assigned `path.ctor(...)` (ctors), `&path.type{}`,
// `path.type{}` or `new(path.type)`. By name only: two variables of the same name share it.
std::set<std::string> names_declared_as(const Package& package, const char* path, const char* type,
                                        std::initializer_list<const char*> ctors = {});

// The declared type of a receiver or parameter `name` of fn or a function it is nested in.
std::optional<TypeRef> param_type(const Function& fn, const std::string& name);

// Calls after which the goroutine does not continue: panic, os.Exit, runtime.Goexit,
// log.Fatal*/Panic*, and Fatal*/FailNow/SkipNow on any value, t.Skip/Skipf on t and b.
bool is_terminating_call(std::string_view callee);
// The terminating calls that unwind the stack (running defers) and can be recovered.
bool unwinds(std::string_view callee);

std::string lowercase(std::string_view text);

// The package clause's name ("main").
std::string package_name(const SourceFile& file);
bool is_test_file(const SourceFile& file);
// A `// comment` after node on its last line: the author explains the line.
bool has_trailing_comment(const SourceFile& file, TSNode node);

}  // namespace patchgate::checks::go
