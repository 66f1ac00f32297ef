#pragma once
// Helpers shared by the test suites: free ports, child processes, moto_server, the ../shared data.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dspm::test {

// A TCP port on 127.0.0.1 that was free a moment ago.
unsigned short free_port();

// ../shared next to the repository, when present (tests that need it skip otherwise).
std::optional<std::string> shared_dir();

// A child process with its own environment additions; killed (SIGTERM, then SIGKILL) on
// destruction. stdout/stderr go to files under a temporary directory.
class Process {
  public:
    Process(std::vector<std::string> argv, std::map<std::string, std::string> env = {},
            std::string working_dir = {});
    ~Process();
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;

    int pid() const { return pid_; }
    bool running();
    // Sends a signal; returns the exit status after waiting (or -1 on timeout).
    int signal_and_wait(int signal, std::chrono::milliseconds timeout);
    int wait(std::chrono::milliseconds timeout);
    std::string stdout_text() const;
    std::string stderr_text() const;

  private:
    int pid_ = -1;
    std::optional<int> status_;
    std::string out_path_, err_path_;
};

// Waits until something accepts TCP connections on 127.0.0.1:port.
bool wait_for_port(unsigned short port, std::chrono::milliseconds timeout);

// moto_server on 127.0.0.1 and a free port, started once per test binary and reset between uses.
class Moto {
  public:
    // Starts (or reuses) the shared server; extra_env is only honoured on the first start.
    static Moto& instance();
    std::string endpoint() const;  // "http://127.0.0.1:PORT"
    unsigned short port() const { return port_; }
    void reset();  // POST /moto-api/reset
    ~Moto();

    // A separate moto with its own environment (INITIAL_NO_AUTH_ACTION_COUNT ...), owned by caller.
    explicit Moto(std::map<std::string, std::string> env);

  private:
    Moto();
    unsigned short port_ = 0;
    std::optional<Process> process_;
};

// Environment for a child dspm-audit / aws CLI pointing every AWS service at moto.
std::map<std::string, std::string> moto_env(const std::string& endpoint,
                                            const std::string& region = "us-east-1");

// One raw HTTP exchange on a fresh connection to 127.0.0.1:port; the answer is read to EOF (send
// Connection: close). status 0: no connection or no parsable answer.
struct RawReply {
    int status = 0;
    std::string head, body;
};
RawReply send_raw(unsigned short port, const std::string& raw,
                  std::chrono::seconds timeout = std::chrono::seconds(5));
// POST target with an empty body and Connection: close.
RawReply post(unsigned short port, const std::string& target,
              std::chrono::seconds timeout = std::chrono::seconds(30));

// Runs a shell command (for seeding moto with the aws CLI); returns exit status, output in *out.
int run_shell(const std::string& command, std::string* out = nullptr);

}  // namespace dspm::test
