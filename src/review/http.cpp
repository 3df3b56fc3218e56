#include "review/http.h"

#include <curl/curl.h>
#include <dlfcn.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>

namespace patchgate::review {

namespace {

// libcurl is opened when the first request is made, not linked: with its TLS, HTTP/2 and LDAP
// libraries it took 5 ms off every `check` (the pre-commit path) just to load, and only the
// review ever talks to the network. The headers still come from libcurl4-openssl-dev.
struct CurlApi {
  CURLcode (*global_init)(long) = nullptr;
  CURL* (*easy_init)() = nullptr;
  CURLcode (*easy_setopt)(CURL*, CURLoption, ...) = nullptr;
  CURLcode (*easy_perform)(CURL*) = nullptr;
  CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...) = nullptr;
  void (*easy_cleanup)(CURL*) = nullptr;
  const char* (*easy_strerror)(CURLcode) = nullptr;
  curl_slist* (*slist_append)(curl_slist*, const char*) = nullptr;
  void (*slist_free_all)(curl_slist*) = nullptr;
  std::string error;  // why it could not be loaded
};

template <typename F>
bool resolve(void* library, const char* name, F& out) {
  out = reinterpret_cast<F>(dlsym(library, name));
  return out != nullptr;
}

const CurlApi& curl() {
  static const CurlApi api = [] {
    CurlApi loaded;
    void* library = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!library) {
      loaded.error = "libcurl is not installed (Debian package libcurl4): the review cannot make HTTP requests";
      return loaded;
    }
    bool ok = resolve(library, "curl_global_init", loaded.global_init) && resolve(library, "curl_easy_init", loaded.easy_init) &&
              resolve(library, "curl_easy_setopt", loaded.easy_setopt) &&
              resolve(library, "curl_easy_perform", loaded.easy_perform) &&
              resolve(library, "curl_easy_getinfo", loaded.easy_getinfo) &&
              resolve(library, "curl_easy_cleanup", loaded.easy_cleanup) &&
              resolve(library, "curl_easy_strerror", loaded.easy_strerror) &&
              resolve(library, "curl_slist_append", loaded.slist_append) &&
              resolve(library, "curl_slist_free_all", loaded.slist_free_all);
    if (!ok) {
      loaded.error = "libcurl.so.4 lacks a function patchgate needs; install a current libcurl4";
      return loaded;
    }
    loaded.global_init(CURL_GLOBAL_DEFAULT);
    return loaded;
  }();
  return api;
}

struct CurlEasyDeleter {
  void operator()(CURL* handle) const { curl().easy_cleanup(handle); }
};
struct CurlListDeleter {
  void operator()(curl_slist* list) const { curl().slist_free_all(list); }
};
using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;
using CurlList = std::unique_ptr<curl_slist, CurlListDeleter>;

struct Sink {
  HttpResponse* response;
  size_t limit;
  bool overflow = false;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  size_t bytes = size * count;
  if (sink->response->body.size() + bytes > sink->limit) {
    sink->overflow = true;
    return 0;  // CURLE_WRITE_ERROR stops the transfer
  }
  sink->response->body.append(data, bytes);
  return bytes;
}

std::string trim(std::string_view text) {
  size_t start = text.find_first_not_of(" \t\r\n");
  size_t end = text.find_last_not_of(" \t\r\n");
  return start == std::string_view::npos ? "" : std::string(text.substr(start, end - start + 1));
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* headers = static_cast<std::map<std::string, std::string>*>(user);
  size_t bytes = size * count;
  std::string_view line(data, bytes);
  // Each response (a 100 Continue, a proxy's CONNECT answer, the real one) starts with its
  // status line: keep only the last response's headers.
  if (line.rfind("HTTP/", 0) == 0) {
    headers->clear();
    return bytes;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return bytes;
  std::string name = trim(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  (*headers)[name] = trim(line.substr(colon + 1));
  return bytes;
}

// The URL for messages: scheme, host, port and path, never a query string.
std::string printable_url(const std::string& url) { return url.substr(0, url.find_first_of("?#")); }

}  // namespace

HttpResponse http_post(const HttpRequest& request) {
  HttpResponse response;
  const CurlApi& api = curl();
  if (!api.error.empty()) {
    response.error = api.error;
    return response;
  }
  CurlEasy easy(api.easy_init());
  if (!easy) {
    response.error = "cannot start an HTTP request (curl_easy_init failed)";
    return response;
  }
  CurlList headers;
  auto append = [&headers, &api](const std::string& line) {
    curl_slist* old_head = headers.release();
    curl_slist* new_head = api.slist_append(old_head, line.c_str());  // null on failure, old list intact
    headers.reset(new_head ? new_head : old_head);
    return new_head != nullptr;
  };
  for (const auto& [name, value] : request.headers) {
    if (!append(name + ": " + value)) {
      response.error = "cannot build the request headers (out of memory)";
      return response;
    }
  }
  // Without this, libcurl waits for a `100 Continue` before sending a large body.
  append("Expect:");

  char error_buffer[CURL_ERROR_SIZE] = {0};
  Sink sink{&response, request.max_response_bytes};
  CURL* handle = easy.get();
  api.easy_setopt(handle, CURLOPT_URL, request.url.c_str());
#if LIBCURL_VERSION_NUM >= 0x075500
  api.easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
#else
  api.easy_setopt(handle, CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
  api.easy_setopt(handle, CURLOPT_POST, 1L);
  api.easy_setopt(handle, CURLOPT_POSTFIELDS, request.body.data());
  api.easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  api.easy_setopt(handle, CURLOPT_HTTPHEADER, headers.get());
  api.easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request.connect_timeout.count()));
  api.easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  // Timeouts must not use SIGALRM: patchgate may run other threads.
  api.easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  api.easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, 1L);
  api.easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, 2L);
  api.easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 0L);
  api.easy_setopt(handle, CURLOPT_ACCEPT_ENCODING, "");  // whatever this libcurl can decode
  api.easy_setopt(handle, CURLOPT_USERAGENT, "patchgate/" PATCHGATE_VERSION);
  api.easy_setopt(handle, CURLOPT_ERRORBUFFER, error_buffer);
  api.easy_setopt(handle, CURLOPT_WRITEFUNCTION, on_body);
  api.easy_setopt(handle, CURLOPT_WRITEDATA, &sink);
  api.easy_setopt(handle, CURLOPT_HEADERFUNCTION, on_header);
  api.easy_setopt(handle, CURLOPT_HEADERDATA, &response.headers);

  CURLcode code = api.easy_perform(handle);
  if (code == CURLE_OK) {
    api.easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &response.status);
    return response;
  }
  response.status = 0;
  response.timed_out = code == CURLE_OPERATION_TIMEDOUT;
  std::string detail = error_buffer[0] ? error_buffer : api.easy_strerror(code);
  if (sink.overflow) detail = "the response is larger than " + std::to_string(request.max_response_bytes >> 20) + " MB";
  response.error = "POST " + printable_url(request.url) + ": " + trim(detail);
  return response;
}

}  // namespace patchgate::review
