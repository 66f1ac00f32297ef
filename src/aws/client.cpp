#include "aws/client.hpp"

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <cstdint>
#include <ctime>
#include <iomanip>
#include <locale>
#include <mutex>
#include <pugixml.hpp>
#include <set>
#include <sstream>

#include "aws/client_options.hpp"
#include "aws/endpoints.hpp"
#include "aws/iam_actions.hpp"
#include "aws/protocol.hpp"
#include "aws/regions.hpp"
#include "aws/retry.hpp"
#include "aws/sigv4.hpp"
#include "common/log.hpp"
#include "net/http_client.hpp"

namespace dspm::aws {
namespace {

using SteadyClock = std::chrono::steady_clock;
namespace json = boost::json;

bool contains(std::string_view s, std::string_view part) {
    return s.find(part) != std::string_view::npos;
}

std::string query_string(const std::vector<std::pair<std::string, std::string>>& query) {
    std::string out;
    for (const auto& [k, v] : query) {
        out += out.empty() ? "?" : "&";
        out += uri_encode(k, true);
        if (!v.empty()) out += "=" + uri_encode(v, true);
    }
    return out;
}

// "DistributionList.NextMarker", "Contents[-1].Key" → the value, or nullptr.
const json::value* get_path(const json::value& doc, std::string_view path) {
    const json::value* cur = &doc;
    std::size_t i = 0;
    while (i < path.size() && cur != nullptr) {
        if (path[i] == '.') {
            ++i;
            continue;
        }
        if (path[i] == '[') {
            const auto close = path.find(']', i);
            if (close == std::string_view::npos || !cur->is_array()) return nullptr;
            const long idx = std::stol(std::string(path.substr(i + 1, close - i - 1)));
            const auto& arr = cur->as_array();
            const long n = static_cast<long>(arr.size());
            const long at = idx < 0 ? n + idx : idx;
            if (at < 0 || at >= n) return nullptr;
            cur = &arr[static_cast<std::size_t>(at)];
            i = close + 1;
            continue;
        }
        const auto end = std::min(path.find_first_of(".[", i), path.size());
        if (!cur->is_object()) return nullptr;
        cur = cur->as_object().if_contains(path.substr(i, end - i));
        i = end;
    }
    return cur;
}

json::value* get_path_mut(json::value& doc, std::string_view path) {
    return const_cast<json::value*>(get_path(doc, path));
}

void erase_path(json::value& doc, std::string_view path) {
    const auto dot = path.rfind('.');
    json::value* parent =
        dot == std::string_view::npos ? &doc : get_path_mut(doc, path.substr(0, dot));
    if (parent && parent->is_object())
        parent->as_object().erase(dot == std::string_view::npos ? path : path.substr(dot + 1));
}

// botocore's "A || B" output tokens: the first present, non-empty alternative.
const json::value* token_value(const json::value& doc, std::string_view expr) {
    std::size_t pos = 0;
    while (pos <= expr.size()) {
        auto bar = expr.find("||", pos);
        if (bar == std::string_view::npos) bar = expr.size();
        std::string_view alt = expr.substr(pos, bar - pos);
        while (!alt.empty() && alt.front() == ' ')
            alt.remove_prefix(1);
        while (!alt.empty() && alt.back() == ' ')
            alt.remove_suffix(1);
        const auto* v = get_path(doc, alt);
        if (v && !v->is_null() && !(v->is_string() && v->as_string().empty())) return v;
        pos = bar + 2;
    }
    return nullptr;
}

// The grammar a region taken from an S3 answer must have before it may steer a request:
// ^[a-z]{2}(-[a-z]+)+-\d+$ (further narrowed by partition_for_region).
bool region_grammar(std::string_view r) {
    std::vector<std::string_view> parts;
    for (std::size_t start = 0;;) {
        const auto dash = r.find('-', start);
        parts.push_back(r.substr(start, dash == std::string_view::npos ? dash : dash - start));
        if (dash == std::string_view::npos) break;
        start = dash + 1;
    }
    const auto lower = [](std::string_view w) {
        return !w.empty() &&
               std::all_of(w.begin(), w.end(), [](char c) { return c >= 'a' && c <= 'z'; });
    };
    if (parts.size() < 3 || parts.front().size() != 2 || !lower(parts.front())) return false;
    for (std::size_t i = 1; i + 1 < parts.size(); ++i)
        if (!lower(parts[i])) return false;
    const auto last = parts.back();
    return !last.empty() &&
           std::all_of(last.begin(), last.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A bucket region S3 named (header, error body) is followed only inside the partition the client
// already talks to: an answer must not move signed requests to another partition's hosts.
bool acceptable_bucket_region(std::string_view candidate, std::string_view current) {
    if (!region_grammar(candidate)) return false;
    const PartitionInfo* to = partition_for_region(candidate);
    return to != nullptr && to == partition_for_region(current);
}

// A child of S3's <Error> element ("Region", "Endpoint"), or empty.
std::string s3_error_field(std::string_view body, const char* name) {
    if (body.empty()) return {};
    pugi::xml_document doc;
    if (!doc.load_buffer(body.data(), body.size())) return {};
    return doc.child("Error").child_value(name);
}

// The region inside an S3 host name from an <Endpoint> element: "b.s3.eu-west-1.amazonaws.com",
// "b.s3-eu-west-1.amazonaws.com". Only the region is used; the host itself is never followed.
std::string region_of_s3_host(std::string_view host) {
    std::vector<std::string_view> labels;
    for (std::size_t start = 0;;) {
        const auto dot = host.find('.', start);
        labels.push_back(host.substr(start, dot == std::string_view::npos ? dot : dot - start));
        if (dot == std::string_view::npos) break;
        start = dot + 1;
    }
    for (std::size_t i = 0; i < labels.size(); ++i) {
        std::string_view candidate;
        if (labels[i] == "s3" && i + 1 < labels.size()) candidate = labels[i + 1];
        if (labels[i].starts_with("s3-")) candidate = labels[i].substr(3);
        if (region_grammar(candidate)) return std::string(candidate);
    }
    return {};
}

// An HTTP Date header ("Tue, 15 Nov 1994 08:12:31 GMT").
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text) {
    std::tm tm{};
    std::istringstream in{std::string(text)};
    in.imbue(std::locale::classic());
    in >> std::get_time(&tm, "%a, %d %b %Y %H:%M:%S");
    if (in.fail()) return std::nullopt;
    const std::time_t t = timegm(&tm);
    if (t == static_cast<std::time_t>(-1)) return std::nullopt;
    return std::chrono::system_clock::from_time_t(t);
}

// AWS accepts a signature within 5 minutes (S3: 15) of its clock; a server clock further than
// this from the signing time explains a rejected signature.
constexpr std::chrono::minutes clock_skew_threshold{4};

// The error codes AWS rejects a signing time with (SignatureDoesNotMatch only together with a
// server clock that explains it, see skewed_server_time).
bool may_reject_signing_time(const WireError& err) {
    const std::string& code = err.code;
    if (code == "RequestTimeTooSkewed" || code == "RequestExpired" ||
        code == "SignatureDoesNotMatch" || code == "RequestInTheFuture")
        return true;
    // A JSON service says InvalidSignatureException for every bad signature; only these messages
    // are about time.
    return code == "InvalidSignatureException" &&
           (contains(err.message, "Signature expired") ||
            contains(err.message, "not yet current") || contains(err.message, "skew"));
}

// The answer rejected the request's signing time: one of those codes, with the server's clock
// (Date) far enough from the time we signed with.
std::optional<std::chrono::system_clock::time_point> skewed_server_time(
    const WireError& err, const net::HttpResponse& resp,
    std::chrono::system_clock::time_point signed_at) {
    if (!may_reject_signing_time(err)) return std::nullopt;
    const auto date = resp.header("Date");
    if (!date) return std::nullopt;
    const auto server = parse_http_date(*date);
    if (!server) return std::nullopt;
    const auto diff = *server > signed_at ? *server - signed_at : signed_at - *server;
    if (diff <= clock_skew_threshold) return std::nullopt;
    return server;
}

}  // namespace

ErrorKind classify_error(int status, std::string_view code) {
    if (code == "AccessDenied" || code == "AccessDeniedException" ||
        code == "UnauthorizedOperation" || code == "AuthorizationError" ||
        code == "AllAccessDisabled" || code == "UnauthorizedAccess" ||
        code == "AuthorizationErrorException" || code == "Forbidden" ||
        (code.empty() && status == 403))
        return ErrorKind::permission_denied;
    if (code == "InvalidClientTokenId" || code == "SignatureDoesNotMatch" ||
        code == "ExpiredToken" || code == "ExpiredTokenException" ||
        code == "UnrecognizedClientException" || code == "InvalidAccessKeyId" ||
        code == "AuthFailure" || code == "InvalidToken" || code == "RequestExpired" ||
        code == "InvalidSignatureException" || code == "MissingAuthenticationToken" ||
        code == "IncompleteSignature" || code == "InvalidSecurity")
        return ErrorKind::invalid_credentials;
    if (is_throttling_code(code) || status == 429) return ErrorKind::throttled;
    if (code.starts_with("NoSuch") || contains(code, "NotFound") ||
        code == "ResourceNotFoundException" || code == "AWSOrganizationsNotInUseException" ||
        (code.empty() && status == 404))
        return ErrorKind::not_found;
    if (code == "ValidationException" || code == "ValidationError" ||
        code == "InvalidParameterValue" || code == "InvalidParameterCombination" ||
        code == "MissingParameter" || code == "InvalidRequest" || code == "InvalidInput" ||
        code == "SerializationException" || code == "InvalidAction" ||
        code == "InvalidParameterException" || code == "InvalidArgument" ||
        code == "MalformedPolicyDocument" || code.starts_with("Invalid"))
        return ErrorKind::invalid_request;
    return ErrorKind::service;
}

namespace {

bool adaptive_rate(const AwsClientConfig& config, const EnvLookup& env) {
    if (const char* mode = env ? env("AWS_RETRY_MODE") : nullptr) {
        const std::string m(mode);
        if (m == "adaptive") return true;
        if (m == "standard" || m == "legacy") return false;
    }
    return config.adaptive_rate;
}

class Client final : public AwsClient {
  public:
    Client(AwsClientConfig config, std::shared_ptr<net::HttpClient> http, ClientTuning tuning)
        : config_(std::move(config)),
          http_(std::move(http)),
          env_(tuning.env ? tuning.env : process_env()),
          credentials_(tuning.credentials),
          retry_(make_retry(tuning)),
          limiter_(config_.max_requests_per_second_per_operation, adaptive_rate(config_, env_)),
          max_pages_(tuning.max_pages) {
        if (const char* ca = env_("AWS_CA_BUNDLE"); ca != nullptr) ca_bundle_ = ca;
        if (!credentials_) {
            CredentialsOptions o;
            o.env = env_;
            o.http = http_;
            o.region = config_.region;
            credentials_ = std::make_shared<CredentialsProvider>(std::move(o));
        }
    }

