// Load generator for the benchmark simulators (bench/awssim.py, build/bench/awssim): N keep-alive
// connections, each sending the next request as soon as the last answer is in, for a fixed time.
// Prints answers/s and, given --sim-pid, the simulator's CPU seconds over the same window (from
// /proc). One thread: at 40 ms per answer the client mostly waits, and a second thread would
// take the core the simulator under test needs.
//
//   cmake --build build --target simload awssim
//   build/bench/awssim --port 9000 --size 1000 &
//   build/bench/simload --port 9000 --connections 512 --seconds 10 --sim-pid $!
#include <unistd.h>

#include <array>
#include <boost/asio.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

// Per-resource reads like the audit's: S3 (REST-XML), DynamoDB (JSON 1.0), both small answers.
std::string request(size_t i) {
    std::string auth = "Authorization: AWS4-HMAC-SHA256 Credential=AKIDBENCH/20250101/us-east-1/";
    if (i % 2 == 0) {
        char bucket[32];
        std::snprintf(bucket, sizeof bucket, "bench-bucket-%05zu", (i / 2) % 400);
        return std::string("GET /") + bucket + "?encryption HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
               auth + "s3/aws4_request, SignedHeaders=host, Signature=0\r\n\r\n";
    }
    char body[64];
    int n =
        std::snprintf(body, sizeof body, "{\"TableName\": \"bench-table-%05zu\"}", (i / 2) % 200);
    return "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth +
           "dynamodb/aws4_request, SignedHeaders=host, Signature=0\r\n"
           "X-Amz-Target: DynamoDB_20120810.DescribeTable\r\n"
           "Content-Type: application/x-amz-json-1.0\r\nContent-Length: " +
           std::to_string(n) + "\r\n\r\n" + body;
}

struct Totals {
    Clock::time_point measure_from, measure_to;
    long answers = 0, failures = 0;
    double latency_sum = 0;
};

class Client : public std::enable_shared_from_this<Client> {
  public:
    Client(asio::io_context& io, tcp::endpoint ep, size_t id, Totals& t)
        : socket_(io), ep_(ep), next_(id * 7919), totals_(t) {}

    void start() {
        socket_.async_connect(ep_, [self = shared_from_this()](boost::system::error_code ec) {
            if (ec) return self->fail();
            self->socket_.set_option(tcp::no_delay(true));
            self->send();
        });
    }

  private:
    void send() {
        if (Clock::now() >= totals_.measure_to) return;
        out_ = request(next_++);
        sent_ = Clock::now();
        asio::async_write(socket_, asio::buffer(out_),
                          [self = shared_from_this()](boost::system::error_code ec, size_t) {
                              if (ec) return self->fail();
                              self->read();
                          });
    }

    void read() {
        socket_.async_read_some(asio::buffer(chunk_), [self = shared_from_this()](
                                                          boost::system::error_code ec, size_t n) {
            if (ec) return self->fail();
            self->in_.append(self->chunk_.data(), n);
            self->answered();
        });
    }

    // A whole answer in in_ (head, then Content-Length bytes) counts; otherwise read on.
    void answered() {
        size_t end = in_.find("\r\n\r\n");
        if (end == std::string::npos) return read();
        size_t cl = in_.find("Content-Length: ");
        size_t length = cl < end ? std::strtoul(in_.c_str() + cl + 16, nullptr, 10) : 0;
        if (in_.size() < end + 4 + length) return read();
        in_.erase(0, end + 4 + length);
        auto now = Clock::now();
        if (now >= totals_.measure_from && now < totals_.measure_to) {
            ++totals_.answers;
            totals_.latency_sum += std::chrono::duration<double>(now - sent_).count();
        }
        send();
    }

    void fail() { ++totals_.failures; }

    tcp::socket socket_;
    tcp::endpoint ep_;
    size_t next_;
    Totals& totals_;
    std::string out_, in_;
    std::array<char, 65536> chunk_;
    Clock::time_point sent_;
};

// utime + stime of a process, seconds.
double cpu_seconds(long pid) {
    std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
    std::string all((std::istreambuf_iterator<char>(f)), {});
    std::istringstream rest(all.substr(all.rfind(')') + 2));
    std::vector<std::string> fields;
    for (std::string x; rest >> x;)
        fields.push_back(x);
    return (std::stod(fields.at(11)) + std::stod(fields.at(12))) / sysconf(_SC_CLK_TCK);
}

}  // namespace

int main(int argc, char** argv) {
    int port = 0;
    size_t connections = 256;
    double seconds = 10, warmup = 1;
    long sim_pid = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string k = argv[i], v = argv[i + 1];
        if (k == "--port")
            port = std::stoi(v);
        else if (k == "--connections")
            connections = std::stoul(v);
        else if (k == "--seconds")
            seconds = std::stod(v);
        else if (k == "--warmup")
            warmup = std::stod(v);
        else if (k == "--sim-pid")
            sim_pid = std::stol(v);
        else {
            std::cerr << "unknown option " << k << "\n";
            return 2;
        }
    }
    if (port == 0) {
        std::cerr << "usage: simload --port P [--connections 256] [--seconds 10] [--warmup 1] "
                     "[--sim-pid PID]\n";
        return 2;
    }
    asio::io_context io(1);
    Totals totals;
    auto start = Clock::now();
    // Answers before measure_from are the connections' ramp-up, not the steady state.
    totals.measure_from =
        start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(warmup));
    totals.measure_to = totals.measure_from + std::chrono::duration_cast<Clock::duration>(
                                                  std::chrono::duration<double>(seconds));
    tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port));
    for (size_t i = 0; i < connections; ++i)
        std::make_shared<Client>(io, ep, i, totals)->start();
    double cpu_from = 0;
    asio::steady_timer mark(io, totals.measure_from);
    mark.async_wait([&](boost::system::error_code) {
        if (sim_pid) cpu_from = cpu_seconds(sim_pid);
    });
    asio::steady_timer stop(io, totals.measure_to);
    double cpu_to = 0;
    stop.async_wait([&](boost::system::error_code) {
        if (sim_pid) cpu_to = cpu_seconds(sim_pid);
    });
    io.run();
    std::printf(
        "connections %zu, %.1f s: %ld answers, %.0f answers/s, mean latency %.1f ms, "
        "%ld failed connections",
        connections, seconds, totals.answers, totals.answers / seconds,
        totals.answers ? 1000 * totals.latency_sum / totals.answers : 0.0, totals.failures);
    if (sim_pid)
        std::printf(", simulator CPU %.2f s (%.0f %% of a core)", cpu_to - cpu_from,
                    100 * (cpu_to - cpu_from) / seconds);
    std::printf("\n");
    return totals.failures ? 1 : 0;
}
