#pragma once
// A tiny one-request-per-connection HTTP server on 127.0.0.1 for the AWS tests (IMDS, ECS fakes).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace dspm::test {

struct FakeRequest {
    std::string method, path, body;
    std::map<std::string, std::string> headers;  // lower-case names
};
struct FakeResponse {
    int status = 200;
    std::string body;
};

class FakeHttpServer {
  public:
    using Handler = std::function<FakeResponse(const FakeRequest&)>;
    explicit FakeHttpServer(Handler handler) : handler_(std::move(handler)) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
        socklen_t len = sizeof addr;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        ::listen(fd_, 16);
        thread_ = std::thread([this] { loop(); });
    }
    ~FakeHttpServer() {
        ::shutdown(fd_, SHUT_RDWR);
        ::close(fd_);
        thread_.join();
    }
    std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
    std::vector<FakeRequest> requests() const {
        std::lock_guard lock(mutex_);
        return seen_;
    }

  private:
    void loop() {
        while (true) {
            const int c = ::accept(fd_, nullptr, nullptr);
            if (c < 0) return;
            std::string raw;
            char buf[4096];
            while (raw.find("\r\n\r\n") == std::string::npos) {
                const auto n = ::recv(c, buf, sizeof buf, 0);
                if (n <= 0) break;
                raw.append(buf, static_cast<std::size_t>(n));
            }
            FakeRequest req;
            const auto end = raw.find("\r\n\r\n");
            std::size_t pos = raw.find("\r\n");
            const std::string first = raw.substr(0, pos);
            req.method = first.substr(0, first.find(' '));
            req.path = first.substr(first.find(' ') + 1, first.rfind(' ') - first.find(' ') - 1);
            while (pos != std::string::npos && pos < end) {
                const auto next = raw.find("\r\n", pos + 2);
                const std::string line = raw.substr(pos + 2, next - pos - 2);
                const auto colon = line.find(':');
                if (colon != std::string::npos) {
                    std::string name = line.substr(0, colon);
                    for (auto& ch : name)
                        ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
                    std::string value = line.substr(colon + 1);
                    while (!value.empty() && value.front() == ' ')
                        value.erase(0, 1);
                    req.headers[name] = value;
                }
                pos = next;
            }
            std::size_t want =
                req.headers.count("content-length") ? std::stoul(req.headers["content-length"]) : 0;
            req.body = end == std::string::npos ? "" : raw.substr(end + 4);
            while (req.body.size() < want) {
                const auto n = ::recv(c, buf, sizeof buf, 0);
                if (n <= 0) break;
                req.body.append(buf, static_cast<std::size_t>(n));
            }
            {
                std::lock_guard lock(mutex_);
                seen_.push_back(req);
            }
            const FakeResponse r = handler_(req);
            const std::string out = "HTTP/1.1 " + std::to_string(r.status) +
                                    " X\r\nContent-Length: " + std::to_string(r.body.size()) +
                                    "\r\nConnection: close\r\n\r\n" + r.body;
            ::send(c, out.data(), out.size(), MSG_NOSIGNAL);
            ::close(c);
        }
    }
    Handler handler_;
    int fd_ = -1;
    unsigned short port_ = 0;
    mutable std::mutex mutex_;
    std::vector<FakeRequest> seen_;
    std::thread thread_;
};

}  // namespace dspm::test
