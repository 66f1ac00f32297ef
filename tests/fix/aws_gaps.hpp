#pragma once
// tests/fix/aws_gaps.py, started once per test process: the Access Analyzer, Security Hub, EFS
// and ECR operations moto 5.2 lacks, for the end-to-end cases of the fixers that need them.
#include <map>
#include <optional>
#include <stdexcept>
#include <string>

#include "support/test_support.hpp"

namespace dspm::test {

class AwsGaps {
  public:
    static AwsGaps& instance() {
        static AwsGaps gaps;
        return gaps;
    }
    std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
    // The CLI's environment sending those four services here and every other one to moto.
    std::map<std::string, std::string> env() const {
        return {{"AWS_ENDPOINT_URL_ACCESSANALYZER", endpoint()},
                {"AWS_ENDPOINT_URL_SECURITYHUB", endpoint()},
                {"AWS_ENDPOINT_URL_EFS", endpoint()},
                {"AWS_ENDPOINT_URL_ECR", endpoint()}};
    }
    void reset() { post(port_, "/_reset"); }

  private:
    AwsGaps() : port_(free_port()) {
        process_.emplace(std::vector<std::string>{
            "python3", std::string(DSPM_SOURCE_DIR) + "/tests/fix/aws_gaps.py",
            std::to_string(port_)});
        if (!wait_for_port(port_, std::chrono::seconds(30)))
            throw std::runtime_error("tests/fix/aws_gaps.py did not start: " +
                                     process_->stderr_text());
    }
    unsigned short port_;
    std::optional<Process> process_;
};

}  // namespace dspm::test
