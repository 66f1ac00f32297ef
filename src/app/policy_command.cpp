// `dspm-audit policy [FRAMEWORK [REQ]] [--code CODE ...]`: the least-privilege IAM policy of an
// audit, ready for `aws iam create-policy --policy-document file://...`.
#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "catalog/source.hpp"
#include "net/http_client.hpp"
#include "policy/policy.hpp"

namespace dspm::app {
namespace {

struct PolicyArgs {
    std::string framework;
    std::string requirement;
    std::vector<std::string> codes;
    bool write = false;
    bool all = false;  // the whole answer (codes, actions, sizes) instead of the documents
};

int run_policy(const PolicyArgs& args, const Settings& settings) {
    std::vector<std::string> codes = args.codes;
    if (!args.framework.empty()) {
        auto source = catalog::make_catalog_source(settings, std::make_shared<net::HttpClient>());
        auto found = policy::codes_of(
            *source, args.framework,
            args.requirement.empty() ? std::nullopt : std::optional<std::string>(args.requirement));
        if (!found)
            return catalog_failure("policy", found.error(), *source, args.framework,
                                   args.requirement.empty()
                                       ? std::nullopt
                                       : std::optional<std::string>(args.requirement));
        codes.insert(codes.end(), found->begin(), found->end());
        if (codes.empty()) {
            std::fprintf(stderr, "dspm-audit policy: %s has no auditable mapping code\n",
                         args.framework.c_str());
            return exit_usage;
        }
    }
    const auto set = policy::read_policy(codes, policy::kManagedPolicyChars, args.write);
    for (const auto& c : set.not_implemented)
        std::fprintf(stderr, "dspm-audit policy: %s is not implemented: nothing to read for it\n",
                     c.c_str());
    std::string text;
    if (args.all) {
        text = boost::json::serialize(policy::to_json(set));
    } else if (set.documents.size() == 1) {
        text = boost::json::serialize(set.documents.front());
    } else {
        boost::json::array docs;
        for (const auto& d : set.documents)
            docs.push_back(d);
        text = boost::json::serialize(docs);
        std::fprintf(stderr,
                     "dspm-audit policy: %zu documents (a managed policy holds %zu characters): "
                     "attach each as its own policy\n",
                     set.documents.size(), policy::kManagedPolicyChars);
    }
    text += '\n';
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fprintf(stderr, "dspm-audit policy: %zu actions for %zu checks\n", set.actions.size(),
                 set.codes.size());
    return exit_ok;
}

}  // namespace

void register_policy_command(CLI::App& app, Commands& out) {
    auto args = std::make_shared<PolicyArgs>();
    auto* sub = app.add_subcommand(
        "policy",
        "print the least-privilege IAM policy (read actions) an audit needs; no framework and no "
        "--code: every check");
    sub->add_option("framework", args->framework, "framework code, e.g. ISMS-P");
    sub->add_option("requirement", args->requirement, "one requirement: numeric id or item code");
    sub->add_option("--code", args->codes, "mapping codes to add (repeatable, or CODE,CODE)")
        ->delimiter(',');
    sub->add_flag("--write", args->write,
                  "add the write actions of the checks' automatic fixes (dspm-audit fix --apply)");
    sub->add_flag("--details", args->all,
                  "print {codes, actions, documents, document_chars} instead of the documents");
    out.push_back(Command{sub, [args](const Settings& s) { return run_policy(*args, s); }});
}

}  // namespace dspm::app