    Expected<json::value, AwsError> call(std::string_view service, std::string_view operation,
                                         const json::object& params,
                                         const CallOptions& options) override {
        return call_impl(service, operation, params, options, true);
    }

    Expected<json::value, AwsError> call_all_pages(std::string_view service,
                                                   std::string_view operation,
                                                   const json::object& params,
                                                   const CallOptions& options) override {
        const ServiceModel* model = find_service(service);
        std::optional<Paginator> pag;
        if (model) pag = find_paginator(*model, operation);
        if (!pag || pag->input_tokens.empty()) return call(service, operation, params, options);

        // A list that stops early would read as complete (a bucket, a user, a key missing from
        // the evidence), so every way of stopping early is an error instead.
        const auto stopped = [&](const std::string& why) {
            AwsError e;
            e.kind = ErrorKind::malformed;
            e.service = std::string(service);
            e.operation = std::string(operation);
            e.iam_action = iam_action(service, operation);
            e.region = options.region.empty() ? config_.region : options.region;
            e.message = std::string(service) + ":" + std::string(operation) +
                        " pagination stopped early: " + why + "; the list would be incomplete";
            log::warn("pagination stopped early",
                      {{"service", service}, {"operation", operation}, {"reason", why}});
            return unexpected(std::move(e));
        };
        json::object page_params = params;
        std::optional<json::value> acc;
        std::set<std::vector<std::string>> seen_tokens;
        for (int page = 0;; ++page) {
            auto r = call(service, operation, page_params, options);
            if (!r) return r;
            json::value& doc = *r;
            if (!acc) {
                acc = doc;
            } else {
                for (const auto& key : pag->result_keys) {
                    const json::value* more = get_path(doc, key);
                    if (!more || !more->is_array()) continue;
                    json::value* into = get_path_mut(*acc, key);
                    if (into && into->is_array()) {
                        for (const auto& item : more->as_array())
                            into->as_array().push_back(item);
                    } else if (!key.empty() && key.find('.') == std::string::npos &&
                               acc->is_object()) {
                        (*acc).as_object()[key] = *more;
                    }
                }
            }
            // The paginator's truncation flag (IsTruncated, Truncated, HasMoreStreams ...), when
            // it has one, decides; the next token alone otherwise (as in botocore).
            std::optional<bool> truncated;
            if (!pag->more_results.empty()) {
                const auto* m = get_path(doc, pag->more_results);
                truncated = m && m->is_bool() && m->as_bool();
            }
            std::vector<std::string> tokens;
            bool any = false;
            for (std::size_t i = 0; i < pag->output_tokens.size(); ++i) {
                const auto* t = token_value(doc, pag->output_tokens[i]);
                tokens.push_back(t ? json::serialize(*t) : "");
                if (t) any = true;
            }
            if (truncated == false) break;
            if (!any) {
                if (truncated == true)
                    return stopped(pag->more_results + " is true but the answer has no " +
                                   pag->output_tokens.front() + " to continue from (page " +
                                   std::to_string(page + 1) + ")");
                break;
            }
            if (!seen_tokens.insert(tokens).second)
                return stopped("the same next token (" + printable(tokens.front(), 48) +
                               ") was answered twice (page " + std::to_string(page + 1) + ")");
            if (page + 1 >= max_pages_)
                return stopped("more than " + std::to_string(max_pages_) + " pages");
            for (std::size_t i = 0; i < pag->input_tokens.size() && i < pag->output_tokens.size();
                 ++i) {
                const auto* t = token_value(doc, pag->output_tokens[i]);
                if (t) {
                    page_params[pag->input_tokens[i]] = *t;
                } else {
                    page_params.erase(pag->input_tokens[i]);
                }
            }
        }
        // The aggregated document reads as one answer: no continuation tokens left in it.
        for (const auto& t : pag->output_tokens)
            if (t.find("||") == std::string::npos && t.find('[') == std::string::npos)
                erase_path(*acc, t);
        if (!pag->more_results.empty()) {
            if (auto* m = get_path_mut(*acc, pag->more_results)) *m = false;
        }
        return std::move(*acc);
    }

