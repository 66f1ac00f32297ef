#pragma once
// A scripted AwsClient for unit tests: answers recorded documents or errors per
// "service:Operation" (optionally per parameter value and region), and counts every call.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "aws/client.hpp"
#include "aws/protocol.hpp"
#include "exec/loop.hpp"

namespace dspm::test {

class FakeAwsClient : public aws::AwsClient {
  public:
    using Result = Expected<boost::json::value, aws::AwsError>;
    using Handler =
        std::function<Result(const boost::json::object& params, const std::string& region)>;

    explicit FakeAwsClient(std::string region = "us-east-1") : region_(std::move(region)) {
        on("sts", "GetCallerIdentity",
           boost::json::parse(
               R"({"Account":"123456789012","Arn":"arn:aws:iam::123456789012:user/t"})"));
        // An account with one enabled region: the one asked (the engine asks in AWS_REGION).
        on("ec2", "DescribeRegions",
           [](const boost::json::object&, const std::string& region) -> Result {
               return boost::json::value{
                   {"Regions", boost::json::array{{{"RegionName", region},
                                                   {"Endpoint", "ec2." + region + ".amazonaws.com"},
                                                   {"OptInStatus", "opt-in-not-required"}}}}};
           });
    }

    void on(const std::string& service, const std::string& op, Handler h) {
        std::lock_guard lock(mutex_);
        handlers_[service + ":" + op] = std::move(h);
    }
    void on(const std::string& service, const std::string& op, boost::json::value doc) {
        on(service, op,
           [doc](const boost::json::object&, const std::string&) -> Result { return doc; });
    }
    void on_json(const std::string& service, const std::string& op, const char* text) {
        on(service, op, boost::json::parse(text));
    }
    static aws::AwsError error(aws::ErrorKind kind, std::string service, std::string op,
                               std::string code, std::string iam_action = {}) {
        aws::AwsError e;
        e.kind = kind;
        e.service = std::move(service);
        e.operation = std::move(op);
        e.code = std::move(code);
        e.message = "scripted failure";
        e.http_status = kind == aws::ErrorKind::permission_denied ? 403 : 400;
        e.iam_action = std::move(iam_action);
        return e;
    }
    void fail(const std::string& service, const std::string& op, aws::AwsError e) {
        on(service, op, [e](const boost::json::object&, const std::string& region) -> Result {
            auto copy = e;
            copy.region = region;
            return unexpected(copy);
        });
    }
    void deny(const std::string& service, const std::string& op, const std::string& iam_action) {
        fail(service, op,
             error(aws::ErrorKind::permission_denied, service, op, "AccessDenied", iam_action));
    }
    void set_delay(std::chrono::milliseconds d) { delay_ = d; }

