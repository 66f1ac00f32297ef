#include "org/unit.hpp"

#include <boost/json.hpp>

#include "aws/client.hpp"
#include "aws/client_options.hpp"
#include "aws/credentials.hpp"
#include "aws/regions.hpp"
#include "catalog/source.hpp"
#include "engine/engine.hpp"
#include "engine/factory.hpp"
#include "net/http_client.hpp"
#include "org/accounts.hpp"
#include "store/record.hpp"
#include "store/store.hpp"

namespace dspm::org {

namespace json = boost::json;

namespace {

json::array strings(const std::vector<std::string>& v) {
    json::array a;
    for (const auto& s : v)
        a.emplace_back(s);
    return a;
}

// Strings of a payload's array, each bounded, at most `most` of them.
Expected<std::vector<std::string>, std::string> string_list(const json::object& o, const char* key,
                                                            std::size_t most) {
    std::vector<std::string> out;
    const auto* v = o.if_contains(key);
    if (v == nullptr) return out;
    if (!v->is_array() || v->as_array().size() > most)
        return unexpected(std::string("payload: ") + key + " is not a short list");
    for (const auto& item : v->as_array()) {
        if (!item.is_string() || item.as_string().size() > 128)
            return unexpected(std::string("payload: ") + key + " holds a value that is not a name");
        out.emplace_back(item.as_string());
    }
    return out;
}

UnitOutcome failure(const UnitSpec& unit, const std::string& credentials, const std::string& role,
                    json::object error) {
    json::object o{{"account", unit.account},
                   {"name", unit.account_name},
                   {"status", "ERROR"},
                   {"credentials", credentials},
                   {"error", std::move(error)}};
    if (!role.empty()) o["role_arn"] = role;
    return {"ERROR", json::serialize(o)};
}

json::object aws_error(const aws::AwsError& e, std::string what) {
    json::object o{{"reason", std::move(what) + e.message}, {"kind", aws::to_string(e.kind)}};
    if (!e.code.empty()) o["code"] = e.code;
    if (!e.iam_action.empty()) o["iam_action"] = e.iam_action;
    return o;
}

}  // namespace

std::string unit_key(const UnitSpec& unit) {
    return "account/" + unit.account;
}

std::string to_payload(const UnitSpec& unit) {
    return json::serialize(json::object{{"framework", unit.framework},
                                        {"regions", strings(unit.regions)},
                                        {"checks", strings(unit.filter.checks)},
                                        {"services", strings(unit.filter.services)},
                                        {"severities", strings(unit.filter.severities)},
                                        {"account", unit.account},
                                        {"account_name", unit.account_name},
                                        {"store", unit.store}});
}

Expected<UnitSpec, std::string> parse_payload(const std::string& payload) {
    if (payload.size() > 64 * 1024) return unexpected(std::string("payload: too long"));
    boost::system::error_code ec;
    auto v = json::parse(payload, ec);
    if (ec || !v.is_object()) return unexpected(std::string("payload: not a JSON object"));
    const auto& o = v.as_object();
    const auto text = [&](const char* key) {
        const auto* s = o.if_contains(key);
        return s && s->is_string() ? std::string(s->as_string()) : std::string{};
    };
    UnitSpec unit;
    unit.framework = text("framework");
    unit.account = text("account");
    unit.account_name = text("account_name");
    if (unit.framework.empty() || unit.framework.size() > 64)
        return unexpected(std::string("payload: no framework"));
    if (!valid_account_id(unit.account))
        return unexpected(std::string("payload: account is not a 12-digit id"));
    if (unit.account_name.size() > 256) unit.account_name.resize(256);
    if (const auto* st = o.if_contains("store"); st && st->is_bool()) unit.store = st->as_bool();
    auto regions = string_list(o, "regions", aws::max_regions_per_run);
    if (!regions) return unexpected(regions.error());
    // The regions become part of host names: held to the same grammar as a request's.
    auto valid = aws::validate_regions(*regions);
    if (!valid) return unexpected("payload: " + valid.error());
    unit.regions = std::move(*valid);
    for (auto [key, out] :
         {std::pair{"checks", &unit.filter.checks}, std::pair{"services", &unit.filter.services},
          std::pair{"severities", &unit.filter.severities}}) {
        auto list = string_list(o, key, 512);
        if (!list) return unexpected(list.error());
        *out = std::move(*list);
    }
    return unit;
}

UnitRunner::UnitRunner(Settings settings, std::shared_ptr<net::HttpClient> http,
                       std::shared_ptr<catalog::CatalogSource> catalog,
                       std::shared_ptr<store::RunStore> runs)
    : settings_(std::move(settings)),
      http_(std::move(http)),
      catalog_(std::move(catalog)),
      runs_(std::move(runs)) {
    settings_.aws_region = engine::effective_region(settings_);
    aws::CredentialsOptions options;
    options.env = aws::process_env();
    options.http = http_;
    options.region = settings_.aws_region;
    caller_credentials_ = std::make_shared<aws::CredentialsProvider>(std::move(options));
    caller_aws_ = engine::make_engine_aws_client(settings_, http_, caller_credentials_);
}

UnitRunner::Caller UnitRunner::caller() {
    std::lock_guard lock(mutex_);
    if (caller_ && caller_->error.empty()) return *caller_;
    Caller c;
    auto who = caller_aws_->call("sts", "GetCallerIdentity", {});
    if (!who) {
        c.error = who.error().message;
    } else if (who->is_object()) {
        const auto& o = who->as_object();
        if (const auto* a = o.if_contains("Account"); a && a->is_string())
            c.account = a->as_string();
        if (const auto* a = o.if_contains("Arn"); a && a->is_string()) c.arn = a->as_string();
    }
    if (c.error.empty() && !valid_account_id(c.account))
        c.error = "sts:GetCallerIdentity answered no account";
    caller_ = c;
    return c;
}

UnitOutcome UnitRunner::run(const UnitSpec& unit, const std::atomic<bool>* stop) {
    const Caller me = caller();
    if (!me.error.empty())
        return failure(unit, "none", "",
                       json::object{{"reason", "the caller's credentials: " + me.error},
                                    {"iam_action", "sts:GetCallerIdentity"}});
    std::shared_ptr<aws::AwsClient> aws;
    std::string credentials = "caller";
    std::string role;
    if (unit.account == me.account) {
        aws = caller_aws_;
    } else {
        credentials = "assume-role";
        role = role_arn(partition_of(me.arn), unit.account, settings_.audit_role_name);
        aws::CredentialsOptions options;
        options.env = aws::process_env();
        options.http = http_;
        options.region = settings_.aws_region;
        options.assume_role =
            aws::AssumeRoleSource{caller_credentials_, role, settings_.audit_role_external_id,
                                  settings_.audit_role_session_name};
        aws = engine::make_engine_aws_client(
            settings_, http_, std::make_shared<aws::CredentialsProvider>(std::move(options)));
    }
    // Reached before anything is planned: a role that cannot be assumed is this account's ERROR
    // with STS's own reason, and a role answering for another account is refused.
    auto who = aws->call("sts", "GetCallerIdentity", {});
    if (!who)
        return failure(unit, credentials, role,
                       aws_error(who.error(), credentials == "caller"
                                                  ? std::string()
                                                  : "role " + role + " cannot be assumed: "));
    const auto* seen = who->is_object() ? who->as_object().if_contains("Account") : nullptr;
    if (seen == nullptr || !seen->is_string() || seen->as_string() != unit.account)
        return failure(
            unit, credentials, role,
            json::object{{"reason", "the credentials for account " + unit.account +
                                        " answer for another account (" +
                                        (seen && seen->is_string() ? std::string(seen->as_string())
                                                                   : std::string("none")) +
                                        ")"}});
    auto engine = engine::make_engine(settings_, http_, catalog_, aws);
    auto plan = engine->plan(unit.framework, std::nullopt);
    if (!plan)
        return failure(unit, credentials, role,
                       json::object{{"reason", "the catalog failed: " + plan.error().detail}});
    if (!unit.filter.empty() && engine::apply_filter(*plan, unit.filter) == 0)
        return failure(
            unit, credentials, role,
            json::object{{"reason", "no requirement is checked by the selected checks"}});
    engine::RunOptions options;
    options.regions = unit.regions;
    options.stop = stop;
    const auto run = engine->run(*plan, options);
    json::object head{{"account", unit.account},
                      {"name", unit.account_name},
                      {"status", engine::to_string(run.summary.status)},
                      {"credentials", credentials}};
    if (!role.empty()) head["role_arn"] = role;
    if (run.summary.cancelled) head["cancelled"] = true;
    std::string answer;
    if (runs_ && unit.store) {
        // Each account is a run of its own in the history: `runs list --account`, diffs against
        // that account's previous run, reports.
        const auto id = store::new_run_id(run.summary.started_at);
        auto record =
            store::make_record(run, id, engine::all_response_text(run, store::run_id_member(id)));
        if (auto saved = runs_->save(record); saved) {
            head["run_id"] = id;
            answer = std::move(record.answer);
        } else {
            head["run_stored"] = false;
            head["store_error"] = saved.error();
            answer = engine::all_response_text(run, store::store_failure_members(saved.error()));
        }
    } else {
        answer = engine::all_response_text(run);
    }
    std::string out = json::serialize(head);
    out.pop_back();
    out += ",\"answer\":";
    out += answer;
    out += '}';
    return {std::string(engine::to_string(run.summary.status)), std::move(out)};
}

}  // namespace dspm::org
