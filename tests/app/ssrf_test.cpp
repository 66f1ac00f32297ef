// No input can steer a signed AWS request to a host of its choosing (server-side request
// forgery). A listener on a loopback port stands for the attacker's host; hostile region strings
// aimed at it go in through every door a region has (the API's ?region=, the CLI's --region,
// AUDIT_REGIONS, AWS_REGION, AWS_DEFAULT_REGION, a collector row, the AWS client itself), with
// credentials present and no endpoint override, so that only validation stands between the value
// and a TLS connection. The listener must see no connection at all.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "aws/client_options.hpp"
#include "aws/fake_server.hpp"
#include "inventory/http_collector.hpp"
#include "net/http_client.hpp"
#include "support/test_support.hpp"

namespace {

using namespace std::chrono_literals;
using dspm::test::Process;

// Counts TCP connections to 127.0.0.1:port (closing each at once).
class ConnectionCounter {
  public:
    ConnectionCounter() {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
        socklen_t len = sizeof addr;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        ::listen(fd_, 64);
        thread_ = std::thread([this] {
            while (!stop_) {
                pollfd p{fd_, POLLIN, 0};
                if (::poll(&p, 1, 100) <= 0) continue;
                const int c = ::accept(fd_, nullptr, nullptr);
                if (c < 0) continue;
                ++count_;
                ::close(c);
            }
        });
    }
    ~ConnectionCounter() {
        stop_ = true;
        thread_.join();
        ::close(fd_);
    }
    unsigned short port() const { return port_; }
    int count() const { return count_; }

  private:
    int fd_ = -1;
    unsigned short port_ = 0;
    std::atomic<bool> stop_{false};
    std::atomic<int> count_{0};
    std::thread thread_;
};

std::vector<std::string> hostile_regions(unsigned short port) {
    const std::string target = "127.0.0.1:" + std::to_string(port);
    return {
        "x@" + target + "/",
        "us-east-1@" + target + "/",
        "x@" + target + "/#",
        "x@" + target + "?",
        target,
        "x.evil/",
        "us-east-1.evil",
        "us-east-1.127.0.0.1.nip.io",
        "%2e",
        ".",
        "..",
        "us-east-1\r\nHost: " + target,
        "us-east-1\n",
        "us-east-1 ",
        std::string(300, 'a'),
        "us-east-1/../../" + target,
        "US-EAST-1",
        "us-east-1:" + std::to_string(port),
        "[::1]:" + std::to_string(port),
        "us-east-\xc3\xa9",
        std::string("us-east-1\0x", 11),
    };
}

// Query-string encoding of every byte outside the unreserved set, so the hostile bytes arrive
// at the server exactly as written.
std::string query_encode(const std::string& v) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (const unsigned char c : v) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 15]);
        }
    }
    return out;
}

// Credentials present, no endpoint override, no shared files, no IMDS: a region that passed
// validation would be signed for and sent.
std::map<std::string, std::string> signing_env() {
    return {{"AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"},
            {"AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"},
            {"AWS_SESSION_TOKEN", "session-token-that-must-not-leak"},
            {"AWS_CONFIG_FILE", "/dev/null"},
            {"AWS_SHARED_CREDENTIALS_FILE", "/dev/null"},
            {"AWS_EC2_METADATA_DISABLED", "true"},
            {"AWS_ENDPOINT_URL", ""},
            {"COLLECTOR_BASE_URL", ""},
            {"MAPPING_BASE_URL", ""}};
}

std::string fresh_dir(const std::string& tag) {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("dspm-ssrf-" + tag + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir.string();
}

using dspm::test::post;

}  // namespace

