#pragma once
// Remediation: plan → apply → verify → undo, each step recorded. A plan is made from an audit
// (one action per failing resource: automatic when the code's check has a fixer, else manual with
// the catalog's fix for that resource); apply makes only the listed actions of a stored, unexpired
// plan, reads what each will change first (its undo), skips what is already compliant (a second
// apply writes nothing), writes, and re-reads: an action whose resource still fails is "failed".
// Undo makes the recorded calls and re-reads the same way. The fixers themselves live in the
// checks' files (checks/fix.hpp).
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "checks/check.hpp"
#include "checks/fix.hpp"
#include "common/expected.hpp"
#include "engine/engine.hpp"

namespace dspm::aws {
class AwsClient;
}

namespace dspm::fix {

struct Action {
    std::string id;  // stable: the same resource and code give the same id in every plan
    std::string mapping_code;
    std::string resource_id;
    std::string region;
    std::string account;
    std::string kind;  // "auto" | "manual"
    std::vector<checks::FixCall> calls;
    std::vector<std::string> iam_actions;
    bool reversible = false;
    bool high_risk = false;
    std::string risk;
    boost::json::value expected_after;
    std::string console_fix;  // the catalog's, for manual actions (and as context for auto ones)
    std::string cli_fix;      // with the resource's own values filled in
    std::string reason;       // why it is manual
    boost::json::value evaluation;  // the failing evaluation the action answers (its JSON)
};

struct Plan {
    std::string plan_id;
    std::string created_at;
    std::string expires_at;
    std::string framework;
    std::string requirement_id;  // "_all" for a whole framework
    std::string account;
    std::string caller_arn;
    checks::FixParams params;  // what the operator chose when planning
    std::vector<Action> actions;

    boost::json::object to_json() const;
    static Expected<Plan, std::string> from_json(const boost::json::value& v);
};

struct Result {
    std::string action_id;
    std::string mapping_code;
    std::string resource_id;
    std::string region;
    std::string status;                       // "applied" | "failed" | "skipped"
    std::string detail;                       // why it failed or was skipped
    boost::json::value before;                // the resource's evaluation before (null: not read)
    boost::json::value after;                 // after the write (null: nothing written)
    boost::json::value evaluation;            // the re-read's verdict on the resource
    std::vector<checks::FixCall> undo_calls;  // what puts the resource back (empty: nothing)
    bool reversible = false;
    boost::json::object error;  // {code, message, iam_action} of a failed AWS call
};

struct FixRecord {
    std::string fix_id;
    std::string kind;     // "apply" | "undo"
    std::string plan_id;  // the plan applied
    std::string undoes;   // for an undo: the fix_id it reverses
    std::string created_at;
    std::string caller_arn;  // who, as AWS saw the credentials
    std::string client;      // the API client (address, user agent) or "cli"
    std::string framework;
    std::string requirement_id;
    std::vector<Result> results;

    boost::json::object to_json() const;
    static Expected<FixRecord, std::string> from_json(const boost::json::value& v);
};

struct PlanOptions {
    std::vector<std::string> only_codes;  // empty: every code
    std::string resource;                 // empty: every resource
    std::chrono::seconds ttl{3600};
    checks::FixParams params;  // the operator's values for fixes that need one
};

// One action per (code, resource, region, account) whose evaluation is NON_COMPLIANT and not
// muted (an accepted risk is not fixed behind its approver's back).
Plan make_plan(const engine::AuditRun& run, const std::string& plan_id,
               const PlanOptions& options = {});

struct ApplyRequest {
    std::vector<std::string> action_ids{};  // the listed ones
    bool all = false;                       // every automatic action except high-risk ones
    // Asked before each write (the CLI's prompt); false skips the action. Empty: yes.
    std::function<bool(const Action&)> confirm{};
};

class Runner {
  public:
    // scope: the account and regions checks are re-run with to verify (regions are narrowed to
    // each action's own).
    Runner(std::shared_ptr<aws::AwsClient> aws, checks::CheckScope scope);

    std::vector<Result> apply(const Plan& plan, const ApplyRequest& request);
    // Makes each reversible result's undo calls and re-reads the resource.
    std::vector<Result> undo(const FixRecord& applied);

  private:
    // The check's verdict on one resource now: the worst status of its evaluations there, and
    // the first such evaluation's JSON; null when the check no longer sees the resource.
    struct Verdict {
        engine::Status status = engine::Status::skipped;
        boost::json::value evaluation;
        bool seen = false;
    };
    Verdict verify(const std::string& code, const std::string& resource, const std::string& region);

    std::shared_ptr<aws::AwsClient> aws_;
    checks::CheckScope scope_;
};

// --param / {"params"}: at most 16, keys [A-Za-z0-9_]{1,64}, values 1-1024 characters without
// control characters.
Expected<checks::FixParams, std::string> validate_params(const checks::FixParams& given);

// A stable id for an action: "a-" and 12 hex digits of a hash of code, resource, region, account.
std::string action_id(const std::string& code, const std::string& resource,
                      const std::string& region, const std::string& account);

}  // namespace dspm::fix
