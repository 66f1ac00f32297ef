// 14.0-01 Ground Truth: per region, every finished labeling job of ListLabelingJobs has
// LabelingJobStatus Completed.
// Judgement: jobs still running (Initializing, InProgress, Stopping) have no outcome yet and are
// noted, not judged. Finished jobs are Completed, Failed or Stopped; a Stopped job did not
// complete either, so it is judged (NON_COMPLIANT) like a failed one. No finished job in the
// audited regions -> SKIPPED. "Secure settings" (workforce, encryption) need DescribeLabelingJob,
// which the embedded models do not carry: the check is the catalog's status test.
#include <boost/json.hpp>
#include <optional>
#include <string>

#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

const Check& check_14_0_01_ground_truth_jobs() {
    static const net::FnCheck check(
        {"14.0-01", "Ground Truth", "SageMaker", "low", {"sagemaker:ListLabelingJobs"}},
        [](const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
            net::ItemRule rule{"SageMaker",
                               "sagemaker",
                               "ListLabelingJobs",
                               {},
                               "LabelingJobSummaryList",
                               "LabelingJobName",
                               "Labeling job list",
                               {{"LabelingJobStatus", "Labeling job status", engine::Comparator::eq,
                                 "Completed", "no LabelingJobStatus in the answer"}},
                               {"LabelingJobArn", "FailureReason"},
                               "finishedJobs",
                               "completed",
                               "no finished Ground Truth labeling jobs in the audited regions",
                               [](const json::value& job) -> std::optional<std::string> {
                                   const std::string s = string_at(job, "LabelingJobStatus");
                                   if (s == "Initializing" || s == "InProgress" || s == "Stopping")
                                       return "still running (" + s + "), not judged";
                                   return std::nullopt;
                               }};
            return net::run_item_rule(info, rule, facts, scope);
        });
    return check;
}

}  // namespace dspm::checks
