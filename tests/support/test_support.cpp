#include "support/test_support.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <thread>

#include "common/spawn.hpp"

namespace dspm::test {
namespace fs = std::filesystem;

namespace {
// The low end of the kernel's ephemeral range (outgoing connections take their local port there).
int ephemeral_low() {
    std::ifstream in("/proc/sys/net/ipv4/ip_local_port_range");
    int low = 32768, high = 60999;
    if (in >> low >> high && low > 2048) return low;
    return 32768;
}

bool can_bind(unsigned short port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return false;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    return ok;
}
}  // namespace

// Below the ephemeral range, at random: a port bind(0) hands out comes from the range the
// thousands of outgoing connections of the suites also draw their local ports from, and one of
// them took such a port between this answer and the server's bind ("Address already in use").
unsigned short free_port() {
    static std::mutex mutex;
    static std::mt19937 random(std::random_device{}() ^ static_cast<unsigned>(::getpid()));
    const int high = ephemeral_low() - 1;
    const int low = std::max(1024, high - 16000);
    std::lock_guard lock(mutex);
    std::uniform_int_distribution<int> pick(low, high);
    for (int attempt = 0; attempt < 200; ++attempt) {
        const auto port = static_cast<unsigned short>(pick(random));
        if (can_bind(port)) return port;
    }
    throw std::runtime_error("free_port: no free port below the ephemeral range");
}

std::optional<std::string> shared_dir() {
    if (const char* env = std::getenv("DSPM_SHARED_DIR")) return std::string(env);
    const fs::path candidate = fs::path(DSPM_SOURCE_DIR).parent_path() / "shared";
    if (fs::is_directory(candidate)) return candidate.string();
    return std::nullopt;
}

namespace {
std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}
}  // namespace

namespace {
// The child's environment: the parent's, with `env` laid over it.
std::vector<std::string> merged_environment(const std::map<std::string, std::string>& env) {
    std::map<std::string, std::string> all;
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
        const std::string_view entry(*e);
        const auto eq = entry.find('=');
        if (eq == std::string_view::npos) continue;
        all.emplace(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
    }
    for (const auto& [k, v] : env)
        all[k] = v;
    std::vector<std::string> out;
    out.reserve(all.size());
    for (const auto& [k, v] : all)
        out.push_back(k + "=" + v);
    return out;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
    std::vector<char*> out;
    out.reserve(strings.size() + 1);
    for (auto& s : strings)
        out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}
}  // namespace

