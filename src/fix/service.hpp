#pragma once
// The remediation flow as the API and the CLI both run it: plan (audit, then one action per
// failing resource, stored with its expiry), apply (only a stored, unexpired plan of the same
// framework and requirement; the fix record is stored before anything is written, so no write
// exists without its undo), undo (the recorded calls of an applied fix).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/expected.hpp"
#include "common/settings.hpp"
#include "fix/fix.hpp"

namespace dspm::aws {
class AwsClient;
}
namespace dspm::engine {
class Engine;
}
namespace dspm::store {
class RunStore;
}

namespace dspm::fix {

enum class FailureKind {
    bad_request,  // malformed input: 400 / exit 2
    not_found,    // unknown framework, requirement, plan or fix: 404 / exit 2
    conflict,     // expired plan, plan of another scope: 409 / exit 2
    unavailable,  // the store cannot keep the record: 503 / exit 1
    upstream,     // the catalog failed: 502 / exit 1
};

struct Failure {
    FailureKind kind = FailureKind::bad_request;
    std::string detail;
};

struct PlanAnswer {
    Plan plan;
    bool stored = true;
    std::string store_error;
};

class FixService {
  public:
    FixService(Settings settings, std::shared_ptr<engine::Engine> engine,
               std::shared_ptr<aws::AwsClient> aws, std::shared_ptr<store::RunStore> store);

    // requirement: nullopt for the whole framework.
    Expected<PlanAnswer, Failure> plan(const std::string& framework,
                                       const std::optional<std::string>& requirement,
                                       const std::vector<std::string>& regions,
                                       const PlanOptions& options);
    // A plan already made and shown (the CLI's, in the same process) or a stored one by id.
    Expected<FixRecord, Failure> apply(const Plan& plan, const ApplyRequest& request,
                                       const std::string& client);
    Expected<FixRecord, Failure> apply(const std::string& framework,
                                       const std::optional<std::string>& requirement,
                                       const std::string& plan_id, const ApplyRequest& request,
                                       const std::string& client);
    Expected<FixRecord, Failure> undo(const std::string& fix_id, const std::string& client);

  private:
    Runner runner(const std::string& account, const std::vector<std::string>& regions);
    std::string caller_arn();

    Settings settings_;
    std::shared_ptr<engine::Engine> engine_;
    std::shared_ptr<aws::AwsClient> aws_;
    std::shared_ptr<store::RunStore> store_;
};

}  // namespace dspm::fix