TEST(Ssrf, ApiRefusesHostileRegionsBeforeAnyConnection) {
    ConnectionCounter attacker;
    auto env = signing_env();
    const auto port = dspm::test::free_port();
    env["PORT"] = std::to_string(port);
    env["HOST"] = "127.0.0.1";
    const auto dir = fresh_dir("api");
    Process server({DSPM_BINARY, "serve"}, env, dir);
    ASSERT_TRUE(dspm::test::wait_for_port(port, 10s)) << server.stderr_text();

    int refused = 0;
    for (const auto& region : hostile_regions(attacker.port())) {
        for (const std::string route :
             {"/audit/ISMS-P/2.5.1", "/audit/ISMS-P/_all", "/audit/ISMS-P/_all"}) {
            const std::string q = route + "?region=" + query_encode(region) +
                                  (route.ends_with("_all") ? "&stream=true" : "");
            const auto reply = post(port, q);
            EXPECT_EQ(reply.status, 400) << q << " → " << reply.body;
            EXPECT_NE(reply.body.find("invalid region"), std::string::npos) << reply.body;
            // A valid region next to a hostile one does not make the list acceptable.
            const auto mixed =
                post(port, route + "?region=eu-west-1&region=" + query_encode(region));
            EXPECT_EQ(mixed.status, 400) << region;
            refused += reply.status == 400;
        }
    }
    // One request naming 1,500 regions would fan out into thousands of calls: refused whole,
    // by the header limit when the query is that long, by the region bound below it.
    auto region_list = [](int entries) {
        std::string list;
        for (int i = 0; i < entries; ++i) {
            if (i > 0) list.push_back(',');
            list.append("us-east-");
            list.append(std::to_string(i % 100));
        }
        return list;
    };
    const auto huge = post(port, "/audit/ISMS-P/_all?region=" + region_list(1500));
    EXPECT_TRUE(huge.status == 400 || huge.status == 431) << huge.status;
    const auto fanout = post(port, "/audit/ISMS-P/_all?region=" + region_list(300));
    EXPECT_EQ(fanout.status, 400);
    EXPECT_NE(fanout.body.find("too many regions"), std::string::npos) << fanout.body;
    std::string repeated;
    for (int i = 0; i < 200; ++i)
        repeated += "&region=x%40127.0.0.1";
    EXPECT_EQ(post(port, "/audit/ISMS-P/_all?stream=true" + repeated).status, 400);

    EXPECT_GT(refused, 20);
    EXPECT_EQ(attacker.count(), 0) << "a hostile region reached the attacker's listener";
    // Nothing secret is echoed or logged on the way.
    EXPECT_EQ(server.stderr_text().find("wJalrXUtnFEMI"), std::string::npos);
    EXPECT_EQ(server.stderr_text().find("session-token-that-must-not-leak"), std::string::npos);
    std::filesystem::remove_all(dir);
}

TEST(Ssrf, CliAndSettingsRefuseHostileRegionsWithExitTwo) {
    ConnectionCounter attacker;
    const auto dir = fresh_dir("cli");
    const auto hostile = hostile_regions(attacker.port());
    for (std::size_t i = 0; i < hostile.size(); ++i) {
        const auto& region = hostile[i];
        if (region.find('\0') != std::string::npos) continue;  // no argv or env can carry NUL
        // --region, AUDIT_REGIONS, AWS_REGION, and AWS_DEFAULT_REGION (the AWS CLI's fallback).
        {
            Process p({DSPM_BINARY, "audit", "ISMS-P", "2.5.1", "--region", region}, signing_env(),
                      dir);
            EXPECT_EQ(p.wait(60s), 2) << region << ": " << p.stderr_text();
            EXPECT_NE(p.stderr_text().find("invalid region"), std::string::npos) << p.stderr_text();
        }
        // AUDIT_REGIONS is a comma list whose items are trimmed: "us-east-1 " is then a real
        // region and would start a real audit; every other value must stop start-up.
        const bool trims_to_region = region == "us-east-1 " || region == "us-east-1\n";
        for (const char* var : {"AUDIT_REGIONS", "AWS_REGION", "AWS_DEFAULT_REGION"}) {
            if (trims_to_region && std::string(var) == "AUDIT_REGIONS") continue;
            auto env = signing_env();
            env[var] = region;
            std::vector<std::string> argv{DSPM_BINARY, "audit", "ISMS-P", "2.5.1"};
            if (std::string(var) == "AWS_DEFAULT_REGION") {
                // The fallback only counts when AWS_REGION is unset, not merely empty.
                env.erase("AWS_REGION");
                argv.insert(argv.begin(), {"/usr/bin/env", "-u", "AWS_REGION"});
            }
            Process p(argv, env, dir);
            EXPECT_EQ(p.wait(60s), 2) << var << "=" << region << ": " << p.stderr_text();
            EXPECT_NE(p.stderr_text().find(var), std::string::npos) << p.stderr_text();
        }
        // The settings sub-command validates too (it loads the same settings).
        auto env = signing_env();
        env["AWS_REGION"] = region;
        Process config({DSPM_BINARY, "config"}, env, dir);
        EXPECT_EQ(config.wait(30s), 2) << "AWS_REGION=" << region;
    }
    EXPECT_EQ(attacker.count(), 0) << "a hostile region reached the attacker's listener";
    std::filesystem::remove_all(dir);
}

namespace {
dspm::aws::EnvLookup lookup(std::shared_ptr<std::map<std::string, std::string>> env) {
    return [env](const char* n) -> const char* {
        auto it = env->find(n);
        return it == env->end() || it->second.empty() ? nullptr : it->second.c_str();
    };
}
}  // namespace

