#pragma once
// A check's fixer: what it would write to make one failing resource compliant, the IAM actions
// that needs, whether and how it can be undone. It lives in the check's own file, next to the
// logic it repairs (Check::fixer()); the flow around it (plan, apply, verify, undo, records) is
// src/fix/. A fixer never decides on its own to write: it answers calls, the flow makes them.
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <map>
#include <string>
#include <vector>

#include "aws/client.hpp"
#include "common/expected.hpp"
#include "engine/evaluation.hpp"

namespace dspm::checks {

// One AWS write, as botocore names it, made in the failing evaluation's region.
struct FixCall {
    std::string service;    // "s3"
    std::string operation;  // "PutBucketEncryption"
    boost::json::object params;
};

struct FixPlan {
    std::vector<FixCall> calls;
    std::vector<std::string> iam_actions;  // what the calls need ("s3:PutEncryptionConfiguration")
    bool reversible = true;
    // High risk (closing an open port may cut live sessions): applied only when its action is
    // listed by id, never under "all".
    bool high_risk = false;
    std::string risk;                   // what may change for the resource's users
    boost::json::value expected_after;  // the checked field once fixed
};

// Values the operator chooses for fixes that need one ("log_bucket", "trail_bucket"): CLI
// --param KEY=VALUE, API {"params": {...}} with the plan request. Bounded and free of control
// characters when they arrive here; each fixer checks the grammar of what it uses.
using FixParams = std::map<std::string, std::string>;

class Fixer {
  public:
    virtual ~Fixer() = default;
    // The same with the operator's values. Fixers that need one override this and answer from
    // plan() which parameter is missing; the others ignore the values.
    virtual Expected<FixPlan, std::string> plan_with(const engine::Evaluation& failing,
                                                     const FixParams& params) const {
        (void)params;
        return plan(failing);
    }
    // The action for one NON_COMPLIANT evaluation. An error is the reason it stays manual (a value
    // the operator must choose, a cost, a change that cannot be undone).
    virtual Expected<FixPlan, std::string> plan(const engine::Evaluation& failing) const = 0;
    // Reads the state the plan's calls will change and answers the calls that put it back. Run
    // right before the calls; a failed read stops the action before anything is written.
    virtual Expected<std::vector<FixCall>, aws::AwsError> undo(
        aws::AwsClient& aws, const engine::Evaluation& failing) const = 0;
    // The plan's calls as they must be made now, right after undo(): a write that carries the
    // resource's current document or version tag (CloudFront's ETag) reads it here. The plan
    // shows the calls with what was known when it was made.
    virtual Expected<std::vector<FixCall>, aws::AwsError> prepare(
        aws::AwsClient& aws, const engine::Evaluation& failing,
        std::vector<FixCall> planned) const {
        (void)aws;
        (void)failing;
        return planned;
    }
};

// The region a fix call goes to: the evaluation's, or the client's default for global services
// whose evaluations say "global".
std::string fix_region(const engine::Evaluation& e, const aws::AwsClient& aws);

// A fixer stopping an action before any write (a state that makes the write unsafe, or the
// resource an undo must delete is gone), in the shape of the read that found it, so the flow
// reports it as it reports a failed read: nothing written, and why.
aws::AwsError fix_refusal(aws::ErrorKind kind, std::string service, std::string operation,
                          std::string code, std::string message, std::string region,
                          std::string iam_action = {});

// An operator's bucket name (log_bucket, trail_bucket) before it goes into a write: S3's rules
// for names of buckets created since 2018 (3-63 of a-z 0-9 . -, a letter or digit at each end,
// no "..", not an IP address). The answer is the reason it is refused, empty when it is fine.
std::string bucket_name_problem(const std::string& name);

}  // namespace dspm::checks
