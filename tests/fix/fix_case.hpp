#pragma once
// One fixer, end to end on moto through the CLI: seed a non-compliant resource, plan (moto's state
// must not change), apply (the re-read says COMPLIANT and the state changed), apply again
// (nothing to do: skipped, state unchanged), undo (the state is the seeded one again).
//
// A case names the code, the failing resource as the check names it, Python that seeds it and
// Python that prints the state the fix changes (as JSON). Both run with boto3 and a helper
// c(service, region="us-east-1") that makes a client pointed at moto.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include "support/test_support.hpp"

namespace dspm::test {

struct FixCase {
    std::string code;
    std::string resource;
    std::string seed;
    std::string state;
    std::string region = "us-east-1";
    std::vector<std::string> args{};  // more fix options, e.g. {"--param", "log_bucket=logs"}
    // More environment for the CLI, e.g. AWS_ENDPOINT_URL_EFS for a service moto lacks.
    std::map<std::string, std::string> env{};
};

// One python3 for every snippet of the test process (tests/fix/boto_runner.py): a new python3
// per snippet spent about a second of CPU importing boto3, seven times per case.
class BotoRunner {
  public:
    static BotoRunner& instance() {
        static BotoRunner runner;
        return runner;
    }
    // The snippet's exit status and what it printed (stdout and stderr).
    std::pair<int, std::string> run(const std::string& endpoint, const std::string& script) {
        const std::string raw = "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Endpoint: " + endpoint +
                                "\r\nContent-Length: " + std::to_string(script.size()) +
                                "\r\nConnection: close\r\n\r\n" + script;
        const auto reply = send_raw(port_, raw, std::chrono::seconds(120));
        if (reply.status != 200)
            return {-1, "tests/fix/boto_runner.py gave no answer: " + process_->stderr_text()};
        const auto line = reply.body.find('\n');
        if (line == std::string::npos) return {-1, reply.body};
        return {std::atoi(reply.body.substr(0, line).c_str()), reply.body.substr(line + 1)};
    }

