#pragma once
// A scripted server on 127.0.0.1 for the AWS client's transport tests: answers with headers (Date,
// x-amz-bucket-region), records each request's target byte for byte, and can misbehave per
// connection (reset it, answer garbage instead of TLS, or pass it through to another port).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <functional>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace dspm::test {

struct LoopRequest {
    std::string method, target, body;
    std::map<std::string, std::string> headers;  // lower-case names
};

struct LoopResponse {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

// What happens to a new connection (1-based index) before any HTTP is read.
enum class ConnectionFault {
    none,     // read one HTTP request, answer it, close
    reset,    // read what the client sends first, then close with RST
    garbage,  // read what the client sends first, answer bytes that are neither TLS nor HTTP
    forward,  // relay bytes both ways to forward_port (a TLS server behind a faulty front)
};

class LoopbackServer {
  public:
    using Handler = std::function<LoopResponse(const LoopRequest&)>;
    using Plan = std::function<ConnectionFault(int connection)>;

    explicit LoopbackServer(Handler handler, Plan plan = {}, unsigned short forward_port = 0)
        : handler_(std::move(handler)), plan_(std::move(plan)), forward_port_(forward_port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        const int one = 1;
        ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in addr = loopback(0);
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
            ::listen(fd_, 16) != 0)
            throw std::runtime_error("loopback server: bind/listen failed");
        socklen_t len = sizeof addr;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        acceptor_ = std::thread([this] { accept_loop(); });
    }
    ~LoopbackServer() {
        stopping_ = true;
        ::shutdown(fd_, SHUT_RDWR);
        acceptor_.join();
        ::close(fd_);
        std::vector<std::thread> threads;
        {
            std::lock_guard lock(mutex_);
            threads = std::move(threads_);
        }
        for (auto& t : threads)
            t.join();
    }
    LoopbackServer(const LoopbackServer&) = delete;
    LoopbackServer& operator=(const LoopbackServer&) = delete;

    unsigned short port() const { return port_; }
    std::string endpoint(const std::string& scheme = "http") const {
        return scheme + "://127.0.0.1:" + std::to_string(port_);
    }
    std::vector<LoopRequest> requests() const {
        std::lock_guard lock(mutex_);
        return seen_;
    }
    int connections() const { return connections_; }

  private:
    static sockaddr_in loopback(unsigned short port) {
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = htons(port);
        return addr;
    }

    void accept_loop() {
        while (!stopping_) {
            const int c = ::accept(fd_, nullptr, nullptr);
            if (c < 0) return;
            const int n = ++connections_;
            std::lock_guard lock(mutex_);
            threads_.emplace_back([this, c, n] { serve(c, n); });
        }
    }

    // Waits at most 2 s for the client's first bytes (a TLS ClientHello or an HTTP request).
    static void read_some(int c) {
        pollfd p{c, POLLIN, 0};
        if (::poll(&p, 1, 2000) > 0) {
            char buf[4096];
            (void)::recv(c, buf, sizeof buf, 0);
        }
    }

    void serve(int c, int n) {
        const ConnectionFault fault = plan_ ? plan_(n) : ConnectionFault::none;
        if (fault == ConnectionFault::reset) {
            read_some(c);
            linger lg{1, 0};  // RST instead of FIN
            ::setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
            ::close(c);
            return;
        }
        if (fault == ConnectionFault::garbage) {
            read_some(c);
            const std::string junk = "this is not TLS\r\n\r\n";
            ::send(c, junk.data(), junk.size(), MSG_NOSIGNAL);
            ::close(c);
            return;
        }
        if (fault == ConnectionFault::forward) {
            relay(c);
            return;
        }
        answer(c);
    }

    void relay(int c) {
        const int b = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr = loopback(forward_port_);
        if (::connect(b, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
            ::close(b);
            ::close(c);
            return;
        }
        pollfd fds[2] = {{c, POLLIN, 0}, {b, POLLIN, 0}};
        char buf[16384];
        while (!stopping_) {
            if (::poll(fds, 2, 200) < 0) break;
            bool closed = false;
            for (int i = 0; i < 2; ++i) {
                if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
                const auto got = ::recv(fds[i].fd, buf, sizeof buf, 0);
                if (got <= 0 ||
                    ::send(fds[1 - i].fd, buf, static_cast<std::size_t>(got), MSG_NOSIGNAL) < 0)
                    closed = true;
            }
            if (closed) break;
        }
        ::close(b);
        ::close(c);
    }

    void answer(int c) {
        std::string raw;
        char buf[4096];
        while (raw.find("\r\n\r\n") == std::string::npos) {
            const auto got = ::recv(c, buf, sizeof buf, 0);
            if (got <= 0) break;
            raw.append(buf, static_cast<std::size_t>(got));
        }
        const auto end = raw.find("\r\n\r\n");
        if (end == std::string::npos) {
            ::close(c);
            return;
        }
        LoopRequest req;
        std::size_t pos = raw.find("\r\n");
        const std::string first = raw.substr(0, pos);
        const auto sp1 = first.find(' ');
        const auto sp2 = first.rfind(' ');
        req.method = first.substr(0, sp1);
        req.target = first.substr(sp1 + 1, sp2 - sp1 - 1);
        while (pos < end) {
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
        const std::size_t want =
            req.headers.count("content-length") ? std::stoul(req.headers["content-length"]) : 0;
        req.body = raw.substr(end + 4);
        while (req.body.size() < want) {
            const auto got = ::recv(c, buf, sizeof buf, 0);
            if (got <= 0) break;
            req.body.append(buf, static_cast<std::size_t>(got));
        }
        {
            std::lock_guard lock(mutex_);
            seen_.push_back(req);
        }
        const LoopResponse r = handler_(req);
        std::string out = "HTTP/1.1 " + std::to_string(r.status) + " X\r\n";
        for (const auto& [k, v] : r.headers)
            out += k + ": " + v + "\r\n";
        out += "Content-Length: " + std::to_string(r.body.size()) +
               "\r\nConnection: close\r\n\r\n" + r.body;
        ::send(c, out.data(), out.size(), MSG_NOSIGNAL);
        ::close(c);
    }

    Handler handler_;
    Plan plan_;
    unsigned short forward_port_ = 0;
    int fd_ = -1;
    unsigned short port_ = 0;
    std::atomic<bool> stopping_{false};
    std::atomic<int> connections_{0};
    mutable std::mutex mutex_;
    std::vector<LoopRequest> seen_;
    std::vector<std::thread> threads_;
    std::thread acceptor_;
};

}  // namespace dspm::test
