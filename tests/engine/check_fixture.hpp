#pragma once
// One check run on the scripted AWS fake, as the verdict suites use it: the account 123456789012,
// us-east-1 audited unless a test widens scope.regions, a fresh fact cache per run.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "checks/check.hpp"
#include "engine/fake_aws.hpp"
#include "inventory/facts.hpp"

namespace dspm::test {

struct CheckFixture {
    std::shared_ptr<FakeAwsClient> aws = std::make_shared<FakeAwsClient>();
    checks::CheckScope scope;
    CheckFixture() {
        scope.account = "123456789012";
        scope.regions = {"us-east-1"};
    }
    engine::MappingResult run(const std::string& code,
                              std::shared_ptr<inventory::CollectorSource> collector = nullptr) {
        const auto* check = checks::find_check(code);
        EXPECT_NE(check, nullptr) << code;
        if (check == nullptr) return {};
        inventory::CachedFacts facts(aws, std::move(collector), scope.account);
        return check->run(facts, scope);
    }
};

// The IAM actions an ERROR evaluation names as missing (extra.missingPermissions).
inline std::vector<std::string> missing_permissions(const engine::Evaluation& e) {
    std::vector<std::string> out;
    if (const auto* m = e.extra.if_contains("missingPermissions"))
        for (const auto& a : m->as_array())
            out.emplace_back(a.as_string());
    return out;
}

}  // namespace dspm::test
