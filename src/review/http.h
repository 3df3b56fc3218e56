#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace patchgate::review {

// One HTTP POST. TLS is verified and proxies come from the usual environment variables
// (https_proxy, no_proxy, ...), as libcurl does by default; redirects are not followed, so a
// key header is never replayed to another host.
struct HttpRequest {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;  // name, value
  std::string body;
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
  std::chrono::milliseconds timeout{std::chrono::seconds(120)};  // the whole exchange
  size_t max_response_bytes = 8u << 20;
};

struct HttpResponse {
  long status = 0;                             // 0 when no response arrived
  std::map<std::string, std::string> headers;  // lower-cased names, trimmed values (the last response's)
  std::string body;
  std::string error;       // transport failure, one line; empty when a response arrived
  bool timed_out = false;  // the connect or total timeout expired
  bool transport_ok() const { return error.empty(); }
};

// Never throws for network trouble: a failure is HttpResponse::error. The error text comes from
// libcurl (host, port, TLS reason) and never holds request headers.
HttpResponse http_post(const HttpRequest& request);

}  // namespace patchgate::review
