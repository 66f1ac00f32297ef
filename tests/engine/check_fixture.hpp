#pragma once
// One check run on the scripted AWS fake, as the verdict suites use it: the account 123456789012,
// us-east-1 audited unless a test widens scope.regions, a fresh fact cache per run.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>
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

// The evaluation of one resource id, nullptr when the check gave it none.
inline const engine::Evaluation* eval_of(const engine::MappingResult& r, const std::string& id) {
    for (const auto& e : r.evaluations)
        if (e.resource_id == id) return &e;
    return nullptr;
}

// True when a note of the result contains part.
inline bool has_note(const engine::MappingResult& r, const std::string& part) {
    for (const auto& n : r.notes)
        if (n.find(part) != std::string::npos) return true;
    return false;
}

// extra.note of an evaluation, empty when it has none.
inline std::string note_of(const engine::Evaluation& e) {
    const auto* n = e.extra.if_contains("note");
    return n != nullptr && n->is_string() ? std::string(n->get_string()) : std::string();
}

inline FakeAwsClient::Result not_found(const std::string& service, const std::string& op) {
    return unexpected(FakeAwsClient::error(aws::ErrorKind::not_found, service, op, "NotFound"));
}

// Answers per value of one string parameter; unknown values are NotFound.
inline void by_param(FakeAwsClient& aws, const std::string& service, const std::string& op,
                     const std::string& param, std::map<std::string, std::string> docs) {
    aws.on(service, op,
           [=](const boost::json::object& p, const std::string&) -> FakeAwsClient::Result {
               const auto* v = p.if_contains(param);
               if (v != nullptr && v->is_string()) {
                   auto it = docs.find(std::string(v->get_string()));
                   if (it != docs.end()) return boost::json::parse(it->second);
               }
               return not_found(service, op);
           });
}

}  // namespace dspm::test
