#include "http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace testing {

namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string trim(const std::string& text) {
  size_t start = text.find_first_not_of(" \t\r\n");
  size_t end = text.find_last_not_of(" \t\r\n");
  return start == std::string::npos ? "" : text.substr(start, end - start + 1);
}

const char* reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 404: return "Not Found";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
  }
}

void send_all(int fd, const std::string& data) {
  size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;
    sent += static_cast<size_t>(n);
  }
}

}  // namespace

TestHttpServer::TestHttpServer(std::vector<ScriptedResponse> script) : script_(std::move(script)) {
  listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (listener_ < 0) throw std::runtime_error("socket failed");
  int yes = 1;
  setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(listener_, 16) != 0) {
    ::close(listener_);
    throw std::runtime_error("bind/listen on 127.0.0.1 failed");
  }
  socklen_t length = sizeof address;
  getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  thread_ = std::thread([this] { serve(); });
}

TestHttpServer::~TestHttpServer() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  ::close(listener_);
}

void TestHttpServer::set_validator(std::function<std::string(const RecordedRequest&)> validator) {
  std::lock_guard<std::mutex> lock(mutex_);
  validator_ = std::move(validator);
}

std::vector<RecordedRequest> TestHttpServer::requests() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return requests_;
}

std::vector<std::string> TestHttpServer::violations() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return violations_;
}

std::vector<std::chrono::steady_clock::time_point> TestHttpServer::arrivals() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return arrivals_;
}

void TestHttpServer::serve() {
  while (!stop_) {
    pollfd p{listener_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    int connection = ::accept(listener_, nullptr, nullptr);
    if (connection < 0) continue;
    handle(connection);
    ::close(connection);
  }
}

// Sleeps up to duration; returns early (true) when the server stops or the client hangs up.
bool TestHttpServer::wait_for_stop(std::chrono::milliseconds duration, int connection) {
  auto deadline = std::chrono::steady_clock::now() + duration;
  while (!stop_ && std::chrono::steady_clock::now() < deadline) {
    pollfd p{connection, POLLIN, 0};
    if (::poll(&p, 1, 50) > 0) {
      char byte;
      if (::recv(connection, &byte, 1, MSG_PEEK) <= 0) return true;  // the client gave up
    }
  }
  return stop_;
}

void TestHttpServer::handle(int connection) {
  std::string data;
  char buffer[65536];
  size_t header_end = std::string::npos;
  auto read_more = [&]() {
    pollfd p{connection, POLLIN, 0};
    if (::poll(&p, 1, 5000) <= 0) return false;
    ssize_t n = ::recv(connection, buffer, sizeof buffer, 0);
    if (n <= 0) return false;
    data.append(buffer, static_cast<size_t>(n));
    return true;
  };
  while ((header_end = data.find("\r\n\r\n")) == std::string::npos)
    if (!read_more()) return;

  RecordedRequest request;
  std::string head = data.substr(0, header_end);
  size_t line_end = head.find("\r\n");
  std::string request_line = head.substr(0, line_end);
  size_t space = request_line.find(' ');
  request.method = request_line.substr(0, space);
  request.path = request_line.substr(space + 1, request_line.rfind(' ') - space - 1);
  size_t at = line_end == std::string::npos ? head.size() : line_end + 2;
  while (at < head.size()) {
    size_t end = head.find("\r\n", at);
    if (end == std::string::npos) end = head.size();
    std::string line = head.substr(at, end - at);
    size_t colon = line.find(':');
    if (colon != std::string::npos) request.headers[lower(trim(line.substr(0, colon)))] = trim(line.substr(colon + 1));
    at = end + 2;
  }
  if (request.headers.count("expect")) send_all(connection, "HTTP/1.1 100 Continue\r\n\r\n");
  size_t length = request.headers.count("content-length") ? std::stoul(request.headers["content-length"]) : 0;
  while (data.size() < header_end + 4 + length)
    if (!read_more()) break;
  request.body = data.substr(header_end + 4, length);

  ScriptedResponse response;
  std::string violation;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    arrivals_.push_back(std::chrono::steady_clock::now());
    requests_.push_back(request);
    if (validator_) violation = validator_(request);
    if (!violation.empty()) violations_.push_back(violation);
    if (!script_.empty()) {
      response = script_[std::min(next_, script_.size() - 1)];
      ++next_;
    }
  }
  if (!violation.empty()) {
    response = ScriptedResponse{400, {{"Content-Type", "application/json"}},
                                "{\"error\":{\"message\":\"test server: " + violation + "\"}}", 0};
  } else if (response.hang_seconds > 0) {
    if (wait_for_stop(std::chrono::seconds(response.hang_seconds), connection)) return;
  }
  std::string out = "HTTP/1.1 " + std::to_string(response.status) + " " + reason(response.status) + "\r\n";
  bool typed = false;
  for (const auto& [name, value] : response.headers) {
    out += name + ": " + value + "\r\n";
    typed |= lower(name) == "content-type";
  }
  if (!typed) out += "Content-Type: application/json\r\n";
  out += "Content-Length: " + std::to_string(response.body.size()) + "\r\nConnection: close\r\n\r\n" + response.body;
  send_all(connection, out);
}

}  // namespace testing
