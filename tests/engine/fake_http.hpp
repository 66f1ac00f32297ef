#pragma once
// A tiny HTTP/1.1 server on 127.0.0.1 for fakes (Collector API, AWS services moto lacks): one
// thread, one request per connection, answers from a handler. Plain POSIX sockets on purpose.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>

namespace dspm::test {

struct FakeRequest {
    std::string method, path, body;
    std::map<std::string, std::string> headers;  // lower-case names
};
struct FakeResponse {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
};

class FakeHttpServer {
  public:
    using Handler = std::function<FakeResponse(const FakeRequest&)>;
    explicit FakeHttpServer(Handler handler) : handler_(std::move(handler)) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = 0;
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
            ::listen(fd_, 64) != 0)
            throw std::runtime_error("fake server: bind/listen failed");
        socklen_t len = sizeof addr;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        thread_ = std::thread([this] { loop(); });
    }
    ~FakeHttpServer() {
        stop_ = true;
        thread_.join();
        ::close(fd_);
    }
    FakeHttpServer(const FakeHttpServer&) = delete;
    FakeHttpServer& operator=(const FakeHttpServer&) = delete;

    unsigned short port() const { return port_; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    int requests() const { return requests_.load(); }

  private:
    void loop() {
        while (!stop_) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) continue;
            int c = ::accept(fd_, nullptr, nullptr);
            if (c < 0) continue;
            serve(c);
            ::close(c);
        }
    }
    void serve(int c) {
        std::string data;
        char buf[8192];
        std::size_t header_end = std::string::npos;
        std::size_t need = 0;
        while (true) {
            pollfd p{c, POLLIN, 0};
            if (::poll(&p, 1, 2000) <= 0) return;
            ssize_t n = ::recv(c, buf, sizeof buf, 0);
            if (n <= 0) return;
            data.append(buf, static_cast<std::size_t>(n));
            if (header_end == std::string::npos) {
                header_end = data.find("\r\n\r\n");
                if (header_end == std::string::npos) continue;
                need = header_end + 4 + content_length(data.substr(0, header_end));
            }
            if (data.size() >= need) break;
        }
        FakeRequest req;
        const auto first_end = data.find("\r\n");
        const std::string first = data.substr(0, first_end);
        const auto sp1 = first.find(' ');
        const auto sp2 = first.find(' ', sp1 + 1);
        req.method = first.substr(0, sp1);
        req.path = first.substr(sp1 + 1, sp2 - sp1 - 1);
        std::size_t pos = first_end + 2;
        while (pos < header_end) {
            auto eol = data.find("\r\n", pos);
            const std::string line = data.substr(pos, eol - pos);
            auto colon = line.find(':');
            if (colon != std::string::npos) {
                std::string name = line.substr(0, colon);
                for (auto& ch : name)
                    ch = static_cast<char>(std::tolower(ch));
                std::string value = line.substr(colon + 1);
                while (!value.empty() && value.front() == ' ')
                    value.erase(0, 1);
                req.headers[name] = value;
            }
            pos = eol + 2;
        }
        req.body = data.substr(header_end + 4);
        ++requests_;
        FakeResponse r = handler_(req);
        std::string out = "HTTP/1.1 " + std::to_string(r.status) +
                          " X\r\nContent-Type: " + r.content_type +
                          "\r\nContent-Length: " + std::to_string(r.body.size()) +
                          "\r\nx-amzn-RequestId: fake\r\nConnection: close\r\n\r\n" + r.body;
        std::size_t sent = 0;
        while (sent < out.size()) {
            ssize_t n = ::send(c, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
            if (n <= 0) return;
            sent += static_cast<std::size_t>(n);
        }
    }
    static std::size_t content_length(const std::string& headers) {
        std::string lower = headers;
        for (auto& ch : lower)
            ch = static_cast<char>(std::tolower(ch));
        auto at = lower.find("content-length:");
        if (at == std::string::npos) return 0;
        return static_cast<std::size_t>(std::stoul(lower.substr(at + 15)));
    }

    Handler handler_;
    int fd_ = -1;
    unsigned short port_ = 0;
    std::atomic<bool> stop_{false};
    std::atomic<int> requests_{0};
    std::thread thread_;
};

}  // namespace dspm::test