// Defence in depth: the AWS client itself refuses a hostile region (and bucket, and account id)
// whoever handed it over: a check reading a collector row, a redirect, an AWS answer.
TEST(Ssrf, AwsClientRefusesHostileRegionsItself) {
    ConnectionCounter attacker;
    auto env = std::make_shared<std::map<std::string, std::string>>(signing_env());
    dspm::aws::ClientTuning t;
    t.env = lookup(env);
    auto client = dspm::aws::make_aws_client({}, std::make_shared<dspm::net::HttpClient>(), t);
    for (const auto& region : hostile_regions(attacker.port())) {
        for (const auto& [service, op] : std::vector<std::pair<std::string, std::string>>{
                 {"sts", "GetCallerIdentity"}, {"ec2", "DescribeRegions"}, {"s3", "ListBuckets"}}) {
            auto r = client->call(service, op, {}, {region});
            ASSERT_FALSE(r) << service << " " << region;
            EXPECT_EQ(r.error().kind, dspm::aws::ErrorKind::invalid_request) << r.error().message;
            EXPECT_NE(r.error().message.find("invalid region"), std::string::npos);
        }
        auto bucket = client->call("s3", "GetBucketEncryption", {{"Bucket", "b"}}, {region});
        EXPECT_FALSE(bucket);
    }
    auto account = client->call(
        "s3control", "GetPublicAccessBlock",
        {{"AccountId", "1@127.0.0.1:" + std::to_string(attacker.port()) + "/"}}, {"us-east-1"});
    EXPECT_FALSE(account);
    EXPECT_EQ(attacker.count(), 0);

    // The listener does count: the same client pointed at it by an explicit override connects.
    (*env)["AWS_ENDPOINT_URL"] = "http://127.0.0.1:" + std::to_string(attacker.port());
    auto control = dspm::aws::make_aws_client({}, std::make_shared<dspm::net::HttpClient>(), t);
    (void)control->call("sts", "GetCallerIdentity", {}, {"us-east-1"});
    EXPECT_GT(attacker.count(), 0);
}

// A collector answer whose rows name anything but a region is not used at all: the checks then
// read from AWS and say the collector was unavailable.
TEST(Ssrf, CollectorRowsWithHostileRegionsAreRefused) {
    ConnectionCounter attacker;
    const std::string target = "x@127.0.0.1:" + std::to_string(attacker.port()) + "/";
    dspm::test::FakeHttpServer collector(
        [&](const dspm::test::FakeRequest& r) -> dspm::test::FakeResponse {
            if (r.path == "/api/wrapped")
                return {200, boost::json::serialize(boost::json::object{
                                 {"items", boost::json::array{boost::json::object{
                                               {"name", "b"}, {"region", target}}}}})};
            if (r.path == "/api/number") return {200, R"([{"name":"b","region":5}])"};
            if (r.path == "/api/good")
                return {200, R"([{"name":"b","region":"eu-west-1"},{"name":"c"}])"};
            return {200, boost::json::serialize(boost::json::array{
                             boost::json::object{{"name", "a"}, {"region", "us-east-1"}},
                             boost::json::object{{"name", "b"}, {"region", target}}})};
        });
    auto source = dspm::inventory::make_http_collector(collector.endpoint(),
                                                       std::make_shared<dspm::net::HttpClient>());
    for (const char* kind : {"s3-buckets", "wrapped", "number"}) {
        auto rows = source->rows(kind);
        ASSERT_FALSE(rows) << kind;
        EXPECT_NE(rows.error().find("region"), std::string::npos) << rows.error();
        EXPECT_NE(rows.error().find("row "), std::string::npos) << rows.error();
    }
    auto good = source->rows("good");
    ASSERT_TRUE(good) << good.error();
    EXPECT_EQ(good->size(), 2u);
    EXPECT_EQ(attacker.count(), 0);
}

// Values that go into a request path are percent-encoded: a bucket name cannot add a host, a
// port, a user or path segments.
TEST(Ssrf, BucketNamesAreEncodedIntoThePath) {
    dspm::test::FakeHttpServer s3([](const dspm::test::FakeRequest&) -> dspm::test::FakeResponse {
        return {404, "<Error><Code>NoSuchBucket</Code><Message>m</Message></Error>"};
    });
    auto env = std::make_shared<std::map<std::string, std::string>>(signing_env());
    (*env)["AWS_ENDPOINT_URL_S3"] = s3.endpoint();
    dspm::aws::ClientTuning t;
    t.env = lookup(env);
    auto client = dspm::aws::make_aws_client({}, std::make_shared<dspm::net::HttpClient>(), t);
    (void)client->call("s3", "GetBucketEncryption", {{"Bucket", "x@127.0.0.1:1/../y?z#"}},
                       {"us-east-1"});
    const auto seen = s3.requests();
    ASSERT_FALSE(seen.empty());
    for (const auto& r : seen) {
        if (r.path.find("location") != std::string::npos) continue;
        EXPECT_EQ(r.path.rfind("/x%40127.0.0.1%3A1%2F..%2Fy%3Fz%23", 0), 0u) << r.path;
    }
}
