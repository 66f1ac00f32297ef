// 4.0-05 Amazon Macie sensitive data discovery: the controls mapped here (ISMS-P 2.8.4.1 real
// data kept out of development and tests, 3.10.2.1 minimum collection, PIPA's pseudonymised data)
// need to know where personal data sits; Macie finding it is one way to show that, so an account
// without Macie is "not evidenced", not non-compliant (Applicability::one_way).
//
// Judged per audited region, not per bucket: a job names its buckets either by bucketDefinitions
// (listed in the evidence) or by bucketCriteria, which only Macie can resolve to buckets, and
// automated discovery covers every bucket it has not been told to exclude. A region where Macie is
// enabled passes when discovery actually runs there: automated sensitive data discovery ENABLED,
// or one classification job that runs (a SCHEDULED job RUNNING or IDLE between runs, a ONE_TIME
// job RUNNING or COMPLETE whose last run had no error). Macie enabled with nothing running, or
// Macie suspended (session PAUSED), fails: the account pays for a detector that looks at nothing.
#include <boost/json.hpp>
#include <string>
#include <vector>

#include "checks/detection_helpers.hpp"
#include "checks/helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

constexpr const char* kService = "Macie";

// AWS answers GetMacieSession with AccessDeniedException "Macie is not enabled" in a region where
// Macie was never enabled (moto with ResourceNotFoundException): that is absence, not a denial.
bool macie_not_enabled(const aws::AwsError& e) {
    if (is_error_code(e, "ResourceNotFoundException")) return true;
    return e.message.find("Macie is not enabled") != std::string::npos;
}

// Why a job does or does not show discovery running; empty when it does.
std::string job_shortfall(const json::value& job) {
    const std::string type = string_at(job, "jobType");
    const std::string status = string_at(job, "jobStatus");
    if (string_at(job, "lastRunErrorStatus.code") == "ERROR")
        return "its last run ended with errors (lastRunErrorStatus ERROR): objects went unanalysed";
    if (type == "SCHEDULED") {
        if (status == "RUNNING" || status == "IDLE") return {};
        return "scheduled job in status " + (status.empty() ? std::string("(none)") : status);
    }
    if (status == "RUNNING" || status == "COMPLETE") return {};
    return "one-time job in status " + (status.empty() ? std::string("(none)") : status);
}

class MacieClassificationJobs final : public Check {
  public:
    const CheckInfo& info() const override {
        static const CheckInfo i{"4.0-05",
                                 "Amazon Macie sensitive data discovery",
                                 kService,
                                 "medium",
                                 {"macie2:GetMacieSession", "macie2:ListClassificationJobs",
                                  "macie2:GetAutomatedDiscoveryConfiguration"},
                                 Reach::regional,
                                 Applicability::one_way};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        std::vector<std::vector<Evaluation>> per_region(scope.regions.size());
        std::vector<char> absent(scope.regions.size(), 0);
        std::vector<json::object> region_evidence(scope.regions.size());
        parallel_for(scope.regions.size(), scope.fanout, [&](std::size_t i) {
            judge_region(facts, scope, scope.regions[i], per_region[i], absent[i],
                         region_evidence[i]);
        });
        std::vector<Evaluation> evals;
        std::vector<std::string> not_enabled;
        json::object by_region;
        for (std::size_t i = 0; i < scope.regions.size(); ++i) {
            for (auto& e : per_region[i])
                evals.push_back(std::move(e));
            if (absent[i] != 0) not_enabled.push_back(scope.regions[i]);
            if (!region_evidence[i].empty())
                by_region[scope.regions[i]] = std::move(region_evidence[i]);
        }
        auto evidence = status_evidence(evals, "regionsJudged", "regionsDiscovering");
        evidence["byRegion"] = std::move(by_region);
        auto result = finish(info(), std::move(evals), std::move(evidence), "");
        finish_not_evidenced(result, info(), not_enabled, "Amazon Macie enabled");
        return result;
    }