  private:
    BotoRunner() : port_(free_port()) {
        process_.emplace(std::vector<std::string>{
            "python3", std::string(DSPM_SOURCE_DIR) + "/tests/fix/boto_runner.py",
            std::to_string(port_)});
        if (!wait_for_port(port_, std::chrono::seconds(30)))
            throw std::runtime_error("tests/fix/boto_runner.py did not start: " +
                                     process_->stderr_text());
    }
    unsigned short port_;
    std::optional<Process> process_;
};

// Runs body with boto3, json, sys, E (the endpoint) and c(service, region="us-east-1"), a client
// pointed at moto; the test fails when the snippet does.
inline std::string run_python(const std::string& endpoint, const std::string& body) {
    auto [rc, out] = BotoRunner::instance().run(endpoint, body);
    EXPECT_EQ(rc, 0) << out;
    return out;
}

class FixCli {
  public:
    FixCli() {
        auto& moto = Moto::instance();
        endpoint_ = moto.endpoint();
        dir_ =
            std::filesystem::temp_directory_path() / ("dspm-fix-cli-" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir_);
        env_ = moto_env(endpoint_);
        env_["LOG_LEVEL"] = "error";
        env_["AUDIT_MUTELIST"] = "";
        env_["DATABASE_URL"] = "";
        env_["DATA_DIR"] = (dir_ / "data").string();
    }
    ~FixCli() {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    const std::string& endpoint() const { return endpoint_; }
    void set_env(const std::string& key, const std::string& value) { env_[key] = value; }

    // dspm-audit fix ISMS-P --all --only CODE --region R ... --format json: the parsed answer.
    boost::json::object fix(const FixCase& c, std::vector<std::string> extra, int want_rc = 0) {
        std::vector<std::string> args = {DSPM_BINARY, "fix",      "ISMS-P", "--all",    "--only",
                                         c.code,      "--region", c.region, "--format", "json"};
        args.insert(args.end(), extra.begin(), extra.end());
        return call(args, want_rc);
    }
    boost::json::object undo(const std::string& fix_id) {
        return call({DSPM_BINARY, "fix", "--undo", fix_id, "--format", "json"}, 0);
    }

  private:
    boost::json::object call(const std::vector<std::string>& args, int want_rc) {
        Process p(args, env_, dir_.string());
        const int rc = p.wait(std::chrono::seconds(180));
        EXPECT_EQ(rc, want_rc) << p.stderr_text() << p.stdout_text();
        boost::system::error_code ec;
        auto v = boost::json::parse(p.stdout_text(), ec);
        EXPECT_FALSE(ec) << p.stdout_text() << p.stderr_text();
        return !ec && v.is_object() ? v.as_object() : boost::json::object{};
    }

    std::string endpoint_;
    std::filesystem::path dir_;
    std::map<std::string, std::string> env_;
};

inline const boost::json::object* action_for(const boost::json::object& plan,
                                             const std::string& resource) {
    if (!plan.contains("actions")) return nullptr;
    for (const auto& a : plan.at("actions").as_array())
        if (a.at("resource_id").as_string() == resource) return &a.as_object();
    return nullptr;
}

inline const boost::json::object* result_for(const boost::json::object& record,
                                             const std::string& resource) {
    if (!record.contains("results")) return nullptr;
    for (const auto& r : record.at("results").as_array())
        if (r.at("resource_id").as_string() == resource) return &r.as_object();
    return nullptr;
}

// The whole flow for one case; failures name the case's code. An empty resource means the one
// the plan finds (a CloudFront distribution's id is the service's choice).
inline void check_fix_case(const FixCase& given) {
    SCOPED_TRACE(given.code + " " + given.resource);
    Moto::instance().reset();
    FixCli cli;
    for (const auto& [key, value] : given.env)
        cli.set_env(key, value);
    run_python(cli.endpoint(), given.seed);
    const std::string seeded = run_python(cli.endpoint(), given.state);

    const auto plan = cli.fix(given, given.args);
    FixCase c = given;
    if (c.resource.empty() && plan.contains("actions") && plan.at("actions").as_array().size() == 1)
        c.resource = std::string(plan.at("actions").at(0).at("resource_id").as_string());
    const auto* action = action_for(plan, c.resource);
    ASSERT_NE(action, nullptr) << boost::json::serialize(plan);
    EXPECT_EQ(action->at("kind").as_string(), "auto") << boost::json::serialize(*action);
    EXPECT_EQ(action->at("mapping_code").as_string(), c.code);
    EXPECT_FALSE(action->at("calls").as_array().empty());
    EXPECT_FALSE(action->at("iam_actions").as_array().empty());
    EXPECT_EQ(run_python(cli.endpoint(), c.state), seeded) << "a plan must not change anything";

    auto apply_args = c.args;
    apply_args.insert(apply_args.end(), {"--apply", "--yes", "--resource", c.resource});
    const auto applied = cli.fix(c, apply_args);
    const auto* result = result_for(applied, c.resource);
    ASSERT_NE(result, nullptr) << boost::json::serialize(applied);
    EXPECT_EQ(result->at("status").as_string(), "applied") << boost::json::serialize(*result);
    EXPECT_EQ(result->at("evaluation").at("status").as_string(), "COMPLIANT")
        << boost::json::serialize(*result);
    EXPECT_EQ(result->at("before").at("status").as_string(), "NON_COMPLIANT");
    const std::string fixed = run_python(cli.endpoint(), c.state);
    EXPECT_NE(fixed, seeded) << "the fix changed nothing";

    // A second apply finds the resource compliant and writes nothing.
    const auto again = cli.fix(c, apply_args);
    EXPECT_EQ(result_for(again, c.resource), nullptr) << boost::json::serialize(again);
    EXPECT_EQ(run_python(cli.endpoint(), c.state), fixed);

    const auto undone = cli.undo(std::string(applied.at("fix_id").as_string()));
    const auto* back = result_for(undone, c.resource);
    ASSERT_NE(back, nullptr) << boost::json::serialize(undone);
    EXPECT_EQ(back->at("status").as_string(), "applied") << boost::json::serialize(*back);
    EXPECT_EQ(back->at("evaluation").at("status").as_string(), "NON_COMPLIANT");
    EXPECT_EQ(run_python(cli.endpoint(), c.state), seeded) << "undo did not restore the state";
}

}  // namespace dspm::test