    std::string default_region() const override { return config_.region; }

    CallStats stats() const override {
        std::lock_guard lock(stats_mutex_);
        return stats_;
    }

  private:
    static RetryPolicy make_retry(const ClientTuning& t) {
        return RetryPolicy(t.retry ? *t.retry : RetryConfig{});
    }

    int max_attempts() const { return std::max(1, retry_.config().max_attempts); }

    // One retry quota per service and region, as botocore has one per client.
    static std::string quota_key(const std::string& service, const std::string& region) {
        return service + "/" + region;
    }

    std::chrono::milliseconds clock_offset() const {
        return std::chrono::milliseconds(clock_offset_ms_.load());
    }

    // botocore's conditions for an S3 answer from the wrong region.
    static bool wrong_s3_region(const net::HttpResponse& resp, const std::string& code,
                                const std::string& operation, const std::string& region) {
        const bool head = operation == "HeadObject" || operation == "HeadBucket";
        const auto bucket_region = resp.header("x-amz-bucket-region");
        return resp.status == 301 || resp.status == 302 || resp.status == 307 ||
               code == "PermanentRedirect" || code == "AuthorizationHeaderMalformed" ||
               (code == "IllegalLocationConstraintException" && operation != "CreateBucket") ||
               (head && resp.status == 400 && bucket_region) ||
               (resp.status == 400 && bucket_region && *bucket_region != region);
    }