    // One page, as AWS answers it: for an operation with a paginator, a scripted list of more
    // than one item is split in two pages (the first item, then the rest behind a token), so a
    // check that reads a list with `call` instead of `call_all_pages` loses items in its tests.
    Result call(std::string_view service, std::string_view operation,
                const boost::json::object& params, const aws::CallOptions& options = {}) override {
        const auto* model = aws::find_service(service);
        const auto pag = model ? aws::find_paginator(*model, operation) : std::nullopt;
        if (!pag || pag->input_tokens.size() != 1 || pag->output_tokens.size() != 1 ||
            pag->result_keys.size() != 1 || pag->output_tokens[0].find('.') != std::string::npos ||
            pag->result_keys[0].find('.') != std::string::npos)
            return dispatch(service, operation, params, options);
        const auto& in = pag->input_tokens[0];
        const auto& out = pag->output_tokens[0];
        const auto& key = pag->result_keys[0];
        const auto* token = params.if_contains(in);
        const bool second = token && token->is_string() && token->get_string() == kSecondPage;
        boost::json::object asked = params;
        if (second) asked.erase(in);
        auto doc = dispatch(service, operation, asked, options, second ? 2 : 1);
        if (!doc || !doc->is_object()) return doc;
        auto& o = doc->as_object();
        auto* items = o.if_contains(key);
        if (items == nullptr || !items->is_array() || items->as_array().size() < 2 ||
            o.contains(out))
            return doc;
        auto& arr = items->as_array();
        if (second) {
            arr.erase(arr.begin());
        } else {
            arr.erase(arr.begin() + 1, arr.end());
            o[out] = kSecondPage;
        }
        return doc;
    }
    static constexpr const char* kSecondPage = "fake-second-page";
    // Every page, as the real client reads them: page by page through call() (the fake's own
    // split and any token a handler answers), the lists merged and the token dropped; a repeated
    // token is the client's "pagination stopped early" error, so a handler can script it.
    Result call_all_pages(std::string_view service, std::string_view operation,
                          const boost::json::object& params,
                          const aws::CallOptions& options = {}) override {
        const auto* model = aws::find_service(service);
        const auto pag = model ? aws::find_paginator(*model, operation) : std::nullopt;
        if (!pag || pag->input_tokens.size() != 1 || pag->output_tokens.size() != 1 ||
            pag->result_keys.size() != 1 || pag->output_tokens[0].find('.') != std::string::npos ||
            pag->result_keys[0].find('.') != std::string::npos)
            return dispatch(service, operation, params, options);
        const auto& in = pag->input_tokens[0];
        const auto& out = pag->output_tokens[0];
        const auto& key = pag->result_keys[0];
        boost::json::object next = params;
        std::optional<boost::json::value> merged;
        std::set<std::string> seen;
        for (int page = 0;; ++page) {
            auto r = call(service, operation, next, options);
            if (!r || !r->is_object()) return r;
            auto& o = r->as_object();
            std::string token;
            if (const auto* t = o.if_contains(out); t != nullptr && t->is_string())
                token = std::string(t->get_string());
            o.erase(out);
            if (!merged) {
                merged = std::move(*r);
            } else if (const auto* more = o.if_contains(key); more && more->is_array()) {
                auto& into = merged->as_object()[key];
                if (!into.is_array()) into = boost::json::array{};
                for (const auto& item : more->as_array())
                    into.as_array().push_back(item);
            }
            if (token.empty()) return std::move(*merged);
            if (!seen.insert(token).second || page >= 1000) {
                auto e = error(aws::ErrorKind::malformed, std::string(service),
                               std::string(operation), "PaginationStopped");
                e.message = "pagination stopped early: the same next token was answered twice";
                return unexpected(std::move(e));
            }
            next[in] = token;
        }
    }
    std::string default_region() const override { return region_; }
    aws::CallStats stats() const override {
        std::lock_guard lock(mutex_);
        aws::CallStats s;
        s.calls = calls_.size();
        s.attempts = calls_.size();
        for (const auto& c : calls_)
            ++s.by_operation[c.op];
        return s;
    }

    struct Call {
        std::string op;  // "s3:GetBucketEncryption"
        std::string params;
        std::string region;
        int page = 1;  // 2: the second page of a list the fake split
    };
    std::vector<Call> calls() const {
        std::lock_guard lock(mutex_);
        return calls_;
    }
    std::size_t count(const std::string& op) const {
        std::lock_guard lock(mutex_);
        std::size_t n = 0;
        // A read of a list counts once, however many pages it took.
        for (const auto& c : calls_)
            n += c.op == op && c.page == 1;
        return n;
    }

  private:
    Result dispatch(std::string_view service, std::string_view operation,
                    const boost::json::object& params, const aws::CallOptions& options,
                    int page = 1) {
        const std::string key = std::string(service) + ":" + std::string(operation);
        const std::string region = options.region.empty() ? region_ : options.region;
        // The real client refuses an operation missing from the embedded models
        // (scripts/gen_aws_models.py), so a check tested only here would fail in use.
        const auto* model = aws::find_service(service);
        if (model == nullptr || !aws::has_operation(*model, operation)) {
            ADD_FAILURE() << key
                          << " is not in the embedded AWS models (scripts/gen_aws_models.py)";
            return unexpected(error(aws::ErrorKind::service, std::string(service),
                                    std::string(operation), "NotInModels"));
        }
        Handler h;
        {
            std::lock_guard lock(mutex_);
            calls_.push_back({key, boost::json::serialize(params), region, page});
            auto it = handlers_.find(key);
            if (it != handlers_.end()) h = it->second;
        }
        // Waits like a real answer does: a task of the run suspends, a plain thread sleeps.
        if (delay_.count() > 0) dspm::exec::sleep_for(delay_);
        if (!h) {
            return unexpected(error(aws::ErrorKind::service, std::string(service),
                                    std::string(operation), "NotScripted"));
        }
        return h(params, region);
    }

    std::string region_;
    mutable std::mutex mutex_;
    std::map<std::string, Handler> handlers_;
    std::vector<Call> calls_;
    std::chrono::milliseconds delay_{0};
};

}  // namespace dspm::test
