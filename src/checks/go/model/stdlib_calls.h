#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "checks/go/model/package.h"

namespace patchgate::checks::go {

// What the walker knows about other packages' functions and methods: which may block for long,
// and what some constructors return (so `exec.Command(...).Run()` is recognised).
const char* slow_function(const std::string& package, std::string_view name);
bool slow_method(const TypeRef& type, std::string_view name);
std::optional<TypeRef> constructor_result(const std::string& package, std::string_view name);

}  // namespace patchgate::checks::go