    std::optional<std::string> cached_bucket_region(const std::string& bucket) {
        std::lock_guard lock(region_mutex_);
        auto it = bucket_regions_.find(bucket);
        if (it == bucket_regions_.end()) return std::nullopt;
        return it->second;
    }
    void remember_bucket_region(const std::string& bucket, const std::string& region) {
        if (bucket.empty() || region.empty()) return;
        std::lock_guard lock(region_mutex_);
        bucket_regions_[bucket] = region;
    }

    std::string lookup_bucket_region(const std::string& bucket) {
        const std::string home = global_region_of(config_.region);
        auto r = call_impl("s3", "GetBucketLocation", {{"Bucket", bucket}}, {home}, false);
        if (!r) return {};
        const auto* lc = get_path(*r, "LocationConstraint");
        if (!lc || lc->is_null() || (lc->is_string() && lc->as_string().empty())) return home;
        if (!lc->is_string()) return {};
        std::string region(lc->as_string());
        if (region == "EU") return "eu-west-1";
        // The answer steers later requests' hosts: only a valid region is remembered.
        return valid_region_name(region) ? region : std::string();
    }

    Expected<json::value, AwsError> call_impl(std::string_view service_sv,
                                              std::string_view operation_sv,
                                              const json::object& params,
                                              const CallOptions& options, bool follow_region) {
        const std::string service(service_sv), operation(operation_sv);
        std::string region = options.region.empty() ? config_.region : options.region;
        AwsError base;
        base.service = service;
        base.operation = operation;
        base.iam_action = iam_action(service, operation);
        base.region = region;
        auto fail = [&](ErrorKind kind, std::string message) {
            AwsError e = base;
            e.kind = kind;
            e.message = std::move(message);
            return unexpected(std::move(e));
        };
        {
            std::lock_guard lock(stats_mutex_);
            ++stats_.calls;
            ++stats_.by_operation[service + ":" + operation];
        }
        const ServiceModel* model = find_service(service);
        if (!model) return fail(ErrorKind::invalid_request, "unknown service " + service);
        if (!has_operation(*model, operation))
            return fail(ErrorKind::invalid_request,
                        "operation " + operation + " is not in the model of " + service);
        // AWS reads an empty identifier as "no filter" (DescribeDBInstances with
        // DBInstanceIdentifier= lists every instance): a per-resource read never goes out without
        // its resource's name.
        for (const auto& [name, value] : params) {
            if (!options.allow_empty_values && value.is_string() && value.get_string().empty())
                return fail(ErrorKind::invalid_request,
                            "empty " + std::string(name) + ": not sent (an empty identifier " +
                                "would read every resource instead of one)");
        }
        auto wire = serialize_request(*model, operation, params);
        if (!wire) return fail(ErrorKind::invalid_request, wire.error());
        const ServiceInfo info = service_info(*model);

        std::string account_id;
        if (service == "s3control") {
            if (const auto* a = params.if_contains("AccountId"); a && a->is_string())
                account_id = std::string(a->as_string());
        }
        if (service == "s3" && !wire->bucket.empty()) {
            if (auto r = cached_bucket_region(wire->bucket)) region = *r;
        }

        const auto started = SteadyClock::now();
        const int attempts_allowed = max_attempts();
        int attempt = 0;
        int last_cost = 0;
        std::string last_quota_key;
        bool region_redirected = false;
        bool skew_corrected = false;
        // The offset this call set and the one it replaced: a correction that did not help is
        // taken back (a wrong Date, e.g. from a proxy, must not skew every later signature).
        std::optional<std::pair<std::int64_t, std::int64_t>> skew_change;
        AwsError last = base;
        while (true) {
            ++attempt;
            base.region = region;
            last = base;
            last.attempts = attempt;
            auto creds = credentials_->get();
            if (!creds) {
                AwsError e = creds.error();
                e.service = service;
                e.operation = operation;
                // A denied AssumeRole names sts:AssumeRole: that, not the check's action, is
                // the permission to grant.
                if (e.iam_action.empty()) e.iam_action = base.iam_action;
                e.region = region;
                e.attempts = attempt;
                return unexpected(std::move(e));
            }
            auto resolved = resolve_endpoint({service, info.endpoint_prefix, info.signing_name,
                                              region, wire->bucket, account_id},
                                             env_);
            if (!resolved) return fail(ErrorKind::invalid_request, resolved.error());
            const Endpoint& ep = *resolved;
            std::string path =
                ep.s3_virtual_host ? s3_virtual_path(wire->path, wire->bucket) : wire->path;
            if (path.empty() || path[0] != '/') path = "/" + path;
            // An override URL with a base path ("http://host/prefix") prefixes every request.
            const auto scheme_end = ep.base_url.find("://");
            const auto base_path_at = ep.base_url.find('/', scheme_end + 3);
            std::string full_path = path;
            if (base_path_at != std::string::npos)
                full_path = ep.base_url.substr(base_path_at) + path;
            const std::string origin = ep.base_url.substr(0, base_path_at);

            SigningRequest sreq;
            sreq.method = wire->method;
            sreq.path = full_path;
            sreq.query = wire->query;
            sreq.headers = wire->headers;
            sreq.headers.emplace_back("Host", ep.host);
            sreq.body = wire->body;
            SigningParams sp;
            sp.region = ep.signing_region;
            sp.service = ep.signing_name.empty() ? info.signing_name : ep.signing_name;
            sp.time = std::chrono::system_clock::now() + clock_offset();
            sp.s3_rules = sp.service == "s3";
            const SigningResult signed_req = sign(sreq, *creds, sp);

            net::HttpRequest req;
            req.method = wire->method;
            req.url = origin + full_path + query_string(wire->query);
            req.headers = signed_req.headers;
            req.body = wire->body;
            req.path_as_is = true;  // signed as is (S3); libcurl must not remove dot segments
            req.ca_file = ca_bundle_;
            const auto elapsed =
                std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - started);
            const auto remaining = config_.total_timeout - elapsed;
            req.total_timeout = std::max(std::chrono::milliseconds(1),
                                         std::min(config_.attempt_timeout, remaining));

            std::string limiter_key(service);
            limiter_key += ':';
            limiter_key += operation;
            limiter_key += '/';
            limiter_key += region;
            limiter_.acquire(limiter_key, retry_.config().sleeper);
            {
                std::lock_guard lock(stats_mutex_);
                ++stats_.attempts;
                if (attempt > 1) ++stats_.retries;
            }
            auto resp =
                http_ ? http_->send(req)
                      : Expected<net::HttpResponse, net::TransportError>(unexpected(
                            net::TransportError{net::TransportErrorKind::other, "no HTTP client"}));
            RetryClass cls = RetryClass::none;
            if (!resp) {
                cls = classify_attempt(0, "", &resp.error());
                last.kind = resp.error().kind == net::TransportErrorKind::timeout
                                ? ErrorKind::timeout
                                : ErrorKind::network;
                last.message =
                    std::string(net::to_string(resp.error().kind)) + ": " + resp.error().message;
                if (!ca_bundle_.empty() && contains(resp.error().message, "CA bundle"))
                    last.message += " (AWS_CA_BUNDLE)";
            } else {
                if (service == "s3" && !wire->bucket.empty()) {
                    if (auto br = resp->header("x-amz-bucket-region");
                        br && acceptable_bucket_region(*br, region))
                        remember_bucket_region(wire->bucket, *br);
                }
                auto parsed =
                    parse_response(*model, operation, resp->status, resp->headers, resp->body);
                if (parsed) {
                    if (resp->status >= 200 && resp->status < 300) {
                        retry_.on_success(last_cost, last_quota_key.empty()
                                                         ? quota_key(service, region)
                                                         : last_quota_key);
                        limiter_.on_success(limiter_key);
                        return std::move(*parsed);
                    }
                }
                const WireError werr =
                    parsed ? WireError{"", "unexpected HTTP status", ""} : parsed.error();
                last.http_status = resp->status;
                last.code = werr.code;
                last.message = werr.message;
                last.request_id = werr.request_id;
                if (resp->status >= 200 && resp->status < 300) {
                    last.kind = ErrorKind::malformed;
                    if (last.message.empty()) last.message = "the answer could not be parsed";
                    return unexpected(std::move(last));
                }
                last.kind = classify_error(resp->status, werr.code);
                if (last.message.empty())
                    last.message = "HTTP " + std::to_string(resp->status) +
                                   (werr.code.empty() ? "" : " " + werr.code);

                // The signing time was rejected and the server's clock explains it: sign with
                // the server's time from now on (every later call too), and try once more.
                if (skew_change && may_reject_signing_time(werr)) {
                    auto expected = skew_change->first;
                    clock_offset_ms_.compare_exchange_strong(expected, skew_change->second);
                    skew_change.reset();
                }
                if (!skew_corrected) {
                    if (const auto server = skewed_server_time(werr, *resp, sp.time)) {
                        const auto offset = std::chrono::duration_cast<std::chrono::milliseconds>(
                            *server - std::chrono::system_clock::now());
                        skew_change.emplace(offset.count(),
                                            clock_offset_ms_.exchange(offset.count()));
                        skew_corrected = true;
                        log::warn("local clock differs from AWS; signing with the server's time",
                                  {{"service", service},
                                   {"code", werr.code},
                                   {"offset_s", offset.count() / 1000}});
                        continue;
                    }
                }

                // S3 answered from the wrong region: re-sign for the bucket's region and try once
                // there (botocore's S3RegionRedirectorv2). The host is built from that region (or
                // stays the endpoint override); a Location or Endpoint host is never followed.
                if (service == "s3" && !wire->bucket.empty() && follow_region &&
                    !region_redirected && wrong_s3_region(*resp, werr.code, operation, region)) {
                    region_redirected = true;
                    std::string right;
                    if (auto br = resp->header("x-amz-bucket-region")) right = *br;
                    if (right.empty()) right = s3_error_field(resp->body, "Region");
                    if (right.empty())
                        right = region_of_s3_host(s3_error_field(resp->body, "Endpoint"));
                    if (right.empty()) right = lookup_bucket_region(wire->bucket);
                    if (!right.empty() && right != region) {
                        if (acceptable_bucket_region(right, region)) {
                            remember_bucket_region(wire->bucket, right);
                            region = right;
                            continue;
                        }
                        last.message += " (the redirect to region \"" + printable(right) +
                                        "\" was not followed: not a region of the partition of " +
                                        region + ")";
                    }
                }
                cls = classify_attempt(resp->status, werr.code, nullptr);
                if (is_throttling_code(werr.code) || resp->status == 429) {
                    limiter_.on_throttled(limiter_key);
                }
            }
            int cost = 0;
            const std::string qkey = quota_key(service, region);
            auto delay = attempt < attempts_allowed ? retry_.next_delay(attempt, cls, &cost, qkey)
                                                    : std::nullopt;
            if (!delay) break;
            const auto spent =
                std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - started);
            if (spent + *delay >= config_.total_timeout) {
                last.kind = ErrorKind::timeout;
                last.message = "total timeout reached after " + std::to_string(attempt) +
                               " attempts: " + last.message;
                break;
            }
            last_cost = cost;
            last_quota_key = qkey;
            retry_.sleep(*delay);
        }
        if (last.kind == ErrorKind::service && is_throttling_code(last.code))
            last.kind = ErrorKind::throttled;
        log::debug("aws call failed", {{"service", service},
                                       {"operation", operation},
                                       {"kind", to_string(last.kind)},
                                       {"code", last.code},
                                       {"attempts", attempt}});
        return unexpected(std::move(last));
    }

