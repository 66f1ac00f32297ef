#pragma once
// A real PostgreSQL for the store tests: Debian's server binaries (scripts/install-deps.sh
// installs postgresql), a cluster in a temporary folder, listening on 127.0.0.1 and a free port,
// run as an unprivileged user when the tests run as root (the server refuses root). Started once
// per test binary, stopped and removed at exit.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "support/test_support.hpp"

namespace dspm::test {

class PgCluster {
  public:
    static PgCluster& instance() {
        static PgCluster cluster;
        return cluster;
    }
    bool available() const { return !url_.empty(); }
    const std::string& why_not() const { return why_; }
    // postgresql://dspm@127.0.0.1:PORT/DB
    std::string url(const std::string& db = "postgres") const { return url_ + db; }

    bool stop() { return shell(pg_ctl_ + " -D " + data_ + " -m fast -w stop") == 0; }
    bool start() {
        return shell(pg_ctl_ + " -D " + data_ + " -l " + dir_ + "/server.log -w -t 60 -o \"-p " +
                     std::to_string(port_) + " -k " + dir_ +
                     " -c listen_addresses=127.0.0.1 -c fsync=off "
                     "-c synchronous_commit=off\" start") == 0;
    }

    PgCluster(const PgCluster&) = delete;
    PgCluster& operator=(const PgCluster&) = delete;
    ~PgCluster() {
        if (!url_.empty()) stop();
        if (!dir_.empty()) {
            std::error_code ec;
            std::filesystem::remove_all(dir_, ec);
        }
    }

  private:
    PgCluster() {
        std::string bin;
        for (int v = 20; v >= 12 && bin.empty(); --v) {
            const std::string b = "/usr/lib/postgresql/" + std::to_string(v) + "/bin";
            if (std::filesystem::exists(b + "/initdb")) bin = b;
        }
        if (bin.empty()) {
            why_ = "no PostgreSQL server binaries under /usr/lib/postgresql (install postgresql)";
            return;
        }
        pg_ctl_ = bin + "/pg_ctl";
        char tmpl[] = "/tmp/dspm-pg-XXXXXX";
        if (!::mkdtemp(tmpl)) {
            why_ = "mkdtemp failed";
            return;
        }
        dir_ = tmpl;
        data_ = dir_ + "/data";
        if (::geteuid() == 0) {
            // The server will not run as root: the folder goes to nobody, and so do the commands.
            if (run_shell("chown nobody " + dir_ + " && chmod 700 " + dir_) != 0) {
                why_ = "cannot give " + dir_ + " to nobody";
                return;
            }
            as_user_ = "runuser -u nobody -- ";
        }
        port_ = free_port();
        if (shell(bin + "/initdb -D " + data_ +
                  " -U dspm --auth=trust -E UTF8 --locale=C --no-sync") != 0) {
            why_ = "initdb failed (see " + dir_ + "/cmd.log)";
            return;
        }
        if (!start()) {
            why_ = "the server did not start (see " + dir_ + "/server.log)";
            return;
        }
        url_ = "postgresql://dspm@127.0.0.1:" + std::to_string(port_) + "/";
    }

    int shell(const std::string& command) const {
        const std::string log = dir_.empty() ? "/dev/null" : dir_ + "/cmd.log";
        return run_shell(as_user_ + command + " >>" + log + " 2>&1");
    }

    std::string dir_, data_, pg_ctl_, as_user_, url_, why_;
    unsigned short port_ = 0;
};

}  // namespace dspm::test
