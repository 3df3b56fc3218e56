#include "checks/go/model/stdlib_calls.h"

namespace patchgate::checks::go {

// Functions of other packages that may block for long: (import path, name) -> description.
const char* slow_function(const std::string& package, std::string_view name) {
  struct Entry {
    const char* package;
    const char* name;
  };
  static const Entry entries[] = {
      {"time", "Sleep"},       {"net/http", "Get"},      {"net/http", "Post"},      {"net/http", "PostForm"},
      {"net/http", "Head"},    {"net", "Dial"},          {"net", "DialTimeout"},    {"net", "LookupHost"},
      {"net", "LookupIP"},     {"os", "ReadFile"},       {"os", "WriteFile"},       {"os", "ReadDir"},
      {"io/ioutil", "ReadFile"}, {"io/ioutil", "WriteFile"},
      // io.Copy / io.ReadFull are left out: their reader is as often memory as a network.
  };
  for (const auto& e : entries)
    if (package == e.package && name == e.name) return e.name;
  return nullptr;
}

// Methods of other packages' types that may block for long.
bool slow_method(const TypeRef& type, std::string_view name) {
  auto any = [&](std::initializer_list<const char*> names) {
    for (const char* n : names)
      if (name == n) return true;
    return false;
  };
  if (type.package == "sync") return type.name == "WaitGroup" && name == "Wait";
  if (type.package == "net/http") return type.name == "Client" && any({"Do", "Get", "Post", "PostForm", "Head"});
  if (type.package == "database/sql")
    return any({"Query", "QueryContext", "QueryRow", "QueryRowContext", "Exec", "ExecContext", "Begin", "BeginTx",
                "Ping", "PingContext", "Prepare", "PrepareContext", "Commit", "Rollback", "Conn"});
  if (type.package == "os/exec") return type.name == "Cmd" && any({"Run", "Output", "CombinedOutput", "Wait"});
  if (type.package == "os") return type.name == "File" && any({"Read", "Write", "ReadAt", "WriteAt", "Sync", "WriteString", "ReadFrom"});
  if (type.package == "net") return any({"Read", "Write", "Accept", "ReadFrom", "WriteTo"});
  return false;
}

// Result types of other packages' constructors, so `exec.Command(...).Run()` is recognised.
std::optional<TypeRef> constructor_result(const std::string& package, std::string_view name) {
  if (package == "sync" && name == "NewCond") return TypeRef::named("sync", "Cond", true);
  if (package == "os/exec" && (name == "Command" || name == "CommandContext")) return TypeRef::named("os/exec", "Cmd", true);
  if (package == "os" && (name == "Open" || name == "Create" || name == "OpenFile")) return TypeRef::named("os", "File", true);
  if (package == "database/sql" && name == "Open") return TypeRef::named("database/sql", "DB", true);
  if (package == "net" && (name == "Dial" || name == "DialTimeout")) return TypeRef::named("net", "Conn", false);
  return std::nullopt;
}

}  // namespace patchgate::checks::go