    AwsClientConfig config_;
    std::shared_ptr<net::HttpClient> http_;
    EnvLookup env_;
    std::shared_ptr<CredentialsProvider> credentials_;
    RetryPolicy retry_;
    RateLimiter limiter_;
    int max_pages_;
    std::string ca_bundle_;  // AWS_CA_BUNDLE
    // Server time minus local time, learned from answers that rejected our signing time.
    std::atomic<std::int64_t> clock_offset_ms_{0};
    mutable std::mutex stats_mutex_;
    CallStats stats_;
    std::mutex region_mutex_;
    std::map<std::string, std::string> bucket_regions_;
};

}  // namespace

std::shared_ptr<AwsClient> make_aws_client(AwsClientConfig config,
                                           std::shared_ptr<net::HttpClient> http,
                                           ClientTuning tuning) {
    if (!tuning.env) tuning.env = process_env();
    if (!tuning.retry) {
        RetryConfig r;
        r.max_attempts = config.max_attempts;
        // AWS_MAX_ATTEMPTS wins over the configured default, as in the AWS CLI.
        if (const char* v = tuning.env("AWS_MAX_ATTEMPTS")) {
            try {
                if (const int n = std::stoi(v); n >= 1) r.max_attempts = n;
            } catch (const std::exception&) {
            }
        }
        tuning.retry = r;
    }
    return std::make_shared<Client>(std::move(config), std::move(http), std::move(tuning));
}

std::shared_ptr<AwsClient> make_aws_client(AwsClientConfig config,
                                           std::shared_ptr<net::HttpClient> http) {
    return make_aws_client(std::move(config), std::move(http), ClientTuning{});
}

}  // namespace dspm::aws
