#pragma once

// A small HTTP/1.1 server for the review tests: 127.0.0.1, an ephemeral port, one thread, one
// request per connection (Content-Length bodies). It records every request and answers from a
// script; a response may instead hang for a while, like a server that never answers.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace testing {

struct RecordedRequest {
  std::string method, path;
  std::map<std::string, std::string> headers;  // lower-cased names
  std::string body;
};

struct ScriptedResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  int hang_seconds = 0;  // > 0: read the request, then send nothing until this passes or the client leaves
};

class TestHttpServer {
 public:
  // Responses are used in order; when the script runs out, the last one repeats.
  explicit TestHttpServer(std::vector<ScriptedResponse> script);
  ~TestHttpServer();
  TestHttpServer(const TestHttpServer&) = delete;
  TestHttpServer& operator=(const TestHttpServer&) = delete;

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // Checks each request before it is answered; a non-empty return is a violation: recorded, and
  // answered with 400 and that text instead of the script.
  void set_validator(std::function<std::string(const RecordedRequest&)> validator);

  std::vector<RecordedRequest> requests() const;
  std::vector<std::string> violations() const;
  // When each request arrived, for timing assertions.
  std::vector<std::chrono::steady_clock::time_point> arrivals() const;

 private:
  void serve();
  void handle(int connection);
  bool wait_for_stop(std::chrono::milliseconds duration, int connection);

  std::vector<ScriptedResponse> script_;
  size_t next_ = 0;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::function<std::string(const RecordedRequest&)> validator_;
  std::vector<RecordedRequest> requests_;
  std::vector<std::string> violations_;
  std::vector<std::chrono::steady_clock::time_point> arrivals_;
  std::thread thread_;
};

}  // namespace testing