// posix_spawn, not fork + setenv + exec: the suites fork while fake servers' threads allocate, and
// a child of the sanitizer build that called malloc after fork could wait forever on an allocator
// lock held by a thread that no longer exists in it (a server that never opened its port).
// Everything the child needs is built here, before the spawn.
Process::Process(std::vector<std::string> argv, std::map<std::string, std::string> env,
                 std::string working_dir) {
    const fs::path dir =
        fs::temp_directory_path() / ("dspm-test-" + std::to_string(::getpid()) + "-" +
                                     std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    fs::create_directories(dir);
    out_path_ = (dir / "stdout").string();
    err_path_ = (dir / "stderr").string();
    auto environment = merged_environment(env);
    auto envp = pointers(environment);
    auto args = pointers(argv);

    SpawnActions actions;
    ::posix_spawn_file_actions_addopen(actions.get(), 0, "/dev/null", O_RDONLY, 0);
    ::posix_spawn_file_actions_addopen(actions.get(), 1, out_path_.c_str(),
                                       O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::posix_spawn_file_actions_addopen(actions.get(), 2, err_path_.c_str(),
                                       O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (!working_dir.empty())
        ::posix_spawn_file_actions_addchdir_np(actions.get(), working_dir.c_str());
    SpawnAttributes attributes;
    // A group of its own, so that the destructor's signal reaches what the child starts too.
    ::posix_spawnattr_setpgroup(attributes.get(), 0);
    sigset_t none;
    sigemptyset(&none);
    ::posix_spawnattr_setsigmask(attributes.get(), &none);
    sigset_t defaults;
    sigfillset(&defaults);
    ::posix_spawnattr_setsigdefault(attributes.get(), &defaults);
    ::posix_spawnattr_setflags(
        attributes.get(), POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    pid_t pid = -1;
    const int rc =
        ::posix_spawnp(&pid, args[0], actions.get(), attributes.get(), args.data(), envp.data());
    if (rc != 0)
        throw std::runtime_error("cannot start " + argv.front() + ": " + std::strerror(rc));
    pid_ = pid;
}

Process::~Process() {
    if (pid_ > 0 && !status_) {
        ::kill(-pid_, SIGTERM);
        ::kill(pid_, SIGTERM);
        if (wait(std::chrono::milliseconds(3000)) == -1) {
            ::kill(-pid_, SIGKILL);
            ::kill(pid_, SIGKILL);
            wait(std::chrono::milliseconds(3000));
        }
    }
}

bool Process::running() {
    if (status_) return false;
    int st = 0;
    const int r = ::waitpid(pid_, &st, WNOHANG);
    if (r == pid_) {
        status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        return false;
    }
    return true;
}

int Process::wait(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (running()) {
        if (std::chrono::steady_clock::now() > deadline) return -1;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return *status_;
}

int Process::signal_and_wait(int sig, std::chrono::milliseconds timeout) {
    if (running()) ::kill(pid_, sig);
    return wait(timeout);
}

std::string Process::stdout_text() const {
    return read_file(out_path_);
}
std::string Process::stderr_text() const {
    return read_file(err_path_);
}

bool wait_for_port(unsigned short port, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = htons(port);
        const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
        ::close(fd);
        if (ok) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

Moto::Moto() : Moto(std::map<std::string, std::string>{}) {}

Moto::Moto(std::map<std::string, std::string> env) {
    port_ = free_port();
    process_.emplace(
        std::vector<std::string>{"moto_server", "-H", "127.0.0.1", "-p", std::to_string(port_)},
        std::move(env));
    if (!wait_for_port(port_, std::chrono::seconds(30))) {
        throw std::runtime_error("moto_server did not start: " + process_->stderr_text());
    }
}

Moto::~Moto() = default;

Moto& Moto::instance() {
    static Moto shared;
    return shared;
}

std::string Moto::endpoint() const {
    return "http://127.0.0.1:" + std::to_string(port_);
}

void Moto::reset() {
    run_shell("curl -s -X POST " + endpoint() + "/moto-api/reset >/dev/null");
}

std::map<std::string, std::string> moto_env(const std::string& endpoint,
                                            const std::string& region) {
    return {{"AWS_ACCESS_KEY_ID", "testing"},
            {"AWS_SECRET_ACCESS_KEY", "testing"},
            {"AWS_DEFAULT_REGION", region},
            {"AWS_REGION", region},
            // moto lists every region as enabled: the suites audit the one they seed.
            {"AUDIT_REGIONS", region},
            {"AWS_ENDPOINT_URL", endpoint},
            {"AWS_EC2_METADATA_DISABLED", "true"},
            {"AWS_CONFIG_FILE", "/dev/null"},
            {"AWS_SHARED_CREDENTIALS_FILE", "/dev/null"},
            {"AWS_PAGER", ""}};
}

RawReply send_raw(unsigned short port, const std::string& raw, std::chrono::seconds timeout) {
    RawReply reply;
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return reply;
    timeval tv{static_cast<time_t>(timeout.count()), 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return reply;
    }
    std::string_view out = raw;
    while (!out.empty()) {
        const auto n = ::send(fd, out.data(), out.size(), MSG_NOSIGNAL);
        if (n <= 0) break;
        out.remove_prefix(static_cast<std::size_t>(n));
    }
    std::string in;
    char buf[65536];
    for (;;) {
        const auto n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        in.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    const auto split = in.find("\r\n\r\n");
    if (in.size() < 12 || split == std::string::npos) return reply;
    reply.status = std::stoi(in.substr(9, 3));
    reply.head = in.substr(0, split);
    reply.body = in.substr(split + 4);
    return reply;
}

RawReply post(unsigned short port, const std::string& target, std::chrono::seconds timeout) {
    return send_raw(port,
                    "POST " + target +
                        " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n"
                        "Connection: close\r\n\r\n",
                    timeout);
}

int run_shell(const std::string& command, std::string* out) {
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
    if (!pipe) return -1;
    std::string text;
    char buf[4096];
    size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, pipe.get())) > 0)
        text.append(buf, n);
    const int status = ::pclose(pipe.release());
    if (out) *out = std::move(text);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace dspm::test