  private:
    static void judge_region(inventory::Facts& facts, const CheckScope& scope,
                             const std::string& region, std::vector<Evaluation>& out, char& absent,
                             json::object& evidence) {
        const std::string resource = detection::account_resource(scope) + "/" + region;
        auto session = facts.aws("macie2", "GetMacieSession", {}, region);
        if (!session) {
            if (macie_not_enabled(session.error())) {
                absent = 1;
                return;
            }
            out.push_back(error_evaluation(kService, resource, "Macie session status",
                                           session.error(), region, scope.account));
            return;
        }
        const std::string status = string_at(*session, "status");
        evidence["macieStatus"] = status;
        if (status != "ENABLED") {
            out.push_back(
                evaluate({kService, resource, "GetMacieSession.status", "Macie session status",
                          engine::Comparator::eq, "ENABLED", json::string(status),
                          engine::Source::aws_sdk, region, scope.account,
                          json::object{{"note",
                                        "Macie is suspended in this region: no "
                                        "job or automated discovery runs"}}}));
            return;
        }

        auto automated = facts.aws("macie2", "GetAutomatedDiscoveryConfiguration", {}, region);
        std::string automated_status;
        if (automated) {
            automated_status = string_at(*automated, "status");
            evidence["automatedDiscovery"] = automated_status;
        }
        auto jobs = facts.aws_all_pages("macie2", "ListClassificationJobs", {}, region);

        json::array running;
        json::array not_running;
        json::array named_buckets;
        if (jobs) {
            for (const auto& j : detection::array_at(*jobs, "items")) {
                if (!j.is_object()) continue;
                const auto& job = j;
                json::object row{{"jobId", string_at(job, "jobId")},
                                 {"name", string_at(job, "name")},
                                 {"jobType", string_at(job, "jobType")},
                                 {"jobStatus", string_at(job, "jobStatus")}};
                for (const auto& def : detection::array_at(job, "bucketDefinitions"))
                    for (const auto& b : detection::array_at(def, "buckets"))
                        if (b.is_string()) named_buckets.push_back(b);
                if (at_path(job, "bucketCriteria") != nullptr) row["bucketCriteria"] = true;
                auto why = job_shortfall(job);
                if (why.empty()) {
                    running.push_back(std::move(row));
                } else {
                    row["why"] = std::move(why);
                    not_running.push_back(std::move(row));
                }
            }
            evidence["jobsRunning"] = running;
            evidence["jobsNotRunning"] = not_running;
            if (!named_buckets.empty()) evidence["bucketsNamedByJobs"] = std::move(named_buckets);
        }

        // Either way of discovering suffices, so one that is seen running decides even when the
        // other could not be read; a failed read decides only when nothing was seen running.
        if (automated_status == "ENABLED") {
            out.push_back(
                evaluate({kService, resource, "GetAutomatedDiscoveryConfiguration.status",
                          "Automated sensitive data discovery", engine::Comparator::eq, "ENABLED",
                          json::string(automated_status), engine::Source::aws_sdk, region,
                          scope.account, json::object{{"jobsRunning", running.size()}}}));
            return;
        }
        if (jobs && !running.empty()) {
            out.push_back(evaluate({kService, resource, "ListClassificationJobs.items[].jobStatus",
                                    "Classification jobs running", engine::Comparator::ge, 1,
                                    running.size(), engine::Source::aws_sdk, region, scope.account,
                                    json::object{{"jobs", std::move(running)}}}));
            return;
        }
        if (!automated) {
            out.push_back(error_evaluation(kService, resource, "Automated sensitive data discovery",
                                           automated.error(), region, scope.account));
            return;
        }
        if (!jobs) {
            out.push_back(error_evaluation(kService, resource, "Classification jobs", jobs.error(),
                                           region, scope.account));
            return;
        }
        json::object extra{
            {"note", "Macie is enabled but discovers nothing here: automated discovery is " +
                         (automated_status.empty() ? std::string("not set") : automated_status) +
                         " and no classification job runs"}};
        if (!not_running.empty()) extra["jobsNotRunning"] = std::move(not_running);
        out.push_back(evaluate({kService, resource, "ListClassificationJobs.items[].jobStatus",
                                "Classification jobs running", engine::Comparator::ge, 1, 0,
                                engine::Source::aws_sdk, region, scope.account, std::move(extra)}));
    }
};

}  // namespace

const Check& check_4_0_05_macie_classification_jobs() {
    static const MacieClassificationJobs check;
    return check;
}

}  // namespace dspm::checks
